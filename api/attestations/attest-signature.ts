/**
 * The per-submission hashing and signature check of `Attest` messages, done locally and cheaply.
 *
 * The formulas are the sdk's (`typedDataDigest` of `buildAttestTypedData`, `attestationUid`): the type hash,
 * domain separator and uid tag come from sdk/, only the 32-byte word packing is done here on one buffer instead
 * of through ethers' generic encoders (about 0.4 ms each on this machine), and hashed with js-sha3 (api/chain/keccak.ts).
 * test/api/attest-signature.test.ts
 * checks both against the sdk on random inputs. ECDSA recovery uses libsecp256k1: by default in WebAssembly
 * (tiny-secp256k1, ~0.2 ms, about five times faster than the pure-JavaScript curve ethers ships, and safe in worker
 * threads); the main thread passes its native binding instead (native-recover.ts, ~0.04 ms).
 */
import * as secp256k1 from "tiny-secp256k1";
import { domainSeparator, typeHash, type AttestMessage, type Eip712Domain } from "../../sdk/eip712";
import { HASH_TAGS } from "../../sdk/hashing";
import { keccak256 } from "../chain/keccak";
import { ValidationError } from "../errors";

const UINT64_MAX = (1n << 64n) - 1n;
/** secp256k1 group order and half of it (OpenZeppelin ECDSA refuses s above half the order). */
const N = BigInt("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
const HALF_N = N >> 1n;

function putHex(buffer: Buffer, offset: number, hex: string): void {
  // 0x-prefixed, 64 hex digits (zod validated the fields as bytes32).
  buffer.write(hex.slice(2), offset, 32, "hex");
}

function putUint(buffer: Buffer, offset: number, value: string, max: bigint, path: string): void {
  const parsed = BigInt(value);
  if (parsed > max) throw new ValidationError([{ path, message: "out of range" }]);
  buffer.write(parsed.toString(16).padStart(64, "0"), offset, 32, "hex");
}

function putAddress(buffer: Buffer, offset: number, address: string): void {
  buffer.fill(0, offset, offset + 12);
  buffer.write(address.slice(2), offset + 12, 20, "hex");
}

/** The uid and EIP-712 digest of `Attest` messages for one AttestationRegistry domain. */
export function createAttestHasher(domain: Eip712Domain) {
  const separator = Buffer.from(domainSeparator(domain).slice(2), "hex");
  const attestTypeHash = typeHash("Attest");
  const uidTag = HASH_TAGS.attestationUid;

  return {
    /**
     * `attestationUid({ ...message, signer })` and `typedDataDigest(buildAttestTypedData(domain, message))`,
     * lower-case. Throws a ValidationError (400) when expiry or deadline do not fit uint64.
     */
    hashes(message: AttestMessage, signer: string): { uid: string; attestDigest: string } {
      // uid = keccak256(abi.encode(tag, schema, subject, digest, signer, uint64 expiry, ref, uint256 nonce))
      const words = Buffer.alloc(8 * 32);
      putHex(words, 0, uidTag);
      putHex(words, 32, message.schema);
      putHex(words, 64, message.subject);
      putHex(words, 96, message.digest);
      putAddress(words, 128, signer);
      putUint(words, 160, message.expiry, UINT64_MAX, "body.message.expiry");
      putHex(words, 192, message.ref);
      putUint(words, 224, message.nonce, (1n << 256n) - 1n, "body.message.nonce");
      const uid = keccak256(words);
      // structHash = keccak256(abi.encode(typeHash, schema, subject, digest, expiry, ref, nonce, deadline))
      putHex(words, 0, attestTypeHash);
      words.copy(words, 128, 160, 256); // expiry, ref, nonce move up one word (copy handles the overlap)
      putUint(words, 224, message.deadline, UINT64_MAX, "body.message.deadline");
      const struct = keccak256(words);
      const envelope = Buffer.alloc(66);
      envelope[0] = 0x19;
      envelope[1] = 0x01;
      separator.copy(envelope, 2);
      putHex(envelope, 34, struct);
      return { uid: uid.toLowerCase(), attestDigest: keccak256(envelope).toLowerCase() };
    },
  };
}

/** libsecp256k1's public-key recovery: the uncompressed key (65 bytes), or null when there is none. */
export type CurveRecover = (digest: Buffer, signature64: Buffer, recoveryId: 0 | 1) => Uint8Array | null;

/** libsecp256k1 in WebAssembly (tiny-secp256k1). */
export const wasmRecover: CurveRecover = (digest, signature64, recoveryId) => {
  try {
    return secp256k1.recover(digest, signature64, recoveryId, false);
  } catch {
    // "Expected Signature": no point on the curve for this r; ecrecover returns no address either.
    return null;
  }
};

/**
 * The address whose key made `signature` (65 bytes r ‖ s ‖ v, v 27 or 28) over `digest`, lower-case, or null
 * when OpenZeppelin's ECDSA.tryRecover would not recover one (wrong length, s above half the order, bad v, r or
 * s out of range). A null or a different address is not a verdict: ERC-1271 wallets sign otherwise.
 */
export function recoverSigner(digest: string, signature: string, recover: CurveRecover = wasmRecover): string | null {
  if (signature.length !== 132) return null;
  const v = parseInt(signature.slice(130), 16);
  if (v !== 27 && v !== 28) return null;
  const r = BigInt("0x" + signature.slice(2, 66));
  const s = BigInt("0x" + signature.slice(66, 130));
  if (r === 0n || r >= N || s === 0n || s > HALF_N) return null;
  const publicKey = recover(
    Buffer.from(digest.slice(2), "hex"),
    Buffer.from(signature.slice(2, 130), "hex"),
    (v - 27) as 0 | 1,
  );
  if (!publicKey) return null;
  return ("0x" + keccak256(publicKey.subarray(1)).slice(26)).toLowerCase();
}
