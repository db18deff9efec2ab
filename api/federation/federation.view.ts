import { asc, eq, gt, inArray } from "drizzle-orm";
import { getAddress } from "ethers";
import type { ApiDatabase } from "../db/database";
import { organisationKeys, organisationProfiles, organisations, schemas } from "../db/schema";
import { metadataDigest } from "../../sdk/hashing";
import { NotFoundError, UnprocessableError, ValidationError } from "../errors";
import type { Organisation, OrganisationProfile, Schema } from "../../sdk/api-client/contract";

function decodeIdCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^0x[0-9a-f]{64}$/.test(id)) {
    throw new ValidationError([{ path: "query.cursor", message: "not a cursor returned by a previous page" }]);
  }
  return id;
}

/** Public federation data from the index: organisations with their keys, schemas. */
export function createFederationView(db: ApiDatabase) {
  async function withKeys(rows: Array<typeof organisations.$inferSelect>): Promise<Organisation[]> {
    const keys = rows.length
      ? await db
          .select()
          .from(organisationKeys)
          .where(
            inArray(
              organisationKeys.organisationId,
              rows.map((row) => row.id),
            ),
          )
      : [];
    const profiles = rows.length
      ? await db
          .select()
          .from(organisationProfiles)
          .where(
            inArray(
              organisationProfiles.organisationId,
              rows.map((row) => row.id),
            ),
          )
      : [];
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind as Organisation["kind"],
      active: row.active,
      admittedAt: row.admittedAt,
      metadataDigest: row.metadataDigest,
      // Only the profile whose digest is the current on-chain one (a governor may have changed it since).
      profile:
        (profiles.find((p) => p.organisationId === row.id && p.digest === row.metadataDigest)
          ?.profile as OrganisationProfile) ?? null,
      keys: keys
        .filter((key) => key.organisationId === row.id)
        .map((key) => ({
          address: getAddress(key.address),
          validFrom: key.validFrom,
          validUntil: key.validUntil,
          compromisedFrom: key.compromisedFrom,
        })),
    }));
  }

  function shapeSchema(row: typeof schemas.$inferSelect): Schema {
    return {
      id: row.id,
      attesterRule: row.attesterRule as Schema["attesterRule"],
      defaultValidity: row.defaultValidity,
      active: row.active,
      deprecatedBy: row.deprecatedBy,
      definition: row.definition ?? null,
    };
  }

  return {
    async listOrganisations(query: { cursor?: string; limit: number }) {
      const after = decodeIdCursor(query.cursor);
      const rows = await db
        .select()
        .from(organisations)
        .where(after ? gt(organisations.id, after) : undefined)
        .orderBy(asc(organisations.id))
        .limit(query.limit + 1);
      const page = rows.slice(0, query.limit);
      return {
        items: await withKeys(page),
        nextCursor: rows.length > query.limit ? Buffer.from(page[page.length - 1]!.id).toString("base64url") : null,
      };
    },
    async getOrganisation(id: string) {
      const rows = await db.select().from(organisations).where(eq(organisations.id, id)).limit(1);
      if (rows.length === 0) throw new NotFoundError("organisation", "organisation-not-found");
      return (await withKeys(rows))[0]!;
    },
    /**
     * Stores `profile` for organisation `id` when its digest is the organisation's on-chain metadata
     * digest (from the index): anyone may publish it, nobody can publish a different one.
     */
    async publishProfile(id: string, profile: OrganisationProfile): Promise<Organisation> {
      const rows = await db.select().from(organisations).where(eq(organisations.id, id)).limit(1);
      const row = rows[0];
      if (!row) throw new NotFoundError("organisation", "organisation-not-found");
      const digest = metadataDigest(profile).toLowerCase();
      if (digest !== row.metadataDigest.toLowerCase()) {
        throw new UnprocessableError(
          "profile-digest-mismatch",
          `this profile's digest ${digest} is not the organisation's recorded metadata digest ${row.metadataDigest}`,
        );
      }
      await db
        .insert(organisationProfiles)
        .values({ organisationId: id, digest: row.metadataDigest, profile })
        .onConflictDoNothing();
      return (await withKeys([row]))[0]!;
    },
    async listSchemas(query: { cursor?: string; limit: number }) {
      const after = decodeIdCursor(query.cursor);
      const rows = await db
        .select()
        .from(schemas)
        .where(after ? gt(schemas.id, after) : undefined)
        .orderBy(asc(schemas.id))
        .limit(query.limit + 1);
      const page = rows.slice(0, query.limit);
      return {
        items: page.map(shapeSchema),
        nextCursor: rows.length > query.limit ? Buffer.from(page[page.length - 1]!.id).toString("base64url") : null,
      };
    },
    async getSchema(id: string) {
      const [row] = await db.select().from(schemas).where(eq(schemas.id, id)).limit(1);
      if (!row) throw new NotFoundError("schema", "schema-not-found");
      return shapeSchema(row);
    },
  };
}

/** The federation view. */
export type FederationView = ReturnType<typeof createFederationView>;
