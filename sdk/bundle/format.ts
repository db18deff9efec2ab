/**
 * Disclosure bundle format v1 and the private lot record it discloses: TypeScript types and zod schemas.
 *
 * A lot record is hashed exactly as disclosed (canonical JSON, RFC 8785), so its schema has no defaults or transforms:
 * what parses is what was committed. Hex in hashed values must be lowercase so that one record has one text.
 * The format is documented in docs/bundles.md; any change to a hashed value or to the meaning of a field is a new
 * version, and readers keep accepting every older version they know. Pure, Node and browsers.
 */
import { z } from "zod";
import type { Hex } from "../hashing";
import { checksummedAddress } from "./abi-words";
import { BundleFormatError } from "./errors";

/** Value of `format` in every bundle. */
export const BUNDLE_FORMAT = "fontaine.bundle";
/**
 * The bundle versions this sdk reads. Version 2 is version 1 plus attestations of signed batches (`signedBatch`); a
 * bundle without one is written as version 1, so verifiers that only know version 1 still read it.
 */
export const SUPPORTED_BUNDLE_VERSIONS = [1, 2] as const;
/** The newest bundle version this sdk writes (`bundleVersionFor` picks the lowest one that holds a bundle). */
export const BUNDLE_VERSION = 2;
/** Value of `kind` in every lot record. */
export const LOT_RECORD_KIND = "fontaine.lot";
/** The lot record version this sdk writes and reads. */
export const LOT_RECORD_VERSION = 1;

/** Units a lot quantity may be expressed in; a parent and the lots taking from it must use the same unit. */
export const QUANTITY_UNITS = ["kg", "g", "t", "l", "ml", "piece"] as const;
/** A quantity unit. */
export type QuantityUnit = (typeof QUANTITY_UNITS)[number];

/** Decimal places a quantity may carry (quantities compare exactly as integers of 10^-6 units). */
export const QUANTITY_DECIMALS = 6;

// Identity transform: only narrows the type, the hashed text is untouched.
const lowerBytes32 = z
  .string()
  .regex(/^0x[0-9a-f]{64}$/, "must be a lowercase 0x-prefixed 32-byte hex string")
  .transform((value) => value as Hex);
const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex string")
  .transform((value) => value.toLowerCase() as Hex);
// A bundle names the same few signing keys in every lot and attestation, and each check is a keccak (it was two per
// address, ~30 ms for a 150-address bundle in a fresh process): abi-words.ts memoises the checksummed form.
function checksummedOrNull(value: string): Hex | null {
  try {
    return checksummedAddress(value) as Hex;
  } catch {
    return null;
  }
}
const address = z
  .string()
  .refine((value) => checksummedOrNull(value) !== null, "must be a 0x-prefixed 20-byte address")
  .transform((value) => checksummedOrNull(value)!);
const hexBytes = z
  .string()
  .regex(/^0x([0-9a-fA-F]{2})*$/, "must be 0x-prefixed hex bytes")
  .transform((value) => value.toLowerCase() as Hex);
const uintString = (bits: number) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]*)$/, "must be an unsigned decimal integer string")
    .refine((value) => BigInt(value) < 1n << BigInt(bits), `must fit in uint${bits}`);
const QUANTITY_PATTERN = /^(0|[1-9][0-9]{0,14})(\.[0-9]{1,6})?$/;
/** A positive decimal quantity as a string, e.g. "1250" or "12.5" (at most 6 decimals, no exponent, no sign). */
export const quantitySchema = z
  .string()
  .regex(QUANTITY_PATTERN, "must be a decimal string with at most 15 digits and 6 decimals")
  .refine((value) => !QUANTITY_PATTERN.test(value) || quantityToMicros(value) > 0n, "must be greater than zero");
const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !value.includes("\u0000"), "must not contain NUL characters");

/** A parent lot and the quantity taken from it. */
export const parentLinkSchema = z.strictObject({
  lotId: lowerBytes32,
  quantity: quantitySchema,
  unit: z.enum(QUANTITY_UNITS),
});

/**
 * The private lot record (version 1), committed on chain as `lotCommitment(record, salt)`.
 * `owner` is the owner organisation id; `parents` are the lots it was made from with the quantity taken from each;
 * `attestations` are the uids of the attestations that cover it.
 */
