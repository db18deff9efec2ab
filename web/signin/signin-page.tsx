import { useEffect, useState } from "preact/hooks";
import { Layout } from "../shared/layout";
import { Icon } from "../shared/icons";
import { StatusBadge } from "../shared/status-badge";
import type { MessageKey } from "../shared/i18n/i18n";
import { useI18n } from "../shared/i18n/language";
import { useOrganisationNames } from "../shared/organisation-names";
import {
  currentSession,
  signIn,
  signOut,
  useSessionEnded,
  walletProblemOf,
  type SignedInSession,
  type WalletProblem,
} from "../shared/wallet/wallet";

type State =
  | { phase: "loading" }
  | { phase: "signedOut" }
  | { phase: "working" }
  | { phase: "signedIn"; session: SignedInSession }
  | { phase: "problem"; problem: WalletProblem };

/** Sign in with a wallet: connect, sign a sign-in message, see the organisation and role found on chain. */
export function SignInPage({ root = "../" }: { root?: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ phase: "loading" });

  useEffect(() => {
    currentSession(root)
      .then((session) => setState(session?.organisation ? { phase: "signedIn", session } : { phase: "signedOut" }))
      .catch(() => setState({ phase: "signedOut" }));
  }, [root]);
  // The wallet switched account or network under the session: back to "sign in", saying why.
  useSessionEnded((problem) => setState({ phase: "problem", problem }));

  async function start() {
    setState({ phase: "working" });
    try {
      setState({ phase: "signedIn", session: await signIn(root, t("wallet.signIn.statement")) });
    } catch (error) {
      setState({ phase: "problem", problem: walletProblemOf(error) });
    }
  }

  return (
    <Layout page="signin" title="signin.title" root={root}>
      <p>{t("signin.intro")}</p>
      <div role="status" aria-live="polite" class="signin-progress">
        {state.phase === "working" && t("signin.working")}
      </div>
      {state.phase === "signedIn" ? (
        <SessionCard
          session={state.session}
          root={root}
          onSignOut={async () => {
            await signOut(root);
            setState({ phase: "signedOut" });
          }}
        />
      ) : (
        <>
          {state.phase === "problem" && <ProblemMessage problem={state.problem} />}
          <p>
            <button
              type="button"
              class="button"
              disabled={state.phase === "working" || state.phase === "loading"}
              onClick={() => void start()}
            >
              <Icon name="wallet" />
              {t(state.phase === "problem" && !endedByWallet(state.problem) ? "signin.retry" : "signin.connect")}
            </button>
          </p>
          <p class="hint">{t("signin.help")}</p>
        </>
      )}
    </Layout>
  );
}

/** Whether the session ended because the wallet moved (nothing to retry: a new sign-in). */
function endedByWallet(problem: WalletProblem): boolean {
  return problem.code === "accountChanged" || problem.code === "networkChanged";
}

/** A wallet problem in plain words, announced to screen readers. */
export function ProblemMessage({ problem }: { problem: WalletProblem }) {
  const { t } = useI18n();
  const key = `wallet.problem.${problem.code}` as MessageKey;
  return (
    <div class="card problem" role="alert" data-problem={problem.code}>
      <p>
        <StatusBadge status="alarm" label={t("wallet.problem.heading")} />
      </p>
      <p>{t(key, problem.details)}</p>
    </div>
  );
}

function SessionCard({
  session,
  root,
  onSignOut,
}: {
  session: SignedInSession;
  root: string;
  onSignOut: () => Promise<void>;
}) {
  const { t } = useI18n();
  const organisation = session.organisation!;
  const name = useOrganisationNames(root, [organisation.id])[organisation.id.toLowerCase()];
  return (
    <section class="card" data-signed-in={organisation.kind} aria-labelledby="signin-session-heading">
      <h2 id="signin-session-heading">{t("signin.signedIn")}</h2>
      <dl>
        <dt>{t("signin.role")}</dt>
        <dd data-role>{t(`signin.kind.${organisation.kind}`)}</dd>
        <dt>{t("signin.organisation")}</dt>
        <dd>
          {name && (
            <>
              <strong data-organisation-name>{name}</strong>
              <br />
            </>
          )}
          <span class="mono">{organisation.id}</span>
        </dd>
        <dt>{t("signin.key")}</dt>
        <dd class="mono">{session.address}</dd>
      </dl>
      <p>
        <button type="button" class="button button-secondary" onClick={() => void onSignOut()}>
          {t("signin.signOut")}
        </button>
      </p>
    </section>
  );
}
