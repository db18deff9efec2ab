import { z } from "zod";
import { checksummedAddress } from "../bundle/abi-words";

// Field schemas shared by the API (which validates with them and publishes them in /openapi.json)
// and by the typed client. Hex values are normalised to lower case; addresses to their checksum.

/** Bounded text without NUL bytes (PostgreSQL refuses them, and they hide content from reviewers). */
export function text(maxLength: number) {
  return z
    .string()
    .max(maxLength)
    .refine((value) => !value.includes("\u0000"), { message: "must not contain NUL bytes" });
}

/** A 0x-prefixed 32-byte hex value, normalised to lower case. */
export const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hex digits")
  .transform((value) => value.toLowerCase())
  .meta({ description: "32 bytes as 0x-prefixed hex", examples: ["0x" + "ab".repeat(32)] });

/** An EVM address; mixed case must be a valid EIP-55 checksum. Output is the checksummed form. */
export const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be 0x followed by 40 hex digits")
  // One checksum computation (a keccak) per address, checked and normalised together; the same few signers come
  // back on every submission, so the checksummed form is memoised (abi-words.ts).
  .transform((value, ctx) => {
    try {
      return checksummedAddress(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "bad EIP-55 checksum", input: value });
      return z.NEVER;
    }
  })
  .meta({ description: "EVM address (EIP-55 checksum when mixed case)" });

/** A signature as 0x-prefixed hex (65-byte ECDSA, or arbitrary bytes for ERC-1271 wallets). */
export const signature = z
  .string()
  .regex(/^0x([0-9a-fA-F]{2}){1,2048}$/, "must be 0x-prefixed hex bytes")
  .transform((value) => value.toLowerCase());

/** An unsigned integer carried as a decimal string (uint256 does not fit a JSON number). */
export const uintString = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, "must be a non-negative decimal integer")
  .meta({ description: "unsigned integer as a decimal string" });

/** Unix time in seconds. */
export const unixSeconds = z
  .number()
  .int()
  .min(0)
  .max(2 ** 40 - 1);

/** Opaque pagination cursor. */
export const cursor = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]*$/, "must be a cursor returned by a previous page");

/** Page size query parameter. */
export const limit = z.coerce.number().int().min(1).max(200).default(50);
