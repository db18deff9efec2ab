import { z } from "zod";
import { address, bytes32, signature, uintString } from "./fields";
import { typedDataSchema } from "./contract";

// Signed batches (bulk certification): many attestations, one signature over their Merkle root.
// The client builds the tree with the sdk (`buildSignedBatch`), asks for the typed data of its root, signs once,
// and sends the leaves with the signature. The API checks the tree, stores everything, and relays it.

/** Most leaves one signed batch may hold through the API. */
export const MAX_SIGNED_BATCH_LEAVES = 10_000;

/** The signed fields of a signed batch (the `SignedBatch` EIP-712 type). */
export const signedBatchMessageSchema = z.strictObject({
  root: bytes32,
  count: uintString,
  nonce: uintString,
  deadline: uintString,
});

/** `POST /v1/batches/prepare`: the root and size of a tree the client built. */
export const prepareSignedBatchSchema = z.strictObject({
  root: bytes32,
  count: z.number().int().min(1).max(MAX_SIGNED_BATCH_LEAVES),
  /** Seconds the signature stays submittable (default 3600). */
  validForSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 86400)
    .optional(),
});

/** Response of `POST /v1/batches/prepare`. */
export const prepareSignedBatchResponseSchema = z.object({
  typedData: typedDataSchema("SignedBatch", signedBatchMessageSchema),
});

/** One attestation of a signed batch (the schema is the batch's; the signer is the one who signs the root). */
export const signedBatchLeafSchema = z.strictObject({
  subject: bytes32,
  digest: bytes32,
  /** Unix seconds; "0" = the schema's default validity (or never). */
  expiry: uintString,
  /** Related attestation uid; omitted = none. */
  ref: bytes32.optional(),
  /** Chosen by the client; makes the uid unique (a random 128-bit number is fine). */
  nonce: uintString,
});

/** `POST /v1/batches`: the leaves, in any order, and the one signature over their root. */
export const submitSignedBatchSchema = z.strictObject({
  message: signedBatchMessageSchema,
  signer: address,
  signature,
  schema: bytes32,
  leaves: z.array(signedBatchLeafSchema).min(1).max(MAX_SIGNED_BATCH_LEAVES),
});

/** Where a signed batch stands, in the words the pages use. */
export const signedBatchStateSchema = z.enum(["stored", "recording", "recorded", "failed"]);

/** `202` answer of `POST /v1/batches` and body of `GET /v1/batches/:root`. */
export const signedBatchSchema = z.object({
  root: bytes32,
  count: z.number().int(),
  schema: bytes32,
  signer: address,
  /** Organisation of the signer. */
  attester: bytes32,
  /**
   * `stored`: kept, waiting for the chain; `recording`: sent, waiting for confirmation and the index;
   * `recorded`: on chain and indexed (each document verifies); `failed`: the chain refused it (`error` says why).
   */
  state: signedBatchStateSchema,
  error: z.string().nullable(),
  txHash: bytes32.nullable(),
  blockNumber: z.number().int().nullable(),
  /** Uid of each leaf, in the order the leaves were sent. */
  uids: z.array(bytes32).optional(),
});
export type SignedBatchState = z.infer<typeof signedBatchSchema>;

/** `GET /v1/batches/:root`. */
export const signedBatchParamsSchema = z.strictObject({ root: bytes32 });
