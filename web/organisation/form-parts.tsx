// Pieces of the organisation page's governance forms: labelled fields, the confirmation step, the public-profile
// fields and their publication for the multisig, schema labels.
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { apiCall } from "../shared/api";
import type { MessageKey } from "../shared/i18n/i18n";
import { useI18n } from "../shared/i18n/language";
import { CopyField } from "../shared/wallet/action-outcome";
import { schemaLabel, shortId } from "../verify/verdict";
import type { OrganisationProfile } from "./organisation-actions";
import type { SchemaView } from "./organisation-data";
import type { Actor } from "./use-action";

/** Reloads what the page shows after a change. */
export type Changed = () => Promise<void>;

/** Label, control, help and error of one form field, tied together for assistive technologies. */
export function Field({
  id,
  label,
  help,
  error,
  children,
}: {
  id: string;
  label: string;
  help?: string;
  error?: string | null;
  children: (describedBy: string | undefined, invalid: boolean) => preact.ComponentChildren;
}) {
  const describedBy = [help ? `${id}-help` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class="organisation-field">
      <label for={id}>{label}</label>
      {children(describedBy, Boolean(error))}
      {help && (
        <p id={`${id}-help`} class="hint">
          {help}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} class="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function focusField(id: string) {
  document.getElementById(id)?.focus();
}

export function submitLabel(actor: Actor, key: MessageKey, t: (key: MessageKey) => string): string {
  return actor.isGovernor ? t(key) : t("organisation.multisig.prepare");
}

export type ProfileNameError = "required" | "tooLong" | null;
export type ProfileFields = { name: string; city: string; country: string; website: string };

/** Name, city, country and website of a public profile (the admission form and the profile form). */
export function ProfileFieldset({
  idPrefix,
  fields,
  onChange,
  nameError,
  busy,
}: {
  idPrefix: string;
  fields: ProfileFields;
  onChange: (fields: ProfileFields) => void;
  nameError: ProfileNameError | "unchanged";
  busy: boolean;
}) {
  const { t } = useI18n();
  const text = (field: keyof ProfileFields) => (event: Event) =>
    onChange({ ...fields, [field]: (event.currentTarget as HTMLInputElement).value });
  return (
    <>
      <Field
        id={`${idPrefix}-name`}
        label={t("organisation.admit.name.label")}
        help={t("organisation.admit.name.help")}
        error={
          nameError === "unchanged"
            ? t("organisation.profile.unchanged")
            : nameError
              ? t(`organisation.field.${nameError}`)
              : null
        }
      >
        {(describedBy, invalid) => (
          <input
            id={`${idPrefix}-name`}
            type="text"
            autoComplete="organization"
            value={fields.name}
            disabled={busy}
            aria-describedby={describedBy}
            aria-invalid={invalid ? "true" : undefined}
            onInput={text("name")}
          />
        )}
      </Field>
      <Field id={`${idPrefix}-city`} label={t("organisation.admit.city.label")}>
        {() => <input id={`${idPrefix}-city`} type="text" value={fields.city} disabled={busy} onInput={text("city")} />}
      </Field>
      <Field id={`${idPrefix}-country`} label={t("organisation.admit.country.label")}>
        {() => (
          <input
            id={`${idPrefix}-country`}
            type="text"
            value={fields.country}
            disabled={busy}
            onInput={text("country")}
          />
        )}
      </Field>
      <Field id={`${idPrefix}-website`} label={t("organisation.admit.website.label")}>
        {() => (
          <input
            id={`${idPrefix}-website`}
            type="url"
            value={fields.website}
            disabled={busy}
            onInput={text("website")}
          />
        )}
      </Field>
    </>
  );
}

/**
 * A profile the governors' multisig will record: the profile to copy, and a button that publishes it
 * (`PUT /v1/organisations/:id/profile`) once their change is recorded (the API refuses it before).
 */
export function ProfilePublication({
  idPrefix,
  root,
  org,
  profile,
  note,
  notYet,
  onChanged,
}: {
  idPrefix: string;
  root: string;
  org: string;
  profile: OrganisationProfile;
  note: string;
  notYet: string;
  onChanged: Changed;
}) {
  const { t } = useI18n();
  const [publish, setPublish] = useState<"idle" | "published" | "notYet">("idle");

  async function publishProfile() {
    const answer = await apiCall(root, `v1/organisations/${org}/profile`, { method: "PUT", body: profile }).catch(
      () => ({ status: 0 }),
    );
    setPublish(answer.status === 200 ? "published" : "notYet");
    if (answer.status === 200) await onChanged();
  }

  return (
    <div data-profile>
      <p>{note}</p>
      <CopyField
        id={`${idPrefix}-profile`}
        label={t("organisation.multisig.profileLabel")}
        value={JSON.stringify(profile)}
        multiline
      />
      <button type="button" class="button button-secondary" onClick={() => void publishProfile()}>
        {t("organisation.multisig.publish")}
      </button>
      <p role="status">
        {publish === "published" && t("organisation.multisig.published")}
        {publish === "notYet" && notYet}
      </p>
    </div>
  );
}

/**
 * A form's confirmation step: open once the form is checked, closed when the change ends or is cancelled; closing it
 * gives the focus back to the form's button when the focus was inside it (keyboard users stay in place).
 */
export function useConfirmStep() {
  const [open, setOpen] = useState(false);
  const back = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  useLayoutEffect(() => {
    const lost = !document.activeElement || document.activeElement === document.body;
    if (wasOpen.current && !open && lost) back.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return { open, setOpen, back };
}

/** What a change will do, in plain words, with "confirm" (or "prepare for the multisig") and "cancel". */
export function Confirmation({
  id,
  heading,
  actor,
  busy,
  onConfirm,
  onCancel,
  children,
}: {
  id: string;
  heading: string;
  actor: Actor;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children: preact.ComponentChildren;
}) {
  const { t } = useI18n();
  const title = useRef<HTMLHeadingElement>(null);
  // Layout effect: the focus moves in the same render that shows the panel.
  useLayoutEffect(() => title.current?.focus(), []);
  return (
    <div class="organisation-confirm" data-confirm={id}>
      <h4 id={`${id}-confirm`} ref={title} tabIndex={-1}>
        {heading}
      </h4>
      <div data-consequences>{children}</div>
      <div class="organisation-actions">
        <button type="button" class="button" disabled={busy} onClick={onConfirm}>
          {actor.isGovernor ? t("organisation.confirm") : t("organisation.multisig.prepare")}
        </button>
        <button type="button" class="button button-secondary" disabled={busy} onClick={onCancel}>
          {t("organisation.cancel")}
        </button>
      </div>
    </div>
  );
}

/** A schema's label in the reader's language (`plain`), and as a choice (`marked`: deprecated ones say so). */
export function useSchemaLabel() {
  const { t, language } = useI18n();
  const plain = (entry: { id: string; definition: unknown }) =>
    schemaLabel(entry.definition, language) ?? shortId(entry.id);
  const marked = (entry: SchemaView) =>
    entry.active ? plain(entry) : t("organisation.schemaDeprecated", { label: plain(entry) });
  return { plain, marked };
}
