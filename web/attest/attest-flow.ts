// Pure helpers of the attest page: which schemas an organisation may use, the expiry the form asks for,
// and what a refused submission means. No DOM here (tested in test/web/attest-flow.test.ts).

/** A schema as `GET /v1/schemas` lists it. */
export interface SchemaItem {
  id: string;
  attesterRule: "self" | "certifier";
  defaultValidity: number;
  active: boolean;
  deprecatedBy: string | null;
  definition: unknown;
}

/** Schemas an organisation of `kind` may sign: active, not replaced, and certifier-only ones for certifiers. */
export function usableSchemas(schemas: SchemaItem[], kind: "supplier" | "certifier" | "member"): SchemaItem[] {
  return schemas.filter(
    (schema) => schema.active && !schema.deprecatedBy && (schema.attesterRule === "self" || kind === "certifier"),
  );
}

/** Unix seconds at the end of the chosen day (UTC), or 0 (the schema's default) when no date is chosen. */
export function expiryOfDate(date: string): number {
  if (!date) return 0;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return Number.NaN;
  return Math.floor(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59) / 1000);
}

/** Why the API refused to record a signed attestation, in words the page can show. */
export type RefusalReason = "notAllowed" | "alreadyRecorded" | "expiredSignature" | "invalid" | "unavailable";

/** Maps a problem document (status + stable code) of the attest endpoints to a reason. */
export function refusalOf(status: number, code: string | undefined): RefusalReason {
  if (status === 409) return "alreadyRecorded";
  if (status === 403 || code === "forbidden" || code === "not-accredited") return "notAllowed";
  if (code && /deadline|expired/.test(code)) return "expiredSignature";
  if (status >= 500 || status === 429) return "unavailable";
  return "invalid";
}

/** Where a submitted attestation stands for the person who signed it. */
export type Progress = "waiting" | "recorded" | "failed";

/** Reads `GET /v1/attestations/:uid` into a progress step. */
export function progressOf(attestation: { status: string; relay: { status: string } | null } | undefined): Progress {
  if (!attestation) return "waiting";
  if (attestation.relay?.status === "failed") return "failed";
  if (attestation.status !== "UNKNOWN") return "recorded";
  return "waiting";
}
