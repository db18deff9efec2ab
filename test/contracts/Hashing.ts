import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { toUtf8Bytes } from "ethers";
import golden from "../vectors/golden.json";
import type { HashingHarness } from "../../typechain-types";

async function harnessFixture() {
  const harness = (await (await ethers.getContractFactory("HashingHarness")).deploy()) as unknown as HashingHarness;
  return { harness };
}

describe("Hashing (Solidity side of the golden vectors)", function () {
  it("should have the same type tags and EIP-712 type hashes", async function () {
    const { harness } = await loadFixture(harnessFixture);
    const constants = await harness.constants();
    const t = golden.tags;
    const h = golden.typeHashes;
    expect([...constants]).to.deep.equal([
      t.claim.hash,
      t.file.hash,
      t.lotRecord.hash,
      t.schema.hash,
      t.metadata.hash,
      t.attestationUid.hash,
      h.Attest.hash,
      h.Endorse.hash,
      h.Revoke.hash,
      h.Commit.hash,
      h.Flag.hash,
      t.signedBatchLeaf.hash,
      h.SignedBatch.hash,
      h.RevokeSignedLeaf.hash,
    ]);
  });

  it("should compute the same claim, file, lot, schema and metadata digests", async function () {
    const { harness } = await loadFixture(harnessFixture);
    for (const vector of golden.claims) {
      expect(await harness.claimDigest(vector.salt, toUtf8Bytes(vector.canonicalJson))).to.equal(vector.digest);
    }
    for (const vector of golden.files) expect(await harness.fileDigest(vector.bytes)).to.equal(vector.digest);
    for (const vector of golden.lotRecords) {
      expect(await harness.lotCommitment(vector.salt, toUtf8Bytes(vector.canonicalJson))).to.equal(vector.commitment);
    }
    for (const vector of golden.schemas)
      expect(await harness.schemaId(toUtf8Bytes(vector.canonicalJson))).to.equal(vector.id);
    for (const vector of golden.metadata) {
      expect(await harness.metadataDigest(toUtf8Bytes(vector.canonicalJson))).to.equal(vector.digest);
    }
  });

  it("should compute the same uids", async function () {
    const { harness } = await loadFixture(harnessFixture);
    for (const v of golden.uids) {
      expect(await harness.attestationUid(v.schema, v.subject, v.digest, v.signer, v.expiry, v.ref, v.nonce)).to.equal(
        v.uid,
      );
    }
  });

  it("should compute the same domain separators, struct hashes and typed-data digests", async function () {
    const { harness } = await loadFixture(harnessFixture);
    for (const v of golden.typedData) {
      const d = v.domain;
      expect(await harness.domainSeparator(d.name, d.version, d.chainId, d.verifyingContract)).to.equal(
        v.domainSeparator,
      );
      const m = v.message as unknown as Record<string, string>;
      let structHash: string;
      switch (v.primaryType) {
        case "Attest":
          structHash = await harness.attestStructHash(
            m.schema!,
            m.subject!,
            m.digest!,
            m.expiry!,
            m.ref!,
            m.nonce!,
            m.deadline!,
          );
          break;
        case "Endorse":
          structHash = await harness.endorseStructHash(m.uid!, m.nonce!, m.deadline!);
          break;
        case "Revoke":
          structHash = await harness.revokeStructHash(m.uid!, m.reason!, m.nonce!, m.deadline!);
          break;
        case "Commit":
          structHash = await harness.commitStructHash(m.lotId!, m.commitment!, m.nonce!, m.deadline!);
          break;
        case "SignedBatch":
          structHash = await harness.signedBatchStructHash(m.root!, m.count!, m.nonce!, m.deadline!);
          break;
        case "RevokeSignedLeaf":
          structHash = await harness.revokeSignedLeafStructHash(m.uid!, m.reason!, m.nonce!, m.deadline!);
          break;
        default:
          structHash = await harness.flagStructHash(m.lotId!, m.reason!, m.nonce!, m.deadline!);
      }
      expect(structHash, v.primaryType).to.equal(v.structHash);
      expect(await harness.typedDataDigest(v.domainSeparator, v.structHash)).to.equal(v.digest);
    }
  });

  it("should compute the same batch leaves", async function () {
    const { harness } = await loadFixture(harnessFixture);
    for (const v of golden.leaves) expect(await harness.batchLeaf(v.attestDigest, v.signer)).to.equal(v.leaf);
  });

  it("should verify the golden proofs with OpenZeppelin MerkleProof as the registry does", async function () {
    const { harness } = await loadFixture(harnessFixture);
    const verifier = await (await ethers.getContractFactory("TestMerkleVerifier")).deploy();
    for (const [index, v] of golden.leaves.entries()) {
      expect(
        await verifier.verify(
          golden.tree.proofs[index]!,
          golden.tree.root,
          await harness.batchLeaf(v.attestDigest, v.signer),
        ),
      ).to.equal(true);
    }
  });

  it("should compute the same signed-batch leaves and verify their golden proofs", async function () {
    const { harness } = await loadFixture(harnessFixture);
    const verifier = await (await ethers.getContractFactory("TestMerkleVerifier")).deploy();
    const batch = golden.signedBatch;
    for (const v of batch.leaves) {
      expect(await harness.signedBatchLeaf(v.uid)).to.equal(v.leaf);
      expect(await verifier.verify(v.proof, batch.root, v.leaf)).to.equal(true);
    }
  });
});
