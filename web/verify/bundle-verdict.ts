import type { AttestationVerdict, BundleVerdict, Finding, Outcome as CheckOutcome } from "../../sdk/bundle";
import type { Status } from "../shared/status";
import type { Outcome, WithdrawalReasonKey } from "./verdict";
import { outcomeOfStatus, shortId, withdrawalReason } from "./verdict";

// Pure logic of the bundle part of the verify page: share links, what a verdict tree means for a reader, and the
// parameters of each reason in plain words. No DOM here (tested in test/web/bundle-verdict.test.ts).

/** Where the verify page keeps a node address the reader chose (otherwise the API's read-only proxy is used). */
export const rpcStorageKey = "fontaine.rpcUrl";

/** A share token as the API issues it (base64url, 20 to 100 characters). */
const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

/**
 * The token of a share link typed or pasted by a person: the page link (`…/verify/#share=<token>`), the API address
 * of the bundle (`…/v1/shared/<token>`) or the bare token. Null when it is none of these.
 */
export function shareTokenOf(text: string): string | null {
  const value = text.trim();
  if (TOKEN.test(value)) return value;
  const fromHash = /[#&]share=([A-Za-z0-9_-]+)/.exec(value)?.[1];
  if (fromHash && TOKEN.test(fromHash)) return fromHash;
  const fromPath = /\/v1\/shared\/([A-Za-z0-9_-]+)\/?(?:[?#].*)?$/.exec(value)?.[1];
  if (fromPath && TOKEN.test(fromPath)) return fromPath;
  return null;
}

/** The token of a page opened from a share link (`#share=<token>`), if any. */
export function shareFromHash(hash: string): string | null {
  const value = new URLSearchParams(hash.replace(/^#/, "")).get("share");
  return value && TOKEN.test(value) ? value : null;
}

/** Why a bundle could not be checked; each is explained in its own words, never as a generic error. */
export type BundleFailure =
  | "shareRevoked"
  | "shareExpired"
  | "shareNotFound"
  | "notABundle"
  | "unsupportedVersion"
  | "noDeployment"
  | "wrongChain"
  | "chainUnavailable"
  | "rateLimited"
  | "offline"
  | "server";

/** Maps the answer of `GET /v1/shared/:token` (status and problem code) to the reason shown. */
export function shareFailureOf(status: number, code: string | undefined): BundleFailure {
  if (status === 410) return code === "share-expired" ? "shareExpired" : "shareRevoked";
  if (status === 404 || status === 400) return "shareNotFound";
  if (status === 429) return "rateLimited";
  return "server";
}

/** The problem code of an RFC 9457 problem document (`code`, or the end of its `type` URN). */
export function problemCode(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const { code, type } = body as { code?: unknown; type?: unknown };
  if (typeof code === "string") return code;
  if (typeof type === "string") return type.split(/[/:]/).pop();
  return undefined;
}

/** The headline of a whole bundle. */
export type BundleHeadline = "valid" | "warnings" | "invalid";

/** `pass` → valid, `warn` → valid with remarks, `fail` → not valid. */
export function bundleHeadline(verdict: Pick<BundleVerdict, "outcome">): BundleHeadline {
  return verdict.outcome === "pass" ? "valid" : verdict.outcome === "warn" ? "warnings" : "invalid";
}

/** Badge colour of a check's outcome (the badge also carries an icon and a word). */
export function badgeOfCheck(outcome: CheckOutcome): Status {
  return outcome === "pass" ? "ok" : outcome === "warn" ? "warning" : "alarm";
}

/** What an attestation's status means for a reader (the words of the document verdicts); unknown is "not recorded". */
export function attestationOutcome(attestation: Pick<AttestationVerdict, "status">): Outcome {
  return outcomeOfStatus(attestation.status, true);
}

/** Why a lot is flagged, as the chain says it (`RECALL`, `DISPUTE`), or null for another reason text. */
export function flagReasonOf(reason: string | number | undefined): "RECALL" | "DISPUTE" | null {
  const text = String(reason ?? "").toUpperCase();
  return text === "RECALL" || text === "DISPUTE" ? text : null;
}

/** How a lot is named in sentences: its product and a short id. */
export function lotLabel(lots: ReadonlyMap<string, { product: string }>, lotId: string): string {
  const lot = lots.get(lotId.toLowerCase());
  return lot ? `« ${lot.product} » (${shortId(lotId)})` : shortId(lotId);
}

const LOT_PARAMS = new Set(["lotId", "parentLotId", "recordLotId"]);
const HEX = /^0x[0-9a-fA-F]{40,}$/;

/**
 * The key of the page's sentence for a finding: `bundle.reason.<code>`, or its `.withReason` variant when the sdk
 * gives a reason for it (why an attestation was withdrawn).
 */
export function reasonKey(finding: Pick<Finding, "code" | "params">): string {
  const withReason = finding.code === "attestation.revoked" && withdrawalReason(finding.params.reason, String) !== null;
  return `bundle.reason.${finding.code}${withReason ? ".withReason" : ""}`;
}

/**
 * The parameters of a finding for the page's own sentence (`reasonKey`): lots are named by product, long
 * hexadecimal ids shortened, the flag reason translated by the caller (`flag`), a withdrawal reason the pages offer
 * in words (`words`, other codes as their text).
 */
export function reasonParams(
  finding: Pick<Finding, "code" | "params">,
  lots: ReadonlyMap<string, { product: string }>,
  flag: (reason: "RECALL" | "DISPUTE") => string,
  claims: ReadonlyMap<string, string> = new Map(),
  words: (key: WithdrawalReasonKey) => string = String,
): Record<string, string | number> {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(finding.params)) {
    if (LOT_PARAMS.has(name) && typeof value === "string") params[name] = lotLabel(lots, value);
    else if (name === "uid" && typeof value === "string" && claims.has(value.toLowerCase()))
      params[name] = `« ${claims.get(value.toLowerCase())!} » (${shortId(value)})`;
    else if (typeof value === "string" && HEX.test(value)) params[name] = shortId(value);
    else params[name] = value;
  }
  if (finding.code === "lot.flagged") {
    const reason = flagReasonOf(finding.params.reason);
    if (reason) params.reason = flag(reason);
  }
  if (finding.code === "attestation.revoked") {
    const reason = withdrawalReason(finding.params.reason, words);
    if (reason) params.reason = reason;
  }
  return params;
}

/** The outcome a lot shows: its own, or its upstream's when worse (a lot made from a recalled one is not valid). */
export function shownOutcome(lot: { outcome: CheckOutcome; upstreamOutcome: CheckOutcome | null }): {
  outcome: CheckOutcome;
  fromUpstream: boolean;
} {
  const rank = { pass: 0, warn: 1, fail: 2 } as const;
  const upstream = lot.upstreamOutcome ?? lot.outcome;
  return rank[upstream] > rank[lot.outcome]
    ? { outcome: upstream, fromUpstream: true }
    : { outcome: lot.outcome, fromUpstream: false };
}

/** Lots of a verdict by id, for naming them in sentences. */
export function lotsById(verdict: Pick<BundleVerdict, "lots">): Map<string, { product: string }> {
  return new Map(verdict.lots.map((lot) => [lot.lotId.toLowerCase(), { product: lot.product }]));
}

/** Every failure and remark of a verdict, failures first, each once (a reason found twice is said once). */
export function problemsOf(verdict: BundleVerdict): Finding[] {
  const all = [
    ...verdict.findings,
    ...verdict.lots.flatMap((lot) => [...lot.findings, ...lot.parents.flatMap((link) => link.findings)]),
    ...verdict.attestations.flatMap((attestation) => attestation.findings),
    ...verdict.documents.flatMap((document) => document.findings),
  ];
  const seen = new Set<string>();
  const unique = all.filter((entry) => {
    const key = `${entry.code}:${JSON.stringify(entry.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return [
    ...unique.filter((entry) => entry.severity === "fail"),
    ...unique.filter((entry) => entry.severity === "warn"),
  ];
}

/** The findings of one lot (its own and its links'), failures first. */
export function lotProblems(lot: BundleVerdict["lots"][number]): Finding[] {
  const all = [...lot.findings, ...lot.parents.flatMap((link) => link.findings)];
  return [...all.filter((entry) => entry.severity === "fail"), ...all.filter((entry) => entry.severity === "warn")];
}

/** A quantity for people: the decimal string with the reader's decimal separator. */
export function formatQuantity(quantity: string, decimalSeparator: string): string {
  return quantity.replace(".", decimalSeparator);
}
