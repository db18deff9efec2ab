import { useEffect, useState } from "preact/hooks";
import { apiCall } from "../shared/api";
import { Layout } from "../shared/layout";
import { StatusBadge } from "../shared/status-badge";
import { localeOf, type MessageKey } from "../shared/i18n/i18n";
import { useI18n } from "../shared/i18n/language";
import { useOrganisationNames } from "../shared/organisation-names";
import { SignInFirst } from "../shared/wallet/sign-in-first";
import {
  currentSession,
  signTypedData,
  useSessionEnded,
  walletProblemOf,
  type SignedInSession,
  type WalletProblem,
} from "../shared/wallet/wallet";
import { ActionOutcome } from "../shared/wallet/action-outcome";
import { isBusy, until, useContractAction, type ContractActor } from "../shared/wallet/contract-action";
import { siteDeployment, type SiteDeployment } from "../shared/wallet/transaction";
import { ProblemMessage } from "../signin/signin-page";
import { hasNoExpiry, schemaLabel, shortId } from "../verify/verdict";
import { refusalOf, type RefusalReason } from "../attest/attest-flow";
import { endorsementRefusalKey, endorsementRefusalOf, withdrawEndorsementCall } from "./endorsement-withdrawal";
import {
  ownEndorsements,
  revocationReasons,
  toEndorse,
  withdrawable,
  type RevocationReason,
  type ReviewItem,
} from "./review-lists";
import "./review.css";

type RowState =
  | { phase: "idle" }
  | { phase: "signing" }
  | { phase: "waiting" }
  | { phase: "done" }
  | { phase: "refused"; reason: RefusalReason }
  | { phase: "walletProblem"; problem: WalletProblem };

/** A JSON call to the API (a body makes it a POST), through the pages' one API helper. */
const api = <T,>(root: string, path: string, body?: unknown) => apiCall<T>(root, path, { body });

/**
 * Review: certifiers endorse other organisations' claims and withdraw their endorsements; attesters withdraw their own
 * claims. Endorsing and withdrawing a claim are signed and relayed; withdrawing an endorsement is sent from the wallet.
 */
