import { REVOCATION_REASONS, type RevocationReason } from "../../sdk/hashing";
import type { Status } from "../shared/status";

// Pure verdict logic of the verify page: what the API answered → what a person reads. No DOM here, so
// test/web/verify-verdict.test.ts runs it in Node.

/** The effective status the API reads from the chain for one attestation. */
export type ChainStatus = "UNKNOWN" | "VALID" | "EXPIRED" | "REVOKED" | "SUSPENDED" | "KEY_COMPROMISED";

/** The fields of one attestation the page shows (a subset of the API's `Attestation`). */
export interface VerifiedAttestation {
  uid: string;
  schema: string;
  subject: string;
  digest: string;
  attester: string | null;
  signer: string;
  expiresAt: number;
  relay: { status: "queued" | "submitted" | "anchored" | "failed"; error: string | null } | null;
  status: ChainStatus;
  endorsed: boolean;
  endorsement: { certifier: string; withdrawn: boolean } | null;
  /** Why its attester withdrew it (the reason code's text, empty when it is not text); null when not withdrawn. */
  revocation?: { reason: string; reasonCode: string; blockNumber: number } | null;
  blockNumber: number | null;
}

/** `POST /v1/verify` answer. */
export interface VerifyAnswer {
  digest: string;
  verdict: "VALID" | "NOT_VALID" | "UNKNOWN";
  attestations: VerifiedAttestation[];
  checkedAtBlock: number;
}

/** What one attestation means for a reader, from best to worst. */
export type Outcome = "valid" | "expired" | "revoked" | "suspended" | "keyCompromised" | "pending" | "failed";

/** Outcome of one attestation: a pending relay is "being recorded", never "unknown". */
export function outcomeOf(attestation: VerifiedAttestation): Outcome {
  return outcomeOfStatus(attestation.status, attestation.relay?.status === "failed");
}

/** Outcome of a chain status; an UNKNOWN one is "not recorded" when its recording failed, else "being recorded". */
export function outcomeOfStatus(status: string, recordingFailed: boolean): Outcome {
  switch (status) {
    case "VALID":
      return "valid";
    case "EXPIRED":
      return "expired";
    case "REVOKED":
      return "revoked";
    case "SUSPENDED":
      return "suspended";
    case "KEY_COMPROMISED":
      return "keyCompromised";
    default:
      return recordingFailed ? "failed" : "pending";
  }
}

const outcomeRank: Record<Outcome, number> = {
  valid: 0,
  pending: 1,
  expired: 2,
  suspended: 3,
  revoked: 4,
  keyCompromised: 5,
  failed: 6,
};

/** Badge colour of an outcome (the badge also carries an icon and a word). */
export function badgeOf(outcome: Outcome): Status {
  if (outcome === "valid") return "ok";
  if (outcome === "expired") return "warning";
  if (outcome === "pending") return "unknown";
  return "alarm";
}

/** The headline of a whole answer: "unknown" when nothing was ever recorded for the document. */
export type Headline = Outcome | "unknown";

/** Attestations best first (valid before pending before expired…), the headline being the best one's outcome. */
export function summarise(answer: VerifyAnswer): { headline: Headline; attestations: VerifiedAttestation[] } {
  if (answer.attestations.length === 0) return { headline: "unknown", attestations: [] };
  const sorted = [...answer.attestations].sort(
    (a, b) => outcomeRank[outcomeOf(a)] - outcomeRank[outcomeOf(b)] || (b.blockNumber ?? 0) - (a.blockNumber ?? 0),
  );
  return { headline: outcomeOf(sorted[0]!), attestations: sorted };
}

/** The message key of a withdrawal reason the pages offer. */
export type WithdrawalReasonKey = `withdrawal.reason.${RevocationReason}`;

/**
 * A recorded withdrawal reason in the reader's words: a code the pages offer through its label (`words`), another
 * as its text; null when there is none to tell.
 */
export function withdrawalReason(
  reason: string | number | null | undefined,
  words: (key: WithdrawalReasonKey) => string,
): string | null {
  const text = String(reason ?? "").trim();
  if (!text) return null;
  return (REVOCATION_REASONS as readonly string[]).includes(text)
    ? words(`withdrawal.reason.${text as RevocationReason}`)
    : text;
}

/** True when an expiry (unix seconds) means "never expires". */
export function hasNoExpiry(expiresAt: number): boolean {
  return !expiresAt || expiresAt <= 0;
}

/** Short form of a 32-byte id or address for people: `0x12ab…89ef`. */
export function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id;
}

/** A pasted digest, normalised (spaces trimmed, lower case, `0x` added), or null when it is not 32 bytes of hex. */
export function parseDigest(text: string): string | null {
  const compact = text.trim().replace(/\s+/g, "").toLowerCase();
  const withPrefix = compact.startsWith("0x") ? compact : `0x${compact}`;
  return /^0x[0-9a-f]{64}$/.test(withPrefix) ? withPrefix : null;
}

/** The digest carried by a share link's fragment (`#digest=0x…`), if any. */
export function digestFromHash(hash: string): string | null {
  const value = new URLSearchParams(hash.replace(/^#/, "")).get("digest");
  return value ? parseDigest(value) : null;
}

/** Schema label in `language` from a schema definition's `labels`, falling back to French, then its name. */
export function schemaLabel(definition: unknown, language: string): string | null {
  if (!definition || typeof definition !== "object") return null;
  const { labels, name } = definition as { labels?: Record<string, unknown>; name?: unknown };
  const label = labels?.[language] ?? labels?.fr;
  if (typeof label === "string" && label) return label;
  return typeof name === "string" && name ? name : null;
}

/** Why a verification could not be made, each told apart in the page. */
export type VerifyFailure = "offline" | "rateLimited" | "badInput" | "tooLarge" | "server";

/** Maps an HTTP status of `POST /v1/verify` to the reason shown to the reader. */
export function failureOfStatus(status: number): VerifyFailure {
  if (status === 429) return "rateLimited";
  if (status === 413) return "tooLarge";
  if (status >= 400 && status < 500) return "badInput";
  return "server";
}
