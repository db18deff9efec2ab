import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { fileDigest } from "../../sdk/hashing";
import { Layout } from "../shared/layout";
import { Icon } from "../shared/icons";
import { StatusBadge } from "../shared/status-badge";
import { localeOf, type MessageKey } from "../shared/i18n/i18n";
import { useI18n } from "../shared/i18n/language";
import {
  badgeOf,
  digestFromHash,
  hasNoExpiry,
  outcomeOf,
  parseDigest,
  schemaLabel,
  shortId,
  summarise,
  withdrawalReason,
  type Headline,
  type VerifiedAttestation,
  type VerifyAnswer,
  type VerifyFailure,
} from "./verdict";
import { blockTime, organisationSummary, schemaDefinition, verifyDigest } from "./verify-api";
import type { Bundle, BundleVerdict } from "../../sdk/bundle";
import type { BundleLoad } from "./bundle-check";
import { rpcStorageKey, shareFromHash, shareTokenOf, type BundleFailure } from "./bundle-verdict";
import { BundleFailureView, BundleVerdictView } from "./bundle-result";
import "./verify.css";

type OrgKind = "supplier" | "certifier" | "member";
type State =
  | { phase: "idle" }
  | { phase: "hashing"; fileName: string }
  | { phase: "checking"; digest: string; fileName?: string }
  | { phase: "done"; answer: VerifyAnswer; fileName?: string }
  | { phase: "failed"; failure: VerifyFailure; digest?: string }
  | { phase: "bundleLoading"; step: "fetching" | "checking" }
  | { phase: "bundleDone"; verdict: BundleVerdict; bundle: Bundle; source: string }
  | { phase: "bundleFailed"; failure: BundleFailure };

// The bundle checker (the sdk with its chain reader) loads only when a bundle is opened: checking a document's
// fingerprint does not pay for it.
const bundleCheck = () => import("./bundle-check");

function readStoredRpc(): string | null {
  try {
    return localStorage.getItem(rpcStorageKey);
  } catch {
    return null;
  }
}

const headlineKeys: Record<Headline, MessageKey> = {
  valid: "verify.headline.valid",
  expired: "verify.headline.expired",
  revoked: "verify.headline.revoked",
  suspended: "verify.headline.suspended",
  keyCompromised: "verify.headline.keyCompromised",
  pending: "verify.headline.pending",
  failed: "verify.headline.failed",
  unknown: "verify.headline.unknown",
};

