import { z } from "zod";
import { address, bytes32, cursor, limit, signature, text, uintString, unixSeconds } from "./fields";
import { bundleV1Schema, lotRecordSchema, QUANTITY_UNITS, quantitySchema } from "../bundle/format";

// Request and response schemas of the provenance API. The API validates with them and publishes
// them in /openapi.json; the typed client derives its types from them. One place, no drift.

/** RFC 9457 problem document. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ title: "Problem" });
export type Problem = z.infer<typeof problemSchema>;

/** `GET /healthz`. */
export const healthSchema = z.object({ status: z.literal("ok") });

/** One readiness check. */
export const readinessCheckSchema = z.object({
  ok: z.boolean(),
  detail: z.string().optional(),
  lagBlocks: z.number().int().optional(),
});

/** `GET /readyz`. */
export const readinessSchema = z.object({
  status: z.enum(["ready", "not-ready"]),
  checks: z.record(z.string(), readinessCheckSchema),
});
export type Readiness = z.infer<typeof readinessSchema>;

// --- auth -------------------------------------------------------------------------------------

/** `GET /v1/auth/nonce`. */
export const nonceResponseSchema = z.object({
  nonce: z.string(),
  expiresAt: z.string(),
  domain: z.string(),
  uri: z.string(),
  chainId: z.number().int(),
});

/** `POST /v1/auth/login`. */
export const loginRequestSchema = z.strictObject({
  message: text(4096).min(1),
  signature: z
    .string()
    .regex(/^0x([0-9a-fA-F]{2}){1,2048}$/, "must be 0x-prefixed hex bytes")
    .transform((value) => value.toLowerCase()),
});

/** Organisation kinds as in the Federation contract. */
export const organisationKindSchema = z.enum(["supplier", "certifier", "member"]);

/** Who is signed in. */
export const sessionSchema = z.object({
  address,
  chainId: z.number().int(),
  organisation: z.object({ id: bytes32, kind: organisationKindSchema, active: z.boolean() }).nullable(),
  expiresAt: z.string(),
});
export type Session = z.infer<typeof sessionSchema>;

// --- organisations and schemas ------------------------------------------------------------------

/**
 * An organisation's public profile: the JSON document whose `metadataDigest` (sdk/hashing) is on chain.
 * `name` is required; a few more short text fields (city, country, website…) may follow.
 */
export const organisationProfileSchema = z
  .object({ name: z.string().max(120).regex(/\S/, "must not be blank") })
  .catchall(z.string().max(500))
  .refine((profile) => Object.keys(profile).length <= 20, { message: "at most 20 fields" });
export type OrganisationProfile = z.infer<typeof organisationProfileSchema>;

/** A federation organisation (public). */
export const organisationSchema = z.object({
  id: bytes32,
  kind: organisationKindSchema,
  active: z.boolean(),
  admittedAt: unixSeconds,
  metadataDigest: bytes32,
  /** The stored profile matching `metadataDigest`, or null when nobody has published it yet. */
  profile: organisationProfileSchema.nullable(),
  keys: z.array(
    z.object({
      address,
      validFrom: unixSeconds,
      validUntil: unixSeconds.nullable(),
      compromisedFrom: unixSeconds.nullable(),
    }),
  ),
});
export type Organisation = z.infer<typeof organisationSchema>;

/** Paged list envelope. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** `?cursor=&limit=` */
export const pageQuerySchema = z.strictObject({ cursor: cursor.optional(), limit });

/** Path parameter holding a bytes32 id. */
export const idParamsSchema = z.strictObject({ id: bytes32 });

/** A bytes32 schema/attestation reference. */
export const uidParamsSchema = z.strictObject({ uid: bytes32 });

/** Schema attester rules. */
export const schemaSchema = z.object({
  id: bytes32,
  attesterRule: z.enum(["self", "certifier"]),
  defaultValidity: z.number().int(),
  active: z.boolean(),
  deprecatedBy: bytes32.nullable(),
  definition: z.unknown().nullable(),
});
export type Schema = z.infer<typeof schemaSchema>;

