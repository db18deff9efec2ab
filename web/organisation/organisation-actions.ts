// Pure logic of the organisation page's actions: which contract call each action is, who may send it, what a
// refusal means, and the checks of the governor's forms. No DOM: test/web/organisation-actions.test.ts runs it in Node.
import { getAddress, id, Interface, isAddress, ZeroHash } from "ethers";
import { metadataDigest, reasonCode, schemaDefinitionBytes, schemaId, type Hex } from "../../sdk/hashing";
import { AttestationPolicy, OrgKind } from "../../sdk/status";
import type { MessageKey } from "../shared/i18n/i18n";
import { refusalFrom } from "../shared/wallet/transaction";

/** The Federation functions, views and errors the page uses (checked against the compiled ABI by the unit test). */
export const FEDERATION_FRAGMENTS = [
  "function admit(bytes32 org, uint8 kind, bytes32 metadataDigest)",
  "function suspend(bytes32 org, bytes32 reason)",
  "function reinstate(bytes32 org)",
  "function addKey(bytes32 org, address key)",
  "function retireKey(address key)",
  "function markCompromised(address key, uint40 compromisedFrom)",
  "function accredit(bytes32 org, bytes32 schema, uint40 validUntil)",
  "function withdrawAccreditation(bytes32 org, bytes32 schema, bytes32 reason)",
  "function setMetadata(bytes32 org, bytes32 metadataDigest)",
  "function hasRole(bytes32 role, address account) view returns (bool)",
  "function accreditation(bytes32 org, bytes32 schema) view returns (tuple(uint40 validFrom, uint40 validUntil, bool withdrawn))",
  "error OrganisationExists(bytes32 org)",
  "error UnknownOrganisation(bytes32 org)",
  "error OrganisationAlreadySuspended(bytes32 org)",
  "error OrganisationNotSuspended(bytes32 org)",
  "error InvalidKind()",
  "error KeyExists(address key)",
  "error UnknownKey(address key)",
  "error KeyAlreadyRetired(address key)",
  "error InvalidCompromiseTime(address key, uint40 compromisedFrom)",
  "error NotGovernorOrKey(address caller, address key)",
  "error InvalidAccreditationEnd(uint40 validUntil)",
  "error NotCertifier(bytes32 org)",
  "error NotAccredited(bytes32 org, bytes32 schema)",
  "error ZeroValue()",
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
] as const;

/** The AttestationRegistry functions and errors the page uses. */
export const REGISTRY_FRAGMENTS = [
  "function registerSchema(bytes definition, uint8 policy, uint40 defaultValidity) returns (bytes32 schema)",
  "function deprecateSchema(bytes32 schema, bytes32 replacement)",
  "error SchemaExists(bytes32 schema)",
  "error UnknownSchema(bytes32 schema)",
  "error SchemaIsDeprecated(bytes32 schema, bytes32 replacement)",
  "error InvalidReplacement(bytes32 replacement)",
  "error InvalidPolicy()",
  "error TooManySchemas()",
  "error InvalidValidity(uint40 defaultValidity)",
  "error ZeroValue()",
  "error MissingRole(address account, bytes32 role)",
] as const;

export const federationInterface = new Interface(FEDERATION_FRAGMENTS);
export const registryInterface = new Interface(REGISTRY_FRAGMENTS);

/** `Federation.GOVERNOR_ROLE()`: keccak256("GOVERNOR_ROLE"). */
export const GOVERNOR_ROLE = id("GOVERNOR_ROLE") as Hex;

/** Organisation kinds the governor may admit. */
export const ORGANISATION_KINDS = ["supplier", "certifier", "member"] as const;
export type OrganisationKindName = (typeof ORGANISATION_KINDS)[number];

/** Reason codes offered when suspending an organisation (recorded with the suspension). */
export const SUSPENSION_REASONS = ["UNDER_INVESTIGATION", "AUDIT_FAILED", "MEMBERSHIP_ENDED"] as const;
export type SuspensionReason = (typeof SUSPENSION_REASONS)[number];

/** Reason codes offered when withdrawing a certifier's accreditation (recorded with the withdrawal). */
export const ACCREDITATION_WITHDRAWAL_REASONS = ["AUDIT_FAILED", "ACCREDITATION_ENDED", "ENTERED_BY_MISTAKE"] as const;
export type AccreditationWithdrawalReason = (typeof ACCREDITATION_WITHDRAWAL_REASONS)[number];