/** Public verify page (the landing page): a document or its fingerprint → a verdict in plain words. */
export function VerifyPage({ root = "../" }: { root?: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ phase: "idle" });
  const [digestText, setDigestText] = useState("");
  const [digestError, setDigestError] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [shareText, setShareText] = useState("");
  const [shareError, setShareError] = useState(false);
  const [rpcText, setRpcText] = useState(() => readStoredRpc() ?? "");
  const resultRef = useRef<HTMLElement>(null);

  async function checkLoaded(load: BundleLoad, source: string) {
    if (!load.ok) return setState({ phase: "bundleFailed", failure: load.failure });
    setState({ phase: "bundleLoading", step: "checking" });
    const { checkBundle } = await bundleCheck();
    const checked = await checkBundle(root, load.bundle, readStoredRpc());
    setState(
      checked.ok
        ? { phase: "bundleDone", verdict: checked.verdict, bundle: load.bundle, source }
        : { phase: "bundleFailed", failure: checked.failure },
    );
  }

  async function openShare(token: string) {
    setState({ phase: "bundleLoading", step: "fetching" });
    const { fetchSharedBundle } = await bundleCheck();
    await checkLoaded(await fetchSharedBundle(root, token), t("bundle.source.share"));
  }

  async function openBundleFile(file: File) {
    setState({ phase: "bundleLoading", step: "fetching" });
    const { loadBundleText } = await bundleCheck();
    await checkLoaded(loadBundleText(await file.text()), t("bundle.source.file", { name: file.name }));
  }

  async function check(digest: string, fileName?: string) {
    setState({ phase: "checking", digest, fileName });
    const result = await verifyDigest(root, digest);
    setState(
      result.ok
        ? { phase: "done", answer: result.answer, fileName }
        : { phase: "failed", failure: result.failure, digest },
    );
  }

  async function checkFile(file: File) {
    setState({ phase: "hashing", fileName: file.name });
    const bytes = new Uint8Array(await file.arrayBuffer());
    await check(fileDigest(bytes).toLowerCase(), file.name);
  }

  // A link to a result (#digest=0x…) or a share link of a lot's bundle (#share=…) verifies at once.
  useEffect(() => {
    const fromHash = () => {
      const share = shareFromHash(window.location.hash);
      if (share) return void openShare(share);
      const fromLink = digestFromHash(window.location.hash);
      if (fromLink) {
        setDigestText(fromLink);
        void check(fromLink);
      }
    };
    fromHash();
    window.addEventListener("hashchange", fromHash);
    return () => window.removeEventListener("hashchange", fromHash);
  }, []);

  // Details are part of a printed proof even when folded on screen.
  useEffect(() => {
    const openDetails = () => document.querySelectorAll("details").forEach((details) => (details.open = true));
    window.addEventListener("beforeprint", openDetails);
    return () => window.removeEventListener("beforeprint", openDetails);
  }, []);

  // Move focus to the verdict so keyboard and screen-reader users land on it.
  useLayoutEffect(() => {
    if (["done", "failed", "bundleDone", "bundleFailed"].includes(state.phase)) resultRef.current?.focus();
  }, [state.phase]);

  const busy = state.phase === "hashing" || state.phase === "checking" || state.phase === "bundleLoading";

  return (
    <Layout page="home" title="verify.title" root={root}>
      <p class="verify-intro">{t("verify.intro")}</p>
      <div class="verify-inputs no-print">
        <section class="card verify-drop" data-dragging={dragging ? "true" : undefined}>
          <h2>{t("verify.file.heading")}</h2>
          <div
            class="drop-zone"
            onDragOver={(event) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(event) => {
              event.preventDefault();
              setDragging(false);
              const file = event.dataTransfer?.files[0];
              if (file) void checkFile(file);
            }}
          >
            <Icon name="upload" size={28} />
            <label for="verify-file">{t("verify.file.label")}</label>
            <input
              id="verify-file"
              type="file"
              aria-describedby="verify-file-help"
              disabled={busy}
              onChange={(event) => {
                const file = (event.currentTarget as HTMLInputElement).files?.[0];
                if (file) void checkFile(file);
              }}
            />
            <p id="verify-file-help" class="hint">
              {t("verify.file.help")}
            </p>
          </div>
        </section>
        <section class="card">
          <h2>{t("verify.digest.heading")}</h2>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              const digest = parseDigest(digestText);
              setDigestError(!digest);
              if (digest) void check(digest);
            }}
          >
            <label for="verify-digest">{t("verify.digest.label")}</label>
            <input
              id="verify-digest"
              type="text"
              inputMode="text"
              autoComplete="off"
              spellcheck={false}
              value={digestText}
              aria-invalid={digestError}
              aria-describedby={digestError ? "verify-digest-help verify-digest-error" : "verify-digest-help"}
              onInput={(event) => setDigestText((event.currentTarget as HTMLInputElement).value)}
            />
            <p id="verify-digest-help" class="hint">
              {t("verify.digest.help")}
            </p>
            {digestError && (
              <p id="verify-digest-error" class="error-text" role="alert">
                {t("verify.digest.invalid")}
              </p>
            )}
            <button type="submit" class="button" disabled={busy}>
              <Icon name="search" />
              {t("verify.digest.submit")}
            </button>
          </form>
        </section>
        <section class="card">
          <h2>{t("bundle.input.heading")}</h2>
          <p class="hint">{t("bundle.input.intro")}</p>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              const token = shareTokenOf(shareText);
              setShareError(!token);
              if (token) void openShare(token);
            }}
          >
            <label for="verify-share">{t("bundle.input.shareLabel")}</label>
            <input
              id="verify-share"
              type="text"
              autoComplete="off"
              spellcheck={false}
              value={shareText}
              aria-invalid={shareError}
              aria-describedby={shareError ? "verify-share-help verify-share-error" : "verify-share-help"}
              onInput={(event) => setShareText((event.currentTarget as HTMLInputElement).value)}
            />
            <p id="verify-share-help" class="hint">
              {t("bundle.input.shareHelp")}
            </p>
            {shareError && (
              <p id="verify-share-error" class="error-text" role="alert">
                {t("bundle.input.shareInvalid")}
              </p>
            )}
            <button type="submit" class="button" disabled={busy}>
              <Icon name="link" />
              {t("bundle.input.shareSubmit")}
            </button>
          </form>
          <label for="verify-bundle" class="bundle-file-label">
            {t("bundle.input.fileLabel")}
          </label>
          <input
            id="verify-bundle"
            type="file"
            accept=".json,application/json"
            aria-describedby="verify-bundle-help"
            disabled={busy}
            onChange={(event) => {
              const file = (event.currentTarget as HTMLInputElement).files?.[0];
              if (file) void openBundleFile(file);
            }}
          />
          <p id="verify-bundle-help" class="hint">
            {t("bundle.input.fileHelp")}
          </p>
          <details class="bundle-node-choice">
            <summary>{t("bundle.rpc.summary")}</summary>
            <form
              onSubmit={(event) => {
                event.preventDefault();
                try {
                  if (rpcText.trim()) localStorage.setItem(rpcStorageKey, rpcText.trim());
                  else localStorage.removeItem(rpcStorageKey);
                } catch {
                  // Not remembered: the API's read-only access is used.
                }
              }}
            >
              <label for="verify-rpc">{t("bundle.rpc.label")}</label>
              <input
                id="verify-rpc"
                type="text"
                inputMode="url"
                autoComplete="off"
                spellcheck={false}
                value={rpcText}
                aria-describedby="verify-rpc-help"
                onInput={(event) => setRpcText((event.currentTarget as HTMLInputElement).value)}
              />
              <p id="verify-rpc-help" class="hint">
                {t("bundle.rpc.help")}
              </p>
              <button type="submit" class="button button-secondary">
                {t("bundle.rpc.save")}
              </button>
            </form>
          </details>
        </section>
      </div>
      <div role="status" class="verify-progress" aria-live="polite">
        {state.phase === "hashing" && t("verify.progress.hashing", { name: state.fileName })}
        {state.phase === "checking" && t("verify.progress.checking")}
        {state.phase === "bundleLoading" && t(`bundle.progress.${state.step}`)}
      </div>
      {(state.phase === "done" ||
        state.phase === "failed" ||
        state.phase === "bundleDone" ||
        state.phase === "bundleFailed") && (
        <section class="verify-result" ref={resultRef} tabIndex={-1} aria-labelledby="verify-result-heading">
          {state.phase === "done" && <Verdict answer={state.answer} fileName={state.fileName} root={root} />}
          {state.phase === "failed" && <Failure failure={state.failure} />}
          {state.phase === "bundleDone" && (
            <BundleVerdictView verdict={state.verdict} bundle={state.bundle} root={root} source={state.source} />
          )}
          {state.phase === "bundleFailed" && <BundleFailureView failure={state.failure} />}
        </section>
      )}
    </Layout>
  );
}

