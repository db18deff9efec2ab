// Pure helper of the organisation page: what a signing key's validity interval means today.

/** A key as `GET /v1/organisations/:id` lists it (unix seconds). */
export interface OrganisationKey {
  address: string;
  validFrom: number;
  validUntil: number | null;
  compromisedFrom: number | null;
}

/** State of a key at `now` (unix seconds): compromise wins over retirement. */
export type KeyState = "active" | "notYet" | "retired" | "compromised";

/** Reads a key's interval at `now`. */
export function keyStateAt(key: OrganisationKey, now: number): KeyState {
  if (key.compromisedFrom !== null && key.compromisedFrom <= now) return "compromised";
  if (key.validUntil !== null && key.validUntil <= now) return "retired";
  if (key.validFrom > now) return "notYet";
  return "active";
}