/** Who may attest under a new schema. */
export const SCHEMA_POLICIES = ["self", "certifier"] as const;
export type SchemaPolicyName = (typeof SCHEMA_POLICIES)[number];

/** An organisation's public profile (its digest goes on chain, the profile itself to the API). */
export interface OrganisationProfile {
  name: string;
  [field: string]: string;
}

/** One change the page can make or prepare. */
export type OrganisationAction =
  | { kind: "admit"; org: Hex; organisationKind: OrganisationKindName; profile: OrganisationProfile }
  | { kind: "addKey"; org: Hex; key: string }
  | { kind: "suspend"; org: Hex; reason: SuspensionReason }
  | { kind: "reinstate"; org: Hex }
  | { kind: "retireKey"; key: string }
  | { kind: "markCompromised"; key: string; from: number }
  | { kind: "accredit"; org: Hex; schema: Hex; validUntil: number }
  | { kind: "withdrawAccreditation"; org: Hex; schema: Hex; reason: AccreditationWithdrawalReason }
  | { kind: "setProfile"; org: Hex; profile: OrganisationProfile }
  /** `replacement` null: deprecated without a successor (the contract's zero id). */
  | { kind: "deprecateSchema"; schema: Hex; replacement: Hex | null }
  | { kind: "registerSchema"; definition: unknown; policy: SchemaPolicyName; defaultValidity: number };

/** Contract addresses the calls go to. */
export interface ActionTargets {
  Federation: { address: string };
  AttestationRegistry: { address: string };
}

const orgKindValue: Record<OrganisationKindName, number> = {
  supplier: OrgKind.SUPPLIER,
  certifier: OrgKind.CERTIFIER,
  member: OrgKind.MEMBER,
};

/** The contract call (address + ABI-encoded data) of `action`. */
export function callOf(action: OrganisationAction, contracts: ActionTargets): { to: string; data: string } {
  const federation = (name: string, args: unknown[]) => ({
    to: contracts.Federation.address,
    data: federationInterface.encodeFunctionData(name, args),
  });
  switch (action.kind) {
    case "admit":
      return federation("admit", [action.org, orgKindValue[action.organisationKind], metadataDigest(action.profile)]);
    case "addKey":
      return federation("addKey", [action.org, getAddress(action.key)]);
    case "suspend":
      return federation("suspend", [action.org, reasonCode(action.reason)]);
    case "reinstate":
      return federation("reinstate", [action.org]);
    case "retireKey":
      return federation("retireKey", [getAddress(action.key)]);
    case "markCompromised":
      return federation("markCompromised", [getAddress(action.key), action.from]);
    case "accredit":
      return federation("accredit", [action.org, action.schema, action.validUntil]);
    case "withdrawAccreditation":
      return federation("withdrawAccreditation", [action.org, action.schema, reasonCode(action.reason)]);
    case "setProfile":
      return federation("setMetadata", [action.org, metadataDigest(action.profile)]);
    case "deprecateSchema":
      return {
        to: contracts.AttestationRegistry.address,
        data: registryInterface.encodeFunctionData("deprecateSchema", [action.schema, action.replacement ?? ZeroHash]),
      };
    case "registerSchema":
      return {
        to: contracts.AttestationRegistry.address,
        data: registryInterface.encodeFunctionData("registerSchema", [
          schemaDefinitionBytes(action.definition),
          action.policy === "self" ? AttestationPolicy.SELF_DECLARATION : AttestationPolicy.ACCREDITED_CERTIFIER,
          action.defaultValidity,
        ]),
      };
  }
}

/**
 * Whether `connected` may send `action` itself: a governor may send everything; a key may retire itself or report
 * itself compromised. Anything else is prepared for the governors' multisig instead.
 */
export function maySend(action: OrganisationAction, connected: string, isGovernor: boolean): boolean {
  if (isGovernor) return true;
  if (action.kind === "retireKey" || action.kind === "markCompromised") {
    return action.key.toLowerCase() === connected.toLowerCase();
  }
  return false;
}

