import { expect } from "chai";
import fc from "fast-check";
import { getAddress, hexlify } from "ethers";
import {
  attestationRegistryDomain,
  attestationUid,
  batchProof,
  buildAttestTypedData,
  buildBatchTree,
  buildCommitTypedData,
  leafHash,
  lotRegistryDomain,
  typedDataDigest,
  verifyBatchProof,
} from "../../../sdk";
import {
  fastAttestationUid,
  fastAttestDigest,
  fastBatchLeaf,
  fastCommitDigest,
  fastVerifyBatchProof,
  recoverSignersLocally,
  splitSignature,
} from "../../../sdk/bundle";

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => hexlify(bytes));
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => getAddress(hexlify(bytes)));
const uint64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const uint256 = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });
const request = fc.record({
  schema: bytes32,
  subject: bytes32,
  digest: bytes32,
  expiry: uint64.map(String),
  ref: bytes32,
  nonce: uint256.map(String),
});

describe("sdk/bundle fast hashing equals the sdk core formulas", () => {
  it("should compute the same uids", () => {
    fc.assert(
      fc.property(request, address, (fields, signer) => {
        expect(fastAttestationUid(fields as never, signer)).to.equal(attestationUid({ ...fields, signer }));
      }),
      { seed: 4, numRuns: 200 },
    );
  });

  it("should compute the same Attest and Commit digests", () => {
    fc.assert(
      fc.property(
        request,
        uint64,
        fc.integer({ min: 1, max: 2 ** 40 }),
        address,
        (fields, deadline, chainId, contract) => {
          const attestDomain = attestationRegistryDomain(chainId, contract);
          expect(fastAttestDigest(attestDomain, fields as never, deadline.toString())).to.equal(
            typedDataDigest(buildAttestTypedData(attestDomain, { ...fields, deadline })),
          );
          const lotDomain = lotRegistryDomain(chainId, contract);
          expect(
            fastCommitDigest(lotDomain, fields.subject, fields.digest, fields.nonce, deadline.toString()),
          ).to.equal(
            typedDataDigest(
              buildCommitTypedData(lotDomain, {
                lotId: fields.subject,
                commitment: fields.digest,
                nonce: fields.nonce,
                deadline,
              }),
            ),
          );
        },
      ),
      { seed: 5, numRuns: 100 },
    );
  });

  it("should accept exactly the proofs StandardMerkleTree accepts", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(bytes32, address), { minLength: 1, maxLength: 12 }), bytes32, (items, stranger) => {
        const leaves = items.map(([attestDigest, signer]) => ({ attestDigest, signer }));
        const tree = buildBatchTree(leaves);
        for (const leaf of leaves) {
          const proof = batchProof(tree, leaf);
          expect(fastVerifyBatchProof(tree.root, leaf.attestDigest, leaf.signer, proof)).to.equal(true);
          expect(fastBatchLeaf(leaf.attestDigest, leaf.signer)).to.equal(leafHash(leaf));
          const forged = { ...leaf, attestDigest: stranger };
          expect(fastVerifyBatchProof(tree.root, forged.attestDigest, forged.signer, proof)).to.equal(
            verifyBatchProof(tree.root, forged, proof),
          );
        }
      }),
      { seed: 6, numRuns: 60 },
    );
  });

  it("should refuse the signatures the contracts refuse (length, high s, v)", async () => {
    const { Wallet, keccak256, toUtf8Bytes } = await import("ethers");
    const wallet = Wallet.createRandom();
    const digest = keccak256(toUtf8Bytes("fontaine"));
    const signature = wallet.signingKey.sign(digest);
    expect(
      recoverSignersLocally([{ digest: digest as never, signature: signature.serialized as never }]),
    ).to.deep.equal([wallet.address]);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const highS = `0x${(n - BigInt(signature.s)).toString(16).padStart(64, "0")}`;
    expect(splitSignature(`${signature.r}${highS.slice(2)}${(signature.v === 27 ? 28 : 27).toString(16)}`)).to.equal(
      null,
    );
    expect(splitSignature(signature.serialized.slice(0, -2))).to.equal(null);
    expect(splitSignature(`${signature.serialized.slice(0, -2)}1d`)).to.equal(null);
  });
});