// --- typed data ---------------------------------------------------------------------------------

const typedDataField = z.object({ name: z.string(), type: z.string() });

/** EIP-712 typed data ready for `eth_signTypedData_v4`. */
export function typedDataSchema<M extends z.ZodType>(primaryType: string, message: M) {
  return z.object({
    domain: z.object({ name: z.string(), version: z.string(), chainId: z.number().int(), verifyingContract: address }),
    types: z.record(z.string(), z.array(typedDataField)),
    primaryType: z.literal(primaryType),
    message,
  });
}

/** The signed fields of an attestation (as in the `Attest` EIP-712 type). */
export const attestMessageSchema = z.strictObject({
  schema: bytes32,
  subject: bytes32,
  digest: bytes32,
  expiry: uintString,
  ref: bytes32,
  nonce: uintString,
  deadline: uintString,
});

/** A yes/no field: a JSON boolean, or `true` / `false` as a multipart field or query parameter. */
const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((value) => value === "true")]);

/** A private evidence document of the signed-in organisation (metadata; the bytes are at `/content`). */
export const documentSchema = z.object({
  id: z.uuid(),
  /** `fileDigest(bytes)`: what attestations reference. */
  digest: bytes32,
  fileName: z.string(),
  mediaType: z.string(),
  size: z.number().int(),
  createdAt: z.string(),
  lotId: bytes32.nullable(),
});
export type EvidenceDocument = z.infer<typeof documentSchema>;

/** `POST /v1/attestations/prepare` (JSON, or multipart with a `file` whose digest the API computes). */
export const prepareAttestationSchema = z.strictObject({
  schema: bytes32,
  subject: bytes32,
  /** The salted claim digest or file digest; omit when uploading the file. */
  digest: bytes32.optional(),
  /** Unix seconds; 0 or omitted = the schema's default validity. */
  expiry: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 40 - 1)
    .optional(),
  ref: bytes32.optional(),
  /** The key that will sign: lets the API return the uid in advance. */
  signer: address.optional(),
  /** Seconds the signature stays submittable (default 3600). */
  validForSeconds: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 86400)
    .optional(),
  /** With an uploaded `file` and a session: also keep the file among your private documents. */
  store: flag.optional(),
});

/** Response of the prepare endpoints. */
export const prepareAttestationResponseSchema = z.object({
  typedData: typedDataSchema("Attest", attestMessageSchema),
  digest: bytes32,
  uid: bytes32.nullable(),
  /** The private copy kept when asked with `store`. */
  document: documentSchema.optional(),
});

/** `POST /v1/attestations`. */
export const submitAttestationSchema = z.strictObject({
  message: attestMessageSchema,
  signer: address,
  signature,
});

/** Where a relayed payload stands. */
export const relayStatusSchema = z.enum(["queued", "submitted", "anchored", "failed"]);

/** Effective status computed from chain reads. */
export const effectiveStatusSchema = z.enum(["UNKNOWN", "VALID", "EXPIRED", "REVOKED", "SUSPENDED", "KEY_COMPROMISED"]);

/** `202` answer of every submit endpoint. */
export const acceptedSchema = z.object({ uid: bytes32, jobId: z.number().int(), status: relayStatusSchema });

/** Why an attestation was withdrawn, as its attester recorded it (from the index). */
export const revocationSchema = z.object({
  /** The reason code's text (`reasonText`), e.g. AUDIT_FAILED; empty when the code is not text. */
  reason: z.string(),
  /** The bytes32 reason code as recorded. */
  reasonCode: bytes32,
  /** Block of the revocation. */
  blockNumber: z.number().int(),
});

