/**
 * The verdict of a bundle as terminal text: the provenance tree with a mark per lot and link, the attestations,
 * then every reason in plain language (French, Dutch or English).
 */
import {
  findingText,
  verdictFindings,
  type BundleVerdict,
  type Locale,
  type Outcome,
  type VerdictNode,
} from "../../sdk/bundle";

const MARKS: Record<Outcome, string> = { pass: "✔", warn: "⚠", fail: "✖" };

const LABELS = {
  fr: {
    title: "Paquet de divulgation du lot",
    passed: "VÉRIFIÉ",
    warned: "VÉRIFIÉ AVEC AVERTISSEMENTS",
    failed: "ÉCHEC",
    failures: "échec(s)",
    warnings: "avertissement(s)",
    chain: "chaîne",
    block: "bloc",
    from: "de",
    notDisclosed: "non divulgué",
    shownAbove: "voir plus haut",
    cycle: "cycle",
    attestations: "Attestations",
    endorsed: "approuvée",
    reasons: "Raisons",
    none: "aucune",
  },
  nl: {
    title: "Openbaarmakingsbundel van lot",
    passed: "GECONTROLEERD",
    warned: "GECONTROLEERD MET WAARSCHUWINGEN",
    failed: "MISLUKT",
    failures: "fout(en)",
    warnings: "waarschuwing(en)",
    chain: "keten",
    block: "blok",
    from: "uit",
    notDisclosed: "niet bekendgemaakt",
    shownAbove: "zie hierboven",
    cycle: "kringloop",
    attestations: "Attesten",
    endorsed: "bekrachtigd",
    reasons: "Redenen",
    none: "geen",
  },
  en: {
    title: "Disclosure bundle of lot",
    passed: "VERIFIED",
    warned: "VERIFIED WITH WARNINGS",
    failed: "FAILED",
    failures: "failure(s)",
    warnings: "warning(s)",
    chain: "chain",
    block: "block",
    from: "from",
    notDisclosed: "not disclosed",
    shownAbove: "shown above",
    cycle: "cycle",
    attestations: "Attestations",
    endorsed: "endorsed",
    reasons: "Reasons",
    none: "none",
  },
} as const satisfies Record<Locale, Record<string, string>>;

/** Render `verdict` for a terminal in `locale`. */
export function verdictText(verdict: BundleVerdict, locale: Locale): string {
  const label = LABELS[locale];
  const lots = new Map(verdict.lots.map((lot) => [lot.lotId, lot]));
  const state = verdict.outcome === "pass" ? label.passed : verdict.outcome === "warn" ? label.warned : label.failed;
  const lines = [
    `${MARKS[verdict.outcome]} ${label.title} ${verdict.subject}: ${state} (${verdict.counts.failures} ${label.failures}, ${verdict.counts.warnings} ${label.warnings})`,
    `  ${label.chain} ${verdict.chain.chainId}, ${label.block} ${verdict.chain.blockNumber} (${new Date(verdict.chain.time * 1000).toISOString()})`,
    "",
  ];

  const describe = (node: VerdictNode, link?: { quantity: string; unit: string; outcome: Outcome }): string => {
    const lot = lots.get(node.lotId);
    const taken = link ? `${MARKS[link.outcome]} ${link.quantity} ${link.unit} ${label.from} ` : "";
    if (node.note === "not-disclosed") return `${taken}${node.lotId} (${label.notDisclosed})`;
    const details = lot ? ` ${lot.product}, ${lot.quantity} ${lot.unit}, v${lot.version}` : "";
    const note =
      node.note === "shown-above" ? ` (${label.shownAbove})` : node.note === "cycle" ? ` (${label.cycle})` : "";
    return `${taken}${MARKS[node.outcome]} ${node.lotId}${details}${note}`;
  };
  const walk = (node: VerdictNode, prefix: string): void => {
    const lot = lots.get(node.lotId);
    node.parents.forEach((parent, index) => {
      const last = index === node.parents.length - 1;
      const link = lot?.parents[index];
      lines.push(`${prefix}${last ? "└─ " : "├─ "}${describe(parent, link)}`);
      walk(parent, `${prefix}${last ? "   " : "│  "}`);
    });
  };
  lines.push(describe(verdict.tree));
  walk(verdict.tree, "");

  lines.push("", `${label.attestations}:`);
  if (verdict.attestations.length === 0) lines.push(`  ${label.none}`);
  for (const attestation of verdict.attestations) {
    const endorsed = attestation.endorsed ? `, ${label.endorsed}` : "";
    lines.push(
      `  ${MARKS[attestation.outcome]} ${attestation.uid} ${attestation.status} (${attestation.kind}${endorsed})`,
    );
  }

  const findings = verdictFindings(verdict);
  lines.push("", `${label.reasons}:`);
  if (findings.length === 0) lines.push(`  ${label.none}`);
  for (const { where, finding } of findings) {
    lines.push(`  ${MARKS[finding.severity]} [${finding.code}] ${where}`, `      ${findingText(finding, locale)}`);
  }
  return `${lines.join("\n")}\n`;
}
