import { useEffect, useState } from "preact/hooks";
import type { LotDownstream, LotUpstream } from "../../sdk/api-client/contract";
import { apiCall } from "../shared/api";
import { downloadFile } from "../shared/download";
import { Icon } from "../shared/icons";
import { Layout } from "../shared/layout";
import { QrCode } from "../shared/qr-code";
import { StatusBadge } from "../shared/status-badge";
import { localeOf, type MessageKey } from "../shared/i18n/i18n";
import { useI18n } from "../shared/i18n/language";
import { SignInFirst } from "../shared/wallet/sign-in-first";
import {
  currentSession,
  signTypedData,
  useSessionEnded,
  walletProblemOf,
  WalletProblem,
  type SignedInSession,
} from "../shared/wallet/wallet";
import { ProblemMessage } from "../signin/signin-page";
import { fetchSharedBundle, loadBundleText, type BundleLoad } from "../verify/bundle-check";
import { BundleFailureView } from "../verify/bundle-result";
import { flagReasonOf, problemCode, shareTokenOf, type BundleFailure } from "../verify/bundle-verdict";
import { schemaLabel, shortId } from "../verify/verdict";
import {
  bundleFileName,
  flagProgressOf,
  flagReasons,
  isImportedLot,
  isSavedShare,
  lotProgressOf,
  lotRefusalOf,
  lotFormOf,
  lotRequestOf,
  emptyLotForm,
  mergeImported,
  parentChoices,
  readList,
  shareDurations,
  shareIdOf,
  sharesToShow,
  storageKeys,
  units,
  type FlagReason,
  type ImportedLot,
  type LotForm,
  type LotFormError,
  type ListedShare,
  type LotRefusal,
  type OwnLot,
  type ParentChoice,
  type SavedShare,
  type ShownShare,
  type Unit,
} from "./lots-flow";
import "../verify/verify.css";
import "./lots.css";
import { UpstreamTree } from "./upstream-tree";

type TypedData = Parameters<typeof signTypedData>[1] & { message: Record<string, string> };

/** The one place the page keeps its device memory (imports, share links), per organisation. */
function useRemembered<T>(key: string, valid: (item: unknown) => item is T): [T[], (next: T[]) => void] {
  const read = () => {
    try {
      return readList(localStorage.getItem(key), valid);
    } catch {
      return [];
    }
  };
  const [items, setItems] = useState<T[]>(read);
  useEffect(() => setItems(read()), [key]);
  return [
    items,
    (next: T[]) => {
      setItems(next);
      try {
        localStorage.setItem(key, JSON.stringify(next));
      } catch {
        // Not remembered on this device, still shown for this visit.
      }
    },
  ];
}