/** An attestation with its relay and effective status. */
export const attestationSchema = z.object({
  uid: bytes32,
  schema: bytes32,
  subject: bytes32,
  digest: bytes32,
  attester: bytes32.nullable(),
  signer: address,
  expiresAt: z.number().int(),
  ref: bytes32.nullable(),
  batchRoot: bytes32.nullable(),
  relay: z.object({ status: relayStatusSchema, error: z.string().nullable(), txHash: bytes32.nullable() }).nullable(),
  status: effectiveStatusSchema,
  endorsed: z.boolean(),
  endorsement: z.object({ certifier: bytes32, signer: address, withdrawn: z.boolean() }).nullable(),
  /** Set when REVOKED by its attester and indexed; null otherwise. */
  revocation: revocationSchema.nullable(),
  txHash: bytes32.nullable(),
  blockNumber: z.number().int().nullable(),
});
export type Attestation = z.infer<typeof attestationSchema>;

/** `GET /v1/attestations` filters. */
export const listAttestationsQuerySchema = z.strictObject({
  subject: bytes32.optional(),
  attester: bytes32.optional(),
  schema: bytes32.optional(),
  status: effectiveStatusSchema.optional(),
  cursor: cursor.optional(),
  limit,
});

/** The signed fields of an endorsement. */
export const endorseMessageSchema = z.strictObject({ uid: bytes32, nonce: uintString, deadline: uintString });
/** The signed fields of a revocation. */
export const revokeMessageSchema = z.strictObject({
  uid: bytes32,
  reason: bytes32,
  nonce: uintString,
  deadline: uintString,
});

/** `POST /v1/attestations/:uid/endorsement/prepare`. */
export const prepareEndorsementSchema = z.strictObject({
  validForSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 86400)
    .optional(),
});
/** `POST /v1/attestations/:uid/revocation/prepare`. */
export const prepareRevocationSchema = z.strictObject({
  /** Short reason code, e.g. AUDIT_FAILED (≤ 31 bytes). */
  reason: text(31).regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ and - only"),
  validForSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 86400)
    .optional(),
});
export const prepareEndorsementResponseSchema = z.object({
  typedData: typedDataSchema("Endorse", endorseMessageSchema),
});
export const prepareRevocationResponseSchema = z.object({ typedData: typedDataSchema("Revoke", revokeMessageSchema) });

/** `POST /v1/attestations/:uid/endorsement`. */
export const submitEndorsementSchema = z.strictObject({ message: endorseMessageSchema, signer: address, signature });
/** `POST /v1/attestations/:uid/revocation`. */
export const submitRevocationSchema = z.strictObject({ message: revokeMessageSchema, signer: address, signature });

/** `POST /v1/verify` (JSON `{digest}` or multipart `file`). */
export const verifyRequestSchema = z.strictObject({ digest: bytes32.optional() });
/** Verdict for one digest. */
export const verifyResponseSchema = z.object({
  digest: bytes32,
  verdict: z.enum(["VALID", "NOT_VALID", "UNKNOWN"]),
  attestations: z.array(attestationSchema),
  checkedAtBlock: z.number().int(),
});
export type VerifyResponse = z.infer<typeof verifyResponseSchema>;

/** A relay job of the signed-in organisation. */
export const relayJobSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  uid: bytes32,
  status: relayStatusSchema,
  error: z.string().nullable(),
  txHash: bytes32.nullable(),
  createdAt: z.string(),
});
export const relayJobParamsSchema = z.strictObject({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 53 - 1),
});

export { address, bytes32 };

// --- lots, bundles and shares (issue 4) -------------------------------------------------------

const quantityUnit = z.enum(QUANTITY_UNITS);

/** `POST /v1/lots/prepare`: the private record fields; the API adds the lot id, owner and salt. */
export const prepareLotSchema = z.strictObject({
  product: text(200),
  quantity: quantitySchema,
  unit: quantityUnit,
  producedOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
    .optional(),
  reference: text(200).optional(),
  /** Own lots or lots of an imported bundle, with the quantity taken from each (in the parent's unit). */
  parents: z
    .array(z.strictObject({ lotId: bytes32, quantity: quantitySchema }))
    .max(1000)
    .optional(),
  attestations: z.array(bytes32).max(1000).optional(),
  validForSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 86400)
    .optional(),
});

