import { expect } from "chai";
import { Wallet, ZeroHash, verifyTypedData } from "ethers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { keccak256Hex } from "../../api/chain/keccak";
import {
  HASH_TAGS,
  attestationRegistryDomain,
  attestationUid,
  buildRevokeSignedLeafTypedData,
  buildSignedBatch,
  buildSignedBatchTypedData,
  ethersTypes,
  newSalt,
  signedBatchFromUids,
  typeString,
  verifySignedBatchProof,
} from "../../sdk";

describe("sdk signed batches (one signature over a Merkle root)", function () {
  const signer = Wallet.createRandom();
  const requests = Array.from({ length: 9 }, (_, index) => ({
    schema: newSalt(),
    subject: newSalt(),
    digest: newSalt(),
    expiry: index,
    nonce: index,
  }));

  it("should build the StandardMerkleTree of [tag, uid] leaves, with every proof", function () {
    const batch = buildSignedBatch(requests, signer.address);
    const uids = requests.map((request) => attestationUid({ ...request, signer: signer.address }));
    const reference = StandardMerkleTree.of(
      uids.map((uid) => [HASH_TAGS.signedBatchLeaf, uid]),
      ["bytes32", "bytes32"],
    );
    expect(batch.root).to.equal(reference.root);
    expect(batch.count).to.equal(requests.length);
    batch.leaves.forEach((leaf, index) => {
      expect(leaf.uid).to.equal(uids[index]);
      expect(leaf.leafHash).to.equal(reference.leafHash([HASH_TAGS.signedBatchLeaf, uids[index]!]));
      expect(leaf.proof).to.deep.equal(reference.getProof([HASH_TAGS.signedBatchLeaf, uids[index]!]));
      expect(verifySignedBatchProof(batch.root, leaf.uid, leaf.proof)).to.equal(true);
      expect(verifySignedBatchProof(batch.root, leaf.uid, leaf.proof, keccak256Hex)).to.equal(true);
    });
    expect(verifySignedBatchProof(batch.root, newSalt(), batch.leaves[0]!.proof)).to.equal(false);
    expect(signedBatchFromUids(uids, keccak256Hex)).to.deep.equal(batch);
    expect(buildSignedBatch(requests.slice(0, 1), signer.address).leaves[0]!.proof).to.deep.equal([]);
  });

  it("should refuse empty batches, repeated attestations and malformed uids", function () {
    expect(() => signedBatchFromUids([])).to.throw(RangeError, /at least one leaf/);
    const uid = newSalt();
    expect(() => signedBatchFromUids([uid, uid.toUpperCase().replace("0X", "0x")])).to.throw(
      RangeError,
      /leaf 1 repeats/,
    );
    expect(() => signedBatchFromUids(["0x1234"])).to.throw(/uid/);
  });

  it("should produce SignedBatch and RevokeSignedLeaf typed data a wallet signs and anyone recovers", async function () {
    expect(typeString("SignedBatch")).to.equal("SignedBatch(bytes32 root,uint32 count,uint256 nonce,uint64 deadline)");
    expect(typeString("RevokeSignedLeaf")).to.equal(
      "RevokeSignedLeaf(bytes32 uid,bytes32 reason,uint256 nonce,uint64 deadline)",
    );
    const domain = attestationRegistryDomain(31337, Wallet.createRandom().address);
    const batch = buildSignedBatch(requests, signer.address);
    const typed = buildSignedBatchTypedData(domain, { root: batch.root, count: batch.count, nonce: 1n, deadline: 99 });
    expect(typed.message).to.deep.equal({ root: batch.root, count: "9", nonce: "1", deadline: "99" });
    const signature = await signer.signTypedData(typed.domain, ethersTypes(typed), typed.message);
    expect(verifyTypedData(typed.domain, ethersTypes(typed), typed.message, signature)).to.equal(signer.address);
    const revoke = buildRevokeSignedLeafTypedData(domain, {
      uid: batch.leaves[0]!.uid,
      reason: ZeroHash,
      nonce: 2,
      deadline: 3,
    });
    expect(revoke.primaryType).to.equal("RevokeSignedLeaf");
    expect(() => buildSignedBatchTypedData(domain, { root: batch.root, count: 0, nonce: 1, deadline: 1 })).to.throw(
      /count/,
    );
    expect(() =>
      buildSignedBatchTypedData(domain, { root: batch.root, count: 2 ** 32, nonce: 1, deadline: 1 }),
    ).to.throw(/count/);
  });
});
