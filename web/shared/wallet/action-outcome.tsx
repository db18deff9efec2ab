import { useId, useLayoutEffect, useRef, useState } from "preact/hooks";
import { StatusBadge } from "../status-badge";
import type { MessageKey } from "../i18n/i18n";
import { useI18n } from "../i18n/language";
import { ProblemMessage } from "../../signin/signin-page";
import type { ContractActionState } from "./contract-action";
import "./action-outcome.css";

// Its words are the shared "action.*" messages (progress, refusal heading, the multisig panel).

/**
 * What became of a change the wallet sends, in words: progress (a polite live region: checking, signed and being
 * recorded, recorded), the result, a refusal (`refusalKey` gives each page's sentence), a wallet problem, or the call
 * prepared for the governors' multisig. `extra` is shown under a prepared call (e.g. the profile to publish).
 */
export function ActionOutcome<Refusal extends string>({
  state,
  done,
  refusalKey,
  extra,
}: {
  state: ContractActionState<Refusal>;
  done: string;
  refusalKey: (refusal: Refusal) => MessageKey;
  extra?: preact.ComponentChildren;
}) {
  const { t } = useI18n();
  const progress: Partial<Record<ContractActionState["phase"], MessageKey>> = {
    checking: "action.progress.checking",
    signing: "action.progress.signing",
    recording: "action.progress.recording",
    updating: "action.progress.updating",
  };
  const key = progress[state.phase];
  return (
    <div class="action-outcome" data-phase={state.phase}>
      <div role="status" aria-live="polite">
        {key && <p>{t(key)}</p>}
        {state.phase === "done" && (
          <p>
            <StatusBadge status="ok" label={t("action.progress.doneBadge")} /> {done}
          </p>
        )}
        {state.phase === "done" && !state.shown && <p data-not-shown>{t("action.progress.notShownYet")}</p>}
      </div>
      {state.phase === "failed" && (
        <div class="card problem" role="alert">
          <p>{t("action.progress.failed")}</p>
        </div>
      )}
      {state.phase === "refused" && (
        <div class="card problem" role="alert" data-refused={state.refusal}>
          <p>
            <StatusBadge status="alarm" label={t("action.refused.heading")} />
          </p>
          <p>{t(refusalKey(state.refusal))}</p>
        </div>
      )}
      {state.phase === "walletProblem" && <ProblemMessage problem={state.problem} />}
      {state.phase === "prepared" && (
        <MultisigPreparation to={state.call.to} data={state.call.data} governor={state.governor}>
          {extra}
        </MultisigPreparation>
      )}
    </div>
  );
}

/** A change the account cannot make itself, ready to copy into the governors' multisig. */
function MultisigPreparation({
  to,
  data,
  governor,
  children,
}: {
  to: string;
  data: string;
  governor: string;
  children?: preact.ComponentChildren;
}) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  // Several forms of a page may each show a prepared call: ids unique to this one.
  const id = useId();
  // Layout effect: focus moves in the same render that shows the panel, not a frame later.
  useLayoutEffect(() => heading.current?.focus(), []);
  return (
    <section class="card action-multisig" data-multisig aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        {t("action.multisig.heading")}
      </h3>
      <p>{t("action.multisig.text", { governor })}</p>
      <CopyField id={`${id}-to`} field="to" label={t("action.multisig.to")} value={to} />
      <CopyField id={`${id}-data`} field="data" label={t("action.multisig.data")} value={data} multiline />
      {children}
    </section>
  );
}

/** A read-only value with its label and a copy button (`field` names it for tests: `data-field`). */
export function CopyField({
  id,
  field,
  label,
  value,
  multiline = false,
}: {
  id: string;
  field?: string;
  label: string;
  value: string;
  multiline?: boolean;
}) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <div class="action-copy">
      <label for={id}>{label}</label>
      {multiline ? (
        <textarea id={id} class="mono" readOnly rows={4} value={value} data-value={value} data-field={field} />
      ) : (
        <input id={id} type="text" class="mono" readOnly value={value} data-value={value} data-field={field} />
      )}
      <button
        type="button"
        class="button button-secondary"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(value);
            setCopied(true);
          } catch {
            (document.getElementById(id) as HTMLInputElement | null)?.select();
          }
        }}
      >
        {copied ? t("action.multisig.copied") : t("action.multisig.copy")}
        <span class="visually-hidden"> — {label}</span>
      </button>
    </div>
  );
}
