import { Icon } from "../icons";
import type { MessageKey } from "../i18n/i18n";
import { useI18n } from "../i18n/language";
import { Layout, type PageId } from "../layout";
import { ProblemMessage } from "../../signin/signin-page";
import { signIn, walletProblemOf, type SignedInSession, type WalletProblem } from "./wallet";

/** The page shown to a visitor who is not signed in yet: why, the last wallet problem, and a sign-in button. */
export function SignInFirst(props: {
  page: PageId;
  title: MessageKey;
  message: MessageKey;
  root: string;
  problem: WalletProblem | null;
  onSession: (session: SignedInSession) => void;
  onProblem: (problem: WalletProblem) => void;
}) {
  const { t } = useI18n();
  return (
    <Layout page={props.page} title={props.title} root={props.root}>
      <p>{t(props.message)}</p>
      {props.problem && <ProblemMessage problem={props.problem} />}
      <button
        type="button"
        class="button"
        onClick={async () => {
          try {
            props.onSession(await signIn(props.root, t("wallet.signIn.statement")));
          } catch (error) {
            props.onProblem(walletProblemOf(error));
          }
        }}
      >
        <Icon name="wallet" />
        {t("signin.connect")}
      </button>
    </Layout>
  );
}
