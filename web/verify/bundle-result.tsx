import { useEffect, useState } from "preact/hooks";
import type { AttestationVerdict, Bundle, BundleVerdict, Finding, LotVerdict, VerdictNode } from "../../sdk/bundle";
import { Icon } from "../shared/icons";
import { StatusBadge } from "../shared/status-badge";
import { localeOf, type MessageKey } from "../shared/i18n/i18n";
import { useI18n } from "../shared/i18n/language";
import {
  attestationOutcome,
  badgeOfCheck,
  bundleHeadline,
  flagReasonOf,
  formatQuantity,
  lotProblems,
  lotsById,
  problemsOf,
  reasonKey,
  reasonParams,
  shownOutcome,
  type BundleFailure,
} from "./bundle-verdict";
import { badgeOf, schemaLabel, shortId } from "./verdict";
import { schemaDefinition } from "./verify-api";

const headlineKeys = {
  valid: "bundle.headline.valid",
  warnings: "bundle.headline.warnings",
  invalid: "bundle.headline.invalid",
} as const satisfies Record<string, MessageKey>;

/** Why a bundle could not be checked, in its own words. */
export function BundleFailureView({ failure }: { failure: BundleFailure }) {
  const { t } = useI18n();
  const share = failure === "shareRevoked" || failure === "shareExpired" || failure === "shareNotFound";
  return (
    <div class="card verdict verdict-failure" data-outcome={`failure-${failure}`} role="alert">
      <h2 id="verify-result-heading">{t(share ? "bundle.failure.shareHeading" : "bundle.failure.heading")}</h2>
      <p>{t(`bundle.failure.${failure}`)}</p>
    </div>
  );
}

/** A sentence of one finding in the reader's language. */
export function Reason({
  finding,
  lots,
  claims,
}: {
  finding: Finding;
  lots: Map<string, { product: string }>;
  claims: Map<string, string>;
}) {
  const { t } = useI18n();
  const params = reasonParams(finding, lots, (reason) => t(`bundle.flag.${reason}`), claims, t);
  return (
    <li class={`reason reason-${finding.severity}`} data-finding={finding.code}>
      <StatusBadge
        status={finding.severity === "fail" ? "alarm" : "warning"}
        label={t(finding.severity === "fail" ? "bundle.severity.fail" : "bundle.severity.warn")}
      />{" "}
      {t(reasonKey(finding) as MessageKey, params)}
    </li>
  );
}

/** A list of reasons, each once. */
function Reasons(props: { findings: Finding[]; lots: Map<string, { product: string }>; claims: Map<string, string> }) {
  return (
    <ul class="reasons">
      {props.findings.map((entry) => (
        <Reason
          key={`${entry.code}:${JSON.stringify(entry.params)}`}
          finding={entry}
          lots={props.lots}
          claims={props.claims}
        />
      ))}
    </ul>
  );
}

