import { keccak256 as jsKeccak256 } from "js-sha3";

/**
 * keccak256 of bytes as 0x-prefixed lower-case hex: ethers' `keccak256`, about four times faster (js-sha3 against
 * the pure-JavaScript permutation ethers bundles: ~9 µs instead of ~38 µs for 256 bytes on this machine). The
 * submission path hashes each attestation about ten times.
 */
export function keccak256(data: Uint8Array): string {
  return "0x" + jsKeccak256(data);
}

/** keccak256 of 0x-prefixed hex (as ethers' `keccak256` of a hex string). */
export function keccak256Hex(hex: string): string {
  return "0x" + jsKeccak256(Buffer.from(hex.slice(2), "hex"));
}
