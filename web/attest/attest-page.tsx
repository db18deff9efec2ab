import { useEffect, useState } from "preact/hooks";
import { fileDigest } from "../../sdk/hashing";
import { apiCall } from "../shared/api";
import { Layout } from "../shared/layout";
import { Icon } from "../shared/icons";
import { StatusBadge } from "../shared/status-badge";
import { localeOf, type MessageKey } from "../shared/i18n/i18n";
import { useI18n } from "../shared/i18n/language";
import { useOrganisationNames } from "../shared/organisation-names";
import {
  currentSession,
  signIn,
  signTypedData,
  useSessionEnded,
  walletProblemOf,
  WalletProblem,
  type SignedInSession,
} from "../shared/wallet/wallet";
import { ProblemMessage } from "../signin/signin-page";
import { schemaLabel, shortId } from "../verify/verdict";
import "./attest.css";
import { expiryOfDate, progressOf, refusalOf, usableSchemas, type RefusalReason, type SchemaItem } from "./attest-flow";
import { BulkAttest } from "./bulk-mode";

type Evidence = { name: string; digest: string };
type OwnLot = { lotId: string; record: { product: string; quantity: string; unit: string; producedOn?: string } };
type Step =
  | { phase: "editing" }
  | { phase: "signing" }
  | { phase: "waiting"; uid: string }
  | { phase: "recorded"; uid: string; digest: string }
  | { phase: "failed"; uid: string }
  | { phase: "refused"; reason: RefusalReason; detail?: string }
  | { phase: "walletProblem"; problem: WalletProblem };

/** A JSON call to the API (a body makes it a POST), through the pages' one API helper. */
const api = <T,>(root: string, path: string, body?: unknown) => apiCall<T>(root, path, { body });

