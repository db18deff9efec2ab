// Pure helpers of the lots page: the new-lot form, parents the organisation may use, what a refusal means, progress
// of a lot being recorded, and what the page remembers on this device. No DOM (tested in test/web/lots-flow.test.ts).

/** Units a lot may be counted in (as `sdk/bundle/format.ts` `QUANTITY_UNITS`). */
export const units = ["kg", "g", "t", "l", "ml", "piece"] as const;
export type Unit = (typeof units)[number];

/** A lot as `GET /v1/lots` lists it. */
export interface OwnLot {
  lotId: string;
  version: number;
  record: {
    product: string;
    quantity: string;
    unit: Unit;
    producedOn?: string;
    reference?: string;
    parents: { lotId: string; quantity: string; unit: Unit }[];
    attestations: string[];
  };
  relayStatus: "queued" | "submitted" | "anchored" | "failed" | null;
  createdAt: string;
  /** Flagged (recall or dispute) on chain, as indexed. */
  flagged?: boolean;
  flag?: { reason: string; flaggedAt: number } | null;
  /** Where the latest flag sent through the API stands. */
  flagRelayStatus?: "queued" | "submitted" | "anchored" | "failed" | null;
}

/** A lot of a supplier's bundle the organisation imported (`POST /v1/bundles` answer). */
export interface ImportedLot {
  lotId: string;
  product: string;
  quantity: string;
  unit: Unit;
}

/** A lot that can be picked as a parent, with what the organisation's lots already take from it. */
export interface ParentChoice extends ImportedLot {
  source: "own" | "imported";
  /** Already taken by the organisation's lots, in the parent's unit (decimal string). */
  taken: string;
  /** Left to take (decimal string, never negative). */
  left: string;
}

const QUANTITY = /^(0|[1-9][0-9]{0,14})([.,][0-9]{1,6})?$/;

/** A quantity typed by a person (comma or point) as the API's decimal string, or null when it is not one. */
export function parseQuantity(text: string): string | null {
  const value = text.trim().replace(/\s+/g, "");
  if (!QUANTITY.test(value)) return null;
  const normalised = value.replace(",", ".");
  const [whole = "0", fraction = ""] = normalised.split(".");
  const trimmed = fraction.replace(/0+$/, "");
  if (BigInt(whole) === 0n && !/[1-9]/.test(fraction)) return null;
  return trimmed ? `${whole}.${trimmed}` : whole;
}

function micros(quantity: string): bigint {
  const [whole = "0", fraction = ""] = quantity.split(".");
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, "0") || "0");
}

