import { useEffect, useState } from "preact/hooks";
import type { LotUpstream, UpstreamNode } from "../../sdk/api-client/contract";
import { apiCall } from "../shared/api";
import { StatusBadge } from "../shared/status-badge";
import { localeOf, type MessageKey } from "../shared/i18n/i18n";
import { useI18n } from "../shared/i18n/language";
import { attestationOutcome, badgeOfCheck, flagReasonOf, shownOutcome } from "../verify/bundle-verdict";
import { badgeOf, schemaLabel, shortId } from "../verify/verdict";
import { units, type Unit } from "./lots-flow";

/** Claim labels of attestation uids (schema label in the reader's language), fetched once each. */
function useClaimLabels(root: string, uids: string[]): Record<string, unknown> {
  const [definitions, setDefinitions] = useState<Record<string, unknown>>({});
  const key = uids.join(",");
  useEffect(() => {
    let stopped = false;
    void (async () => {
      const schemas = await apiCall<{ items: { id: string; definition: unknown }[] }>(root, "v1/schemas?limit=100");
      const bySchema = new Map((schemas.status === 200 ? schemas.body.items : []).map((s) => [s.id, s.definition]));
      const entries = await Promise.all(
        uids.map(async (uid) => {
          const answer = await apiCall<{ schema: string }>(root, `v1/attestations/${uid}`).catch(() => undefined);
          return [uid, answer?.status === 200 ? bySchema.get(answer.body.schema) : undefined] as const;
        }),
      );
      if (!stopped) setDefinitions(Object.fromEntries(entries));
    })().catch(() => undefined);
    return () => {
      stopped = true;
    };
  }, [key, root]);
  return definitions;
}

function collectUids(node: UpstreamNode, into: Set<string>): Set<string> {
  for (const attestation of node.attestations) into.add(attestation.uid);
  for (const parent of node.parents) collectUids(parent, into);
  return into;
}

/** The upstream graph of a lot from `GET /v1/lots/:lotId/upstream`: each lot with its status, flags and claims. */
export function UpstreamTree({ upstream, root }: { upstream: LotUpstream; root: string }) {
  const { t } = useI18n();
  const definitions = useClaimLabels(root, [...collectUids(upstream.tree, new Set())]);
  return (
    <div class="upstream" data-outcome={upstream.outcome}>
      <p>
        <StatusBadge status={badgeOfCheck(upstream.outcome)} label={t(`lots.origin.outcome.${upstream.outcome}`)} />{" "}
        {t("lots.origin.checked", { block: upstream.checkedAtBlock })}
      </p>
      <ul class="lot-tree">
        <UpstreamLot node={upstream.tree} definitions={definitions} />
      </ul>
    </div>
  );
}

function UpstreamLot({ node, definitions }: { node: UpstreamNode; definitions: Record<string, unknown> }) {
  const { t, language } = useI18n();
  const separator = language === "en" ? "." : ",";
  const quantity = (value: string, unit: string) =>
    t("bundle.quantity", {
      quantity: value.replace(".", separator),
      unit: (units as readonly string[]).includes(unit) ? t(`lots.unit.${unit as Unit}`) : unit,
    });
  const day = new Intl.DateTimeFormat(localeOf(language), { day: "numeric", month: "long", year: "numeric" });
  const shown = shownOutcome({ outcome: node.outcome ?? "warn", upstreamOutcome: node.upstreamOutcome });
  const outcome = shown.outcome;
  const flagReason = node.flag ? flagReasonOf(node.flag.reason) : null;
  return (
    <li class="lot-node" data-lot-id={node.lotId} data-outcome={node.outcome ?? "unknown"} data-source={node.source}>
      <div class={`lot-card lot-${badgeOfCheck(outcome)}`}>
        <p class="lot-line">
          <StatusBadge
            status={badgeOfCheck(outcome)}
            label={t(shown.fromUpstream ? `bundle.upstreamBadge.${outcome}` : `bundle.outcome.${outcome}`)}
          />{" "}
          <strong class="lot-product">{node.product ?? shortId(node.lotId)}</strong>
          {node.quantity && node.unit && <> — {quantity(node.quantity, node.unit)}</>}
          {node.taken && (
            <span class="lot-taken">
              {" "}
              · {t("bundle.taken", { quantity: quantity(node.taken.quantity, node.taken.unit) })}
            </span>
          )}
        </p>
        <p class="hint">{t(`lots.origin.source.${node.source}` as MessageKey)}</p>
        {node.flagged && (
          <p class="lot-flag" data-flag={flagReason ?? "other"}>
            <StatusBadge
              status="alarm"
              label={t(flagReason ? `bundle.flagged.${flagReason}` : "bundle.flagged.other")}
            />
            {node.flag && (
              <> {t("lots.origin.flaggedOn", { date: day.format(new Date(node.flag.flaggedAt * 1000)) })}</>
            )}
          </p>
        )}
        {node.upstreamOutcome && node.upstreamOutcome !== "pass" && node.upstreamOutcome !== node.outcome && (
          <p class="hint">{t(`bundle.upstream.${node.upstreamOutcome}`)}</p>
        )}
        {node.note && <p class="hint">{t(`bundle.note.${node.note}`)}</p>}
        {node.attestations.length > 0 && (
          <ul class="lot-claims" aria-label={t("bundle.claims.label")}>
            {node.attestations.map((attestation) => {
              const claimOutcome = attestationOutcome(attestation);
              const claim = schemaLabel(definitions[attestation.uid], language) ?? t("bundle.claims.unnamed");
              return (
                <li key={attestation.uid} data-uid={attestation.uid} data-status={attestation.status}>
                  <StatusBadge status={badgeOf(claimOutcome)} label={t(`verify.outcome.${claimOutcome}`)} />{" "}
                  {t("bundle.claims.item", { claim })} <span class="mono hint">({shortId(attestation.uid)})</span>
                  {attestation.endorsed && <> — {t("bundle.claims.endorsed")}</>}
                </li>
              );
            })}
          </ul>
        )}
      </div>
      {node.parents.length > 0 && (
        <ul class="lot-tree">
          {node.parents.map((parent) => (
            <UpstreamLot key={parent.lotId} node={parent} definitions={definitions} />
          ))}
        </ul>
      )}
    </li>
  );
}
