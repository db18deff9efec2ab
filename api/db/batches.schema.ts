import { index, integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

/**
 * The leaves of signed batches (one organisation signature over a Merkle root) received by this API: the request,
 * uid and proof that `signedLeafStatus` needs. The chain holds only the root, so like `leaves` this is private data
 * an index rebuild must keep. The batch itself (root, signer, signature) is its `signed-batch` relay job.
 */
export const signedBatchLeaves = pgTable(
  "signed_batch_leaves",
  {
    root: text("root").notNull(),
    uid: text("uid").notNull(),
    /** Position in the batch as sent (the order of the client's rows). */
    position: integer("position").notNull(),
    leafHash: text("leaf_hash").notNull(),
    proof: jsonb("proof").$type<string[]>().notNull(),
    schemaId: text("schema_id").notNull(),
    subject: text("subject").notNull(),
    digest: text("digest").notNull(),
    /** Requested expiry as signed (decimal unix seconds, "0" = the schema's default validity). */
    expiry: text("expiry").notNull(),
    refUid: text("ref_uid"),
    nonce: text("nonce").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.root, table.uid] }),
    index("signed_batch_leaves_uid_idx").on(table.uid),
    index("signed_batch_leaves_leaf_hash_idx").on(table.leafHash),
  ],
);