export const lotRecordSchema = z.strictObject({
  kind: z.literal(LOT_RECORD_KIND),
  version: z.literal(LOT_RECORD_VERSION),
  lotId: lowerBytes32,
  owner: lowerBytes32,
  product: text(200),
  quantity: quantitySchema,
  unit: z.enum(QUANTITY_UNITS),
  producedOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
    .optional(),
  reference: text(200).optional(),
  parents: z.array(parentLinkSchema).max(1000),
  attestations: z.array(lowerBytes32).max(1000),
});

/** A parent link inside a lot record. */
export type ParentLink = z.output<typeof parentLinkSchema>;
/** A private lot record. */
export type LotRecord = z.output<typeof lotRecordSchema>;

/** The owner's EIP-712 `Commit` signature, when the lot was committed through `commitBySig` (relayed). */
export const commitSignatureSchema = z.strictObject({
  signer: address,
  nonce: uintString(256),
  deadline: uintString(64),
  signature: hexBytes,
});

/** One disclosed lot: which on-chain version it is, its record and salt, and the owner's signature. */
export const disclosedLotSchema = z.strictObject({
  lotId: bytes32,
  /** On-chain version (1 = first commitment) this record was committed as. */
  version: z.number().int().min(1).max(0xffffffff),
  record: lotRecordSchema,
  salt: bytes32,
  /** Absent when the owner's key sent `commit` itself (the transaction is then the signature). */
  commit: commitSignatureSchema.optional(),
});

/** The `AttestationRequest` as signed and as hashed into the uid. */
export const attestationRequestSchema = z.strictObject({
  schema: bytes32,
  subject: bytes32,
  digest: bytes32,
  expiry: uintString(64),
  ref: bytes32,
  nonce: uintString(256),
});

/** One disclosed attestation: its request, signer, signature and, for batch leaves, the Merkle proof. */
export const disclosedAttestationSchema = z
  .strictObject({
    uid: bytes32,
    request: attestationRequestSchema,
    signer: address,
    /** The `Attest` signature; required for batch leaves, absent when the key sent `attest` itself. */
    signed: z.strictObject({ deadline: uintString(64), signature: hexBytes }).optional(),
    /** Present for an attestation anchored inside a Merkle batch. */
    batch: z.strictObject({ root: bytes32, proof: z.array(bytes32).max(64) }).optional(),
    /**
     * Present for an attestation of a signed batch (one `SignedBatch` signature over the root, no per-leaf signature):
     * the root and the proof of the leaf [signed-batch tag, uid]. Exclusive with `batch` and `signed`.
     */
    signedBatch: z.strictObject({ root: bytes32, proof: z.array(bytes32).max(64) }).optional(),
    /** Optional disclosure of the claim itself: `claimDigest(value, salt)` must equal `request.digest`. */
    claim: z.strictObject({ value: z.unknown(), salt: bytes32 }).optional(),
  })
  .refine((attestation) => !attestation.signedBatch || (!attestation.batch && !attestation.signed), {
    message: "a signed-batch attestation carries neither `batch` nor `signed`",
    path: ["signedBatch"],
  });

/** An evidence document disclosed with the bundle; `fileDigest(content)` is what attestations reference. */
export const disclosedDocumentSchema = z.strictObject({
  digest: bytes32,
  name: text(200),
  mediaType: text(100),
  contentBase64: z
    .string()
    .max(15_000_000)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64"),
});

/** The chain a bundle was built for. */
export const bundleChainSchema = z.strictObject({
  chainId: z.number().int().positive(),
  lotRegistry: address,
  attestationRegistry: address,
});

/** A disclosure bundle, format v1 or v2 (v2 may disclose attestations of signed batches; v1 may not). */
export const bundleV1Schema = z
  .strictObject({
    format: z.literal(BUNDLE_FORMAT),
    version: z.union([z.literal(1), z.literal(2)]),
    /** ISO 8601 time it was assembled (informative, not verified). */
    createdAt: z.iso.datetime(),
    chain: bundleChainSchema,
    /** The lot the bundle is about; the others are its upstream. */
    subject: bytes32,
    lots: z.array(disclosedLotSchema).min(1).max(10_000),
    attestations: z.array(disclosedAttestationSchema).max(20_000),
    documents: z.array(disclosedDocumentSchema).max(100).optional(),
  })
  .superRefine((bundle, context) => {
    if (bundle.version >= 2) return;
    bundle.attestations.forEach((attestation, index) => {
      if (attestation.signedBatch) {
        context.addIssue({
          code: "custom",
          path: ["attestations", index, "signedBatch"],
          message: "an attestation of a signed batch needs bundle version 2",
        });
      }
    });
  });

