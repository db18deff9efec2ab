// What the organisation page reads from the API (organisations with profiles and keys, schemas) and from the chain
// through the read-only proxy (governor role, accreditations).
import { apiCall } from "../shared/api";
import { simulate, type SiteDeployment } from "../shared/wallet/transaction";
import {
  accreditationCall,
  decodeAccreditation,
  decodeHasRole,
  hasGovernorRoleCall,
  type AccreditationRecord,
} from "./organisation-actions";
import type { OrganisationKey } from "./key-state";

/** An organisation as `GET /v1/organisations` lists it. */
export interface OrganisationView {
  id: string;
  kind: "supplier" | "certifier" | "member";
  active: boolean;
  admittedAt: number;
  metadataDigest: string;
  profile: ({ name: string } & Record<string, string>) | null;
  keys: OrganisationKey[];
}

/** A schema as `GET /v1/schemas` lists it. */
export interface SchemaView {
  id: string;
  attesterRule: "self" | "certifier";
  active: boolean;
  definition: unknown;
}

/** Every page of a listing. */
async function allPages<T>(root: string, path: string): Promise<T[] | null> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const answer: { status: number; body: { items: T[]; nextCursor: string | null } } = await apiCall(
      root,
      `${path}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    if (answer.status !== 200) return null;
    items.push(...answer.body.items);
    cursor = answer.body.nextCursor;
  } while (cursor);
  return items;
}

/** Every organisation of the federation (null when the API does not answer). */
export function loadOrganisations(root: string): Promise<OrganisationView[] | null> {
  return allPages<OrganisationView>(root, "v1/organisations").catch(() => null);
}

/** Every schema (null when the API does not answer). */
export function loadSchemas(root: string): Promise<SchemaView[] | null> {
  return allPages<SchemaView>(root, "v1/schemas").catch(() => null);
}

/** One organisation, or null when the API does not know it (yet). */
export async function loadOrganisation(root: string, id: string): Promise<OrganisationView | null> {
  const answer = await apiCall<OrganisationView>(root, `v1/organisations/${id}`);
  return answer.status === 200 ? answer.body : null;
}

/** Whether `address` holds the governor role, read from the chain. */
export async function isGovernor(root: string, deployment: SiteDeployment, address: string): Promise<boolean> {
  const answer = await simulate(root, address, hasGovernorRoleCall(deployment.contracts.Federation.address, address));
  return answer.ok && decodeHasRole(answer.data);
}

/** A certifier's accreditation for a schema, read from the chain. */
export async function readAccreditation(
  root: string,
  deployment: SiteDeployment,
  org: string,
  schema: string,
): Promise<AccreditationRecord | null> {
  const answer = await simulate(
    root,
    deployment.governor,
    accreditationCall(deployment.contracts.Federation.address, org, schema),
  );
  return answer.ok ? decodeAccreditation(answer.data) : null;
}