/** Attest: choose a schema, attach the evidence (hashed here), set expiry, review, sign, follow until recorded. */
export function AttestPage({ root = "../" }: { root?: string }) {
  const { t, language } = useI18n();
  const [session, setSession] = useState<SignedInSession | null | undefined>(undefined);
  const [schemas, setSchemas] = useState<SchemaItem[]>([]);
  const [schemaId, setSchemaId] = useState("");
  const [evidence, setEvidence] = useState<Evidence | null>(null);
  const [expiryDate, setExpiryDate] = useState("");
  const [step, setStep] = useState<Step>({ phase: "editing" });
  const [missing, setMissing] = useState(false);
  /** "" = the organisation itself, else one of its lots. */
  const [subjectLot, setSubjectLot] = useState("");
  const [lots, setLots] = useState<OwnLot[]>([]);
  /** Certifiers may also certify many documents at once from a CSV list, with one signature. */
  const [mode, setMode] = useState<"single" | "bulk">("single");

  useEffect(() => {
    void currentSession(root).then((found) => setSession(found?.organisation ? found : null));
    void api<{ items: SchemaItem[] }>(root, "v1/schemas?limit=100").then((answer) =>
      setSchemas(answer.status === 200 ? answer.body.items : []),
    );
  }, [root]);
  // The wallet switched account or network under the session: back to "sign in", saying why.
  useSessionEnded((problem) => {
    setSession(null);
    setStep({ phase: "walletProblem", problem });
  });

  // Follow a submitted attestation until it is recorded (or its recording failed).
  useEffect(() => {
    if (step.phase !== "waiting") return;
    let stopped = false;
    const poll = async () => {
      while (!stopped) {
        const answer = await api<{ status: string; relay: { status: string } | null; digest: string }>(
          root,
          `v1/attestations/${step.uid}`,
        ).catch(() => undefined);
        const progress = progressOf(answer?.status === 200 ? answer.body : undefined);
        if (progress === "recorded") return setStep({ phase: "recorded", uid: step.uid, digest: answer!.body.digest });
        if (progress === "failed") return setStep({ phase: "failed", uid: step.uid });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [step, root]);

  const organisation = session?.organisation;
  // The organisation's own lots may be the subject of a claim too.
  useEffect(() => {
    if (!organisation) return setLots([]);
    void api<{ items: OwnLot[] }>(root, "v1/lots")
      .then((answer) => setLots(answer.status === 200 ? answer.body.items : []))
      .catch(() => setLots([]));
  }, [organisation?.id, root]);
  const names = useOrganisationNames(root, [organisation?.id]);
  const organisationName = organisation ? (names[organisation.id.toLowerCase()] ?? shortId(organisation.id)) : "";
  const choices = organisation ? usableSchemas(schemas, organisation.kind) : [];
  const chosen = choices.find((schema) => schema.id === schemaId) ?? choices[0];
  const label = (schema: SchemaItem) => schemaLabel(schema.definition, language) ?? shortId(schema.id);
  const dateFormat = new Intl.DateTimeFormat(localeOf(language), { day: "numeric", month: "long", year: "numeric" });

  async function submit() {
    if (!session || !organisation || !chosen || !evidence) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setStep({ phase: "signing" });
    try {
      const prepared = await api<{
        typedData: Parameters<typeof signTypedData>[1] & { message: Record<string, string> };
        code?: string;
        detail?: string;
      }>(root, "v1/attestations/prepare", {
        schema: chosen.id,
        subject: subjectLot || organisation.id,
        digest: evidence.digest,
        expiry: expiryOfDate(expiryDate),
        signer: session.address,
      });
      if (prepared.status !== 200) {
        return setStep({ phase: "refused", reason: refusalOf(prepared.status, prepared.body.code) });
      }
      const signature = await signTypedData(session.address, prepared.body.typedData);
      const submitted = await api<{ uid: string; code?: string; detail?: string }>(root, "v1/attestations", {
        message: prepared.body.typedData.message,
        signer: session.address,
        signature,
      });
      if (submitted.status !== 202) {
        return setStep({ phase: "refused", reason: refusalOf(submitted.status, submitted.body.code) });
      }
      setStep({ phase: "waiting", uid: submitted.body.uid });
    } catch (error) {
      if (error instanceof WalletProblem || (error as { code?: unknown })?.code !== undefined) {
        setStep({ phase: "walletProblem", problem: walletProblemOf(error) });
      } else {
        setStep({ phase: "refused", reason: "unavailable" });
      }
    }
  }

  if (session === undefined) return <Layout page="attest" title="attest.title" root={root} children={null} />;
  if (!organisation) {
    return (
      <Layout page="attest" title="attest.title" root={root}>
        <p>{t("attest.signInFirst")}</p>
        {step.phase === "walletProblem" && <ProblemMessage problem={step.problem} />}
        <button
          type="button"
          class="button"
          onClick={async () => {
            try {
              setSession(await signIn(root, t("wallet.signIn.statement")));
              setStep({ phase: "editing" });
            } catch (error) {
              setStep({ phase: "walletProblem", problem: walletProblemOf(error) });
            }
          }}
        >
          <Icon name="wallet" />
          {t("signin.connect")}
        </button>
      </Layout>
    );
  }

  const locked = step.phase === "signing" || step.phase === "waiting" || step.phase === "recorded";
  const subject = lots.find((lot) => lot.lotId === subjectLot);
  const lotLabel = (lot: OwnLot) =>
    t("attest.subject.lot", {
      product: lot.record.product,
      quantity: lot.record.quantity,
      unit: lot.record.unit,
      date: lot.record.producedOn ? dateFormat.format(new Date(lot.record.producedOn)) : "—",
    });
  const expiry = expiryOfDate(expiryDate);
  const modeChoice = organisation.kind === "certifier" && (
    <fieldset class="attest-mode">
      <legend>{t("attest.mode.label")}</legend>
      {(["single", "bulk"] as const).map((value) => (
        <label key={value}>
          <input
            type="radio"
            name="attest-mode"
            value={value}
            checked={mode === value}
            disabled={locked}
            onChange={() => setMode(value)}
          />{" "}
          {t(`attest.mode.${value}`)}
        </label>
      ))}
    </fieldset>
  );
  if (mode === "bulk" && organisation.kind === "certifier") {
    return (
      <Layout page="attest" title="attest.title" root={root}>
        <p>{t("attest.intro", { kind: t(`signin.kind.${organisation.kind}`) })}</p>
        {modeChoice}
        <BulkAttest root={root} session={session} schemas={choices} label={label} />
      </Layout>
    );
  }
  return (
    <Layout page="attest" title="attest.title" root={root}>
      <p>{t("attest.intro", { kind: t(`signin.kind.${organisation.kind}`) })}</p>
      {modeChoice}
      <form
        class="card attest-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <label for="attest-schema">{t("attest.schema.label")}</label>
        <select
          id="attest-schema"
          value={chosen?.id ?? ""}
          disabled={locked}
          onChange={(event) => setSchemaId((event.currentTarget as HTMLSelectElement).value)}
        >
          {choices.map((schema) => (
            <option key={schema.id} value={schema.id}>
              {label(schema)}
            </option>
          ))}
        </select>
        {choices.length === 0 && <p class="hint">{t("attest.schema.none")}</p>}

        <label for="attest-subject">{t("attest.subject.label")}</label>
        <select
          id="attest-subject"
          value={subjectLot}
          disabled={locked}
          onChange={(event) => setSubjectLot((event.currentTarget as HTMLSelectElement).value)}
        >
          <option value="">{t("attest.subject.organisation", { organisation: organisationName })}</option>
          {lots.map((lot) => (
            <option key={lot.lotId} value={lot.lotId}>
              {lotLabel(lot)}
            </option>
          ))}
        </select>
        <p class="hint">
          {t("attest.subject.signedAs")} <span data-organisation-name>{organisationName}</span>
        </p>

        <label for="attest-file">{t("attest.file.label")}</label>
        <input
          id="attest-file"
          type="file"
          disabled={locked}
          aria-describedby="attest-file-help"
          onChange={async (event) => {
            const file = (event.currentTarget as HTMLInputElement).files?.[0];
            if (!file) return setEvidence(null);
            const bytes = new Uint8Array(await file.arrayBuffer());
            setEvidence({ name: file.name, digest: fileDigest(bytes).toLowerCase() });
          }}
        />
        <p id="attest-file-help" class="hint">
          {t("attest.file.help")}
        </p>

        <label for="attest-expiry">{t("attest.expiry.label")}</label>
        <input
          id="attest-expiry"
          type="date"
          value={expiryDate}
          disabled={locked}
          aria-describedby="attest-expiry-help"
          onInput={(event) => setExpiryDate((event.currentTarget as HTMLInputElement).value)}
        />
        <p id="attest-expiry-help" class="hint">
          {t("attest.expiry.help")}
        </p>

        {chosen && evidence && (
          <section class="attest-summary" aria-labelledby="attest-summary-heading" data-summary>
            <h2 id="attest-summary-heading">{t("attest.summary.heading")}</h2>
            <p>
              {t(subject ? "attest.summary.textLot" : "attest.summary.text", {
                claim: label(chosen),
                organisation: organisationName,
                lot: subject ? lotLabel(subject) : "",
                file: evidence.name,
                until: expiry > 0 ? dateFormat.format(new Date(expiry * 1000)) : t("attest.summary.defaultExpiry"),
              })}
            </p>
            <p class="hint mono">{t("attest.summary.fingerprint", { digest: evidence.digest })}</p>
          </section>
        )}
        {missing && (
          <p class="error-text" role="alert">
            {t("attest.missing")}
          </p>
        )}
        <button type="submit" class="button" disabled={locked}>
          <Icon name="wallet" />
          {t("attest.sign")}
        </button>
      </form>
      <div role="status" aria-live="polite" class="attest-progress" data-phase={step.phase}>
        {step.phase === "signing" && <p>{t("attest.progress.signing")}</p>}
        {step.phase === "waiting" && (
          <p>
            <StatusBadge status="unknown" label={t("attest.progress.waitingBadge")} /> {t("attest.progress.waiting")}
          </p>
        )}
        {step.phase === "recorded" && (
          <div class="card">
            <p>
              <StatusBadge status="ok" label={t("attest.progress.recordedBadge")} /> {t("attest.progress.recorded")}
            </p>
            <p>
              <a class="button button-secondary" href={`${root}verify/#digest=${step.digest}`}>
                <Icon name="search" />
                {t("attest.progress.check")}
              </a>
            </p>
          </div>
        )}
        {step.phase === "failed" && (
          <p>
            <StatusBadge status="alarm" label={t("verify.outcome.failed")} /> {t("verify.explain.failed")}
          </p>
        )}
      </div>
      {step.phase === "refused" && (
        <div class="card problem" role="alert" data-refused={step.reason}>
          <p>{t(`attest.refused.${step.reason}` as MessageKey)}</p>
        </div>
      )}
      {step.phase === "walletProblem" && <ProblemMessage problem={step.problem} />}
    </Layout>
  );
}
