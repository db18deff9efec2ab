import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import golden from "../vectors/golden.json";
import {
  HASH_TAGS,
  attestationUid,
  batchProof,
  buildBatchTree,
  buildSignedBatch,
  canonicalJson,
  claimDigest,
  domainSeparator,
  fileDigest,
  leafHash,
  lotCommitment,
  metadataDigest,
  schemaId,
  signedLeafHash,
  structHash,
  typeHash,
  typeString,
  typedDataDigest,
  verifyBatchProof,
  type Eip712Domain,
  type AnyTypedData,
  type PrimaryType,
} from "../../sdk";

describe("sdk golden vectors (TypeScript side)", function () {
  it("should derive each type tag as keccak256 of its label", function () {
    for (const [kind, { label, hash }] of Object.entries(golden.tags)) {
      expect(keccak256(toUtf8Bytes(label)), kind).to.equal(hash);
      expect(HASH_TAGS[kind as keyof typeof HASH_TAGS]).to.equal(hash);
    }
  });

  it("should produce the documented EIP-712 type strings and hashes", function () {
    for (const [type, { typeString: expected, hash }] of Object.entries(golden.typeHashes)) {
      expect(typeString(type as PrimaryType)).to.equal(expected);
      expect(typeHash(type as PrimaryType)).to.equal(hash);
      expect(keccak256(toUtf8Bytes(expected))).to.equal(hash);
    }
  });

  it("should reproduce every digest", function () {
    for (const v of golden.claims) {
      expect(canonicalJson(v.claim)).to.equal(v.canonicalJson);
      expect(claimDigest(v.claim, v.salt)).to.equal(v.digest);
    }
    for (const v of golden.files) expect(fileDigest(v.bytes)).to.equal(v.digest);
    for (const v of golden.lotRecords) {
      expect(canonicalJson(v.record)).to.equal(v.canonicalJson);
      expect(lotCommitment(v.record, v.salt)).to.equal(v.commitment);
    }
    for (const v of golden.schemas) expect(schemaId(v.definition)).to.equal(v.id);
    for (const v of golden.metadata) expect(metadataDigest(v.metadata)).to.equal(v.digest);
  });

  it("should reproduce every uid, typed-data hash and leaf", function () {
    for (const v of golden.uids) expect(attestationUid(v)).to.equal(v.uid);
    for (const v of golden.typedData) {
      const typed = { ...v, types: {} } as unknown as AnyTypedData;
      expect(domainSeparator(v.domain as Eip712Domain)).to.equal(v.domainSeparator);
      expect(structHash(typed)).to.equal(v.structHash);
      expect(typedDataDigest(typed)).to.equal(v.digest);
    }
    for (const v of golden.leaves) expect(leafHash(v)).to.equal(v.leaf);
  });

  it("should rebuild the same signed batch: uids with its signer, leaves, root and proofs", function () {
    const batch = golden.signedBatch;
    const rebuilt = buildSignedBatch(golden.uids, batch.signer);
    expect(rebuilt.root).to.equal(batch.root);
    expect(rebuilt.leaves.map((leaf) => [leaf.uid, leaf.leafHash, leaf.proof])).to.deep.equal(
      batch.leaves.map((leaf) => [leaf.uid, leaf.leaf, leaf.proof]),
    );
    for (const leaf of batch.leaves) expect(signedLeafHash(leaf.uid)).to.equal(leaf.leaf);
  });

  it("should rebuild the same batch root and proofs", function () {
    const tree = buildBatchTree(golden.leaves);
    expect(tree.root).to.equal(golden.tree.root);
    golden.leaves.forEach((leaf, index) => {
      expect(batchProof(tree, leaf)).to.deep.equal(golden.tree.proofs[index]);
      expect(verifyBatchProof(golden.tree.root, leaf, golden.tree.proofs[index]!)).to.equal(true);
    });
  });
});