function Failure({ failure }: { failure: VerifyFailure }) {
  const { t } = useI18n();
  return (
    <div class="card verdict verdict-failure" data-outcome={`failure-${failure}`} role="alert">
      <h2 id="verify-result-heading">{t("verify.failure.heading")}</h2>
      <p>{t(`verify.failure.${failure}`)}</p>
    </div>
  );
}

function Verdict({ answer, fileName, root }: { answer: VerifyAnswer; fileName?: string; root: string }) {
  const { t } = useI18n();
  const { headline, attestations } = summarise(answer);
  const shareLink = `${window.location.origin}${window.location.pathname}#digest=${answer.digest}`;
  return (
    <div class="verdict" data-outcome={headline}>
      <div class={`card verdict-headline verdict-${badgeOf(headline === "unknown" ? "pending" : headline)}`}>
        <h2 id="verify-result-heading">{t(headlineKeys[headline])}</h2>
        {fileName && <p class="hint">{t("verify.result.file", { name: fileName })}</p>}
        {headline === "unknown" && <p>{t("verify.explain.unknown")}</p>}
      </div>
      {attestations.map((attestation) => (
        <AttestationCard key={attestation.uid} attestation={attestation} root={root} />
      ))}
      <div class="verify-actions no-print">
        <button type="button" class="button button-secondary" onClick={() => window.print()}>
          <Icon name="print" />
          {t("verify.print")}
        </button>
        <a class="button button-secondary" href={shareLink} data-share-link>
          <Icon name="link" />
          {t("verify.shareLink")}
        </a>
      </div>
      <p class="hint verify-checked">
        {t("verify.result.checked", { digest: answer.digest, block: String(answer.checkedAtBlock) })}
      </p>
    </div>
  );
}

function useDateFormat() {
  const { language } = useI18n();
  const format = new Intl.DateTimeFormat(localeOf(language), { day: "numeric", month: "long", year: "numeric" });
  return (unixSeconds: number) => format.format(new Date(unixSeconds * 1000));
}