/** Why the chain would refuse a change, each with its own sentence in the page (`organisation.refused.<refusal>`). */
export const ACTION_REFUSALS = [
  "notAllowed",
  "organisationExists",
  "unknownOrganisation",
  "alreadySuspended",
  "notSuspended",
  "keyExists",
  "unknownKey",
  "keyAlreadyRetired",
  "invalidCompromiseTime",
  "invalidAccreditationEnd",
  "notCertifier",
  "notAccredited",
  "schemaExists",
  "unknownSchema",
  "schemaDeprecated",
  "invalidReplacement",
  "tooManySchemas",
  "invalid",
  "unknown",
] as const;
export type ActionRefusal = (typeof ACTION_REFUSALS)[number];

const refusalOfError: Record<string, ActionRefusal> = {
  MissingRole: "notAllowed",
  AccessControlUnauthorizedAccount: "notAllowed",
  NotGovernorOrKey: "notAllowed",
  OrganisationExists: "organisationExists",
  UnknownOrganisation: "unknownOrganisation",
  OrganisationAlreadySuspended: "alreadySuspended",
  OrganisationNotSuspended: "notSuspended",
  KeyExists: "keyExists",
  UnknownKey: "unknownKey",
  KeyAlreadyRetired: "keyAlreadyRetired",
  InvalidCompromiseTime: "invalidCompromiseTime",
  InvalidAccreditationEnd: "invalidAccreditationEnd",
  NotCertifier: "notCertifier",
  NotAccredited: "notAccredited",
  SchemaExists: "schemaExists",
  UnknownSchema: "unknownSchema",
  SchemaIsDeprecated: "schemaDeprecated",
  InvalidReplacement: "invalidReplacement",
  TooManySchemas: "tooManySchemas",
  InvalidKind: "invalid",
  InvalidPolicy: "invalid",
  InvalidValidity: "invalid",
  ZeroValue: "invalid",
};

/** Reads the revert data of a simulated call as a refusal (custom errors of either contract). */
export function refusalOf(revertData: string): ActionRefusal {
  return refusalFrom(revertData, [federationInterface, registryInterface], refusalOfError);
}

/** The page's sentence for a refusal. */
export function refusalKey(refusal: ActionRefusal): MessageKey {
  return `organisation.refused.${refusal}`;
}

/** Decodes `hasRole`'s answer. */
export function decodeHasRole(data: string): boolean {
  return federationInterface.decodeFunctionResult("hasRole", data)[0] as boolean;
}

/** Encodes `hasRole(GOVERNOR_ROLE, address)`. */
export function hasGovernorRoleCall(federation: string, address: string): { to: string; data: string } {
  return { to: federation, data: federationInterface.encodeFunctionData("hasRole", [GOVERNOR_ROLE, address]) };
}

/** Encodes `accreditation(org, schema)`. */
export function accreditationCall(federation: string, org: string, schema: string): { to: string; data: string } {
  return { to: federation, data: federationInterface.encodeFunctionData("accreditation", [org, schema]) };
}

/** An accreditation as the Federation stores it (unix seconds; `validUntil` 0 = no end). */
export interface AccreditationRecord {
  validFrom: number;
  validUntil: number;
  withdrawn: boolean;
}

/** Decodes `accreditation`'s answer. */
export function decodeAccreditation(data: string): AccreditationRecord {
  const [record] = federationInterface.decodeFunctionResult("accreditation", data) as unknown as [
    { validFrom: bigint; validUntil: bigint; withdrawn: boolean },
  ];
  return { validFrom: Number(record.validFrom), validUntil: Number(record.validUntil), withdrawn: record.withdrawn };
}

/** Whether an accreditation counts at `now` (granted, not withdrawn, not lapsed). */
export function isAccredited(record: AccreditationRecord, now: number): boolean {
  return record.validFrom > 0 && !record.withdrawn && (record.validUntil === 0 || record.validUntil > now);
}

// --- forms -------------------------------------------------------------------------------------

/** The profile of a new organisation from the admission form: trimmed, empty optional fields left out. */
export function profileOf(fields: {
  name: string;
  kind: OrganisationKindName;
  city?: string;
  country?: string;
  website?: string;
}): OrganisationProfile {
  const profile: OrganisationProfile = { name: fields.name.trim(), kind: fields.kind };
  for (const field of ["city", "country", "website"] as const) {
    const value = fields[field]?.trim();
    if (value) profile[field] = value;
  }
  return profile;
}

/** The profile fields the pages' forms edit (others a profile may carry are kept as they are). */
export const PROFILE_FIELDS = ["name", "kind", "city", "country", "website"] as const;