/** The signed fields of a lot commitment (`Commit` EIP-712 type). */
export const commitMessageSchema = z.strictObject({
  lotId: bytes32,
  commitment: bytes32,
  nonce: uintString,
  deadline: uintString,
});

/** Answer of `POST /v1/lots/prepare`: typed data to sign, and the salted record to send back with the signature. */
export const prepareLotResponseSchema = z.object({
  typedData: typedDataSchema("Commit", commitMessageSchema),
  record: lotRecordSchema,
  salt: bytes32,
});

/** `POST /v1/lots`: the prepared record and salt with the owner key's signature of the `Commit`. */
export const submitLotSchema = z.strictObject({
  record: lotRecordSchema,
  salt: bytes32,
  message: commitMessageSchema,
  signer: address,
  signature,
});

/** `202` of `POST /v1/lots`. */
export const lotAcceptedSchema = z.object({
  lotId: bytes32,
  version: z.number().int(),
  jobId: z.number().int(),
  status: relayStatusSchema,
});

/** Reason codes of a lot flag: a recall, or a dispute about the lot. Recorded on chain as `reasonCode(reason)`. */
export const LOT_FLAG_REASONS = ["RECALL", "DISPUTE"] as const;
export const lotFlagReasonSchema = z.enum(LOT_FLAG_REASONS);
export type LotFlagReason = z.infer<typeof lotFlagReasonSchema>;

/** A lot's flag as recorded on chain (read from the index). */
export const lotFlagSchema = z
  .object({
    /** The reason code as text (`RECALL`, `DISPUTE`, or the raw bytes32 when it is not text). */
    reason: z.string(),
    /** Unix seconds of the block that recorded it. */
    flaggedAt: unixSeconds,
    blockNumber: z.number().int(),
    /** The key (or the governor) that flagged it. */
    by: address,
    /** The private note sent with the flag through this API (never on chain), when there is one. */
    note: z.string().nullable(),
  })
  .meta({ title: "LotFlag" });

/** A lot of the signed-in organisation (latest version). */
export const lotSchema = z.object({
  lotId: bytes32,
  /**
   * On-chain version of this record (LotRegistry, read from the index); while the commitment is not yet indexed,
   * the version it will be recorded as.
   */
  version: z.number().int(),
  record: lotRecordSchema,
  commitment: bytes32,
  relayStatus: relayStatusSchema.nullable(),
  createdAt: z.string(),
  /** Whether the lot is flagged (recall or dispute) on chain, as indexed. */
  flagged: z.boolean(),
  /** The current flag (null when not flagged). */
  flag: lotFlagSchema.nullable(),
  /** Where the latest flag sent through `POST /v1/lots/:lotId/flag` stands (null when none was sent). */
  flagRelayStatus: relayStatusSchema.nullable(),
});
export type Lot = z.infer<typeof lotSchema>;
export const lotListSchema = z.object({ items: z.array(lotSchema) });
export const lotParamsSchema = z.strictObject({ lotId: bytes32 });

/** `POST /v1/lots/:lotId/flag/prepare`: recall or dispute one of your lots. */
export const prepareLotFlagSchema = z.strictObject({
  reason: lotFlagReasonSchema,
  /** Private note kept with the flag (never on chain). Send it again with the signature to store it. */
  note: text(1000).optional(),
  /** Seconds the signature stays submittable (default 3600). */
  validForSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 86400)
    .optional(),
});

/** The signed fields of a lot flag (`Flag` EIP-712 type, LotRegistry domain). */
export const flagMessageSchema = z.strictObject({
  lotId: bytes32,
  reason: bytes32,
  nonce: uintString,
  deadline: uintString,
});

/** Answer of `POST /v1/lots/:lotId/flag/prepare`: the `Flag` typed data (nonce and deadline filled in) to sign. */
export const prepareLotFlagResponseSchema = z.object({ typedData: typedDataSchema("Flag", flagMessageSchema) });

