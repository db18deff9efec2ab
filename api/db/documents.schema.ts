import { customType, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

// Private evidence documents: the only copy of each file (the chain holds at most its digest), never rebuilt.

/** `bytea`: node-postgres returns a Buffer, PGlite a Uint8Array; both come out as a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  toDriver: (value) => value,
  fromDriver: (value) =>
    Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
});

/** Evidence documents of their owner organisation, one per (organisation, file digest). */
export const documents = pgTable(
  "documents",
  {
    /** Random id (no count or order leaks through it). */
    id: uuid("id").primaryKey(),
    organisationId: text("organisation_id").notNull(),
    /** `fileDigest(content)` (sdk/hashing.ts): what attestations reference. */
    digest: text("digest").notNull(),
    fileName: text("file_name").notNull(),
    mediaType: text("media_type").notNull(),
    size: integer("size").notNull(),
    content: bytea("content").notNull(),
    /** Optional: one of the organisation's lots this document is evidence for. */
    lotId: text("lot_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("documents_organisation_digest_idx").on(table.organisationId, table.digest),
    index("documents_organisation_created_idx").on(table.organisationId, table.createdAt, table.id),
    index("documents_organisation_lot_idx").on(table.organisationId, table.lotId),
  ],
);
