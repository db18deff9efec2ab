import { expect } from "chai";
import { Wallet } from "ethers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { keccak256Hex } from "../../api/chain/keccak";
import { batchProof, batchProofs, buildBatchTree, leafHash, loadBatchTree, newSalt, verifyBatchProof } from "../../sdk";

describe("sdk/merkle", function () {
  const leaves = Array.from({ length: 5 }, () => ({ attestDigest: newSalt(), signer: Wallet.createRandom().address }));

  it("should hash leaves exactly as StandardMerkleTree does", function () {
    const tree = buildBatchTree(leaves);
    for (const [index, value] of tree.entries()) {
      expect(leafHash({ attestDigest: value[0], signer: value[1] })).to.equal(tree.leafHash(tree.at(index)!));
    }
  });

  it("should prove every leaf and reject foreign leaves and proofs", function () {
    const tree = buildBatchTree(leaves);
    for (const leaf of leaves) expect(verifyBatchProof(tree.root, leaf, batchProof(tree, leaf))).to.equal(true);
    const stranger = { attestDigest: newSalt(), signer: leaves[0]!.signer };
    expect(verifyBatchProof(tree.root, stranger, batchProof(tree, leaves[0]!))).to.equal(false);
    expect(() => batchProof(tree, stranger)).to.throw();
  });

  it("should build the same root, leaf hashes and proofs in one pass as StandardMerkleTree", function () {
    for (const size of [1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 64, 100]) {
      const batch = Array.from({ length: size }, () => ({
        attestDigest: newSalt(),
        signer: Wallet.createRandom().address,
      }));
      const tree = buildBatchTree(batch);
      const fast = batchProofs(batch);
      expect(fast.root, `root of ${size}`).to.equal(tree.root);
      batch.forEach((leaf, index) => {
        expect(fast.leaves[index]!.leafHash).to.equal(leafHash(leaf).toLowerCase());
        expect(fast.leaves[index]!.proof).to.deep.equal(batchProof(tree, leaf).map((node) => node.toLowerCase()));
        expect(verifyBatchProof(fast.root, leaf, fast.leaves[index]!.proof)).to.equal(true);
      });
    }
    expect(() => batchProofs([])).to.throw(RangeError);
    // The relayer's faster keccak gives the same tree.
    const batch = Array.from({ length: 9 }, () => ({ attestDigest: newSalt(), signer: Wallet.createRandom().address }));
    expect(batchProofs(batch, keccak256Hex)).to.deep.equal(batchProofs(batch));
  });

  it("should give the same root whatever the leaf order, and survive a dump/load", function () {
    const tree = buildBatchTree(leaves);
    expect(buildBatchTree([...leaves].reverse()).root).to.equal(tree.root);
    const loaded = loadBatchTree(JSON.parse(JSON.stringify(tree.dump())));
    expect(loaded.root).to.equal(tree.root);
    expect(
      StandardMerkleTree.verify(
        tree.root,
        ["bytes32", "address"],
        [leaves[0]!.attestDigest, leaves[0]!.signer],
        batchProof(loaded, leaves[0]!),
      ),
    ).to.equal(true);
  });

  it("should refuse an empty batch and malformed digests", function () {
    expect(() => buildBatchTree([])).to.throw(RangeError);
    expect(() => leafHash({ attestDigest: "0x12", signer: leaves[0]!.signer })).to.throw(/attestDigest/);
  });
});
