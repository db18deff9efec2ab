import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { Layout } from "../shared/layout";
import { StatusBadge, type Status } from "../shared/status-badge";
import { localeOf } from "../shared/i18n/i18n";
import { useI18n } from "../shared/i18n/language";
import { SignInFirst } from "../shared/wallet/sign-in-first";
import {
  currentSession,
  useSessionEnded,
  WalletProblem,
  type SignedInSession,
  type WalletProblem as Problem,
} from "../shared/wallet/wallet";
import { siteDeployment, type SiteDeployment } from "../shared/wallet/transaction";
import { ActionOutcome } from "../shared/wallet/action-outcome";
import { useOrganisationName } from "./names";
import { GovernanceSection, AddKeyForm } from "./governance";
import { keyStateAt, type KeyState, type OrganisationKey } from "./key-state";
import { compromiseTimeOf, localDateTimeValue, maySend, refusalKey } from "./organisation-actions";
import {
  isGovernor as readIsGovernor,
  loadOrganisation,
  loadOrganisations,
  loadSchemas,
  type OrganisationView,
  type SchemaView,
} from "./organisation-data";
import { isBusy, until, useAction, type Actor } from "./use-action";
import "./organisation.css";

const badge: Record<KeyState, Status> = { active: "ok", notYet: "unknown", retired: "offline", compromised: "alarm" };

/** The chain counts a retired key as valid until the second after its retirement: read it one second ahead. */
function nowSeconds(): number {
  return Math.floor(Date.now() / 1000) + 1;
}

/**
 * The signed-in organisation (kind, standing, keys it can retire or report compromised, keys to add), the members of
 * the federation by name, and the governors' actions (sent from a governor's wallet, or prepared for their multisig).
 */
export function OrganisationPage({ root = "../" }: { root?: string }) {
  const { t } = useI18n();
  const [session, setSession] = useState<SignedInSession | null | undefined>(undefined);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [deployment, setDeployment] = useState<SiteDeployment | null | undefined>(undefined);
  const [governor, setGovernor] = useState<boolean | undefined>(undefined);
  const [organisations, setOrganisations] = useState<OrganisationView[]>([]);
  const [schemas, setSchemas] = useState<SchemaView[]>([]);

  async function refresh() {
    const [found, listed] = await Promise.all([loadOrganisations(root), loadSchemas(root)]);
    if (found) setOrganisations(found);
    if (listed) setSchemas(listed);
  }

  useEffect(() => {
    void currentSession(root)
      .then((found) => setSession(found))
      .catch(() => setSession(null));
    void siteDeployment(root).then(setDeployment);
  }, [root]);
  // The wallet switched account or network under the session: back to "sign in", saying why.
  useSessionEnded((ended) => {
    setSession(null);
    setGovernor(undefined);
    setProblem(ended);
  });
  useEffect(() => {
    if (!session) return;
    void refresh();
  }, [session, root]);
  useEffect(() => {
    if (!session || !deployment) return;
    setGovernor(undefined);
    void readIsGovernor(root, deployment, session.address)
      .catch(() => false)
      .then((answer) => {
        setGovernor(answer);
        if (!answer && !session.organisation)
          setProblem(new WalletProblem("unregistered", { address: session.address }));
      });
  }, [session, deployment, root]);

  // A key of no organisation may still be a governor's: keep its session and let the governor check decide.
  async function onProblem(found: Problem) {
    setProblem(found);
    if (found.code === "unregistered") setSession(await currentSession(root).catch(() => null));
  }

  const waitingForRole = session && !session.organisation && governor === undefined;
  if (session === undefined || waitingForRole)
    return <Layout page="organisation" title="organisation.title" root={root} children={null} />;
  if (!session || (!session.organisation && governor === false)) {
    return (
      <SignInFirst
        page="organisation"
        title="organisation.title"
        message="organisation.signInFirst"
        root={root}
        problem={problem}
        onSession={(found) => {
          setProblem(null);
          setSession(found);
        }}
        onProblem={(found) => void onProblem(found)}
      />
    );
  }

  const actor: Actor | null =
    deployment && governor !== undefined ? { address: session.address, isGovernor: governor, deployment, root } : null;
  const own = session.organisation ? organisations.find((entry) => entry.id === session.organisation!.id) : undefined;
  return (
    <Layout page="organisation" title="organisation.title" root={root}>
      <div class="organisation-page">
        {deployment === null && (
          <div class="card problem" role="alert">
            <p>{t("action.noDeployment")}</p>
          </div>
        )}
        {!session.organisation && (
          <p class="card" data-governor-account>
            {t("organisation.governorAccount", { address: session.address })}
          </p>
        )}
        {own && <OwnOrganisation organisation={own} session={session} actor={actor} onChanged={refresh} root={root} />}
        <MembersList organisations={organisations} />
        {actor && (
          <GovernanceSection actor={actor} organisations={organisations} schemas={schemas} onChanged={refresh} />
        )}
      </div>
    </Layout>
  );
}

