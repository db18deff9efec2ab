import { jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Organisations' public profiles (name, city…). Only the profile's digest is on chain
 * (`Federation` metadata digest); a profile is stored when its digest matches, so the API can show
 * names that anyone can check. Not rebuilt from the chain: kept like private data.
 */
export const organisationProfiles = pgTable(
  "organisation_profiles",
  {
    organisationId: text("organisation_id").notNull(),
    /** `metadataDigest(profile)` (sdk/hashing): equal to the on-chain digest when it was stored. */
    digest: text("digest").notNull(),
    profile: jsonb("profile").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.organisationId, table.digest] })],
);