function useFormats() {
  const { language, t } = useI18n();
  const day = new Intl.DateTimeFormat(localeOf(language), {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
  const separator = language === "en" ? "." : ",";
  return {
    quantity: (quantity: string, unit: Unit) =>
      t("bundle.quantity", { quantity: quantity.replace(".", separator), unit: t(`lots.unit.${unit}`) }),
    day: (value: string) => day.format(new Date(`${value}T12:00:00Z`)),
    instant: (iso: string) => day.format(new Date(iso)),
  };
}

/** Lots: import a supplier's bundle, record a lot (signed), share it (file, link, QR), see its origin, flag it. */
export function LotsPage({ root = "../" }: { root?: string }) {
  const [session, setSession] = useState<SignedInSession | null | undefined>(undefined);
  const [problem, setProblem] = useState<WalletProblem | null>(null);
  useEffect(() => {
    void currentSession(root)
      .then((found) => setSession(found?.organisation ? found : null))
      .catch(() => setSession(null));
  }, [root]);
  // The wallet switched account or network under the session: back to "sign in", saying why.
  useSessionEnded((ended) => {
    setSession(null);
    setProblem(ended);
  });

  if (session === undefined) return <Layout page="lots" title="lots.title" root={root} children={null} />;
  if (!session?.organisation) {
    return (
      <SignInFirst
        page="lots"
        title="lots.title"
        message="lots.signInFirst"
        root={root}
        problem={problem}
        onSession={setSession}
        onProblem={setProblem}
      />
    );
  }
  return <SignedInLots session={session} root={root} />;
}

function SignedInLots({ session, root }: { session: SignedInSession; root: string }) {
  const { t } = useI18n();
  const organisation = session.organisation!;
  const keys = storageKeys(organisation.id);
  const [imported, setImported] = useRemembered<ImportedLot>(keys.imported, isImportedLot);
  const [shares, setShares] = useRemembered<SavedShare>(keys.shares, isSavedShare);
  const [lots, setLots] = useState<OwnLot[] | null>(null);
  // Lots of bundles imported on any device (the API's list), added to those this device remembers.
  const [importedAnywhere, setImportedAnywhere] = useState<ImportedLot[]>([]);
  const [claims, setClaims] = useState<{ uid: string; schema: string }[]>([]);
  const [definitions, setDefinitions] = useState<Record<string, unknown>>({});

  const reload = async () => {
    const answer = await apiCall<{ items: OwnLot[] }>(root, "v1/lots").catch(() => undefined);
    setLots(answer?.status === 200 ? answer.body.items : []);
  };
  useEffect(() => {
    void reload();
    void apiCall<{ items: { lots: ImportedLot[] }[] }>(root, "v1/bundles")
      .then((answer) => {
        // Newest import first: merged oldest first so the latest disclosure of a lot wins.
        if (answer.status === 200)
          setImportedAnywhere(
            mergeImported(
              [],
              [...answer.body.items].reverse().flatMap((item) => item.lots),
            ),
          );
      })
      .catch(() => undefined);
    void apiCall<{ items: { uid: string; schema: string }[] }>(
      root,
      `v1/attestations?subject=${organisation.id}&status=VALID&limit=100`,
    )
      .then((answer) => setClaims(answer.status === 200 ? answer.body.items : []))
      .catch(() => undefined);
    void apiCall<{ items: { id: string; definition: unknown }[] }>(root, "v1/schemas?limit=100")
      .then((answer) => {
        if (answer.status === 200)
          setDefinitions(Object.fromEntries(answer.body.items.map((schema) => [schema.id, schema.definition])));
      })
      .catch(() => undefined);
  }, [root, organisation.id]);

  // Offered once the own lots are known: what is left of a parent counts what they already took from it.
  const choices = lots === null ? null : parentChoices(lots, mergeImported(importedAnywhere, imported));
  return (
    <Layout page="lots" title="lots.title" root={root}>
      <p class="lots-intro">{t("lots.intro", { kind: t(`signin.kind.${organisation.kind}`) })}</p>
      <ImportCard root={root} onImported={(added) => setImported(mergeImported(imported, added))} />
      <NewLotForm
        root={root}
        session={session}
        choices={choices}
        claims={claims}
        definitions={definitions}
        onRecorded={() => void reload()}
      />
      <section aria-labelledby="lots-list-heading" class="lots-list-section">
        <h2 id="lots-list-heading">{t("lots.list.heading")}</h2>
        {lots === null && <p role="status">{t("lots.list.loading")}</p>}
        {lots?.length === 0 && <p>{t("lots.list.empty")}</p>}
        <ul class="lots-list">
          {(lots ?? []).map((lot) => (
            <LotCard
              key={lot.lotId}
              lot={lot}
              root={root}
              session={session}
              shares={shares.filter((share) => share.lotId === lot.lotId)}
              onShare={(share) => setShares([...shares, share])}
              onRevoked={(token) =>
                setShares(shares.map((share) => (share.token === token ? { ...share, revoked: true } : share)))
              }
              onChanged={() => void reload()}
              choices={parentChoices(lots ?? [], mergeImported(importedAnywhere, imported), lot.lotId)}
              claims={claims}
              definitions={definitions}
            />
          ))}
        </ul>
      </section>
    </Layout>
  );
}

type ImportState =
  | { phase: "idle" }
  | { phase: "busy" }
  | { phase: "done"; lots: ImportedLot[] }
  | { phase: "failed"; failure: BundleFailure }
  | { phase: "refused"; reason: LotRefusal; detail?: string };

function ImportCard({ root, onImported }: { root: string; onImported: (lots: ImportedLot[]) => void }) {
  const { t } = useI18n();
  const formats = useFormats();
  const [link, setLink] = useState("");
  const [linkError, setLinkError] = useState(false);
  const [state, setState] = useState<ImportState>({ phase: "idle" });

  async function importLoad(load: BundleLoad) {
    if (!load.ok) return setState({ phase: "failed", failure: load.failure });
    const answer = await apiCall<{ lots: ImportedLot[]; detail?: string }>(root, "v1/bundles", { body: load.raw });
    if (answer.status !== 201) {
      return setState({
        phase: "refused",
        reason: lotRefusalOf(answer.status, problemCode(answer.body)),
        detail: answer.body?.detail,
      });
    }
    onImported(answer.body.lots);
    setState({ phase: "done", lots: answer.body.lots });
  }

  return (
    <section class="card lots-import" aria-labelledby="lots-import-heading">
      <h2 id="lots-import-heading">{t("lots.import.heading")}</h2>
      <p class="hint">{t("lots.import.help")}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const token = shareTokenOf(link);
          setLinkError(!token);
          if (!token) return;
          setState({ phase: "busy" });
          void fetchSharedBundle(root, token).then(importLoad);
        }}
      >
        <label for="lots-import-link">{t("lots.import.linkLabel")}</label>
        <input
          id="lots-import-link"
          type="text"
          autoComplete="off"
          spellcheck={false}
          value={link}
          aria-invalid={linkError}
          aria-describedby={linkError ? "lots-import-link-error" : undefined}
          onInput={(event) => setLink((event.currentTarget as HTMLInputElement).value)}
        />
        {linkError && (
          <p id="lots-import-link-error" class="error-text" role="alert">
            {t("bundle.input.shareInvalid")}
          </p>
        )}
        <button type="submit" class="button" disabled={state.phase === "busy"}>
          <Icon name="link" />
          {t("lots.import.linkSubmit")}
        </button>
      </form>
      <label for="lots-import-file" class="lots-import-file">
        {t("lots.import.fileLabel")}
      </label>
      <input
        id="lots-import-file"
        type="file"
        accept=".json,application/json"
        disabled={state.phase === "busy"}
        onChange={async (event) => {
          const file = (event.currentTarget as HTMLInputElement).files?.[0];
          if (!file) return;
          setState({ phase: "busy" });
          await importLoad(loadBundleText(await file.text()));
        }}
      />
      <div role="status" aria-live="polite" class="lots-import-status" data-phase={state.phase}>
        {state.phase === "busy" && <p>{t("lots.import.busy")}</p>}
        {state.phase === "done" && (
          <>
            <p>
              <StatusBadge status="ok" label={t("lots.import.doneBadge")} /> {t("lots.import.done")}
            </p>
            <ul>
              {state.lots.map((lot) => (
                <li key={lot.lotId}>
                  « {lot.product} » — {formats.quantity(lot.quantity, lot.unit)}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
      {state.phase === "failed" && <BundleFailureView failure={state.failure} />}
      {state.phase === "refused" && (
        <div class="card problem" role="alert" data-refused={state.reason}>
          <p>{t(`lots.refused.${state.reason}`)}</p>
        </div>
      )}
    </section>
  );
}

type Step =
  | { phase: "editing" }
  | { phase: "signing" }
  | { phase: "waiting"; lotId: string; version: number }
  | { phase: "recorded"; lotId: string; version: number }
  | { phase: "failed"; lotId: string; version: number }
  | { phase: "refused"; reason: LotRefusal }
  | { phase: "walletProblem"; problem: WalletProblem };

/**
 * Signing a lot record, new or corrected: prepare (`prepare` path) → the owner signs in the wallet → submit → follow
 * until recorded. Nothing is signed when the API refuses the request.
 */
function useLotSigning(root: string, session: SignedInSession, onChanged: () => void) {
  const [step, setStep] = useState<Step>({ phase: "editing" });

  useEffect(() => {
    if (step.phase !== "waiting") return;
    let stopped = false;
    const poll = async () => {
      while (!stopped) {
        const answer = await apiCall<OwnLot>(root, `v1/lots/${step.lotId}`).catch(() => undefined);
        const progress = lotProgressOf(answer?.status === 200 ? answer.body : undefined, step.version);
        if (progress !== "waiting") {
          if (stopped) return;
          setStep({ phase: progress, lotId: step.lotId, version: step.version });
          onChanged();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [step, root]);

  /** Signs the lot `body` prepared at `prepare`; true once the API took it. */
  async function sign(prepare: string, body: unknown): Promise<boolean> {
    setStep({ phase: "signing" });
    try {
      const prepared = await apiCall<{ typedData: TypedData; record: unknown; salt: string; detail?: string }>(
        root,
        prepare,
        { body },
      );
      if (prepared.status !== 200) {
        setStep({ phase: "refused", reason: lotRefusalOf(prepared.status, problemCode(prepared.body)) });
        // What is left of each parent may have changed elsewhere (another device): show it as it is now.
        onChanged();
        return false;
      }
      const signature = await signTypedData(session.address, prepared.body.typedData);
      const submitted = await apiCall<{ lotId: string; version: number }>(root, "v1/lots", {
        body: {
          record: prepared.body.record,
          salt: prepared.body.salt,
          message: prepared.body.typedData.message,
          signer: session.address,
          signature,
        },
      });
      if (submitted.status !== 202) {
        setStep({ phase: "refused", reason: lotRefusalOf(submitted.status, problemCode(submitted.body)) });
        return false;
      }
      setStep({ phase: "waiting", lotId: submitted.body.lotId, version: submitted.body.version });
      onChanged();
      return true;
    } catch (error) {
      if (error instanceof WalletProblem || (error as { code?: unknown })?.code !== undefined) {
        setStep({ phase: "walletProblem", problem: walletProblemOf(error) });
      } else {
        setStep({ phase: "refused", reason: "unavailable" });
      }
      return false;
    }
  }
  return { step, sign, locked: step.phase === "signing" || step.phase === "waiting" };
}

/** Where a signed lot stands, and why the API or the wallet refused it. */
function SigningProgress({
  step,
  className,
  messages,
}: {
  step: Step;
  className: string;
  messages: { waiting: MessageKey; recorded: MessageKey; failed: MessageKey };
}) {
  const { t } = useI18n();
  return (
    <>
      <div role="status" aria-live="polite" class={className} data-phase={step.phase}>
        {step.phase === "signing" && <p>{t("attest.progress.signing")}</p>}
        {step.phase === "waiting" && (
          <p>
            <StatusBadge status="unknown" label={t("attest.progress.waitingBadge")} /> {t(messages.waiting)}
          </p>
        )}
        {step.phase === "recorded" && (
          <p>
            <StatusBadge status="ok" label={t("attest.progress.recordedBadge")} />{" "}
            {t(messages.recorded, { version: step.version })}
          </p>
        )}
        {step.phase === "failed" && (
          <p>
            <StatusBadge status="alarm" label={t("verify.outcome.failed")} /> {t(messages.failed)}
          </p>
        )}
      </div>
      {step.phase === "refused" && (
        <div class="card problem" role="alert" data-refused={step.reason}>
          <p>{t(`lots.refused.${step.reason}`)}</p>
        </div>
      )}
      {step.phase === "walletProblem" && <ProblemMessage problem={step.problem} />}
    </>
  );
}

/**
 * The fields of a lot (new or corrected) with their checks' messages. `prefix` keeps element ids unique when
 * several forms are on the page ("" for the new-lot form).
 */
function LotFields({
  prefix,
  form,
  onChange,
  errors,
  locked,
  choices,
  claims,
  definitions,
}: {
  prefix: string;
  form: LotForm;
  onChange: (form: LotForm) => void;
  errors: LotFormError[];
  locked: boolean;
  /** null while the lots are loading. */
  choices: ParentChoice[] | null;
  claims: { uid: string; schema: string }[];
  definitions: Record<string, unknown>;
}) {
  const { t, language } = useI18n();
  const formats = useFormats();
  const set = (patch: Partial<LotForm>) => onChange({ ...form, ...patch });
  const invalid = (field: LotFormError) => errors.includes(field);
  const describe = (id: string, field: LotFormError) => (invalid(field) ? `${id}-help ${id}-error` : `${id}-help`);
  const id = (name: string) => `${prefix}${name}`;
  return (
    <>
      <label for={id("lot-product")}>{t("lots.new.product")}</label>
      <input
        id={id("lot-product")}
        type="text"
        value={form.product}
        disabled={locked}
        maxLength={200}
        aria-invalid={invalid("product")}
        aria-describedby={describe(id("lot-product"), "product")}
        onInput={(event) => set({ product: (event.currentTarget as HTMLInputElement).value })}
      />
      <p id={id("lot-product-help")} class="hint">
        {t("lots.new.productHelp")}
      </p>
      {invalid("product") && (
        <p id={id("lot-product-error")} class="error-text" role="alert">
          {t("lots.error.product")}
        </p>
      )}
      <div class="lots-quantity">
        <div>
          <label for={id("lot-quantity")}>{t("lots.new.quantity")}</label>
          <input
            id={id("lot-quantity")}
            type="text"
            inputMode="decimal"
            value={form.quantity}
            disabled={locked}
            aria-invalid={invalid("quantity")}
            aria-describedby={describe(id("lot-quantity"), "quantity")}
            onInput={(event) => set({ quantity: (event.currentTarget as HTMLInputElement).value })}
          />
        </div>
        <div>
          <label for={id("lot-unit")}>{t("lots.new.unit")}</label>
          <select
            id={id("lot-unit")}
            value={form.unit}
            disabled={locked}
            onChange={(event) => set({ unit: (event.currentTarget as HTMLSelectElement).value as Unit })}
          >
            {units.map((unit) => (
              <option key={unit} value={unit}>
                {t(`lots.unit.${unit}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p id={id("lot-quantity-help")} class="hint">
        {t("lots.new.quantityHelp")}
      </p>
      {invalid("quantity") && (
        <p id={id("lot-quantity-error")} class="error-text" role="alert">
          {t("lots.error.quantity")}
        </p>
      )}
      <label for={id("lot-produced")}>{t("lots.new.producedOn")}</label>
      <input
        id={id("lot-produced")}
        type="date"
        value={form.producedOn}
        disabled={locked}
        aria-describedby={id("lot-produced-help")}
        onInput={(event) => set({ producedOn: (event.currentTarget as HTMLInputElement).value })}
      />
      <p id={id("lot-produced-help")} class="hint">
        {t("lots.new.producedOnHelp")}
      </p>
      <label for={id("lot-reference")}>{t("lots.new.reference")}</label>
      <input
        id={id("lot-reference")}
        type="text"
        value={form.reference}
        disabled={locked}
        maxLength={200}
        aria-invalid={invalid("reference")}
        aria-describedby={describe(id("lot-reference"), "reference")}
        onInput={(event) => set({ reference: (event.currentTarget as HTMLInputElement).value })}
      />
      <p id={id("lot-reference-help")} class="hint">
        {t("lots.new.referenceHelp")}
      </p>
      {invalid("reference") && (
        <p id={id("lot-reference-error")} class="error-text" role="alert">
          {t("lots.error.reference")}
        </p>
      )}

      <fieldset class="lots-parents" aria-describedby={id("lot-parents-help")}>
        <legend>{t("lots.new.parents")}</legend>
        <p id={id("lot-parents-help")} class="hint">
          {t("lots.new.parentsHelp")}
        </p>
        {choices === null && <p role="status">{t("lots.new.parentsLoading")}</p>}
        {choices?.length === 0 && <p>{t("lots.new.noParents")}</p>}
        {(choices ?? []).map((choice) => {
          const ticked = Object.prototype.hasOwnProperty.call(form.parents, choice.lotId);
          const parentId = id(`parent-${choice.lotId.slice(2, 14)}`);
          return (
            <div class="lots-parent" key={choice.lotId} data-parent={choice.lotId}>
              <input
                id={parentId}
                type="checkbox"
                checked={ticked}
                disabled={locked}
                onChange={(event) => {
                  const next = { ...form.parents };
                  if ((event.currentTarget as HTMLInputElement).checked) next[choice.lotId] = "";
                  else delete next[choice.lotId];
                  set({ parents: next });
                }}
              />
              <label for={parentId}>
                « {choice.product} » — {t(choice.source === "own" ? "lots.new.parentOwn" : "lots.new.parentImported")} —{" "}
                {t("lots.new.parentLeft", { left: formats.quantity(choice.left, choice.unit) })}
              </label>
              {ticked && (
                <div class="lots-parent-quantity">
                  <label for={`${parentId}-quantity`}>
                    {t("lots.new.parentQuantity", { unit: t(`lots.unit.${choice.unit}`) })}
                  </label>
                  <input
                    id={`${parentId}-quantity`}
                    type="text"
                    inputMode="decimal"
                    value={form.parents[choice.lotId]}
                    disabled={locked}
                    aria-invalid={invalid("parentQuantity") || invalid("parentExceeds")}
                    onInput={(event) =>
                      set({
                        parents: { ...form.parents, [choice.lotId]: (event.currentTarget as HTMLInputElement).value },
                      })
                    }
                  />
                </div>
              )}
            </div>
          );
        })}
        {(invalid("parentQuantity") || invalid("parentExceeds")) && (
          <p class="error-text" role="alert">
            {t(invalid("parentExceeds") ? "lots.error.parentExceeds" : "lots.error.parentQuantity")}
          </p>
        )}
      </fieldset>

      <fieldset class="lots-claims" aria-describedby={id("lot-claims-help")}>
        <legend>{t("lots.new.claims")}</legend>
        <p id={id("lot-claims-help")} class="hint">
          {t("lots.new.claimsHelp")}
        </p>
        {claims.map((claim) => {
          const claimId = id(`claim-${claim.uid.slice(2, 14)}`);
          return (
            <div class="lots-parent" key={claim.uid}>
              <input
                id={claimId}
                type="checkbox"
                checked={form.attestations.includes(claim.uid)}
                disabled={locked}
                onChange={(event) =>
                  set({
                    attestations: (event.currentTarget as HTMLInputElement).checked
                      ? [...form.attestations, claim.uid]
                      : form.attestations.filter((uid) => uid !== claim.uid),
                  })
                }
              />
              <label for={claimId}>
                « {schemaLabel(definitions[claim.schema], language) ?? shortId(claim.schema)} »{" "}
                <span class="mono">({shortId(claim.uid)})</span>
              </label>
            </div>
          );
        })}
        <label for={id("lot-attestations")}>{t("lots.new.claimsTyped")}</label>
        <textarea
          id={id("lot-attestations")}
          rows={2}
          value={form.extraAttestations}
          disabled={locked}
          spellcheck={false}
          aria-invalid={invalid("attestations")}
          onInput={(event) => set({ extraAttestations: (event.currentTarget as HTMLTextAreaElement).value })}
        />
        {invalid("attestations") && (
          <p class="error-text" role="alert">
            {t("lots.error.attestations")}
          </p>
        )}
      </fieldset>
    </>
  );
}

interface LotFormContext {
  root: string;
  session: SignedInSession;
  claims: { uid: string; schema: string }[];
  definitions: Record<string, unknown>;
}

function NewLotForm({
  root,
  session,
  choices,
  claims,
  definitions,
  onRecorded,
}: LotFormContext & { choices: ParentChoice[] | null; onRecorded: () => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState<LotForm>(emptyLotForm);
  const [errors, setErrors] = useState<LotFormError[]>([]);
  const signing = useLotSigning(root, session, onRecorded);

  async function submit() {
    const request = lotRequestOf(form, choices ?? []);
    if (!request.ok) return setErrors(request.errors);
    setErrors([]);
    if (await signing.sign("v1/lots/prepare", request.body)) setForm(emptyLotForm);
  }

  const locked = signing.step.phase === "signing";
  return (
    <section class="card lots-new" aria-labelledby="lots-new-heading">
      <h2 id="lots-new-heading">{t("lots.new.heading")}</h2>
      <form
        class="lots-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <LotFields
          prefix=""
          form={form}
          onChange={setForm}
          errors={errors}
          locked={locked}
          choices={choices}
          claims={claims}
          definitions={definitions}
        />
        <button type="submit" class="button" disabled={locked}>
          <Icon name="wallet" />
          {t("lots.new.sign")}
        </button>
      </form>
      <SigningProgress
        step={signing.step}
        className="lots-progress"
        messages={{
          waiting: "lots.progress.waiting",
          recorded: "lots.progress.recorded",
          failed: "lots.progress.failed",
        }}
      />
    </section>
  );
}

/** Correcting a recorded lot: the form filled with its current record, signed as the lot's next version. */
function AmendPanel({
  lot,
  root,
  session,
  choices,
  claims,
  definitions,
  onAmended,
}: LotFormContext & { lot: OwnLot; choices: ParentChoice[]; onAmended: () => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState<LotForm>(() =>
    lotFormOf(
      lot,
      claims.map((claim) => claim.uid),
    ),
  );
  const [errors, setErrors] = useState<LotFormError[]>([]);
  const signing = useLotSigning(root, session, onAmended);
  const prefix = `amend-${lot.lotId.slice(2, 14)}-`;

  async function submit() {
    const request = lotRequestOf(form, choices);
    if (!request.ok) return setErrors(request.errors);
    setErrors([]);
    await signing.sign(`v1/lots/${lot.lotId}/prepare`, request.body);
  }

  return (
    <div class="lot-panel" data-panel="amend">
      <p id={`${prefix}help`}>{t("lots.amend.help")}</p>
      <form
        class="lots-form"
        noValidate
        aria-describedby={`${prefix}help`}
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <LotFields
          prefix={prefix}
          form={form}
          onChange={setForm}
          errors={errors}
          locked={signing.locked}
          choices={choices}
          claims={claims}
          definitions={definitions}
        />
        <button type="submit" class="button" disabled={signing.locked}>
          <Icon name="wallet" />
          {t("lots.amend.sign")}
        </button>
      </form>
      <SigningProgress
        step={signing.step}
        className="lots-amend-progress"
        messages={{ waiting: "lots.amend.waiting", recorded: "lots.amend.recorded", failed: "lots.amend.failed" }}
      />
    </div>
  );
}

type Panel = "none" | "share" | "origin" | "flag" | "amend";
type OriginState =
  { phase: "loading" } | { phase: "done"; upstream: LotUpstream } | { phase: "refused"; reason: LotRefusal };
type FlagStep =
  | { phase: "idle" }
  | { phase: "signing" }
  | { phase: "sent" }
  | { phase: "recorded" }
  | { phase: "failed" }
  | { phase: "refused"; reason: LotRefusal }
  | { phase: "walletProblem"; problem: WalletProblem };

const progressBadges = {
  waiting: { status: "unknown", label: "attest.progress.waitingBadge" },
  recorded: { status: "ok", label: "attest.progress.recordedBadge" },
  failed: { status: "alarm", label: "verify.outcome.failed" },
} as const satisfies Record<string, { status: "unknown" | "ok" | "alarm"; label: MessageKey }>;

function LotCard({
  lot,
  root,
  session,
  shares,
  onShare,
  onRevoked,
  onChanged,
  choices,
  claims,
  definitions,
}: LotFormContext & {
  lot: OwnLot;
  shares: SavedShare[];
  onShare: (share: SavedShare) => void;
  onRevoked: (token: string) => void;
  onChanged: () => void;
  /** Parents a correction of this lot may use. */
  choices: ParentChoice[];
}) {
  const { t } = useI18n();
  const formats = useFormats();
  const [panel, setPanel] = useState<Panel>("none");
  const [downloadProblem, setDownloadProblem] = useState<LotRefusal | null>(null);
  const progress = lotProgressOf(lot);
  const badge = progressBadges[progress];
  const headingId = `lot-${lot.lotId.slice(2, 14)}`;

  async function download() {
    setDownloadProblem(null);
    const answer = await apiCall<unknown>(root, `v1/lots/${lot.lotId}/bundle`, { method: "POST" }).catch(
      () => undefined,
    );
    if (!answer || answer.status !== 200)
      return setDownloadProblem(answer ? lotRefusalOf(answer.status, problemCode(answer.body)) : "unavailable");
    downloadFile(
      JSON.stringify(answer.body, null, 2),
      "application/json",
      bundleFileName(lot.record.product, lot.lotId),
    );
  }

  const toggle = (next: Panel) => setPanel(panel === next ? "none" : next);
  return (
    <li class="card lot-item" data-lot-id={lot.lotId} data-progress={progress} aria-labelledby={headingId}>
      <h3 id={headingId}>
        {lot.record.product} — {formats.quantity(lot.record.quantity, lot.record.unit)}
      </h3>
      <p>
        <StatusBadge status={badge.status} label={t(badge.label)} />
        {lot.record.producedOn && <> {t("bundle.producedOn", { date: formats.day(lot.record.producedOn) })}</>}
        {lot.version > 1 && <> {t("lots.item.version", { version: lot.version })}</>}
      </p>
      {lot.flagged && (
        <p class="lot-flag" data-flag={flagReasonOf(lot.flag?.reason) ?? "other"}>
          <StatusBadge
            status="alarm"
            label={t(
              flagReasonOf(lot.flag?.reason)
                ? `bundle.flagged.${flagReasonOf(lot.flag?.reason)!}`
                : "bundle.flagged.other",
            )}
          />{" "}
          {t("lots.item.flagged")}
        </p>
      )}
      {lot.record.parents.length > 0 && (
        <p class="hint">{t("lots.item.parents", { count: lot.record.parents.length })}</p>
      )}
      <div class="lot-actions">
        <button
          type="button"
          class="button button-secondary"
          onClick={() => void download()}
          disabled={progress !== "recorded"}
        >
          <Icon name="upload" />
          {t("lots.item.download")}
        </button>
        <button
          type="button"
          class="button button-secondary"
          aria-expanded={panel === "share"}
          disabled={progress !== "recorded"}
          onClick={() => toggle("share")}
        >
          <Icon name="link" />
          {t("lots.item.share")}
        </button>
        <button
          type="button"
          class="button button-secondary"
          aria-expanded={panel === "origin"}
          disabled={progress !== "recorded"}
          onClick={() => toggle("origin")}
        >
          <Icon name="search" />
          {t("lots.item.origin")}
        </button>
        <button
          type="button"
          class="button button-secondary"
          aria-expanded={panel === "flag"}
          disabled={progress !== "recorded" || lot.flagged === true}
          onClick={() => toggle("flag")}
        >
          <Icon name="warning" />
          {t("lots.item.flag")}
        </button>
        <button
          type="button"
          class="button button-secondary"
          aria-expanded={panel === "amend"}
          disabled={progress !== "recorded" && panel !== "amend"}
          onClick={() => toggle("amend")}
        >
          <Icon name="refresh" />
          {t("lots.item.amend")}
        </button>
      </div>
      {downloadProblem && (
        <p class="error-text" role="alert">
          {t(`lots.refused.${downloadProblem}`)}
        </p>
      )}
      {progress !== "recorded" && <p class="hint">{t("lots.item.notYet")}</p>}
      {panel === "share" && (
        <SharePanel lot={lot} root={root} shares={shares} onShare={onShare} onRevoked={onRevoked} />
      )}
      {panel === "origin" && <OriginPanel lot={lot} root={root} />}
      {panel === "amend" && (
        <AmendPanel
          lot={lot}
          root={root}
          session={session}
          choices={choices}
          claims={claims}
          definitions={definitions}
          onAmended={onChanged}
        />
      )}
      {panel === "flag" && <FlagPanel lot={lot} root={root} session={session} onFlagged={onChanged} />}
      {shares.length > 0 && panel !== "share" && (
        <p class="hint">{t("lots.share.count", { count: shares.filter((share) => !share.revoked).length })}</p>
      )}
    </li>
  );
}

function SharePanel({
  lot,
  root,
  shares,
  onShare,
  onRevoked,
}: {
  lot: OwnLot;
  root: string;
  shares: SavedShare[];
  onShare: (share: SavedShare) => void;
  onRevoked: (token: string) => void;
}) {
  const { t } = useI18n();
  const formats = useFormats();
  const [seconds, setSeconds] = useState<number>(shareDurations[1].seconds);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<LotRefusal | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  // The API's list covers links made on any device; null until it answers (or when it does not).
  const [listed, setListed] = useState<ListedShare[] | null>(null);
  const [ids, setIds] = useState<Record<string, string>>({});
  const selectId = `share-duration-${lot.lotId.slice(2, 14)}`;

  async function refresh() {
    const answer = await apiCall<{ items: ListedShare[] }>(root, `v1/lots/${lot.lotId}/shares`).catch(() => undefined);
    if (answer?.status === 200) setListed(answer.body.items);
  }
  useEffect(() => {
    void refresh();
  }, [lot.lotId]);
  // Links remembered by earlier versions of the page carry no id: derive it from the token.
  useEffect(() => {
    const missing = shares.filter((share) => !share.id && !ids[share.token]);
    if (missing.length === 0) return;
    void Promise.all(missing.map(async (share) => [share.token, await shareIdOf(share.token)] as const)).then((found) =>
      setIds((known) => ({ ...known, ...Object.fromEntries(found) })),
    );
  }, [shares]);

  async function create() {
    setBusy(true);
    setRefusal(null);
    const answer = await apiCall<{ id: string; token: string; url: string; expiresAt: string }>(
      root,
      `v1/lots/${lot.lotId}/shares`,
      { body: { expiresInSeconds: seconds } },
    ).catch(() => undefined);
    setBusy(false);
    if (!answer || answer.status !== 201)
      return setRefusal(answer ? lotRefusalOf(answer.status, problemCode(answer.body)) : "unavailable");
    onShare({ ...answer.body, lotId: lot.lotId, revoked: false });
    await refresh();
  }

  async function revoke(share: ShownShare) {
    setRefusal(null);
    const answer = await apiCall<unknown>(root, `v1/lots/${lot.lotId}/shares/${share.id}`, {
      method: "DELETE",
    }).catch(() => undefined);
    if (!answer || (answer.status !== 204 && answer.status !== 404)) return setRefusal("unavailable");
    if (share.saved) onRevoked(share.saved.token);
    await refresh();
  }

  const shown = sharesToShow(listed, shares, (share) => share.id ?? ids[share.token], Date.now());
  return (
    <div class="lot-panel" data-panel="share">
      <p class="hint">{t("lots.share.help")}</p>
      <div class="lot-share-new">
        <div>
          <label for={selectId}>{t("lots.share.duration")}</label>
          <select
            id={selectId}
            value={String(seconds)}
            onChange={(event) => setSeconds(Number((event.currentTarget as HTMLSelectElement).value))}
          >
            {shareDurations.map((duration) => (
              <option key={duration.seconds} value={String(duration.seconds)}>
                {t("lots.share.days", { days: duration.days })}
              </option>
            ))}
          </select>
        </div>
        <button type="button" class="button" disabled={busy} onClick={() => void create()}>
          <Icon name="link" />
          {t("lots.share.create")}
        </button>
      </div>
      {refusal && (
        <p class="error-text" role="alert">
          {t(`lots.refused.${refusal}`)}
        </p>
      )}
      <ul class="lot-shares">
        {shown.map((share) => {
          const { state, saved } = share;
          const inputId = `share-url-${share.id.slice(0, 10)}`;
          return (
            <li
              key={share.id}
              class="lot-share"
              data-share-state={state}
              data-share-id={share.id}
              {...(saved ? { "data-token": saved.token } : {})}
            >
              <p>
                <StatusBadge
                  status={state === "live" ? "ok" : state === "expired" ? "warning" : "offline"}
                  label={t(`lots.share.state.${state}`)}
                />{" "}
                {t(state === "live" ? "lots.share.until" : "lots.share.wasUntil", {
                  date: formats.instant(share.expiresAt),
                })}
              </p>
              {saved ? (
                <>
                  <label for={inputId}>{t("lots.share.link")}</label>
                  <input id={inputId} type="text" readOnly value={saved.url} class="mono" data-share-url />
                </>
              ) : (
                <p class="hint" data-share-elsewhere>
                  {t("lots.share.elsewhere")}
                </p>
              )}
              {state === "live" && (
                <>
                  <div class="lot-share-actions">
                    {saved && (
                      <>
                        <button
                          type="button"
                          class="button button-secondary"
                          onClick={() =>
                            void navigator.clipboard
                              ?.writeText(saved.url)
                              .then(() => setCopied(share.id))
                              .catch(() => undefined)
                          }
                        >
                          {t(copied === share.id ? "lots.share.copied" : "lots.share.copy")}
                        </button>
                        <a class="button button-secondary" href={saved.url} target="_blank" rel="noopener">
                          {t("lots.share.open")}
                        </a>
                      </>
                    )}
                    <button type="button" class="button button-secondary" onClick={() => void revoke(share)}>
                      {t("lots.share.revoke")}
                    </button>
                  </div>
                  {saved && <QrCode text={saved.url} label={t("lots.share.qr", { product: lot.record.product })} />}
                </>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function OriginPanel({ lot, root }: { lot: OwnLot; root: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<OriginState>({ phase: "loading" });
  useEffect(() => {
    let stopped = false;
    void apiCall<LotUpstream>(root, `v1/lots/${lot.lotId}/upstream`)
      .then((answer) => {
        if (stopped) return;
        setState(
          answer.status === 200
            ? { phase: "done", upstream: answer.body }
            : { phase: "refused", reason: lotRefusalOf(answer.status, problemCode(answer.body)) },
        );
      })
      .catch(() => !stopped && setState({ phase: "refused", reason: "unavailable" }));
    return () => {
      stopped = true;
    };
  }, [lot.lotId, lot.version, lot.flagged, root]);
  return (
    <div class="lot-panel" data-panel="origin">
      <p class="hint">{t("lots.origin.help")}</p>
      <div role="status" aria-live="polite">
        {state.phase === "loading" && <p>{t("bundle.progress.checking")}</p>}
      </div>
      {state.phase === "done" && <UpstreamTree upstream={state.upstream} root={root} />}
      {state.phase === "refused" && (
        <p class="error-text" role="alert">
          {t(`lots.refused.${state.reason}`)}
        </p>
      )}
    </div>
  );
}

function FlagPanel({
  lot,
  root,
  session,
  onFlagged,
}: {
  lot: OwnLot;
  root: string;
  session: SignedInSession;
  onFlagged: () => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState<FlagReason>("RECALL");
  const [step, setStep] = useState<FlagStep>({ phase: "idle" });
  const [users, setUsers] = useState<LotDownstream["items"]>([]);
  const selectId = `flag-reason-${lot.lotId.slice(2, 14)}`;

  // Which of the organisation's lots are made from this one: a recall concerns them too.
  useEffect(() => {
    void apiCall<LotDownstream>(root, `v1/lots/${lot.lotId}/downstream`)
      .then((answer) => setUsers(answer.status === 200 ? answer.body.items : []))
      .catch(() => undefined);
  }, [lot.lotId, root]);

  // Follow the flag until the chain (as indexed) says the lot is flagged.
  useEffect(() => {
    if (step.phase !== "sent") return;
    let stopped = false;
    void (async () => {
      while (!stopped) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const answer = await apiCall<OwnLot>(root, `v1/lots/${lot.lotId}`).catch(() => undefined);
        const progress = flagProgressOf(answer?.status === 200 ? answer.body : undefined);
        if (progress !== "waiting" && !stopped) {
          setStep({ phase: progress });
          if (progress === "recorded") onFlagged();
          return;
        }
      }
    })();
    return () => {
      stopped = true;
    };
  }, [step.phase, lot.lotId, root]);

  async function flag() {
    setStep({ phase: "signing" });
    try {
      const prepared = await apiCall<{ typedData: TypedData }>(root, `v1/lots/${lot.lotId}/flag/prepare`, {
        body: { reason },
      });
      if (prepared.status !== 200)
        return setStep({ phase: "refused", reason: lotRefusalOf(prepared.status, problemCode(prepared.body)) });
      const typed = prepared.body.typedData;
      const signature = await signTypedData(session.address, typed);
      const submitted = await apiCall<unknown>(root, `v1/lots/${lot.lotId}/flag`, {
        body: { reason, nonce: typed.message.nonce, deadline: typed.message.deadline, signature },
      });
      if (submitted.status !== 202)
        return setStep({ phase: "refused", reason: lotRefusalOf(submitted.status, problemCode(submitted.body)) });
      setStep({ phase: "sent" });
    } catch (error) {
      if (error instanceof WalletProblem || (error as { code?: unknown })?.code !== undefined) {
        setStep({ phase: "walletProblem", problem: walletProblemOf(error) });
      } else {
        setStep({ phase: "refused", reason: "unavailable" });
      }
    }
  }

  return (
    <div class="lot-panel" data-panel="flag">
      <p>{t("lots.flag.help")}</p>
      {users.length > 0 && (
        <div class="lot-downstream">
          <p>{t("lots.flag.users")}</p>
          <ul>
            {users.map((user) => (
              <li key={user.lotId}>
                « {user.product} »{user.flagged && <> — {t("bundle.flagged.other")}</>}
              </li>
            ))}
          </ul>
        </div>
      )}
      <label for={selectId}>{t("lots.flag.reason")}</label>
      <select
        id={selectId}
        value={reason}
        disabled={step.phase !== "idle" && step.phase !== "refused" && step.phase !== "walletProblem"}
        onChange={(event) => setReason((event.currentTarget as HTMLSelectElement).value as FlagReason)}
      >
        {flagReasons.map((code) => (
          <option key={code} value={code}>
            {t(`lots.flag.reason.${code}`)}
          </option>
        ))}
      </select>
      <button
        type="button"
        class="button"
        disabled={step.phase !== "idle" && step.phase !== "refused" && step.phase !== "walletProblem"}
        onClick={() => void flag()}
      >
        <Icon name="wallet" />
        {t("lots.flag.sign")}
      </button>
      <div role="status" aria-live="polite" data-flag-phase={step.phase}>
        {step.phase === "signing" && <p>{t("attest.progress.signing")}</p>}
        {step.phase === "sent" && (
          <p>
            <StatusBadge status="unknown" label={t("attest.progress.waitingBadge")} /> {t("lots.flag.sent")}
          </p>
        )}
        {step.phase === "recorded" && (
          <p>
            <StatusBadge status="alarm" label={t(`bundle.flagged.${reason}`)} /> {t("lots.flag.recorded")}
          </p>
        )}
        {step.phase === "failed" && (
          <p>
            <StatusBadge status="alarm" label={t("verify.outcome.failed")} /> {t("lots.flag.failed")}
          </p>
        )}
      </div>
      {step.phase === "refused" && (
        <p class="error-text" role="alert" data-refused={step.reason}>
          {t(`lots.refused.${step.reason}`)}
        </p>
      )}
      {step.phase === "walletProblem" && <ProblemMessage problem={step.problem} />}
    </div>
  );
}
