import { index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from "drizzle-orm/pg-core";

// Private lot data: the only copy of each record and salt (the chain holds only the commitment), never rebuilt.

/** Lot records of their owner organisation, one row per committed version (amendments append). */
export const lotRecords = pgTable(
  "lot_records",
  {
    lotId: text("lot_id").notNull(),
    version: integer("version").notNull(),
    organisationId: text("organisation_id").notNull(),
    record: jsonb("record").notNull(),
    salt: text("salt").notNull(),
    commitment: text("commitment").notNull(),
    /** Signer, nonce, deadline and signature of the relayed `Commit`. */
    commit: jsonb("commit").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.lotId, table.version] }),
    index("lot_records_organisation_idx").on(table.organisationId),
  ],
);

/** Bundles received from suppliers: their lots become usable as parents for the importing organisation. */
export const importedBundles = pgTable(
  "imported_bundles",
  {
    id: serial("id").primaryKey(),
    organisationId: text("organisation_id").notNull(),
    subject: text("subject").notNull(),
    bundle: jsonb("bundle").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("imported_bundles_organisation_idx").on(table.organisationId)],
);

/** Share links: a capability token (stored hashed) granting read access to one lot's bundle until it expires. */
export const lotShares = pgTable(
  "lot_shares",
  {
    tokenHash: text("token_hash").primaryKey(),
    organisationId: text("organisation_id").notNull(),
    lotId: text("lot_id").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("lot_shares_organisation_idx").on(table.organisationId)],
);
