/**
 * Canonical hashing for Fontaine: canonical JSON (RFC 8785), salts, and domain-separated digests.
 *
 * Every digest starts with a 32-byte type tag (keccak256 of an ASCII label), so a digest of one kind can never be
 * replayed as another kind (a lot commitment is never a valid claim digest). Pure functions, Node and browsers.
 * The scheme is described in docs/adr/0003-hashing-scheme.md; golden vectors live in test/vectors/golden.json.
 */
import canonicalize from "canonicalize";
import { concat, encodeBytes32String, getBytes, hexlify, isHexString, keccak256, toUtf8Bytes } from "ethers";

/** A 0x-prefixed hex string. */
export type Hex = `0x${string}`;

/** ASCII labels of the type tags; the tag itself is keccak256 of the label. Changing one is a breaking change. */
export const HASH_TAG_LABELS = {
  claim: "fontaine.claim.v1",
  file: "fontaine.file.v1",
  lotRecord: "fontaine.lot.v1",
  schema: "fontaine.schema.v1",
  metadata: "fontaine.metadata.v1",
  attestationUid: "fontaine.attestation.uid.v1",
  signedBatchLeaf: "fontaine.signed-batch.leaf.v1",
} as const;

/** Kinds of digest Fontaine computes. */
export type HashTagKind = keyof typeof HASH_TAG_LABELS;

/** The 32-byte type tags, keccak256 of each label (the same constants live in contracts/libraries/Hashing.sol). */
export const HASH_TAGS: Readonly<Record<HashTagKind, Hex>> = Object.freeze(
  Object.fromEntries(
    Object.entries(HASH_TAG_LABELS).map(([kind, label]) => [kind, keccak256(toUtf8Bytes(label)) as Hex]),
  ) as Record<HashTagKind, Hex>,
);

/** Raised when a value cannot be hashed (not JSON-serialisable, bad salt, bad hex). */
export class HashingError extends Error {
  override readonly name = "HashingError";
}

/** Whether `value` is a 0x-prefixed 32-byte hex string. */
export function isBytes32(value: unknown): value is Hex {
  return typeof value === "string" && isHexString(value, 32);
}

/** Throw unless `value` is a 32-byte hex string; `what` names it in the message. */
export function assertBytes32(value: unknown, what: string): asserts value is Hex {
  if (!isBytes32(value)) throw new HashingError(`${what} must be a 0x-prefixed 32-byte hex string`);
}

/** Canonical JSON text of `value` per RFC 8785 (JCS); throws on NaN, Infinity, lone surrogates, cycles, undefined. */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (error) {
    throw new HashingError(`value is not canonicalisable JSON: ${(error as Error).message}`);
  }
  if (text === undefined) throw new HashingError("value is not canonicalisable JSON: undefined");
  return text;
}

/** UTF-8 bytes of the canonical JSON of `value`. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return toUtf8Bytes(canonicalJson(value));
}

/** 32 random bytes from the platform CSPRNG (Web Crypto, available in browsers and Node ≥ 19). */
export function randomBytes32(): Hex {
  const crypto = (globalThis as { crypto?: { getRandomValues?: (array: Uint8Array) => Uint8Array } }).crypto;
  if (!crypto?.getRandomValues) throw new HashingError("no CSPRNG available (globalThis.crypto.getRandomValues)");
  return hexlify(crypto.getRandomValues(new Uint8Array(32))) as Hex;
}

/** A fresh 32-byte salt; low-entropy claims hashed with it cannot be guessed. Never reuse a salt. */
export function newSalt(): Hex {
  return randomBytes32();
}

/** A fresh opaque lot id (32 random bytes): it reveals nothing about the lot or its owner. */
export function newLotId(): Hex {
  return randomBytes32();
}

/** Digest of a structured claim: keccak256(claimTag ‖ salt ‖ canonicalJson(claim)). */
export function claimDigest(claim: unknown, salt: string): Hex {
  assertBytes32(salt, "salt");
  return keccak256(concat([HASH_TAGS.claim, salt, canonicalJsonBytes(claim)])) as Hex;
}

/** Digest of a file (e.g. a PDF certificate): keccak256(fileTag ‖ bytes). Files carry their own entropy: unsalted. */
export function fileDigest(bytes: Uint8Array | string): Hex {
  return keccak256(concat([HASH_TAGS.file, getBytes(bytes)])) as Hex;
}

/** Commitment to a private lot record: keccak256(lotTag ‖ salt ‖ canonicalJson(record)). */
export function lotCommitment(record: unknown, salt: string): Hex {
  assertBytes32(salt, "salt");
  return keccak256(concat([HASH_TAGS.lotRecord, salt, canonicalJsonBytes(record)])) as Hex;
}

/** Schema id: keccak256(schemaTag ‖ canonicalJson(definition)); the registry computes the same from the bytes. */
export function schemaId(definition: unknown): Hex {
  return keccak256(concat([HASH_TAGS.schema, canonicalJsonBytes(definition)])) as Hex;
}

/** The bytes to pass to `AttestationRegistry.registerSchema` for `definition` (canonical JSON, UTF-8, hex). */
export function schemaDefinitionBytes(definition: unknown): Hex {
  return hexlify(canonicalJsonBytes(definition)) as Hex;
}

/** Digest of an organisation's public metadata document: keccak256(metadataTag ‖ canonicalJson(metadata)). */
export function metadataDigest(metadata: unknown): Hex {
  return keccak256(concat([HASH_TAGS.metadata, canonicalJsonBytes(metadata)])) as Hex;
}

/** A short reason code (≤ 31 ASCII/UTF-8 bytes, e.g. "AUDIT_FAILED") as the bytes32 the contracts record. */
export function reasonCode(code: string): Hex {
  try {
    return encodeBytes32String(code) as Hex;
  } catch {
    throw new HashingError(`reason code "${code}" is longer than 31 bytes`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The text of a bytes32 reason code (inverse of `reasonCode`: trailing zero bytes dropped, UTF-8), or null when there
 * is none: the zero hash, or 32 bytes `reasonCode` cannot have made (no trailing zero, a zero inside, invalid UTF-8 or
 * control characters, e.g. a document digest).
 */
export function reasonText(reason: string): string | null {
  if (!isBytes32(reason)) return null;
  const bytes = getBytes(reason);
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end -= 1;
  if (end === 0 || end === bytes.length || bytes.subarray(0, end).includes(0)) return null;
  let text: string;
  try {
    text = utf8.decode(bytes.subarray(0, end));
  } catch {
    return null;
  }
  return /\p{Cc}/u.test(text) ? null : text;
}

/** `reasonText`, undefined instead of null (kept for its callers). */
export function decodeReasonCode(reason: string): string | undefined {
  return reasonText(reason) ?? undefined;
}

/**
 * Reason codes the pages offer when an organisation withdraws its attestation (the words for each are in the pages'
 * message files; another code recorded on chain is shown as its text).
 */
export const REVOCATION_REASONS = [
  "AUDIT_FAILED",
  "CERTIFICATE_WITHDRAWN",
  "ENTERED_BY_MISTAKE",
  "SUPERSEDED",
] as const;
/** One of `REVOCATION_REASONS`. */
export type RevocationReason = (typeof REVOCATION_REASONS)[number];