function OwnOrganisation({
  organisation,
  session,
  actor,
  onChanged,
  root,
}: {
  organisation: OrganisationView;
  session: SignedInSession;
  actor: Actor | null;
  onChanged: () => Promise<void>;
  root: string;
}) {
  const { t, language } = useI18n();
  const nameOf = useOrganisationName();
  const date = new Intl.DateTimeFormat(localeOf(language), { dateStyle: "long" });
  const now = nowSeconds();
  return (
    <section class="card organisation-own" data-organisation={organisation.id} aria-labelledby="own-heading">
      <h2 id="own-heading">{nameOf(organisation)}</h2>
      <p>
        <StatusBadge
          status={organisation.active ? "ok" : "alarm"}
          label={t(organisation.active ? "organisation.active" : "organisation.suspended")}
        />{" "}
        {t(`signin.kind.${organisation.kind}`)} —{" "}
        {t("organisation.admitted", { date: date.format(new Date(organisation.admittedAt * 1000)) })}
      </p>
      <p class="mono">{organisation.id}</p>
      <h3>{t("organisation.keys.heading")}</h3>
      <p class="hint">{t("organisation.keys.help")}</p>
      <ul class="organisation-keys">
        {organisation.keys.map((key) => (
          <KeyRow
            key={key.address}
            keyRecord={key}
            state={keyStateAt(key, now)}
            organisation={organisation}
            session={session}
            actor={actor}
            onChanged={onChanged}
            root={root}
          />
        ))}
      </ul>
      {actor && (
        <AddKeyForm
          actor={actor}
          organisations={[organisation]}
          fixed={organisation}
          onChanged={onChanged}
          idPrefix="own-add-key"
        />
      )}
    </section>
  );
}

type KeyIntent = "none" | "retire" | "report";

