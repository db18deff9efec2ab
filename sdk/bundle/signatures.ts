/**
 * ECDSA signature helpers shared by the chain readers: the contracts' acceptance rule (65 bytes, low s, v 27/28) and
 * a local recovery for readers that have no node to ask. Pure, Node and browsers.
 */
import { recoverAddress, Signature, type SignatureLike } from "ethers";
import type { Hex } from "../hashing";
import type { RecoverQuery } from "./chain-reader";

/** secp256k1 group order / 2: OpenZeppelin's ECDSA refuses signatures with a larger s (malleated). */
const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** v, r and s of a 65-byte signature the contracts would accept, or null (wrong length, high s, bad v). */
export function splitSignature(signature: string): { v: number; r: Hex; s: Hex } | null {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) return null;
  const r = `0x${signature.slice(2, 66)}`.toLowerCase() as Hex;
  const s = `0x${signature.slice(66, 130)}`.toLowerCase() as Hex;
  let v = parseInt(signature.slice(130, 132), 16);
  if (v < 27) v += 27;
  if (v !== 27 && v !== 28) return null;
  if (BigInt(s) > HALF_ORDER || BigInt(s) === 0n || BigInt(r) === 0n) return null;
  return { v, r, s };
}

/** Recover signers in JavaScript (slow: milliseconds each); for readers without a node. */
export function recoverSignersLocally(queries: readonly RecoverQuery[]): (Hex | null)[] {
  return queries.map((query) => {
    const parts = splitSignature(query.signature);
    if (!parts) return null;
    try {
      return recoverAddress(query.digest, Signature.from(parts as SignatureLike)) as Hex;
    } catch {
      return null;
    }
  });
}
