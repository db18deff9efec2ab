import { useEffect, useState } from "preact/hooks";
import { fileDigest } from "../../sdk/hashing";
import { signedBatchFromUids } from "../../sdk/merkle";
import { attestationUid } from "../../sdk/uid";
import { apiCall } from "../shared/api";
import { downloadFile } from "../shared/download";
import { Icon } from "../shared/icons";
import { StatusBadge } from "../shared/status-badge";
import { localeOf, type MessageKey } from "../shared/i18n/i18n";
import { useI18n } from "../shared/i18n/language";
import { useOrganisationNames } from "../shared/organisation-names";
import { signTypedData, walletProblemOf, WalletProblem, type SignedInSession } from "../shared/wallet/wallet";
import { ProblemMessage } from "../signin/signin-page";
import { shortId } from "../verify/verdict";
import type { SchemaItem } from "./attest-flow";
import { loadOrganisations } from "../organisation/organisation-data";
import {
  bulkRefusalOf,
  bulkTemplate,
  MAX_BULK_ROWS,
  randomLeafNonce,
  readBulkList,
  type BulkList,
  type BulkRefusal,
  type BulkState,
} from "./bulk-csv";

type Phase =
  | { phase: "editing" }
  | { phase: "hashing"; done: number; total: number }
  | { phase: "building"; done: number; total: number }
  | { phase: "signing" }
  | { phase: "following"; root: string; state: BulkState; count: number }
  | { phase: "refused"; reason: BulkRefusal }
  | { phase: "walletProblem"; problem: WalletProblem };

/** Lines shown in the preview (the count says how many more there are). */
const PREVIEW_ROWS = 50;
/** Hash this many items between two repaints of the progress bar. */
const CHUNK = 100;

const nextFrame = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Bulk certification (certifiers): a CSV list of documents, checked line by line, hashed into one tree in the
 * browser with a progress bar, signed once in the wallet, then followed until recorded.
 */