function AttestationCard({ attestation, root }: { attestation: VerifiedAttestation; root: string }) {
  const { t, language } = useI18n();
  const formatDate = useDateFormat();
  const [attesterKind, setAttesterKind] = useState<OrgKind | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [definition, setDefinition] = useState<unknown>(null);
  const [recordedAt, setRecordedAt] = useState<number | null>(null);
  useEffect(() => {
    if (attestation.blockNumber !== null) void blockTime(root, attestation.blockNumber).then(setRecordedAt);
  }, [attestation.blockNumber, root]);
  useEffect(() => {
    const named = (id: string, summary: { name: string | null } | null) => {
      if (summary?.name) setNames((known) => ({ ...known, [id]: summary.name as string }));
    };
    if (attestation.attester) {
      const attester = attestation.attester;
      void organisationSummary(root, attester).then((summary) => {
        setAttesterKind(summary?.kind ?? null);
        named(attester, summary);
      });
    }
    const certifier = attestation.endorsement?.certifier;
    if (certifier) void organisationSummary(root, certifier).then((summary) => named(certifier, summary));
    void schemaDefinition(root, attestation.schema).then(setDefinition);
  }, [attestation.attester, attestation.endorsement?.certifier, attestation.schema, root]);

  const outcome = outcomeOf(attestation);
  // A published profile's name (its digest checked against the chain by the API), else the kind and a short id.
  const organisation = (id: string | null, kind: OrgKind | null) =>
    id
      ? (names[id] ?? t(kind ? `verify.org.${kind}` : "verify.org.unknown", { id: shortId(id) }))
      : t("verify.org.pending");
  const claim = schemaLabel(definition, language) ?? shortId(attestation.schema);
  const endorsement = attestation.endorsement && !attestation.endorsement.withdrawn ? attestation.endorsement : null;
  const parts = [
    recordedAt
      ? t("verify.sentence.recordedOn", {
          claim,
          date: formatDate(recordedAt),
          attester: organisation(attestation.attester, attesterKind),
        })
      : t("verify.sentence.recorded", { claim, attester: organisation(attestation.attester, attesterKind) }),
    endorsement
      ? t("verify.sentence.endorsed", { certifier: organisation(endorsement.certifier, "certifier") })
      : // A certifier's own claim is the certification: no one else's approval is missing.
        attesterKind === "certifier"
        ? null
        : t("verify.sentence.notEndorsed"),
  ].filter((part): part is string => part !== null);
  if (outcome === "valid") {
    parts.push(
      hasNoExpiry(attestation.expiresAt)
        ? t("verify.sentence.noExpiry")
        : t("verify.sentence.validUntil", { date: formatDate(attestation.expiresAt) }),
    );
  }
  // A withdrawal says why when its attester recorded a reason.
  const reason = outcome === "revoked" ? withdrawalReason(attestation.revocation?.reason, t) : null;
  const explanation: MessageKey | null =
    outcome === "valid"
      ? null
      : outcome === "expired"
        ? "verify.explain.expired"
        : reason
          ? "verify.explain.revokedBecause"
          : (`verify.explain.${outcome}` as MessageKey);

  return (
    <article class="card attestation" data-uid={attestation.uid} data-outcome={outcome}>
      <p class="attestation-status">
        <StatusBadge status={badgeOf(outcome)} label={t(`verify.outcome.${outcome}`)} />
      </p>
      <p class="attestation-sentence">{parts.join(t("verify.sentence.separator")) + "."}</p>
      {explanation && (
        <p class="attestation-explain">
          {t(explanation, {
            date: hasNoExpiry(attestation.expiresAt) ? "" : formatDate(attestation.expiresAt),
            reason: reason ?? "",
          })}
        </p>
      )}
      <details class="attestation-details">
        <summary>{t("verify.details.summary")}</summary>
        <dl>
          <dt>{t("verify.details.reference")}</dt>
          <dd class="mono">{attestation.uid}</dd>
          <dt>{t("verify.details.fingerprint")}</dt>
          <dd class="mono">{attestation.digest}</dd>
          <dt>{t("verify.details.claimType")}</dt>
          <dd>
            {claim} <span class="mono">({attestation.schema})</span>
          </dd>
          <dt>{t("verify.details.signedBy")}</dt>
          <dd class="mono">{attestation.signer}</dd>
          <dt>{t("verify.details.organisation")}</dt>
          <dd class="mono">{attestation.attester ?? "—"}</dd>
          <dt>{t("verify.details.about")}</dt>
          <dd class="mono">{attestation.subject}</dd>
          <dt>{t("verify.details.block")}</dt>
          <dd>{attestation.blockNumber ?? t("verify.details.notYet")}</dd>
          <dt>{t("verify.details.endorsement")}</dt>
          <dd>
            {attestation.endorsement
              ? t(
                  attestation.endorsement.withdrawn
                    ? "verify.details.endorsementWithdrawn"
                    : "verify.details.endorsementLive",
                  {
                    certifier: attestation.endorsement.certifier,
                  },
                )
              : t("verify.details.none")}
          </dd>
        </dl>
      </details>
    </article>
  );
}