function fromMicros(value: bigint): string {
  const whole = value / 1_000_000n;
  const fraction = (value % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

/**
 * Own lots and imported lots usable as parents (own first), each with what is already taken from it and what is left.
 * When correcting lot `amending`, that lot is no parent of itself and what it took so far counts as left (its
 * correction replaces its earlier take, as the API counts).
 */
export function parentChoices(own: OwnLot[], imported: ImportedLot[], amending?: string): ParentChoice[] {
  const taken = new Map<string, bigint>();
  for (const lot of own) {
    if (lot.relayStatus === "failed" || lot.lotId === amending) continue;
    for (const parent of lot.record.parents)
      taken.set(parent.lotId, (taken.get(parent.lotId) ?? 0n) + micros(parent.quantity));
  }
  const choice = (lot: ImportedLot, source: "own" | "imported"): ParentChoice => {
    const used = taken.get(lot.lotId) ?? 0n;
    const held = micros(lot.quantity);
    return { ...lot, source, taken: fromMicros(used), left: fromMicros(held > used ? held - used : 0n) };
  };
  const seen = new Set<string>();
  const result: ParentChoice[] = [];
  for (const lot of own) {
    if (lot.relayStatus === "failed" || lot.lotId === amending || seen.has(lot.lotId)) continue;
    seen.add(lot.lotId);
    result.push(choice({ lotId: lot.lotId, ...lot.record }, "own"));
  }
  for (const lot of imported) {
    if (lot.lotId === amending || seen.has(lot.lotId)) continue;
    seen.add(lot.lotId);
    result.push(choice(lot, "imported"));
  }
  return result;
}

/** Attestation references typed or pasted (spaces, commas or lines between them). */
export function parseUids(text: string): { uids: string[]; invalid: string[] } {
  const parts = text
    .split(/[\s,;]+/)
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
  const uids: string[] = [];
  const invalid: string[] = [];
  for (const part of parts) {
    const value = part.startsWith("0x") ? part : `0x${part}`;
    if (/^0x[0-9a-f]{64}$/.test(value)) {
      if (!uids.includes(value)) uids.push(value);
    } else invalid.push(part);
  }
  return { uids, invalid };
}

/** What the lot form holds (a new lot, or the correction of one). */
export interface LotForm {
  product: string;
  quantity: string;
  unit: Unit;
  producedOn: string;
  /** The organisation's own reference for the lot (batch number…), optional. */
  reference: string;
  /** Parent lot id → quantity typed (only ticked parents). */
  parents: Record<string, string>;
  /** Attestation uids ticked in the list. */
  attestations: string[];
  /** Attestation uids typed. */
  extraAttestations: string;
}

/** The form of a new lot. */
export const emptyLotForm: LotForm = {
  product: "",
  quantity: "",
  unit: "kg",
  producedOn: "",
  reference: "",
  parents: {},
  attestations: [],
  extraAttestations: "",
};

/**
 * The form of a correction, filled with the lot's current record: attestations the page lists (`listed`) are ticked,
 * the others typed, so none is dropped by accident.
 */
export function lotFormOf(lot: OwnLot, listed: string[]): LotForm {
  const known = new Set(listed.map((uid) => uid.toLowerCase()));
  const attestations = lot.record.attestations.map((uid) => uid.toLowerCase());
  return {
    product: lot.record.product,
    quantity: lot.record.quantity,
    unit: lot.record.unit,
    producedOn: lot.record.producedOn ?? "",
    reference: lot.record.reference ?? "",
    parents: Object.fromEntries(lot.record.parents.map((parent) => [parent.lotId.toLowerCase(), parent.quantity])),
    attestations: attestations.filter((uid) => known.has(uid)),
    extraAttestations: attestations.filter((uid) => !known.has(uid)).join("\n"),
  };
}

/** A field of the form that is not right, for `aria-invalid` and its message. */
export type LotFormError =
  "product" | "quantity" | "producedOn" | "reference" | "parentQuantity" | "parentExceeds" | "attestations";

/** The `POST /v1/lots/prepare` body of a form, or the fields to fix. */
export function lotRequestOf(
  form: LotForm,
  choices: ParentChoice[],
):
  | {
      ok: true;
      body: {
        product: string;
        quantity: string;
        unit: Unit;
        producedOn?: string;
        reference?: string;
        parents: { lotId: string; quantity: string }[];
        attestations: string[];
      };
    }
  | { ok: false; errors: LotFormError[] } {
  const errors: LotFormError[] = [];
  const product = form.product.trim();
  if (!product || product.length > 200) errors.push("product");
  const quantity = parseQuantity(form.quantity);
  if (!quantity) errors.push("quantity");
  if (form.producedOn && !/^\d{4}-\d{2}-\d{2}$/.test(form.producedOn)) errors.push("producedOn");
  const reference = form.reference.trim();
  if (reference.length > 200) errors.push("reference");
  const parents: { lotId: string; quantity: string }[] = [];
  for (const [lotId, text] of Object.entries(form.parents)) {
    const taken = parseQuantity(text);
    if (!taken) {
      if (!errors.includes("parentQuantity")) errors.push("parentQuantity");
      continue;
    }
    const choice = choices.find((entry) => entry.lotId === lotId);
    if (choice && micros(taken) > micros(choice.left) && !errors.includes("parentExceeds"))
      errors.push("parentExceeds");
    parents.push({ lotId, quantity: taken });
  }
  const typed = parseUids(form.extraAttestations);
  if (typed.invalid.length > 0) errors.push("attestations");
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    body: {
      product,
      quantity: quantity!,
      unit: form.unit,
      ...(form.producedOn ? { producedOn: form.producedOn } : {}),
      ...(reference ? { reference } : {}),
      parents,
      attestations: [...new Set([...form.attestations.map((uid) => uid.toLowerCase()), ...typed.uids])],
    },
  };
}

/** Why the API refused a lot, a bundle, a share or a flag, in words the page can show. */
export type LotRefusal =
  | "exceedsParent"
  | "unitMismatch"
  | "parentNotFound"
  | "alreadySubmitted"
  | "bundleInvalid"
  | "notABundle"
  | "notAllowed"
  | "expiredSignature"
  | "alreadyFlagged"
  | "invalid"
  | "unavailable";

/** Maps a problem (status + stable code) of the lots endpoints to a reason. */
export function lotRefusalOf(status: number, code: string | undefined): LotRefusal {
  switch (code) {
    case "exceeds-parent":
      return "exceedsParent";
    case "unit-mismatch":
      return "unitMismatch";
    case "parent-not-found":
      return "parentNotFound";
    case "already-submitted":
      return "alreadySubmitted";
    case "bundle-invalid":
      return "bundleInvalid";
    case "already-flagged":
    case "lot-flagged":
      return "alreadyFlagged";
  }
  if (status === 400 && code === "invalid-request") return "invalid";
  if (status === 403 || code === "forbidden") return "notAllowed";
  if (code && /deadline|expired/.test(code)) return "expiredSignature";
  if (status === 409) return "alreadySubmitted";
  if (status >= 500 || status === 429) return "unavailable";
  return "invalid";
}

/** Where a lot stands on its way to being recorded. */
export type LotProgress = "waiting" | "recorded" | "failed";

/** Progress of a lot from its relay status; with `version`, of that version (an earlier one reads as waiting). */
export function lotProgressOf(
  lot: (Pick<OwnLot, "relayStatus"> & { version?: number }) | undefined,
  version?: number,
): LotProgress {
  if (!lot) return "waiting";
  if (version !== undefined && (lot.version ?? 0) < version) return "waiting";
  if (lot.relayStatus === "anchored") return "recorded";
  if (lot.relayStatus === "failed") return "failed";
  return "waiting";
}

/** A share link the organisation made from this device (the API keeps only a fingerprint of its token). */
export interface SavedShare {
  /** SHA-256 hex of the token, as the API names the link (absent in links remembered by earlier versions). */
  id?: string;
  token: string;
  url: string;
  lotId: string;
  expiresAt: string;
  revoked: boolean;
}

/** Expiry choices of a share link, in seconds (the API allows 60 s to 365 days). */
export const shareDurations = [
  { days: 7, seconds: 7 * 86400 },
  { days: 30, seconds: 30 * 86400 },
  { days: 90, seconds: 90 * 86400 },
  { days: 365, seconds: 365 * 86400 },
] as const;

/** Live, expired or revoked, at `now` (ms). */
export function shareState(share: SavedShare, now: number): "live" | "expired" | "revoked" {
  if (share.revoked) return "revoked";
  return Date.parse(share.expiresAt) <= now ? "expired" : "live";
}

/** A share link as the API lists it (`GET /v1/lots/:lotId/shares`): never its token. */
export interface ListedShare {
  id: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  state: "live" | "expired" | "revoked";
}

/** A share link shown on the page: the API's state, and the link itself when this device made it. */
export interface ShownShare {
  id: string;
  expiresAt: string;
  state: "live" | "expired" | "revoked";
  /** The link and its token, known only on the device that made it (the API keeps a fingerprint). */
  saved?: SavedShare;
}

/**
 * The lot's share links, newest first. With the API's list (`listed`), every link the organisation made shows, from
 * any device, in the state the API gives; links this device remembers add their address. Without it (the API did not
 * answer), the device's own memory. `idOf` gives the id (SHA-256 hex of the token) of a remembered link.
 */
export function sharesToShow(
  listed: ListedShare[] | null,
  saved: SavedShare[],
  idOf: (share: SavedShare) => string | undefined,
  now: number,
): ShownShare[] {
  const savedById = new Map<string, SavedShare>();
  for (const share of saved) {
    const id = idOf(share);
    if (id) savedById.set(id, share);
  }
  if (listed) {
    return listed.map((share) => ({
      id: share.id,
      expiresAt: share.expiresAt,
      state: share.state,
      ...(savedById.has(share.id) ? { saved: savedById.get(share.id) } : {}),
    }));
  }
  return [...saved].reverse().map((share) => ({
    id: idOf(share) ?? share.token,
    expiresAt: share.expiresAt,
    state: shareState(share, now),
    saved: share,
  }));
}

/** The id the API gives a share link: the SHA-256 of its token, in hex. */
export async function shareIdOf(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Keys of what the page remembers on this device, per organisation. */
export function storageKeys(organisationId: string) {
  const id = organisationId.toLowerCase();
  return { imported: `fontaine.lots.imported.${id}`, shares: `fontaine.lots.shares.${id}` };
}

/** Reads a remembered list (an unreadable or foreign value reads as empty). */
export function readList<T>(raw: string | null, valid: (item: unknown) => item is T): T[] {
  if (!raw) return [];
  try {
    const value = JSON.parse(raw) as unknown;
    return Array.isArray(value) ? value.filter(valid) : [];
  } catch {
    return [];
  }
}

/** True for an imported lot as remembered. */
export function isImportedLot(item: unknown): item is ImportedLot {
  const lot = item as ImportedLot;
  return (
    !!lot &&
    typeof lot.lotId === "string" &&
    typeof lot.product === "string" &&
    typeof lot.quantity === "string" &&
    (units as readonly string[]).includes(lot.unit)
  );
}

/** True for a share link as remembered. */
export function isSavedShare(item: unknown): item is SavedShare {
  const share = item as SavedShare;
  return (
    !!share &&
    typeof share.token === "string" &&
    typeof share.url === "string" &&
    typeof share.lotId === "string" &&
    typeof share.expiresAt === "string" &&
    typeof share.revoked === "boolean"
  );
}

/** Imported lots merged (a lot imported again replaces its earlier entry). */
export function mergeImported(known: ImportedLot[], added: ImportedLot[]): ImportedLot[] {
  const byId = new Map(known.map((lot) => [lot.lotId, lot]));
  for (const lot of added) byId.set(lot.lotId, lot);
  return [...byId.values()];
}

/** File name of a lot's bundle: `fontaine-<product>-<short id>.json`. */
export function bundleFileName(product: string, lotId: string): string {
  const slug = product
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `fontaine-${slug || "lot"}-${lotId.slice(2, 10)}.json`;
}

/** Where a flag sent for a lot stands: recorded once the chain (as indexed) says the lot is flagged. */
export function flagProgressOf(lot: Pick<OwnLot, "flagged" | "flagRelayStatus"> | undefined): LotProgress {
  if (lot?.flagged) return "recorded";
  if (lot?.flagRelayStatus === "failed") return "failed";
  return "waiting";
}

/** Reasons a lot may be flagged with (`POST /v1/lots/:lotId/flag/prepare`). */
export const flagReasons = ["RECALL", "DISPUTE"] as const;
export type FlagReason = (typeof flagReasons)[number];
