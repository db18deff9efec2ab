// The governors' revisions of earlier decisions: withdraw a certifier's accreditation, phase out a kind of claim in
// favour of another, change an organisation's public profile. Each asks for confirmation in plain words first.
import { useEffect, useState } from "preact/hooks";
import type { Hex } from "../../sdk/hashing";
import { apiCall } from "../shared/api";
import { useI18n } from "../shared/i18n/language";
import { ActionOutcome } from "../shared/wallet/action-outcome";
import {
  ACCREDITATION_WITHDRAWAL_REASONS,
  admissionProblems,
  editedProfile,
  isRecordedProfile,
  refusalKey,
  replacementChoices,
  type AccreditationWithdrawalReason,
  type OrganisationProfile,
} from "./organisation-actions";
import { loadOrganisation, readAccreditation, type OrganisationView, type SchemaView } from "./organisation-data";
import {
  Confirmation,
  Field,
  focusField,
  ProfileFieldset,
  ProfilePublication,
  useConfirmStep,
  useSchemaLabel,
  type Changed,
  type ProfileFields,
  type ProfileNameError,
} from "./form-parts";
import { useOrganisationName } from "./names";
import { isBusy, until, useAction, type Actor } from "./use-action";

export function WithdrawAccreditationForm({
  actor,
  organisations,
  schemas,
}: {
  actor: Actor;
  organisations: OrganisationView[];
  schemas: SchemaView[];
}) {
  const { t } = useI18n();
  const nameOf = useOrganisationName();
  const { plain, marked } = useSchemaLabel();
  const action = useAction(actor);
  const confirm = useConfirmStep();
  const certifiers = organisations.filter((entry) => entry.kind === "certifier");
  const [chosenCertifier, setChosenCertifier] = useState("");
  const [chosenSchema, setChosenSchema] = useState("");
  const [reason, setReason] = useState<AccreditationWithdrawalReason>("AUDIT_FAILED");
  const [sent, setSent] = useState<{ certifier?: OrganisationView; schema?: SchemaView }>({});
  const busy = isBusy(action.state);
  const certifier = certifiers.find((entry) => entry.id === chosenCertifier) ?? certifiers[0];
  const schema = schemas.find((entry) => entry.id === chosenSchema) ?? schemas[0];
  const wordsOf = (pair: { certifier?: OrganisationView; schema?: SchemaView }) => ({
    certifier: pair.certifier ? nameOf(pair.certifier) : "",
    schema: pair.schema ? plain(pair.schema) : "",
  });
  const words = wordsOf({ certifier, schema });

  async function send() {
    if (!certifier || !schema) return;
    setSent({ certifier, schema });
    await action.run(
      { kind: "withdrawAccreditation", org: certifier.id as Hex, schema: schema.id as Hex, reason },
      () =>
        until(
          async () =>
            (await readAccreditation(actor.root, actor.deployment, certifier.id, schema.id))?.withdrawn === true,
        ),
    );
    confirm.setOpen(false);
  }

  const choose = (set: (value: string) => void) => (event: Event) => {
    set((event.currentTarget as HTMLSelectElement).value);
    confirm.setOpen(false);
    action.reset();
  };
  return (
    <form
      class="card organisation-form"
      data-form="withdraw-accreditation"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        action.reset();
        confirm.setOpen(true);
      }}
    >
      <h3>{t("organisation.withdrawAccreditation.heading")}</h3>
      {certifiers.length === 0 ? (
        <p>{t("organisation.accredit.none")}</p>
      ) : (
        <>
          <Field id="withdraw-accreditation-certifier" label={t("organisation.accredit.certifier.label")}>
            {() => (
              <select
                id="withdraw-accreditation-certifier"
                value={certifier?.id ?? ""}
                disabled={busy}
                onChange={choose(setChosenCertifier)}
              >
                {certifiers.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {nameOf(entry)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="withdraw-accreditation-schema" label={t("organisation.accredit.schema.label")}>
            {() => (
              <select
                id="withdraw-accreditation-schema"
                value={schema?.id ?? ""}
                disabled={busy}
                onChange={choose(setChosenSchema)}
              >
                {schemas.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {marked(entry)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="withdraw-accreditation-reason" label={t("organisation.standing.reason.label")}>
            {() => (
              <select
                id="withdraw-accreditation-reason"
                value={reason}
                disabled={busy}
                onChange={(event) =>
                  setReason((event.currentTarget as HTMLSelectElement).value as AccreditationWithdrawalReason)
                }
              >
                {ACCREDITATION_WITHDRAWAL_REASONS.map((code) => (
                  <option key={code} value={code}>
                    {t(`organisation.withdrawAccreditation.reason.${code}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" class="button" ref={confirm.back} disabled={busy || !schema || confirm.open}>
            {t("organisation.withdrawAccreditation.submit")}
          </button>
        </>
      )}
      {confirm.open && (
        <Confirmation
          id="withdraw-accreditation"
          heading={t("organisation.withdrawAccreditation.confirm.heading", words)}
          actor={actor}
          busy={busy}
          onConfirm={() => void send()}
          onCancel={() => confirm.setOpen(false)}
        >
          <p>{t("organisation.withdrawAccreditation.confirm.text", words)}</p>
        </Confirmation>
      )}
      <ActionOutcome
        refusalKey={refusalKey}
        state={action.state}
        done={t("organisation.withdrawAccreditation.done", wordsOf(sent))}
      />
    </form>
  );
}

/** Deprecates a current schema, pointing members to a replacement (or none). */
export function DeprecateSchemaForm({
  actor,
  schemas,
  onChanged,
}: {
  actor: Actor;
  schemas: SchemaView[];
  onChanged: Changed;
}) {
  const { t } = useI18n();
  const { plain, marked } = useSchemaLabel();
  const action = useAction(actor);
  const confirm = useConfirmStep();
  const current = schemas.filter((entry) => entry.active);
  const [chosen, setChosen] = useState("");
  const [chosenReplacement, setChosenReplacement] = useState("");
  const [deprecated, setDeprecated] = useState("");
  const busy = isBusy(action.state);
  const schema = current.find((entry) => entry.id === chosen) ?? current[0];
  const choices = schema ? replacementChoices(current, schema.id) : [];
  const replacement = choices.find((entry) => entry.id === chosenReplacement) ?? null;
  const words = { schema: schema ? plain(schema) : "", replacement: replacement ? plain(replacement) : "" };

  async function send() {
    if (!schema) return;
    setDeprecated(schema.id);
    const done = await action.run(
      { kind: "deprecateSchema", schema: schema.id as Hex, replacement: replacement ? (replacement.id as Hex) : null },
      () =>
        until(async () => {
          const answer = await apiCall<SchemaView>(actor.root, `v1/schemas/${schema.id}`);
          return answer.status === 200 && !answer.body.active;
        }),
    );
    confirm.setOpen(false);
    if (done) {
      setChosen("");
      setChosenReplacement("");
      await onChanged();
    }
  }

  const choose = (set: (value: string) => void) => (event: Event) => {
    set((event.currentTarget as HTMLSelectElement).value);
    confirm.setOpen(false);
    action.reset();
  };
  return (
    <form
      class="card organisation-form"
      data-form="deprecate-schema"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        action.reset();
        confirm.setOpen(true);
      }}
    >
      <h3>{t("organisation.deprecate.heading")}</h3>
      <p class="hint">{t("organisation.deprecate.help")}</p>
      {current.length === 0 ? (
        <p>{t("organisation.deprecate.none")}</p>
      ) : (
        <>
          <Field id="deprecate-schema" label={t("organisation.deprecate.schema.label")}>
            {() => (
              <select id="deprecate-schema" value={schema?.id ?? ""} disabled={busy} onChange={choose(setChosen)}>
                {current.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {marked(entry)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            id="deprecate-replacement"
            label={t("organisation.deprecate.replacement.label")}
            help={t("organisation.deprecate.replacement.help")}
          >
            {(describedBy) => (
              <select
                id="deprecate-replacement"
                value={replacement?.id ?? ""}
                disabled={busy}
                aria-describedby={describedBy}
                onChange={choose(setChosenReplacement)}
              >
                <option value="">{t("organisation.deprecate.replacement.none")}</option>
                {choices.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {marked(entry)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" class="button" ref={confirm.back} disabled={busy || !schema || confirm.open}>
            {t("organisation.deprecate.submit")}
          </button>
        </>
      )}
      {confirm.open && (
        <Confirmation
          id="deprecate-schema"
          heading={t("organisation.deprecate.confirm.heading", words)}
          actor={actor}
          busy={busy}
          onConfirm={() => void send()}
          onCancel={() => confirm.setOpen(false)}
        >
          <p>
            {replacement
              ? t("organisation.deprecate.confirm.replaced", words)
              : t("organisation.deprecate.confirm.noReplacement", words)}
          </p>
        </Confirmation>
      )}
      <ActionOutcome
        refusalKey={refusalKey}
        state={action.state}
        done={t("organisation.deprecate.done", {
          schema: plain(schemas.find((entry) => entry.id === deprecated) ?? { id: deprecated, definition: null }),
        })}
      />
    </form>
  );
}

const emptyProfile: ProfileFields = { name: "", city: "", country: "", website: "" };

/** The form's fields from an organisation's current profile. */
function fieldsOf(organisation: OrganisationView | undefined): ProfileFields {
  const profile = organisation?.profile;
  return {
    name: profile?.name ?? "",
    city: profile?.city ?? "",
    country: profile?.country ?? "",
    website: profile?.website ?? "",
  };
}

/**
 * Changes an organisation's public profile: its digest goes on chain (`setMetadata`), then the profile itself to the
 * API once the index has the new digest (the API accepts only the profile whose digest is recorded).
 */
export function ProfileForm({
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
  const confirm = useConfirmStep();
  const [chosen, setChosen] = useState("");
  const target = organisations.find((entry) => entry.id === chosen) ?? organisations[0];
  const [fields, setFields] = useState<ProfileFields>(emptyProfile);
  const [filledFor, setFilledFor] = useState<string | null>(null);
  const [nameError, setNameError] = useState<ProfileNameError | "unchanged">(null);
  const [changed, setChanged] = useState<{ id: Hex; profile: OrganisationProfile } | null>(null);
  const busy = isBusy(action.state);
  const profile = target ? editedProfile(target.profile, fields, target.kind) : null;

  /** The fields start from the organisation's current profile. */
  function fill(organisation: OrganisationView | undefined) {
    setFields(fieldsOf(organisation));
    setFilledFor(organisation?.id ?? null);
    setNameError(null);
  }
  // The list arrives after the first render: fill the form for the organisation shown first.
  useEffect(() => {
    if (target && target.id !== filledFor) fill(target);
  }, [target?.id, filledFor]);

  function check() {
    if (!target || !profile) return;
    const problems = admissionProblems(fields);
    const problem = problems.name ?? (isRecordedProfile(profile, target.metadataDigest) ? "unchanged" : null);
    setNameError(problem);
    action.reset();
    if (problem) return focusField("profile-name");
    confirm.setOpen(true);
  }

  async function send() {
    if (!target || !profile) return;
    const id = target.id as Hex;
    setChanged({ id, profile });
    const done = await action.run({ kind: "setProfile", org: id, profile }, () =>
      until(async () => {
        const found = await loadOrganisation(actor.root, id);
        if (!found || !isRecordedProfile(profile, found.metadataDigest)) return false;
        const answer = await apiCall(actor.root, `v1/organisations/${id}/profile`, { method: "PUT", body: profile });
        return answer.status === 200;
      }),
    );
    confirm.setOpen(false);
    if (done) await onChanged();
  }

  return (
    <form
      class="card organisation-form"
      data-form="profile"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        check();
      }}
    >
      <h3>{t("organisation.profile.heading")}</h3>
      <p class="hint">{t("organisation.profile.help")}</p>
      <Field id="profile-organisation" label={t("organisation.addKey.organisation.label")}>
        {() => (
          <select
            id="profile-organisation"
            value={target?.id ?? ""}
            disabled={busy}
            onChange={(event) => {
              const id = (event.currentTarget as HTMLSelectElement).value;
              setChosen(id);
              fill(organisations.find((entry) => entry.id === id));
              confirm.setOpen(false);
              action.reset();
            }}
          >
            {organisations.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {nameOf(entry)} — {t(`signin.kind.${entry.kind}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <ProfileFieldset
        idPrefix="profile"
        fields={fields}
        onChange={(next) => {
          setFields(next);
          confirm.setOpen(false);
        }}
        nameError={nameError}
        busy={busy}
      />
      <button type="submit" class="button" ref={confirm.back} disabled={busy || !target || confirm.open}>
        {t("organisation.profile.submit")}
      </button>
      {confirm.open && target && profile && (
        <Confirmation
          id="profile"
          heading={t("organisation.profile.confirm.heading", { organisation: nameOf(target) })}
          actor={actor}
          busy={busy}
          onConfirm={() => void send()}
          onCancel={() => confirm.setOpen(false)}
        >
          <p>{t("organisation.profile.confirm.text", { name: profile.name })}</p>
        </Confirmation>
      )}
      <ActionOutcome
        refusalKey={refusalKey}
        state={action.state}
        done={t("organisation.profile.done", { name: changed?.profile.name ?? "" })}
        extra={
          changed && (
            <ProfilePublication
              key={changed.id}
              idPrefix="profile"
              root={actor.root}
              org={changed.id}
              profile={changed.profile}
              note={t("organisation.profile.multisigNote")}
              notYet={t("organisation.profile.notYet")}
              onChanged={onChanged}
            />
          )
        }
      />
    </form>
  );
}