export function BulkAttest(props: {
  root: string;
  session: SignedInSession;
  schemas: SchemaItem[];
  label: (schema: SchemaItem) => string;
}) {
  const { root, session, schemas, label } = props;
  const { t, language } = useI18n();
  const [schemaId, setSchemaId] = useState("");
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null);
  const [fingerprints, setFingerprints] = useState<Map<string, string>>(new Map());
  const [step, setStep] = useState<Phase>({ phase: "editing" });
  const [templateProblem, setTemplateProblem] = useState(false);
  const chosen = schemas.find((schema) => schema.id === schemaId) ?? schemas[0];
  const list: BulkList | null = csv ? readBulkList(csv.text, fingerprints, Math.floor(Date.now() / 1000)) : null;
  const rows = list?.rows ?? [];
  const invalid = rows.filter((row) => row.problems.length > 0);
  const ready = list !== null && !list.problem && rows.length > 0 && invalid.length === 0 && chosen !== undefined;
  const locked = step.phase !== "editing" && step.phase !== "refused" && step.phase !== "walletProblem";
  const dateFormat = new Intl.DateTimeFormat(localeOf(language), { day: "numeric", month: "long", year: "numeric" });
  const shown = [...invalid, ...rows.filter((row) => row.problems.length === 0)].slice(0, PREVIEW_ROWS);
  // Names of the organisations certified (lots and unpublished organisations keep their short id).
  const names = useOrganisationNames(
    root,
    shown.map((row) => row.subject),
  );

  /** A CSV to fill in, listing the federation's suppliers and members with their full ids. */
  async function downloadTemplate() {
    setTemplateProblem(false);
    const organisations = await loadOrganisations(root);
    if (!organisations) return setTemplateProblem(true);
    downloadFile(bulkTemplate(organisations), "text/csv;charset=utf-8", "fontaine-certificats.csv");
  }

  // Follow a signed list until it is recorded (or its recording failed).
  useEffect(() => {
    if (step.phase !== "following" || step.state === "recorded" || step.state === "failed") return;
    let stopped = false;
    const timer = setTimeout(async () => {
      const answer = await apiCall<{ state: BulkState }>(root, `v1/batches/${step.root}`).catch(() => undefined);
      if (stopped) return;
      const state = answer?.status === 200 ? answer.body.state : step.state;
      setStep({ ...step, state });
    }, 1000);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [step, root]);

  async function chooseDocuments(files: File[]) {
    const found = new Map(fingerprints);
    setStep({ phase: "hashing", done: 0, total: files.length });
    for (let index = 0; index < files.length; index++) {
      const file = files[index]!;
      found.set(file.name, fileDigest(new Uint8Array(await file.arrayBuffer())).toLowerCase());
      if (index % 10 === 9) {
        setStep({ phase: "hashing", done: index + 1, total: files.length });
        await nextFrame();
      }
    }
    setFingerprints(found);
    setStep({ phase: "editing" });
  }

  async function signOnce() {
    if (!ready || !chosen) return;
    try {
      // Each line's uid, then the tree: in chunks, so the page stays responsive and the bar moves.
      const leaves = rows.map((row) => ({
        subject: row.subject,
        digest: row.digest,
        expiry: String(row.expiry),
        nonce: randomLeafNonce(),
      }));
      const uids: string[] = [];
      for (let start = 0; start < leaves.length; start += CHUNK) {
        setStep({ phase: "building", done: start, total: leaves.length });
        await nextFrame();
        for (const leaf of leaves.slice(start, start + CHUNK)) {
          uids.push(attestationUid({ ...leaf, schema: chosen.id, signer: session.address }));
        }
      }
      setStep({ phase: "building", done: leaves.length, total: leaves.length });
      await nextFrame();
      const tree = signedBatchFromUids(uids);
      const prepared = await apiCall<{
        typedData: Parameters<typeof signTypedData>[1] & { message: Record<string, string> };
        code?: string;
      }>(root, "v1/batches/prepare", { body: { root: tree.root, count: tree.count } });
      if (prepared.status !== 200) {
        return setStep({ phase: "refused", reason: bulkRefusalOf(prepared.status, prepared.body?.code) });
      }
      setStep({ phase: "signing" });
      const signature = await signTypedData(session.address, prepared.body.typedData);
      const submitted = await apiCall<{ root: string; state: BulkState; code?: string }>(root, "v1/batches", {
        body: {
          message: prepared.body.typedData.message,
          signer: session.address,
          signature,
          schema: chosen.id,
          leaves,
        },
      });
      if (submitted.status !== 202) {
        return setStep({ phase: "refused", reason: bulkRefusalOf(submitted.status, submitted.body?.code) });
      }
      setStep({ phase: "following", root: tree.root, state: submitted.body.state, count: leaves.length });
    } catch (error) {
      if (error instanceof WalletProblem || (error as { code?: unknown })?.code !== undefined) {
        setStep({ phase: "walletProblem", problem: walletProblemOf(error) });
      } else {
        setStep({ phase: "refused", reason: "unavailable" });
      }
    }
  }

  const problemText = (problem: string, file: string) =>
    t(`attest.bulk.problem.${problem}` as MessageKey, { file, max: MAX_BULK_ROWS });
  const recorded = step.phase === "following" && step.state === "recorded";
  return (
    <section class="bulk" aria-labelledby="bulk-heading">
      <h2 id="bulk-heading">{t("attest.bulk.heading")}</h2>
      <p>{t("attest.bulk.intro")}</p>
      <div class="card attest-form">
        <label for="bulk-schema">{t("attest.schema.label")}</label>
        <select
          id="bulk-schema"
          value={chosen?.id ?? ""}
          disabled={locked}
          onChange={(event) => setSchemaId((event.currentTarget as HTMLSelectElement).value)}
        >
          {schemas.map((schema) => (
            <option key={schema.id} value={schema.id}>
              {label(schema)}
            </option>
          ))}
        </select>

        <label for="bulk-csv">{t("attest.bulk.csv.label")}</label>
        <input
          id="bulk-csv"
          type="file"
          accept=".csv,text/csv,text/plain"
          disabled={locked}
          aria-describedby="bulk-csv-help"
          onChange={async (event) => {
            const file = (event.currentTarget as HTMLInputElement).files?.[0];
            setStep({ phase: "editing" });
            setCsv(file ? { name: file.name, text: await file.text() } : null);
          }}
        />
        <p id="bulk-csv-help" class="hint">
          {t("attest.bulk.columns")}
        </p>
        <p>
          <button
            type="button"
            class="button button-secondary"
            data-bulk-template
            disabled={locked}
            onClick={() => void downloadTemplate()}
          >
            <Icon name="download" />
            {t("attest.bulk.template")}
          </button>
        </p>
        {templateProblem && (
          <p class="error-text" role="alert">
            {t("attest.bulk.templateUnavailable")}
          </p>
        )}

        <label for="bulk-files">{t("attest.bulk.files.label")}</label>
        <input
          id="bulk-files"
          type="file"
          multiple
          disabled={locked}
          aria-describedby="bulk-files-help"
          onChange={(event) => void chooseDocuments([...((event.currentTarget as HTMLInputElement).files ?? [])])}
        />
        <p id="bulk-files-help" class="hint">
          {t("attest.bulk.files.help", { count: fingerprints.size })}
        </p>
      </div>

      {(step.phase === "hashing" || step.phase === "building") && (
        <div class="bulk-progress" data-progress={step.phase}>
          <label for="bulk-progress-bar">
            {t(step.phase === "hashing" ? "attest.bulk.hashing" : "attest.bulk.building", {
              done: step.done,
              total: step.total,
            })}
          </label>
          <progress id="bulk-progress-bar" max={step.total} value={step.done} />
        </div>
      )}

      {list?.problem && (
        <p class="error-text" role="alert" data-list-problem={list.problem}>
          {t(`attest.bulk.list.${list.problem}` as MessageKey, { max: MAX_BULK_ROWS })}
        </p>
      )}

      <div
        role="status"
        aria-live="polite"
        class="attest-progress"
        data-phase={step.phase === "following" ? step.state : step.phase}
      >
        {step.phase === "signing" && <p>{t("attest.bulk.signing")}</p>}
        {step.phase === "following" && step.state !== "failed" && (
          <p>
            <StatusBadge
              status={step.state === "recorded" ? "ok" : "unknown"}
              label={t(`attest.bulk.badge.${step.state}` as MessageKey)}
            />{" "}
            {t(`attest.bulk.state.${step.state}` as MessageKey, { count: step.count })}
          </p>
        )}
        {step.phase === "following" && step.state === "failed" && (
          <p>
            <StatusBadge status="alarm" label={t("verify.outcome.failed")} /> {t("attest.bulk.state.failed")}
          </p>
        )}
      </div>
      {step.phase === "refused" && (
        <div class="card problem" role="alert" data-refused={step.reason}>
          <p>{t(`attest.bulk.refused.${step.reason}` as MessageKey)}</p>
        </div>
      )}
      {step.phase === "walletProblem" && <ProblemMessage problem={step.problem} />}
      {recorded && <p class="hint mono">{t("attest.bulk.root", { root: shortId(step.root) })}</p>}
      {rows.length > 0 && (
        <section class="bulk-preview" aria-labelledby="bulk-preview-heading" data-preview>
          <h3 id="bulk-preview-heading">{t("attest.bulk.preview.heading", { file: csv?.name ?? "" })}</h3>
          <p data-counts={`${rows.length - invalid.length}/${invalid.length}`}>
            {t("attest.bulk.preview.count", { valid: rows.length - invalid.length, invalid: invalid.length })}
          </p>
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("attest.bulk.column.line")}</th>
                  <th scope="col">{t("attest.bulk.column.subject")}</th>
                  <th scope="col">{t("attest.bulk.column.document")}</th>
                  <th scope="col">{t("attest.bulk.column.until")}</th>
                  <th scope="col">{t("attest.bulk.column.check")}</th>
                </tr>
              </thead>
              <tbody>
                {[...invalid, ...rows.filter((row) => row.problems.length === 0)].slice(0, PREVIEW_ROWS).map((row) => (
                  <tr key={row.line} data-line={row.line} data-problems={row.problems.join(" ")}>
                    <td>{row.line}</td>
                    <td class={names[row.subject] ? undefined : "mono"}>
                      {row.subject ? (names[row.subject] ?? shortId(row.subject)) : "—"}
                    </td>
                    <td class="mono">{row.file || (row.digest ? shortId(row.digest) : "—")}</td>
                    <td>
                      {row.expiry > 0
                        ? dateFormat.format(new Date(row.expiry * 1000))
                        : t("attest.summary.defaultExpiry")}
                    </td>
                    <td>
                      {row.problems.length > 0 ? (
                        <span class="error-text">
                          {row.problems.map((problem) => problemText(problem, row.file)).join(" ; ")}
                        </span>
                      ) : recorded ? (
                        <a href={`${root}verify/#digest=${row.digest}`}>{t("attest.bulk.checkLine")}</a>
                      ) : (
                        <StatusBadge status="ok" label={t("attest.bulk.rowReady")} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {rows.length > PREVIEW_ROWS && (
            <p class="hint">{t("attest.bulk.preview.more", { count: rows.length - PREVIEW_ROWS })}</p>
          )}
          {invalid.length > 0 && (
            <p class="error-text" role="alert">
              {t("attest.bulk.fixFirst")}
            </p>
          )}
          {!locked && (
            <button type="button" class="button" disabled={!ready} onClick={() => void signOnce()}>
              <Icon name="wallet" />
              {t("attest.bulk.sign", { count: rows.length })}
            </button>
          )}
        </section>
      )}
    </section>
  );
}