/** The lowest bundle version that holds these attestations: 2 with an attestation of a signed batch, else 1. */
export function bundleVersionFor(attestations: readonly { signedBatch?: unknown }[]): 1 | 2 {
  return attestations.some((attestation) => attestation.signedBatch) ? 2 : 1;
}

/** A disclosed lot. */
export type DisclosedLot = z.output<typeof disclosedLotSchema>;
/** An owner's commit signature. */
export type CommitSignature = z.output<typeof commitSignatureSchema>;
/** A disclosed attestation. */
export type DisclosedAttestation = z.output<typeof disclosedAttestationSchema>;
/** An attestation request. */
export type AttestationRequestFields = z.output<typeof attestationRequestSchema>;
/** A disclosed evidence document. */
export type DisclosedDocument = z.output<typeof disclosedDocumentSchema>;
/** The chain a bundle targets. */
export type BundleChain = z.output<typeof bundleChainSchema>;
/** A disclosure bundle (format v1 or v2). */
export type Bundle = z.output<typeof bundleV1Schema>;

/**
 * Parse and validate a bundle's JSON value (any supported version); throws BundleFormatError listing every offending
 * field path. An unknown `format` or a newer `version` is refused with a message saying so, never half-read.
 */
export function parseBundle(value: unknown): Bundle {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new BundleFormatError("not a disclosure bundle: expected a JSON object");
  }
  const { format, version } = value as { format?: unknown; version?: unknown };
  if (format !== BUNDLE_FORMAT) {
    throw new BundleFormatError(`not a disclosure bundle: format must be "${BUNDLE_FORMAT}"`);
  }
  if (!(SUPPORTED_BUNDLE_VERSIONS as readonly unknown[]).includes(version)) {
    throw new BundleFormatError(
      `unsupported bundle version ${JSON.stringify(version)}: this verifier reads version ${SUPPORTED_BUNDLE_VERSIONS.join(", ")}; update the Fontaine sdk`,
      [],
      { version },
    );
  }
  const result = bundleV1Schema.safeParse(value);
  if (!result.success) throw new BundleFormatError("invalid disclosure bundle", issuesOf(result.error));
  return result.data;
}

/** Parse and validate a lot record; throws BundleFormatError. */
export function parseLotRecord(value: unknown): LotRecord {
  const result = lotRecordSchema.safeParse(value);
  if (!result.success) throw new BundleFormatError("invalid lot record", issuesOf(result.error));
  return result.data;
}

/** Parse and validate one lot disclosure; throws BundleFormatError. */
export function parseDisclosedLot(value: unknown): DisclosedLot {
  const result = disclosedLotSchema.safeParse(value);
  if (!result.success) throw new BundleFormatError("invalid lot disclosure", issuesOf(result.error));
  return result.data;
}

/** Parse and validate one attestation disclosure; throws BundleFormatError. */
export function parseDisclosedAttestation(value: unknown): DisclosedAttestation {
  const result = disclosedAttestationSchema.safeParse(value);
  if (!result.success) throw new BundleFormatError("invalid attestation disclosure", issuesOf(result.error));
  return result.data;
}

/** A decimal quantity string as an integer number of millionths. */
export function quantityToMicros(quantity: string): bigint {
  const [whole = "0", fraction = ""] = quantity.split(".");
  return BigInt(whole) * 10n ** BigInt(QUANTITY_DECIMALS) + BigInt(fraction.padEnd(QUANTITY_DECIMALS, "0") || "0");
}

/** An integer number of millionths as the shortest decimal quantity string. */
export function microsToQuantity(micros: bigint): string {
  const scale = 10n ** BigInt(QUANTITY_DECIMALS);
  const whole = micros / scale;
  const fraction = (micros % scale).toString().padStart(QUANTITY_DECIMALS, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
}
