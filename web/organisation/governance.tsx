import { useState } from "preact/hooks";
import { randomBytes32, type Hex } from "../../sdk/hashing";
import { apiCall } from "../shared/api";
import { localeOf, type MessageKey } from "../shared/i18n/i18n";
import { useI18n } from "../shared/i18n/language";
import { expiryOfDate } from "../attest/attest-flow";
import { schemaLabel, shortId } from "../verify/verdict";
import { ActionOutcome } from "../shared/wallet/action-outcome";
import {
  admissionProblems,
  isAccredited,
  ORGANISATION_KINDS,
  parseKeyAddress,
  parseSchemaDefinition,
  policyMismatch,
  profileOf,
  refusalKey,
  SCHEMA_POLICIES,
  SUSPENSION_REASONS,
  validityOfDays,
  type OrganisationKindName,
  type OrganisationProfile,
  type SchemaPolicyName,
  type SuspensionReason,
} from "./organisation-actions";
import { loadOrganisation, readAccreditation, type OrganisationView, type SchemaView } from "./organisation-data";
import { useOrganisationName } from "./names";
import { isBusy, until, useAction, type Actor } from "./use-action";
import {
  Field,
  focusField,
  ProfileFieldset,
  ProfilePublication,
  submitLabel,
  type Changed,
  type ProfileNameError,
} from "./form-parts";
import { DeprecateSchemaForm, ProfileForm, WithdrawAccreditationForm } from "./governance-revisions";

/** The governors' actions: sent from a governor's wallet, or prepared for the multisig for everyone else. */
export function GovernanceSection({
  actor,
  organisations,
  schemas,
  onChanged,
}: {
  actor: Actor;
  organisations: OrganisationView[];
  schemas: SchemaView[];
  onChanged: Changed;
}) {
  const { t } = useI18n();
  return (
    <details class="organisation-governance" open={actor.isGovernor} data-governor={String(actor.isGovernor)}>
      <summary>
        <h2>{t("organisation.governance.heading")}</h2>
      </summary>
      <p class="card">
        {t(actor.isGovernor ? "organisation.governance.governor" : "organisation.governance.notGovernor")}
      </p>
      <AdmitForm actor={actor} onChanged={onChanged} />
      <AddKeyForm actor={actor} organisations={organisations} onChanged={onChanged} idPrefix="add-key" />
      <StandingForm actor={actor} organisations={organisations} onChanged={onChanged} />
      <AccreditForm actor={actor} organisations={organisations} schemas={schemas} />
      <WithdrawAccreditationForm actor={actor} organisations={organisations} schemas={schemas} />
      <SchemaForm actor={actor} onChanged={onChanged} />
      <DeprecateSchemaForm actor={actor} schemas={schemas} onChanged={onChanged} />
      <ProfileForm actor={actor} organisations={organisations} onChanged={onChanged} />
    </details>
  );
}