/** `POST /v1/lots/:lotId/flag`: the prepared reason, nonce and deadline with the owner key's signature. */
export const submitLotFlagSchema = z.strictObject({
  reason: lotFlagReasonSchema,
  nonce: uintString,
  deadline: uintString,
  signature,
  /** The signing key; recovered from the signature when omitted (give it for a smart-contract wallet). */
  signer: address.optional(),
  /** Private note kept with the flag (never on chain). */
  note: text(1000).optional(),
});

/** `202` of `POST /v1/lots/:lotId/flag`. */
export const lotFlagAcceptedSchema = z.object({
  lotId: bytes32,
  jobId: z.number().int(),
  status: relayStatusSchema,
});

/** An attestation covering a lot, with its effective status now. */
export const tracedAttestationSchema = z.object({
  uid: bytes32,
  status: effectiveStatusSchema,
  endorsed: z.boolean(),
});

/** One lot of an upstream tree (`GET /v1/lots/:lotId/upstream`). */
export interface UpstreamNode {
  lotId: string;
  /** `own`: your lot; `imported`: a lot of a bundle you imported; `not-held`: named as a parent, never disclosed to you. */
  source: "own" | "imported" | "not-held";
  product: string | null;
  quantity: string | null;
  unit: string | null;
  version: number | null;
  /** What the child lot took from this lot (null for the root). */
  taken: { quantity: string; unit: string } | null;
  flagged: boolean;
  flag: z.infer<typeof lotFlagSchema> | null;
  attestations: z.infer<typeof tracedAttestationSchema>[];
  /** Worst outcome of the lot's own checks (commitment on chain, flag, attestations), as `POST /v1/bundles/verify`. */
  outcome: "pass" | "warn" | "fail" | null;
  /** Worst outcome over the lot and everything upstream of it. */
  upstreamOutcome: "pass" | "warn" | "fail" | null;
  /** `shown-above`: the lot was already expanded elsewhere in the tree; `cycle`: a record names its own descendant. */
  note?: "shown-above" | "cycle";
  parents: UpstreamNode[];
}

const outcomeSchema = z.enum(["pass", "warn", "fail"]);

/** One lot of an upstream tree (recursive). */
export const upstreamNodeSchema: z.ZodType<UpstreamNode> = z
  .object({
    lotId: bytes32,
    source: z.enum(["own", "imported", "not-held"]),
    product: z.string().nullable(),
    quantity: z.string().nullable(),
    unit: z.string().nullable(),
    version: z.number().int().nullable(),
    taken: z.object({ quantity: z.string(), unit: z.string() }).nullable(),
    flagged: z.boolean(),
    flag: lotFlagSchema.nullable(),
    attestations: z.array(tracedAttestationSchema),
    outcome: outcomeSchema.nullable(),
    upstreamOutcome: outcomeSchema.nullable(),
    note: z.enum(["shown-above", "cycle"]).optional(),
    get parents() {
      return z.array(upstreamNodeSchema);
    },
  })
  .meta({ id: "UpstreamNode", title: "UpstreamNode" });

/** `GET /v1/lots/:lotId/upstream`: what the lot depends on, from your lots and the bundles you imported. */
export const lotUpstreamSchema = z
  .object({
    lotId: bytes32,
    /** Chain block the statuses were read at. */
    checkedAtBlock: z.number().int(),
    /** Worst upstream outcome: `fail` when anything upstream is flagged, revoked, or does not match the chain. */
    outcome: outcomeSchema,
    tree: upstreamNodeSchema,
  })
  // Its own base URI: the recursive node's `$ref: "#/$defs/UpstreamNode"` then resolves inside this schema, not
  // against the root of the OpenAPI document that embeds it.
  .meta({ $id: "urn:fontaine:api:lot-upstream" });
export type LotUpstream = z.infer<typeof lotUpstreamSchema>;