/**
 * An organisation's new public profile from the profile form: the form's fields as `profileOf` shapes them, `kind`
 * the organisation's, and any other field of its current profile kept.
 */
export function editedProfile(
  current: Readonly<Record<string, string>> | null,
  fields: { name: string; city?: string; country?: string; website?: string },
  kind: OrganisationKindName,
): OrganisationProfile {
  const kept = Object.entries(current ?? {}).filter(
    ([field]) => !(PROFILE_FIELDS as readonly string[]).includes(field),
  );
  return { ...Object.fromEntries(kept), ...profileOf({ ...fields, kind }) };
}

/** Whether `profile` is the one already recorded (its digest is the organisation's metadata digest). */
export function isRecordedProfile(profile: OrganisationProfile, recordedDigest: string): boolean {
  return metadataDigest(profile).toLowerCase() === recordedDigest.toLowerCase();
}

/** The schemas a deprecated one may point to: registered, still current, and not itself. */
export function replacementChoices<T extends { id: string; active: boolean }>(schemas: T[], deprecating: string): T[] {
  return schemas.filter((schema) => schema.active && schema.id.toLowerCase() !== deprecating.toLowerCase());
}

/** Problems of the admission form, by field. */
export function admissionProblems(fields: { name: string; website?: string }): { name?: "required" | "tooLong" } {
  const name = fields.name.trim();
  if (!name) return { name: "required" };
  if (name.length > 120) return { name: "tooLong" };
  return {};
}

/** A typed key address, checksummed, or null when it is not an address. */
export function parseKeyAddress(text: string): string | null {
  const trimmed = text.trim();
  if (!isAddress(trimmed)) return null;
  try {
    return getAddress(trimmed.toLowerCase());
  } catch {
    return null;
  }
}

/**
 * The first compromised second from a `datetime-local` value (the reader's local time), or why it cannot be used:
 * empty, unreadable, or later than `now` (unix seconds).
 */
export function compromiseTimeOf(value: string, now: number): number | "required" | "invalid" | "future" {
  if (!value) return "required";
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return "invalid";
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as number[];
  const time = new Date(year!, month! - 1, day!, hour!, minute!, second!).getTime() / 1000;
  if (!Number.isFinite(time) || time <= 0) return "invalid";
  if (time > now) return "future";
  return Math.floor(time);
}

/** A `datetime-local` value for unix seconds `time` in the reader's local time (minutes precision). */
export function localDateTimeValue(time: number): string {
  const date = new Date(time * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(
    date.getMinutes(),
  )}`;
}

/** A schema definition typed as JSON: readable, named, labelled in French, Dutch and English. */
export type SchemaDefinitionCheck =
  | { ok: true; definition: Record<string, unknown>; id: Hex }
  | { ok: false; problem: "required" | "json" | "notObject" | "name" | "labels" };

/** Checks the JSON text of a schema definition and computes its id (`sdk/hashing` `schemaId`). */
export function parseSchemaDefinition(text: string): SchemaDefinitionCheck {
  if (!text.trim()) return { ok: false, problem: "required" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: "json" };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return { ok: false, problem: "notObject" };
  const definition = value as Record<string, unknown>;
  if (typeof definition.name !== "string" || !definition.name.trim()) return { ok: false, problem: "name" };
  const labels = definition.labels as Record<string, unknown> | undefined;
  const labelled = ["fr", "nl", "en"].every(
    (language) => typeof labels?.[language] === "string" && (labels[language] as string).trim() !== "",
  );
  if (!labels || typeof labels !== "object" || !labelled) return { ok: false, problem: "labels" };
  return { ok: true, definition, id: schemaId(definition) };
}

/**
 * True when the definition names who attests (`attester`: "self-declaration" or "accredited-certifier", as the
 * federation's schemas do) and that is not the policy chosen in the form.
 */
export function policyMismatch(definition: Record<string, unknown>, policy: SchemaPolicyName): boolean {
  const attester = definition.attester;
  if (attester === "self-declaration") return policy !== "self";
  if (attester === "accredited-certifier") return policy !== "certifier";
  return false;
}

/** Default validity in seconds from a number of days typed in the form (empty = forever), or null when invalid. */
export function validityOfDays(text: string): number | null {
  const trimmed = text.trim();
  if (!trimmed) return 0;
  if (!/^\d{1,5}$/.test(trimmed)) return null;
  return Number(trimmed) * 86400;
}