function AdmitForm({ actor, onChanged }: { actor: Actor; onChanged: Changed }) {
  const { t } = useI18n();
  const action = useAction(actor);
  const [kind, setKind] = useState<OrganisationKindName>("supplier");
  const [fields, setFields] = useState({ name: "", city: "", country: "", website: "" });
  const [nameError, setNameError] = useState<ProfileNameError>(null);
  const [admitted, setAdmitted] = useState<{ id: Hex; profile: OrganisationProfile } | null>(null);
  const busy = isBusy(action.state);

  async function submit() {
    const problems = admissionProblems(fields);
    setNameError(problems.name ?? null);
    if (problems.name) return focusField("admit-name");
    const profile = profileOf({ ...fields, kind });
    const id = randomBytes32();
    setAdmitted({ id, profile });
    // The profile is stored once the API knows the organisation: asked again until it is (a refusal is retried too).
    const done = await action.run({ kind: "admit", org: id, organisationKind: kind, profile }, () =>
      until(async () => {
        if ((await loadOrganisation(actor.root, id)) === null) return false;
        const answer = await apiCall(actor.root, `v1/organisations/${id}/profile`, { method: "PUT", body: profile });
        return answer.status === 200;
      }),
    );
    if (done) {
      setFields({ name: "", city: "", country: "", website: "" });
      await onChanged();
    }
  }

  return (
    <form
      class="card organisation-form"
      data-form="admit"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h3>{t("organisation.admit.heading")}</h3>
      <Field id="admit-kind" label={t("organisation.admit.kind.label")}>
        {() => (
          <select
            id="admit-kind"
            value={kind}
            disabled={busy}
            onChange={(event) => setKind((event.currentTarget as HTMLSelectElement).value as OrganisationKindName)}
          >
            {ORGANISATION_KINDS.map((option) => (
              <option key={option} value={option}>
                {t(`signin.kind.${option}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <ProfileFieldset idPrefix="admit" fields={fields} onChange={setFields} nameError={nameError} busy={busy} />
      <button type="submit" class="button" disabled={busy}>
        {submitLabel(actor, "organisation.admit.submit", t)}
      </button>
      <ActionOutcome
        refusalKey={refusalKey}
        state={action.state}
        done={t("organisation.admit.done", { name: admitted?.profile.name ?? "" })}
        extra={
          admitted && (
            <ProfilePublication
              key={admitted.id}
              idPrefix="admit"
              root={actor.root}
              org={admitted.id}
              profile={admitted.profile}
              note={t("organisation.multisig.profile")}
              notYet={t("organisation.multisig.notYet")}
              onChanged={onChanged}
            />
          )
        }
      />
    </form>
  );
}

/** Adds a signing key to an organisation (`fixed`: the signed-in organisation's own form). */
export function AddKeyForm({
  actor,
  organisations,
  fixed,
  onChanged,
  idPrefix,
}: {
  actor: Actor;
  organisations: OrganisationView[];
  fixed?: OrganisationView;
  onChanged: Changed;
  idPrefix: string;
}) {
  const { t } = useI18n();
  const nameOf = useOrganisationName();
  const action = useAction(actor);
  const [chosen, setChosen] = useState("");
  const [address, setAddress] = useState("");
  const [addressError, setAddressError] = useState<"required" | "address" | null>(null);
  const busy = isBusy(action.state);
  const target = fixed ?? organisations.find((entry) => entry.id === chosen) ?? organisations[0];

  async function submit() {
    const key = parseKeyAddress(address);
    const problem = !address.trim() ? "required" : key ? null : "address";
    setAddressError(problem);
    if (!key || !target) return focusField(`${idPrefix}-address`);
    const done = await action.run({ kind: "addKey", org: target.id as Hex, key }, () =>
      until(async () =>
        Boolean(
          (await loadOrganisation(actor.root, target.id))?.keys.some(
            (entry) => entry.address.toLowerCase() === key.toLowerCase(),
          ),
        ),
      ),
    );
    if (done) {
      setAddress("");
      await onChanged();
    }
  }

  return (
    <form
      class={fixed ? "organisation-form organisation-form-inline" : "card organisation-form"}
      data-form={idPrefix}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h3>{t("organisation.addKey.heading")}</h3>
      {!fixed && (
        <Field id={`${idPrefix}-organisation`} label={t("organisation.addKey.organisation.label")}>
          {() => (
            <select
              id={`${idPrefix}-organisation`}
              value={target?.id ?? ""}
              disabled={busy}
              onChange={(event) => setChosen((event.currentTarget as HTMLSelectElement).value)}
            >
              {organisations.map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {nameOf(entry)} — {t(`signin.kind.${entry.kind}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field
        id={`${idPrefix}-address`}
        label={t("organisation.addKey.address.label")}
        help={t("organisation.addKey.address.help")}
        error={addressError ? t(`organisation.field.${addressError}`) : null}
      >
        {(describedBy, invalid) => (
          <input
            id={`${idPrefix}-address`}
            type="text"
            class="mono"
            spellcheck={false}
            autoComplete="off"
            value={address}
            disabled={busy}
            aria-describedby={describedBy}
            aria-invalid={invalid ? "true" : undefined}
            onInput={(event) => setAddress((event.currentTarget as HTMLInputElement).value)}
          />
        )}
      </Field>
      <button type="submit" class="button" disabled={busy || !target}>
        {submitLabel(actor, "organisation.addKey.submit", t)}
      </button>
      <ActionOutcome refusalKey={refusalKey} state={action.state} done={t("organisation.addKey.done")} />
    </form>
  );
}

function StandingForm({
  actor,
  organisations,
  onChanged,
}: {
  actor: Actor;
  organisations: OrganisationView[];
  onChanged: Changed;
}) {
  const { t } = useI18n();
  const nameOf = useOrganisationName();
  const action = useAction(actor);
  const [chosen, setChosen] = useState("");
  const [reason, setReason] = useState<SuspensionReason>("UNDER_INVESTIGATION");
  const [doneKey, setDoneKey] = useState<MessageKey>("organisation.standing.suspended");
  const busy = isBusy(action.state);
  const target = organisations.find((entry) => entry.id === chosen) ?? organisations[0];

  async function submit() {
    if (!target) return;
    const suspending = target.active;
    setDoneKey(suspending ? "organisation.standing.suspended" : "organisation.standing.reinstated");
    const done = await action.run(
      suspending ? { kind: "suspend", org: target.id as Hex, reason } : { kind: "reinstate", org: target.id as Hex },
      () => until(async () => (await loadOrganisation(actor.root, target.id))?.active === !suspending),
    );
    if (done) await onChanged();
  }

  return (
    <form
      class="card organisation-form"
      data-form="standing"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h3>{t("organisation.standing.heading")}</h3>
      <p class="hint">{t("organisation.standing.help")}</p>
      <Field id="standing-organisation" label={t("organisation.addKey.organisation.label")}>
        {() => (
          <select
            id="standing-organisation"
            value={target?.id ?? ""}
            disabled={busy}
            onChange={(event) => {
              setChosen((event.currentTarget as HTMLSelectElement).value);
              action.reset();
            }}
          >
            {organisations.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {nameOf(entry)} — {t(entry.active ? "organisation.active" : "organisation.suspended")}
              </option>
            ))}
          </select>
        )}
      </Field>
      {target?.active && (
        <Field id="standing-reason" label={t("organisation.standing.reason.label")}>
          {() => (
            <select
              id="standing-reason"
              value={reason}
              disabled={busy}
              onChange={(event) => setReason((event.currentTarget as HTMLSelectElement).value as SuspensionReason)}
            >
              {SUSPENSION_REASONS.map((code) => (
                <option key={code} value={code}>
                  {t(`organisation.standing.reason.${code}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <button type="submit" class="button" disabled={busy || !target}>
        {submitLabel(
          actor,
          target?.active === false ? "organisation.standing.reinstate" : "organisation.standing.suspend",
          t,
        )}
      </button>
      <ActionOutcome refusalKey={refusalKey} state={action.state} done={t(doneKey)} />
    </form>
  );
}

function AccreditForm({
  actor,
  organisations,
  schemas,
}: {
  actor: Actor;
  organisations: OrganisationView[];
  schemas: SchemaView[];
}) {
  const { t, language } = useI18n();
  const nameOf = useOrganisationName();
  const action = useAction(actor);
  const certifiers = organisations.filter((entry) => entry.kind === "certifier");
  const current = schemas.filter((schema) => schema.active);
  const [chosenCertifier, setChosenCertifier] = useState("");
  const [chosenSchema, setChosenSchema] = useState("");
  const [untilDate, setUntilDate] = useState("");
  const [dateError, setDateError] = useState<"pastDate" | null>(null);
  const [result, setResult] = useState({ certifier: "", schema: "", until: "" });
  const busy = isBusy(action.state);
  const certifier = certifiers.find((entry) => entry.id === chosenCertifier) ?? certifiers[0];
  const schema = current.find((entry) => entry.id === chosenSchema) ?? current[0];
  const label = (entry: SchemaView) => schemaLabel(entry.definition, language) ?? shortId(entry.id);
  const date = new Intl.DateTimeFormat(localeOf(language), { dateStyle: "long" });

  async function submit() {
    if (!certifier || !schema) return;
    const validUntil = expiryOfDate(untilDate);
    if (Number.isNaN(validUntil) || (validUntil !== 0 && validUntil <= Date.now() / 1000)) {
      setDateError("pastDate");
      return focusField("accredit-until");
    }
    setDateError(null);
    setResult({
      certifier: nameOf(certifier),
      schema: label(schema),
      until:
        validUntil === 0
          ? t("organisation.accredit.noEnd")
          : t("organisation.accredit.untilDate", { date: date.format(new Date(validUntil * 1000)) }),
    });
    await action.run({ kind: "accredit", org: certifier.id as Hex, schema: schema.id as Hex, validUntil }, () =>
      until(async () => {
        const record = await readAccreditation(actor.root, actor.deployment, certifier.id, schema.id);
        return (
          record !== null && isAccredited(record, Math.floor(Date.now() / 1000)) && record.validUntil === validUntil
        );
      }),
    );
  }

  return (
    <form
      class="card organisation-form"
      data-form="accredit"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h3>{t("organisation.accredit.heading")}</h3>
      {certifiers.length === 0 ? (
        <p>{t("organisation.accredit.none")}</p>
      ) : (
        <>
          <Field id="accredit-certifier" label={t("organisation.accredit.certifier.label")}>
            {() => (
              <select
                id="accredit-certifier"
                value={certifier?.id ?? ""}
                disabled={busy}
                onChange={(event) => setChosenCertifier((event.currentTarget as HTMLSelectElement).value)}
              >
                {certifiers.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {nameOf(entry)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="accredit-schema" label={t("organisation.accredit.schema.label")}>
            {() => (
              <select
                id="accredit-schema"
                value={schema?.id ?? ""}
                disabled={busy}
                onChange={(event) => setChosenSchema((event.currentTarget as HTMLSelectElement).value)}
              >
                {current.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {label(entry)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            id="accredit-until"
            label={t("organisation.accredit.until.label")}
            help={t("organisation.accredit.until.help")}
            error={dateError ? t(`organisation.field.${dateError}`) : null}
          >
            {(describedBy, invalid) => (
              <input
                id="accredit-until"
                type="date"
                value={untilDate}
                disabled={busy}
                aria-describedby={describedBy}
                aria-invalid={invalid ? "true" : undefined}
                onInput={(event) => setUntilDate((event.currentTarget as HTMLInputElement).value)}
              />
            )}
          </Field>
          <button type="submit" class="button" disabled={busy || !schema}>
            {submitLabel(actor, "organisation.accredit.submit", t)}
          </button>
        </>
      )}
      <ActionOutcome refusalKey={refusalKey} state={action.state} done={t("organisation.accredit.done", result)} />
    </form>
  );
}

const schemaExample = JSON.stringify(
  {
    name: "living-wage",
    version: 1,
    labels: { fr: "Engagement salaire vital", nl: "Engagement leefbaar loon", en: "Living-wage commitment" },
    fields: ["policyReference"],
  },
  null,
  2,
);

function SchemaForm({ actor, onChanged }: { actor: Actor; onChanged: Changed }) {
  const { t, language } = useI18n();
  const action = useAction(actor);
  const [text, setText] = useState("");
  const [policy, setPolicy] = useState<SchemaPolicyName>("self");
  const [days, setDays] = useState("365");
  const [errors, setErrors] = useState<{ definition?: MessageKey; validity?: MessageKey }>({});
  const [doneLabel, setDoneLabel] = useState("");
  const busy = isBusy(action.state);
  const checked = parseSchemaDefinition(text);

  async function submit() {
    const validity = validityOfDays(days);
    const found: { definition?: MessageKey; validity?: MessageKey } = {};
    if (!checked.ok) found.definition = `organisation.schema.problem.${checked.problem}`;
    else if (policyMismatch(checked.definition, policy)) found.definition = "organisation.schema.problem.policy";
    if (validity === null) found.validity = "organisation.schema.validity.invalid";
    setErrors(found);
    if (found.definition) return focusField("schema-definition");
    if (found.validity || !checked.ok || validity === null) return focusField("schema-validity");
    const id = checked.id;
    setDoneLabel(schemaLabel(checked.definition, language) ?? shortId(id));
    const done = await action.run(
      { kind: "registerSchema", definition: checked.definition, policy, defaultValidity: validity },
      () => until(async () => (await apiCall(actor.root, `v1/schemas/${id}`)).status === 200),
    );
    if (done) await onChanged();
  }

  return (
    <form
      class="card organisation-form"
      data-form="schema"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h3>{t("organisation.schema.heading")}</h3>
      <Field
        id="schema-definition"
        label={t("organisation.schema.definition.label")}
        help={t("organisation.schema.definition.help")}
        error={errors.definition ? t(errors.definition) : null}
      >
        {(describedBy, invalid) => (
          <textarea
            id="schema-definition"
            class="mono"
            rows={8}
            spellcheck={false}
            placeholder={schemaExample}
            value={text}
            disabled={busy}
            aria-describedby={describedBy}
            aria-invalid={invalid ? "true" : undefined}
            onInput={(event) => setText((event.currentTarget as HTMLTextAreaElement).value)}
          />
        )}
      </Field>
      {checked.ok && (
        <p class="hint mono" data-schema-id={checked.id}>
          {t("organisation.schema.preview", {
            label: schemaLabel(checked.definition, language) ?? "",
            id: checked.id,
          })}
        </p>
      )}
      <Field id="schema-policy" label={t("organisation.schema.policy.label")}>
        {() => (
          <select
            id="schema-policy"
            value={policy}
            disabled={busy}
            onChange={(event) => setPolicy((event.currentTarget as HTMLSelectElement).value as SchemaPolicyName)}
          >
            {SCHEMA_POLICIES.map((option) => (
              <option key={option} value={option}>
                {t(`organisation.schema.policy.${option}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        id="schema-validity"
        label={t("organisation.schema.validity.label")}
        help={t("organisation.schema.validity.help")}
        error={errors.validity ? t(errors.validity) : null}
      >
        {(describedBy, invalid) => (
          <input
            id="schema-validity"
            type="text"
            inputMode="numeric"
            value={days}
            disabled={busy}
            aria-describedby={describedBy}
            aria-invalid={invalid ? "true" : undefined}
            onInput={(event) => setDays((event.currentTarget as HTMLInputElement).value)}
          />
        )}
      </Field>
      <button type="submit" class="button" disabled={busy}>
        {submitLabel(actor, "organisation.schema.submit", t)}
      </button>
      <ActionOutcome
        refusalKey={refusalKey}
        state={action.state}
        done={t("organisation.schema.done", { label: doneLabel })}
      />
    </form>
  );
}