export function ReviewPage({ root = "../" }: { root?: string }) {
  const { t } = useI18n();
  const [session, setSession] = useState<SignedInSession | null | undefined>(undefined);
  const [items, setItems] = useState<ReviewItem[]>([]);
  const [labels, setLabels] = useState<Record<string, unknown>>({});
  const [problem, setProblem] = useState<WalletProblem | null>(null);
  const [deployment, setDeployment] = useState<SiteDeployment | null | undefined>(undefined);
  // Claims named by their organisation's published name, so a certifier sees whose claim it endorses.
  const names = useOrganisationNames(
    root,
    items.map((item) => item.attester),
  );

  useEffect(() => {
    void currentSession(root).then((found) => setSession(found?.organisation ? found : null));
    void siteDeployment(root).then(setDeployment);
  }, [root]);
  // The wallet switched account or network under the session: back to "sign in", saying why.
  useSessionEnded((ended) => {
    setSession(null);
    setProblem(ended);
  });

  useEffect(() => {
    if (!session?.organisation) return;
    void api<{ items: ReviewItem[] }>(root, "v1/attestations?status=VALID&limit=100").then((answer) =>
      setItems(answer.status === 200 ? answer.body.items : []),
    );
    void api<{ items: { id: string; definition: unknown }[] }>(root, "v1/schemas?limit=100").then((answer) => {
      if (answer.status === 200)
        setLabels(Object.fromEntries(answer.body.items.map((schema) => [schema.id, schema.definition])));
    });
  }, [session, root]);

  if (session === undefined) return <Layout page="review" title="review.title" root={root} children={null} />;
  if (!session?.organisation) {
    return (
      <SignInFirst
        page="review"
        title="review.title"
        message="review.signInFirst"
        root={root}
        problem={problem}
        onSession={setSession}
        onProblem={setProblem}
      />
    );
  }

  const own = session.organisation.id;
  const endorseList = session.organisation.kind === "certifier" ? toEndorse(items, own) : [];
  const withdrawList = withdrawable(items, own);
  const certifier = session.organisation.kind === "certifier";
  const endorsementList = certifier ? ownEndorsements(items, own) : [];
  const actor: ContractActor | null = deployment ? { address: session.address, deployment, root } : null;
  return (
    <Layout page="review" title="review.title" root={root}>
      {session.organisation.kind === "certifier" && (
        <section aria-labelledby="review-endorse-heading" data-list="endorse">
          <h2 id="review-endorse-heading">{t("review.endorse.heading")}</h2>
          <p class="hint">{t("review.endorse.help")}</p>
          {endorseList.length === 0 && <p>{t("review.empty")}</p>}
          <ul class="review-list">
            {endorseList.map((item) => (
              <ReviewRow
                key={item.uid}
                item={item}
                definition={labels[item.schema]}
                attesterName={item.attester ? names[item.attester.toLowerCase()] : undefined}
                mode="endorse"
                session={session}
                root={root}
              />
            ))}
          </ul>
        </section>
      )}
      {certifier && (
        <section aria-labelledby="review-endorsements-heading" data-list="endorsements">
          <h2 id="review-endorsements-heading">{t("review.endorsements.heading")}</h2>
          <p class="hint">{t("review.endorsements.help")}</p>
          {deployment === null && (
            <p class="card problem" role="alert">
              {t("action.noDeployment")}
            </p>
          )}
          {endorsementList.length === 0 && <p>{t("review.empty")}</p>}
          <ul class="review-list">
            {endorsementList.map((item) => (
              <EndorsementRow
                key={item.uid}
                item={item}
                definition={labels[item.schema]}
                attesterName={item.attester ? names[item.attester.toLowerCase()] : undefined}
                actor={actor}
              />
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="review-withdraw-heading" data-list="withdraw">
        <h2 id="review-withdraw-heading">{t("review.withdraw.heading")}</h2>
        <p class="hint">{t("review.withdraw.help")}</p>
        {withdrawList.length === 0 && <p>{t("review.empty")}</p>}
        <ul class="review-list">
          {withdrawList.map((item) => (
            <ReviewRow
              key={item.uid}
              item={item}
              definition={labels[item.schema]}
              attesterName={item.attester ? names[item.attester.toLowerCase()] : undefined}
              mode="withdraw"
              session={session}
              root={root}
            />
          ))}
        </ul>
      </section>
    </Layout>
  );
}

function ReviewRow({
  item,
  definition,
  attesterName,
  mode,
  session,
  root,
}: {
  item: ReviewItem;
  definition: unknown;
  /** The attester's published name, when it has one. */
  attesterName?: string;
  mode: "endorse" | "withdraw";
  session: SignedInSession;
  root: string;
}) {
  const { t } = useI18n();
  const [state, setState] = useState<RowState>({ phase: "idle" });
  const [reason, setReason] = useState<RevocationReason>("AUDIT_FAILED");
  const { claim, validity } = useClaimWords(item, definition);

  async function act() {
    setState({ phase: "signing" });
    const base = `v1/attestations/${item.uid}/${mode === "endorse" ? "endorsement" : "revocation"}`;
    try {
      const prepared = await api<{ typedData: Parameters<typeof signTypedData>[1]; code?: string }>(
        root,
        `${base}/prepare`,
        mode === "endorse" ? {} : { reason },
      );
      if (prepared.status !== 200)
        return setState({ phase: "refused", reason: refusalOf(prepared.status, prepared.body.code) });
      const signature = await signTypedData(session.address, prepared.body.typedData);
      const submitted = await api<{ code?: string }>(root, base, {
        message: prepared.body.typedData.message,
        signer: session.address,
        signature,
      });
      if (submitted.status !== 202)
        return setState({ phase: "refused", reason: refusalOf(submitted.status, submitted.body.code) });
      setState({ phase: "waiting" });
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const answer = await api<ReviewItem>(root, `v1/attestations/${item.uid}`);
        const done = mode === "endorse" ? answer.body.endorsed : answer.body.status === "REVOKED";
        if (answer.status === 200 && done) return setState({ phase: "done" });
      }
    } catch (error) {
      setState({ phase: "walletProblem", problem: walletProblemOf(error) });
    }
  }

  const busy = state.phase === "signing" || state.phase === "waiting";
  const doneLabel: MessageKey = mode === "endorse" ? "review.endorse.done" : "review.withdraw.done";
  return (
    <li class="card review-row" data-uid={item.uid} data-state={state.phase}>
      <p class="review-claim">
        <strong>{claim}</strong> — {t("review.by", { organisation: attesterName ?? shortId(item.attester ?? "") })} —{" "}
        {validity}
      </p>
      {state.phase === "done" ? (
        <p role="status">
          <StatusBadge status={mode === "endorse" ? "ok" : "alarm"} label={t(doneLabel)} />
        </p>
      ) : (
        <div class="review-actions">
          {mode === "withdraw" && (
            <ReasonChoice id={`reason-${item.uid}`} reason={reason} busy={busy} onChange={setReason} />
          )}
          <button
            type="button"
            class={mode === "endorse" ? "button" : "button button-secondary"}
            disabled={busy}
            aria-label={t(mode === "endorse" ? "review.endorse.actionFor" : "review.withdraw.actionFor", { claim })}
            onClick={() => void act()}
          >
            {t(mode === "endorse" ? "review.endorse.action" : "review.withdraw.action")}
          </button>
        </div>
      )}
      <div role="status" aria-live="polite">
        {state.phase === "signing" && t("attest.progress.signing")}
        {state.phase === "waiting" && t("review.waiting")}
      </div>
      {state.phase === "refused" && (
        <p class="error-text" role="alert" data-refused={state.reason}>
          {t(`attest.refused.${state.reason}`)}
        </p>
      )}
      {state.phase === "walletProblem" && <ProblemMessage problem={state.problem} />}
    </li>
  );
}

/** The labelled choice of why a certificate or an endorsement is withdrawn. */
function ReasonChoice({
  id,
  reason,
  busy,
  onChange,
}: {
  id: string;
  reason: RevocationReason;
  busy: boolean;
  onChange: (reason: RevocationReason) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <label for={id}>{t("review.withdraw.reason")}</label>
      <select
        id={id}
        value={reason}
        disabled={busy}
        onChange={(event) => onChange((event.currentTarget as HTMLSelectElement).value as RevocationReason)}
      >
        {revocationReasons.map((code) => (
          <option key={code} value={code}>
            {t(`withdrawal.reason.${code}`)}
          </option>
        ))}
      </select>
    </>
  );
}

/** A claim's words: its label in the reader's language (or short id) and until when it is valid. */
function useClaimWords(item: ReviewItem, definition: unknown): { claim: string; validity: string } {
  const { t, language } = useI18n();
  const claim = schemaLabel(definition, language) ?? shortId(item.schema);
  const validity = hasNoExpiry(item.expiresAt)
    ? t("verify.sentence.noExpiry")
    : t("verify.sentence.validUntil", {
        date: new Intl.DateTimeFormat(localeOf(language), { dateStyle: "long" }).format(
          new Date(item.expiresAt * 1000),
        ),
      });
  return { claim, validity };
}

/**
 * A claim the certifier endorsed: a reason and "withdraw my endorsement", sent from the wallet (checked first, refusals
 * in words), followed until recorded, then until the API no longer reads the claim as endorsed.
 */
function EndorsementRow({
  item,
  definition,
  attesterName,
  actor,
}: {
  item: ReviewItem;
  definition: unknown;
  attesterName?: string;
  actor: ContractActor | null;
}) {
  const { t } = useI18n();
  const action = useContractAction(actor, endorsementRefusalOf);
  const [reason, setReason] = useState<RevocationReason>("AUDIT_FAILED");
  const { claim, validity } = useClaimWords(item, definition);
  const busy = isBusy(action.state);
  const done = action.state.phase === "done";
  const reasonId = `endorsement-reason-${item.uid}`;

  async function withdraw() {
    if (!actor) return;
    const registry = actor.deployment.contracts.AttestationRegistry.address;
    await action.run(withdrawEndorsementCall(registry, item.uid, reason), () =>
      until(async () => {
        const answer = await apiCall<ReviewItem>(actor.root, `v1/attestations/${item.uid}`);
        const endorsement = answer.body.endorsement;
        return answer.status === 200 && !answer.body.endorsed && (endorsement === null || endorsement.withdrawn);
      }),
    );
  }

  return (
    <li class="card review-row" data-uid={item.uid} data-state={action.state.phase}>
      <p class="review-claim">
        <strong>{claim}</strong> — {t("review.by", { organisation: attesterName ?? shortId(item.attester ?? "") })} —{" "}
        {validity}
      </p>
      {!done && (
        <div class="review-actions">
          <ReasonChoice id={reasonId} reason={reason} busy={busy} onChange={setReason} />
          <button
            type="button"
            class="button button-secondary"
            disabled={busy || !actor}
            aria-label={t("review.endorsements.actionFor", { claim })}
            onClick={() => void withdraw()}
          >
            {t("review.endorsements.action")}
          </button>
        </div>
      )}
      <ActionOutcome state={action.state} done={t("review.endorsements.done")} refusalKey={endorsementRefusalKey} />
    </li>
  );
}
