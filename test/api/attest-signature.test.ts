import { expect } from "chai";
import fc from "fast-check";
import { Wallet, ZeroHash, hexlify, randomBytes, recoverAddress } from "ethers";
import {
  createAttestHasher,
  recoverSigner,
  recoverSigner as recoverWithCurve,
  wasmRecover,
  type CurveRecover,
} from "../../api/attestations/attest-signature";
import { nativeRecover } from "../../api/attestations/native-recover";
import { createSignatureWorkers } from "../../api/attestations/signature-workers";
import { ValidationError } from "../../api/errors";
import { attestationRegistryDomain, buildAttestTypedData, typedDataDigest } from "../../sdk/eip712";
import { attestationUid } from "../../sdk/uid";

const N = BigInt("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => hexlify(bytes));
const uint = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }).map((value) => value.toString());

describe("api/attestations/attest-signature: local uid, EIP-712 digest and ECDSA recovery", function () {
  const domain = attestationRegistryDomain(31_337, "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512");
  const hasher = createAttestHasher(domain);

  it("should compute the sdk's uid and typed-data digest for any message and signer", function () {
    fc.assert(
      fc.property(
        bytes32,
        bytes32,
        bytes32,
        uint(64),
        fc.oneof(fc.constant(ZeroHash), bytes32),
        uint(256),
        uint(64),
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        (schema, subject, digest, expiry, ref, nonce, deadline, signerBytes) => {
          const message = buildAttestTypedData(domain, {
            schema,
            subject,
            digest,
            expiry,
            ref,
            nonce,
            deadline,
          }).message;
          const signer = hexlify(signerBytes);
          const { uid, attestDigest } = hasher.hashes(message, signer);
          expect(uid).to.equal(attestationUid({ ...message, signer }).toLowerCase());
          expect(attestDigest).to.equal(typedDataDigest(buildAttestTypedData(domain, message)).toLowerCase());
        },
      ),
      { numRuns: 200 },
    );
  });

  it("should refuse an expiry or deadline above uint64 as a validation error", function () {
    const message = buildAttestTypedData(domain, {
      schema: ZeroHash,
      subject: ZeroHash,
      digest: ZeroHash,
      expiry: 0,
      nonce: 1,
      deadline: 1,
    }).message;
    expect(() => hasher.hashes({ ...message, deadline: (1n << 64n).toString() }, ZeroHash.slice(0, 42))).to.throw(
      ValidationError,
    );
    expect(() => hasher.hashes({ ...message, expiry: (1n << 64n).toString() }, ZeroHash.slice(0, 42))).to.throw(
      ValidationError,
    );
  });

  for (const [curve, recover] of [
    ["WebAssembly", wasmRecover],
    ["native", nativeRecover],
  ] as const) {
    it(`should recover what ethers recovers, and nothing where OpenZeppelin's ECDSA recovers nothing (${curve} libsecp256k1)`, function () {
      recoverWith(recover);
    });
  }

  it("should give the same answer with the native binding as in WebAssembly, for any r and s", function () {
    const digest = hexlify(randomBytes(32));
    // Random r: about half have no point on the curve (no signer at all), the others recover some key.
    fc.assert(
      fc.property(bytes32, bytes32, fc.boolean(), (r, s, odd) => {
        const signature = r + s.slice(2) + (odd ? "1c" : "1b");
        expect(recoverSigner(digest, signature, nativeRecover)).to.equal(recoverSigner(digest, signature, wasmRecover));
      }),
      { numRuns: 200 },
    );
  });

  function recoverWith(curve: CurveRecover) {
    const recoverSigner = (digest: string, signature: string) => recoverWithCurve(digest, signature, curve);
    const wallet = Wallet.createRandom();
    for (let i = 0; i < 20; i++) {
      const digest = hexlify(randomBytes(32));
      const signature = wallet.signingKey.sign(digest);
      expect(recoverSigner(digest, signature.serialized)).to.equal(wallet.address.toLowerCase());
      expect(recoverSigner(digest, signature.serialized)).to.equal(recoverAddress(digest, signature).toLowerCase());
      // Flipped v: another key (or none), never the signer.
      const flipped = signature.serialized.slice(0, 130) + (signature.v === 27 ? "1c" : "1b");
      expect(recoverSigner(digest, flipped)).to.not.equal(wallet.address.toLowerCase());
      // High s (the malleated twin), v 0/1, 64-byte compact form, r = 0: refused like the contract.
      const highS = "0x" + (N - BigInt(signature.s)).toString(16).padStart(64, "0");
      expect(recoverSigner(digest, signature.r + highS.slice(2) + signature.serialized.slice(130))).to.equal(null);
      const otherV = signature.v === 27 ? "1c" : "1b";
      expect(recoverSigner(digest, signature.r + highS.slice(2) + otherV)).to.equal(null);
      expect(recoverSigner(digest, signature.serialized.slice(0, 130) + "00")).to.equal(null);
      expect(recoverSigner(digest, signature.compactSerialized)).to.equal(null);
      expect(recoverSigner(digest, "0x" + "00".repeat(32) + signature.serialized.slice(66))).to.equal(null);
    }
    // Another digest recovers another address.
    const signature = wallet.signingKey.sign(hexlify(randomBytes(32)));
    expect(recoverSigner(hexlify(randomBytes(32)), signature.serialized)).to.not.equal(wallet.address.toLowerCase());
  }

  it("should recover signers on a worker thread as inline, and inline when no worker runs", async function () {
    this.timeout(60_000);
    const wallet = Wallet.createRandom();
    const digests = Array.from({ length: 12 }, () => hexlify(randomBytes(32)));
    const signatures = digests.map((digest) => wallet.signingKey.sign(digest).serialized);
    const pool = createSignatureWorkers(1);
    try {
      for (let i = 0; i < 200 && pool.ready() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(pool.ready(), "worker started").to.equal(1);
      const results = await Promise.all(digests.map((digest, i) => pool.recover(digest, signatures[i]!)));
      expect(results).to.deep.equal(digests.map(() => wallet.address.toLowerCase()));
      expect(await pool.recover(digests[0]!, signatures[1]!)).to.not.equal(wallet.address.toLowerCase());
      expect(await pool.recover(digests[0]!, "0x1234")).to.equal(null);
    } finally {
      await pool.close();
    }
    // Closed (no worker running): the same answers, computed inline.
    expect(pool.ready()).to.equal(0);
    expect(await pool.recover(digests[0]!, signatures[0]!)).to.equal(wallet.address.toLowerCase());
    const inline = createSignatureWorkers(0);
    expect(await inline.recover(digests[2]!, signatures[2]!)).to.equal(wallet.address.toLowerCase());
  });
});