/** `GET /v1/lots/:lotId/downstream`: which of your lots used the lot, directly or through other lots. */
export const lotDownstreamSchema = z.object({
  lotId: bytes32,
  items: z.array(
    z.object({
      lotId: bytes32,
      product: z.string(),
      quantity: z.string(),
      unit: z.string(),
      version: z.number().int(),
      flagged: z.boolean(),
      /** 1 = takes from the lot directly. */
      depth: z.number().int().min(1),
      /** The lots in between the traced lot and this one (both excluded), nearest the traced lot first. */
      via: z.array(bytes32),
      /** What this lot takes from the traced lot when it uses it directly. */
      taken: z.object({ quantity: z.string(), unit: z.string() }).nullable(),
    }),
  ),
});
export type LotDownstream = z.infer<typeof lotDownstreamSchema>;

/** A disclosure bundle (format v1, see docs/bundles.md). */
export const bundleSchema = bundleV1Schema;

/** `POST /v1/bundles` answer: the lots the import made usable as parents. */
export const importedBundleSchema = z.object({
  id: z.number().int(),
  subject: bytes32,
  lots: z.array(z.object({ lotId: bytes32, product: z.string(), quantity: z.string(), unit: quantityUnit })),
});

/** `GET /v1/bundles`: the bundles the organisation imported, newest first, with the lots each made usable as parents. */
export const importedBundleListSchema = z.object({
  items: z.array(importedBundleSchema.extend({ importedAt: z.string() })),
});

/** The verdict tree of `verifyBundle` (`sdk/bundle/verify.ts` `BundleVerdict`). */
export const bundleVerdictSchema = z.looseObject({
  ok: z.boolean(),
  outcome: z.enum(["pass", "warn", "fail"]),
  subject: bytes32,
  chain: z.looseObject({ chainId: z.number().int(), blockNumber: z.number().int(), time: z.number().int() }),
  findings: z.array(z.looseObject({ code: z.string(), severity: z.enum(["fail", "warn"]), message: z.string() })),
  lots: z.array(z.looseObject({ lotId: bytes32, outcome: z.enum(["pass", "warn", "fail"]) })),
  attestations: z.array(z.looseObject({ uid: bytes32 })),
  tree: z.unknown(),
  counts: z.looseObject({ lots: z.number().int(), failures: z.number().int(), warnings: z.number().int() }),
});

/** `POST /v1/lots/:lotId/shares`. */
export const createShareSchema = z.strictObject({
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(365 * 86400)
    .optional(),
});
/** A share link's id: the SHA-256 of its token (the API keeps only this, so it can list links but never re-issue them). */
const shareId = z.string().regex(/^[0-9a-f]{64}$/);
export const shareSchema = z.object({ id: shareId, token: z.string(), url: z.string(), expiresAt: z.string() });
export const shareParamsSchema = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) });
/** `DELETE /v1/lots/:lotId/shares/:id`: revoke a link by its id (from any device; the token is not needed). */
export const lotShareParamsSchema = z.strictObject({ lotId: bytes32, id: shareId });
/** One share link of a lot as `GET /v1/lots/:lotId/shares` lists it (never its token). */
export const shareSummarySchema = z.object({
  id: shareId,
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  state: z.enum(["live", "expired", "revoked"]),
});
export const shareListSchema = z.object({ items: z.array(shareSummarySchema) });

// --- private evidence documents (issue 4) ------------------------------------------------------

/** `POST /v1/documents`: multipart `file`, optionally linked to one of your lots. */
export const uploadDocumentSchema = z.strictObject({ lotId: bytes32.optional() });
/** `GET /v1/documents?lotId=&cursor=&limit=` */
export const listDocumentsQuerySchema = z.strictObject({ lotId: bytes32.optional(), cursor: cursor.optional(), limit });
export const documentParamsSchema = z.strictObject({ id: z.uuid() });
/** `POST /v1/lots/:lotId/bundle?documents=true`: also disclose the evidence documents the bundle's attestations reference. */
export const bundleQuerySchema = z.strictObject({ documents: flag.optional() });