function KeyRow({
  keyRecord,
  state,
  organisation,
  session,
  actor,
  onChanged,
  root,
}: {
  keyRecord: OrganisationKey;
  state: KeyState;
  organisation: OrganisationView;
  session: SignedInSession;
  actor: Actor | null;
  onChanged: () => Promise<void>;
  root: string;
}) {
  const { t, language } = useI18n();
  const nameOf = useOrganisationName();
  const [intent, setIntent] = useState<KeyIntent>("none");
  const [doneKind, setDoneKind] = useState<KeyIntent>("none");
  const [from, setFrom] = useState(() => localDateTimeValue(Math.floor(Date.now() / 1000)));
  const [fromError, setFromError] = useState<"required" | "invalid" | "future" | null>(null);
  const action = useAction(actor);
  const panel = useRef<HTMLHeadingElement>(null);
  const address = keyRecord.address;
  const slug = address.toLowerCase();
  const yours = slug === session.address.toLowerCase();
  const busy = isBusy(action.state);
  const ownsIt = actor ? maySend({ kind: "retireKey", key: address }, actor.address, actor.isGovernor) : false;
  const when = new Intl.DateTimeFormat(localeOf(language), { dateStyle: "long", timeStyle: "short" });
  const fromTime = compromiseTimeOf(from, Math.floor(Date.now() / 1000));

  useLayoutEffect(() => {
    if (intent !== "none") panel.current?.focus();
  }, [intent]);

  async function confirm() {
    setDoneKind(intent);
    if (intent === "report") {
      const time = compromiseTimeOf(from, Math.floor(Date.now() / 1000));
      if (typeof time !== "number") {
        setFromError(time);
        document.getElementById(`report-from-${slug}`)?.focus();
        return;
      }
      setFromError(null);
      const done = await action.run({ kind: "markCompromised", key: address, from: time }, () =>
        until(async () => {
          const found = await loadOrganisation(root, organisation.id);
          const record = found?.keys.find((entry) => entry.address.toLowerCase() === slug);
          return (
            record?.compromisedFrom !== null && record?.compromisedFrom !== undefined && record.compromisedFrom <= time
          );
        }),
      );
      if (done) {
        setIntent("none");
        await onChanged();
      }
      return;
    }
    const done = await action.run({ kind: "retireKey", key: address }, () =>
      until(async () => {
        const found = await loadOrganisation(root, organisation.id);
        return found?.keys.find((entry) => entry.address.toLowerCase() === slug)?.validUntil != null;
      }),
    );
    if (done) {
      setIntent("none");
      await onChanged();
    }
  }

  const doneText = t(doneKind === "report" ? "organisation.key.done.compromised" : "organisation.key.done.retired");
  const canRetire = state === "active" || state === "notYet";
  const canReport = state !== "compromised";
  return (
    <li class="organisation-key" data-key={slug} data-state={state}>
      <p>
        <StatusBadge status={badge[state]} label={t(`organisation.key.${state}`)} /> <span class="mono">{address}</span>
        {yours && <> — {t("organisation.key.yours")}</>}
      </p>
      {actor && intent === "none" && (canRetire || canReport) && (
        <div class="organisation-actions">
          {(
            [
              ["retire", canRetire, "organisation.key.retire"],
              ["report", canReport, "organisation.key.report"],
            ] as const
          ).map(
            ([choice, offered, label]) =>
              offered && (
                <button
                  key={choice}
                  type="button"
                  class="button button-secondary"
                  disabled={busy}
                  onClick={() => {
                    action.reset();
                    setIntent(choice);
                  }}
                >
                  {t(label)}
                </button>
              ),
          )}
        </div>
      )}
      {intent !== "none" && (
        <div class="organisation-confirm" data-confirm={intent}>
          <h4 ref={panel} tabIndex={-1} id={`confirm-${slug}`}>
            {t(
              intent === "retire" ? "organisation.key.retireConfirm.heading" : "organisation.key.reportConfirm.heading",
            )}
          </h4>
          {intent === "report" && (
            <>
              <label for={`report-from-${slug}`}>{t("organisation.key.reportFrom.label")}</label>
              <input
                id={`report-from-${slug}`}
                type="datetime-local"
                value={from}
                disabled={busy}
                aria-invalid={fromError ? "true" : undefined}
                aria-describedby={`report-from-help-${slug}${fromError ? ` report-from-error-${slug}` : ""}`}
                onInput={(event) => {
                  setFrom((event.currentTarget as HTMLInputElement).value);
                  setFromError(null);
                }}
              />
              <p id={`report-from-help-${slug}`} class="hint">
                {t("organisation.key.reportFrom.help")}
              </p>
              {fromError && (
                <p id={`report-from-error-${slug}`} class="error-text" role="alert">
                  {t(`organisation.key.reportFrom.${fromError}`)}
                </p>
              )}
            </>
          )}
          <p data-consequences>
            {intent === "retire"
              ? t("organisation.key.retireConfirm.text", { organisation: nameOf(organisation) })
              : t("organisation.key.reportConfirm.text", {
                  date: typeof fromTime === "number" ? when.format(new Date(fromTime * 1000)) : "…",
                })}
          </p>
          {!ownsIt && <p class="hint">{t("organisation.key.othersNote")}</p>}
          <div class="organisation-actions">
            <button type="button" class="button" disabled={busy} onClick={() => void confirm()}>
              {ownsIt ? t("organisation.confirm") : t("organisation.multisig.prepare")}
            </button>
            <button
              type="button"
              class="button button-secondary"
              disabled={busy}
              onClick={() => {
                setIntent("none");
                action.reset();
              }}
            >
              {t("organisation.cancel")}
            </button>
          </div>
        </div>
      )}
      <ActionOutcome refusalKey={refusalKey} state={action.state} done={doneText} />
    </li>
  );
}

function MembersList({ organisations }: { organisations: OrganisationView[] }) {
  const { t } = useI18n();
  const nameOf = useOrganisationName();
  const now = nowSeconds();
  const sorted = [...organisations].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  return (
    <section aria-labelledby="members-heading" class="organisation-members">
      <h2 id="members-heading">{t("organisation.members.heading")}</h2>
      <p class="hint">{t("organisation.members.help")}</p>
      {sorted.length === 0 && <p>{t("organisation.members.empty")}</p>}
      <ul class="organisation-member-list">
        {sorted.map((organisation) => {
          const active = organisation.keys.filter((key) => keyStateAt(key, now) === "active").length;
          return (
            <li
              key={organisation.id}
              class="card"
              data-member={organisation.id}
              data-name={organisation.profile?.name ?? ""}
              data-active={String(organisation.active)}
            >
              <p>
                <strong>{nameOf(organisation)}</strong> — {t(`signin.kind.${organisation.kind}`)}
              </p>
              <p>
                <StatusBadge
                  status={organisation.active ? "ok" : "alarm"}
                  label={t(organisation.active ? "organisation.active" : "organisation.suspended")}
                />{" "}
                {t("organisation.members.keys", { n: active })}
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