function useDate() {
  const { language } = useI18n();
  const format = new Intl.DateTimeFormat(localeOf(language), {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
  return {
    ofDay: (day: string) => format.format(new Date(`${day}T12:00:00Z`)),
    ofSeconds: (seconds: number) => format.format(new Date(seconds * 1000)),
  };
}

function useQuantity() {
  const { language } = useI18n();
  const separator = language === "en" ? "." : ",";
  const { t } = useI18n();
  return (quantity: string, unit: string) =>
    t("bundle.quantity", { quantity: formatQuantity(quantity, separator), unit: t(`lots.unit.${unit}` as MessageKey) });
}

/** Schema labels of the attestations of a verdict, fetched once per schema. */
function useSchemaLabels(root: string, attestations: AttestationVerdict[]) {
  const [definitions, setDefinitions] = useState<Record<string, unknown>>({});
  const schemas = [...new Set(attestations.map((item) => item.schema).filter((id): id is `0x${string}` => !!id))];
  const key = schemas.join(",");
  useEffect(() => {
    let stopped = false;
    void Promise.all(schemas.map(async (id) => [id, await schemaDefinition(root, id)] as const)).then((entries) => {
      if (!stopped) setDefinitions(Object.fromEntries(entries));
    });
    return () => {
      stopped = true;
    };
  }, [key, root]);
  return definitions;
}

/** Details are part of a printed proof even when folded on screen. */
export function usePrintOpensDetails() {
  useEffect(() => {
    const openDetails = () => document.querySelectorAll("details").forEach((details) => (details.open = true));
    window.addEventListener("beforeprint", openDetails);
    return () => window.removeEventListener("beforeprint", openDetails);
  }, []);
}

/** The verdict on a whole bundle: headline, every reason, the provenance tree with each lot and claim. */
export function BundleVerdictView({
  verdict,
  bundle,
  root,
  source,
  printable = true,
}: {
  verdict: BundleVerdict;
  /** The bundle checked, for the production dates of its lots. */
  bundle?: Bundle;
  root: string;
  source?: string;
  printable?: boolean;
}) {
  const { t } = useI18n();
  const date = useDate();
  const quantity = useQuantity();
  const headline = bundleHeadline(verdict);
  const lots = lotsById(verdict);
  const byId = new Map(verdict.lots.map((lot) => [lot.lotId.toLowerCase(), lot]));
  const attestations = new Map(verdict.attestations.map((item) => [item.uid.toLowerCase(), item]));
  const definitions = useSchemaLabels(root, verdict.attestations);
  const { language } = useI18n();
  const claims = new Map(
    verdict.attestations.flatMap((item): [string, string][] => {
      const label = item.schema ? schemaLabel(definitions[item.schema], language) : null;
      return label ? [[item.uid.toLowerCase(), label]] : [];
    }),
  );
  const subject = byId.get(verdict.subject.toLowerCase());
  const problems = problemsOf(verdict);
  const producedOn = new Map(
    (bundle?.lots ?? []).flatMap((lot) =>
      lot.record.producedOn ? [[lot.lotId.toLowerCase(), lot.record.producedOn]] : [],
    ),
  );
  usePrintOpensDetails();

  return (
    <div class="verdict bundle-verdict" data-outcome={headline}>
      <div class={`card verdict-headline verdict-${badgeOfCheck(verdict.outcome)}`}>
        <h2 id="verify-result-heading">{t(headlineKeys[headline])}</h2>
        {subject && (
          <p class="bundle-subject">
            {t("bundle.subject", { product: subject.product, quantity: quantity(subject.quantity, subject.unit) })}
            {producedOn.get(subject.lotId.toLowerCase()) &&
              ` ${t("bundle.producedOn", { date: date.ofDay(producedOn.get(subject.lotId.toLowerCase())!) })}`}
          </p>
        )}
        {source && <p class="hint">{source}</p>}
        <p class="hint">
          {t("bundle.checked", {
            lots: verdict.counts.lots,
            attestations: verdict.counts.attestations,
            block: verdict.chain.blockNumber,
            date: date.ofSeconds(verdict.chain.time),
          })}
        </p>
      </div>
      {problems.length > 0 && (
        <section class="card bundle-problems" aria-labelledby="bundle-problems-heading">
          <h3 id="bundle-problems-heading">
            {t("bundle.problems.heading", { failures: verdict.counts.failures, warnings: verdict.counts.warnings })}
          </h3>
          <Reasons findings={problems} lots={lots} claims={claims} />
        </section>
      )}
      <section class="card bundle-tree" aria-labelledby="bundle-tree-heading">
        <h3 id="bundle-tree-heading">{t("bundle.tree.heading")}</h3>
        <p class="hint">{t("bundle.tree.help")}</p>
        <ul class="lot-tree">
          <LotNode
            node={verdict.tree}
            taken={null}
            byId={byId}
            attestations={attestations}
            definitions={definitions}
            lots={lots}
            claims={claims}
            producedOn={producedOn}
          />
        </ul>
      </section>
      {printable && (
        <div class="verify-actions no-print">
          <button type="button" class="button button-secondary" onClick={() => window.print()}>
            <Icon name="print" />
            {t("verify.print")}
          </button>
        </div>
      )}
    </div>
  );
}

function LotNode({
  node,
  taken,
  byId,
  attestations,
  definitions,
  lots,
  claims,
  producedOn,
}: {
  node: VerdictNode;
  taken: { quantity: string; unit: string } | null;
  byId: Map<string, LotVerdict>;
  attestations: Map<string, AttestationVerdict>;
  definitions: Record<string, unknown>;
  lots: Map<string, { product: string }>;
  claims: Map<string, string>;
  producedOn: Map<string, string>;
}) {
  const { t, language } = useI18n();
  const date = useDate();
  const quantity = useQuantity();
  const lot = byId.get(node.lotId.toLowerCase());
  const outcomeWord = (outcome: "pass" | "warn" | "fail") => t(`bundle.outcome.${outcome}`);
  const shown = lot ? shownOutcome(lot) : { outcome: "pass" as const, fromUpstream: false };
  if (!lot || node.note) {
    return (
      <li class="lot-node" data-lot-id={node.lotId} data-note={node.note ?? "missing"}>
        <div class="lot-card">
          <p>
            {lot ? <strong>{lot.product}</strong> : <span class="mono">{shortId(node.lotId)}</span>}
            {taken && <> — {t("bundle.taken", { quantity: quantity(taken.quantity, taken.unit) })}</>}
          </p>
          <p class="hint">{t(`bundle.note.${node.note ?? "not-disclosed"}`)}</p>
        </div>
      </li>
    );
  }
  const problems = lotProblems(lot);
  const lastFlag = lot.findings.find((entry) => entry.code === "lot.flagged");
  const flagReason = lastFlag ? flagReasonOf(lastFlag.params.reason) : null;
  return (
    <li class="lot-node" data-lot-id={lot.lotId} data-outcome={lot.outcome} data-upstream={lot.upstreamOutcome}>
      <div class={`lot-card lot-${badgeOfCheck(shown.outcome)}`}>
        <p class="lot-line">
          <StatusBadge
            status={badgeOfCheck(shown.outcome)}
            label={shown.fromUpstream ? t(`bundle.upstreamBadge.${shown.outcome}`) : outcomeWord(shown.outcome)}
          />{" "}
          <strong class="lot-product">{lot.product}</strong> — {quantity(lot.quantity, lot.unit)}
          {taken && (
            <span class="lot-taken"> · {t("bundle.taken", { quantity: quantity(taken.quantity, taken.unit) })}</span>
          )}
          {producedOn.get(lot.lotId.toLowerCase()) && (
            <span class="lot-date">
              {" "}
              · {t("bundle.producedOn", { date: date.ofDay(producedOn.get(lot.lotId.toLowerCase())!) })}
            </span>
          )}
        </p>
        {lot.flagged && (
          <p class="lot-flag" data-flag={flagReason ?? "other"}>
            <StatusBadge
              status="alarm"
              label={t(flagReason ? `bundle.flagged.${flagReason}` : "bundle.flagged.other")}
            />
          </p>
        )}
        {lot.upstreamOutcome !== lot.outcome && lot.upstreamOutcome !== "pass" && (
          <p class="hint">{t(`bundle.upstream.${lot.upstreamOutcome}`)}</p>
        )}
        {lot.attestations.length > 0 && (
          <ul class="lot-claims" aria-label={t("bundle.claims.label")}>
            {lot.attestations.map((uid) => {
              const item = attestations.get(uid.toLowerCase());
              const outcome = item ? attestationOutcome(item) : "failed";
              const claim =
                (item?.schema && schemaLabel(definitions[item.schema], language)) || t("bundle.claims.unnamed");
              return (
                <li key={uid} data-uid={uid} data-status={item?.status ?? "UNKNOWN"}>
                  <StatusBadge status={badgeOf(outcome)} label={t(`verify.outcome.${outcome}`)} />{" "}
                  {t("bundle.claims.item", { claim })}
                  {item?.endorsed && <> — {t("bundle.claims.endorsed")}</>}
                </li>
              );
            })}
          </ul>
        )}
        {lot.attestations.length === 0 && <p class="hint">{t("bundle.claims.none")}</p>}
        {problems.length > 0 && <Reasons findings={problems} lots={lots} claims={claims} />}
        <details class="attestation-details">
          <summary>{t("bundle.details.summary")}</summary>
          <dl>
            <dt>{t("bundle.details.lotId")}</dt>
            <dd class="mono">{lot.lotId}</dd>
            <dt>{t("bundle.details.version")}</dt>
            <dd>{t("bundle.details.versionValue", { version: lot.version, versions: lot.chainVersions })}</dd>
            <dt>{t("bundle.details.owner")}</dt>
            <dd class="mono">{lot.owner}</dd>
            {lot.attestations.map((uid) => {
              const item = attestations.get(uid.toLowerCase());
              return (
                <>
                  <dt key={`${uid}-t`}>{t("bundle.details.claim")}</dt>
                  <dd key={`${uid}-d`} class="mono">
                    {uid}
                    {item?.signer ? ` — ${t("bundle.details.signedBy", { signer: item.signer })}` : ""}
                    {item && !item.disclosed ? ` — ${t("bundle.details.statusOnly")}` : ""}
                  </dd>
                </>
              );
            })}
          </dl>
        </details>
        {node.parents.length > 0 && <p class="hint lot-made-from">{t("bundle.madeFrom")}</p>}
      </div>
      {node.parents.length > 0 && (
        <ul class="lot-tree">
          {node.parents.map((parent) => {
            const link = lot.parents.find((entry) => entry.parentLotId.toLowerCase() === parent.lotId.toLowerCase());
            return (
              <LotNode
                key={parent.lotId}
                node={parent}
                taken={link ? { quantity: link.quantity, unit: link.unit } : null}
                byId={byId}
                attestations={attestations}
                definitions={definitions}
                lots={lots}
                claims={claims}
                producedOn={producedOn}
              />
            );
          })}
        </ul>
      )}
    </li>
  );
}
