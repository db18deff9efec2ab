/**
 * Backward and forward tracing over the lots an organisation holds: its own records and the lots of the bundles it
 * imported. Pure: the service gathers the held lots, the verdict of the held bundle and the indexed flags, these
 * functions only walk them. Nothing here reads another organisation's private store.
 */
import type { BundleVerdict, LotRecord } from "../../sdk/bundle";
import type { LotDownstream, UpstreamNode } from "../../sdk/api-client/contract";
import type { z } from "zod";
import type { lotFlagSchema } from "../../sdk/api-client/contract";

/** A lot the asking organisation holds: one of its own, or one disclosed to it in an imported bundle. */
export interface HeldLot {
  lotId: string;
  source: "own" | "imported";
  record: LotRecord;
  /** On-chain version of the record (own lots: from the index, or the version it is expected to get). */
  version: number;
}

/** A lot's flag as indexed. */
export type IndexedFlag = z.infer<typeof lotFlagSchema>;

/** The upstream tree of `lotId` (a held lot), each node with its status from the verdict and the index. */
export function upstreamTree(
  lotId: string,
  held: Map<string, HeldLot>,
  verdict: BundleVerdict,
  flags: Map<string, IndexedFlag>,
): UpstreamNode {
  const lotVerdicts = new Map(verdict.lots.map((lot) => [lot.lotId.toLowerCase(), lot]));
  const attestations = new Map(verdict.attestations.map((item) => [item.uid.toLowerCase(), item]));
  const expanded = new Set<string>();

  function node(id: string, taken: UpstreamNode["taken"], path: Set<string>): UpstreamNode {
    const lot = held.get(id);
    const lotVerdict = lotVerdicts.get(id);
    const flag = flags.get(id) ?? null;
    const base: UpstreamNode = {
      lotId: id,
      source: lot?.source ?? "not-held",
      product: lot?.record.product ?? null,
      quantity: lot?.record.quantity ?? null,
      unit: lot?.record.unit ?? null,
      version: lot?.version ?? null,
      taken,
      flagged: lotVerdict?.flagged ?? flag !== null,
      flag,
      attestations: (lot?.record.attestations ?? []).map((uid) => {
        const found = attestations.get(uid.toLowerCase());
        return { uid, status: found?.status ?? "UNKNOWN", endorsed: found?.endorsed ?? false };
      }),
      outcome: lotVerdict?.outcome ?? null,
      upstreamOutcome: lotVerdict?.upstreamOutcome ?? null,
      parents: [],
    };
    if (!lot) return base;
    if (path.has(id)) return { ...base, note: "cycle" };
    if (expanded.has(id)) return { ...base, note: "shown-above" };
    expanded.add(id);
    const inner = new Set(path).add(id);
    base.parents = lot.record.parents.map((parent) =>
      node(parent.lotId.toLowerCase(), { quantity: parent.quantity, unit: parent.unit }, inner),
    );
    return base;
  }

  return node(lotId.toLowerCase(), null, new Set());
}

/**
 * The asking organisation's own lots that use `lotId`, directly or through other held lots (its own or imported),
 * nearest first; `via` is the shortest chain of lots in between.
 */
export function downstreamLots(
  lotId: string,
  held: Map<string, HeldLot>,
  flags: Map<string, IndexedFlag>,
): LotDownstream["items"] {
  const children = new Map<string, { lotId: string; quantity: string; unit: string }[]>();
  for (const lot of held.values()) {
    for (const parent of lot.record.parents) {
      const key = parent.lotId.toLowerCase();
      const list = children.get(key) ?? [];
      list.push({ lotId: lot.lotId, quantity: parent.quantity, unit: parent.unit });
      children.set(key, list);
    }
  }
  const start = lotId.toLowerCase();
  const items: LotDownstream["items"] = [];
  const seen = new Set([start]);
  let frontier = [{ lotId: start, via: [] as string[] }];
  for (let depth = 1; frontier.length > 0; depth++) {
    const next: typeof frontier = [];
    for (const current of frontier) {
      for (const child of children.get(current.lotId) ?? []) {
        if (seen.has(child.lotId)) continue;
        seen.add(child.lotId);
        const via = depth === 1 ? [] : [...current.via, current.lotId];
        const lot = held.get(child.lotId)!;
        if (lot.source === "own") {
          items.push({
            lotId: lot.lotId,
            product: lot.record.product,
            quantity: lot.record.quantity,
            unit: lot.record.unit,
            version: lot.version,
            flagged: flags.has(lot.lotId),
            depth,
            via,
            taken: depth === 1 ? { quantity: child.quantity, unit: child.unit } : null,
          });
        }
        next.push({ lotId: child.lotId, via });
      }
    }
    frontier = next;
  }
  return items;
}
