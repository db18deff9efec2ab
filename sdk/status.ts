/**
 * Names of the contracts' enums, index = on-chain value (contracts/Common.sol). Pure, Node and browsers.
 */

/** Attestation statuses, in on-chain order. */
export const STATUS_NAMES = ["UNKNOWN", "VALID", "EXPIRED", "REVOKED", "SUSPENDED", "KEY_COMPROMISED"] as const;
/** An attestation status name. */
export type StatusName = (typeof STATUS_NAMES)[number];
/** Attestation status values by name. */
export const Status = enumValues(STATUS_NAMES);

/** Key statuses returned by `Federation.signerAt`, in on-chain order. */
export const KEY_STATUS_NAMES = ["UNKNOWN", "VALID", "INACTIVE", "COMPROMISED", "ORGANISATION_SUSPENDED"] as const;
/** A key status name. */
export type KeyStatusName = (typeof KEY_STATUS_NAMES)[number];
/** Key status values by name. */
export const KeyStatus = enumValues(KEY_STATUS_NAMES);

/** Organisation kinds, in on-chain order (NONE = never admitted). */
export const ORG_KIND_NAMES = ["NONE", "SUPPLIER", "CERTIFIER", "MEMBER"] as const;
/** An organisation kind name. */
export type OrgKindName = (typeof ORG_KIND_NAMES)[number];
/** Organisation kind values by name. */
export const OrgKind = enumValues(ORG_KIND_NAMES);

/** Schema attestation policies, in on-chain order. */
export const ATTESTATION_POLICY_NAMES = ["NONE", "SELF_DECLARATION", "ACCREDITED_CERTIFIER"] as const;
/** An attestation policy name. */
export type AttestationPolicyName = (typeof ATTESTATION_POLICY_NAMES)[number];
/** Attestation policy values by name. */
export const AttestationPolicy = enumValues(ATTESTATION_POLICY_NAMES);

/** The name of on-chain enum value `value` in `names`; throws on an out-of-range value. */
export function enumName<const N extends readonly string[]>(names: N, value: number | bigint): N[number] {
  const name = names[Number(value)];
  if (name === undefined) throw new RangeError(`enum value ${value} is out of range (0..${names.length - 1})`);
  return name;
}

/** The status name of an on-chain status value. */
export function statusName(value: number | bigint): StatusName {
  return enumName(STATUS_NAMES, value);
}

function enumValues<const N extends readonly string[]>(names: N): Readonly<{ [K in N[number]]: number }> {
  return Object.freeze(Object.fromEntries(names.map((name, index) => [name, index]))) as { [K in N[number]]: number };
}
