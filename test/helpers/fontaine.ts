/**
 * Contract test fixtures and domain helpers: the three contracts on a settable test clock, organisations of every
 * kind with keys, two schemas, an accredited certifier, and signing helpers built on the sdk (single source of the
 * EIP-712 types, uids and leaves).
 */
import { ethers } from "hardhat";
import { expect } from "chai";
import { ZeroHash, id, type Signer } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  AttestationPolicy,
  attestationRegistryDomain,
  attestationUid,
  buildAttestTypedData,
  buildCommitTypedData,
  buildEndorseTypedData,
  buildFlagTypedData,
  buildRevokeTypedData,
  ethersTypes,
  lotRegistryDomain,
  newSalt,
  OrgKind,
  schemaDefinitionBytes,
  schemaId,
  statusName,
  typedDataDigest,
  type Eip712Domain,
  type Hex,
  type StatusName,
} from "../../sdk";
import type { TestAttestationRegistry, TestClock, TestFederation, TestLotRegistry } from "../../typechain-types";

/** The fixed start time of every fixture (2027-01-15). */
export const T0 = 1_800_000_000;
/** One day in seconds. */
export const DAY = 86_400;
/** A default signature deadline (one day after T0). */
export const DEADLINE = BigInt(T0 + DAY);

/** Organisation ids used by the fixture. */
export const ORG = {
  supplier: id("org:cocoa-coop") as Hex,
  supplier2: id("org:chocolate-maker") as Hex,
  certifier: id("org:audit-body") as Hex,
  certifier2: id("org:second-audit-body") as Hex,
  member: id("org:fondue-organiser") as Hex,
};

/** Schema definitions used by the fixture. */
export const SCHEMA_DEFINITION = {
  childLabour: {
    name: "child-labour-due-diligence",
    version: 1,
    labels: { fr: "Diligence travail des enfants", nl: "Zorgplicht kinderarbeid", en: "Child-labour due diligence" },
    policy: "SELF_DECLARATION",
    defaultValidity: 0,
    fields: [{ name: "period", type: "string" }],
  },
  socialAudit: {
    name: "social-audit",
    version: 1,
    labels: { fr: "Audit social", nl: "Sociale audit", en: "Social audit" },
    policy: "ACCREDITED_CERTIFIER",
    defaultValidity: 365 * DAY,
    fields: [{ name: "reportNumber", type: "string" }],
  },
};

/** Deploy the test variants, admit organisations, add keys, register schemas, accredit the certifier. */
export async function fontaineFixture() {
  const signers = await ethers.getSigners();
  const [governor, relayer, supplierKey, supplierKey2, supplier2Key, certifierKey, certifier2Key, memberKey, outsider] =
    signers as [
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
    ];
  const clock = (await (await ethers.getContractFactory("TestClock")).deploy()) as unknown as TestClock;
  await clock.setTime(T0);
  const federation = (await (
    await ethers.getContractFactory("TestFederation")
  ).deploy(governor.address, await clock.getAddress())) as unknown as TestFederation;
  const registry = (await (
    await ethers.getContractFactory("TestAttestationRegistry")
  ).deploy(await federation.getAddress(), await clock.getAddress(), 0)) as unknown as TestAttestationRegistry;
  const lots = (await (
    await ethers.getContractFactory("TestLotRegistry")
  ).deploy(await federation.getAddress(), await clock.getAddress())) as unknown as TestLotRegistry;

  await federation.grantRole(await federation.RELAYER_ROLE(), relayer.address);
  await federation.admit(ORG.supplier, OrgKind.SUPPLIER, ZeroHash);
  await federation.admit(ORG.supplier2, OrgKind.SUPPLIER, ZeroHash);
  await federation.admit(ORG.certifier, OrgKind.CERTIFIER, ZeroHash);
  await federation.admit(ORG.certifier2, OrgKind.CERTIFIER, ZeroHash);
  await federation.admit(ORG.member, OrgKind.MEMBER, ZeroHash);
  await federation.addKey(ORG.supplier, supplierKey.address);
  await federation.addKey(ORG.supplier, supplierKey2.address);
  await federation.addKey(ORG.supplier2, supplier2Key.address);
  await federation.addKey(ORG.certifier, certifierKey.address);
  await federation.addKey(ORG.certifier2, certifier2Key.address);
  await federation.addKey(ORG.member, memberKey.address);

  await registry.registerSchema(
    schemaDefinitionBytes(SCHEMA_DEFINITION.childLabour),
    AttestationPolicy.SELF_DECLARATION,
    0,
  );
  await registry.registerSchema(
    schemaDefinitionBytes(SCHEMA_DEFINITION.socialAudit),
    AttestationPolicy.ACCREDITED_CERTIFIER,
    365 * DAY,
  );
  const schemas = {
    childLabour: schemaId(SCHEMA_DEFINITION.childLabour),
    socialAudit: schemaId(SCHEMA_DEFINITION.socialAudit),
  };
  await federation.accredit(ORG.certifier, schemas.socialAudit, 0);
  await federation.accredit(ORG.certifier, schemas.childLabour, 0);

  const { chainId } = await ethers.provider.getNetwork();
  const domains = {
    registry: attestationRegistryDomain(chainId, await registry.getAddress()),
    lots: lotRegistryDomain(chainId, await lots.getAddress()),
  };
  return {
    contracts: { clock, federation, registry, lots },
    signers: {
      governor,
      relayer,
      supplierKey,
      supplierKey2,
      supplier2Key,
      certifierKey,
      certifier2Key,
      memberKey,
      outsider,
      spare: signers.slice(9),
    },
    schemas,
    domains,
  };
}

/** The fixture's return type. */
export type Fixture = Awaited<ReturnType<typeof fontaineFixture>>;

/** Fields of an attestation request, as the contract takes them. */
export interface RequestFields {
  schema: Hex;
  subject: Hex;
  digest: Hex;
  expiry: bigint;
  ref: Hex;
  nonce: bigint;
}

/** A fresh request under `schema` about `subject` with a random digest and nonce. */
export function request(schema: Hex, subject: Hex, overrides: Partial<RequestFields> = {}): RequestFields {
  return {
    schema,
    subject,
    digest: newSalt(),
    expiry: 0n,
    ref: ZeroHash as Hex,
    nonce: BigInt(newSalt()),
    ...overrides,
  };
}

/** The uid the registry assigns to `fields` signed by `signer`. */
export function uidOf(fields: RequestFields, signer: string): Hex {
  return attestationUid({ ...fields, signer });
}

/** Sign `fields` as an `Attest` message; returns the signature and the EIP-712 digest. */
export async function signAttest(
  signer: Signer,
  domain: Eip712Domain,
  fields: RequestFields,
  deadline: bigint = DEADLINE,
): Promise<{ signature: string; digest: Hex }> {
  const typed = buildAttestTypedData(domain, { ...fields, deadline });
  const signature = await signer.signTypedData(typed.domain, ethersTypes(typed), typed.message);
  return { signature, digest: typedDataDigest(typed) };
}

/** Sign an `Endorse` message. */
export async function signEndorse(
  signer: Signer,
  domain: Eip712Domain,
  uid: string,
  nonce: bigint,
  deadline = DEADLINE,
) {
  const typed = buildEndorseTypedData(domain, { uid, nonce, deadline });
  return signer.signTypedData(typed.domain, ethersTypes(typed), typed.message);
}

/** Sign a `Revoke` message. */
export async function signRevoke(
  signer: Signer,
  domain: Eip712Domain,
  uid: string,
  reason: string,
  nonce: bigint,
  deadline = DEADLINE,
) {
  const typed = buildRevokeTypedData(domain, { uid, reason, nonce, deadline });
  return signer.signTypedData(typed.domain, ethersTypes(typed), typed.message);
}

/** Sign a `Commit` message. */
export async function signCommit(
  signer: Signer,
  domain: Eip712Domain,
  lotId: string,
  commitment: string,
  nonce: bigint,
  deadline = DEADLINE,
) {
  const typed = buildCommitTypedData(domain, { lotId, commitment, nonce, deadline });
  return signer.signTypedData(typed.domain, ethersTypes(typed), typed.message);
}

/** Sign a `Flag` message (LotRegistry). */
export async function signFlag(
  signer: Signer,
  domain: Eip712Domain,
  lotId: string,
  reason: string,
  nonce: bigint,
  deadline = DEADLINE,
) {
  const typed = buildFlagTypedData(domain, { lotId, reason, nonce, deadline });
  return signer.signTypedData(typed.domain, ethersTypes(typed), typed.message);
}

/** Attest `fields` directly as `key`; returns the uid. */
export async function attestAs(registry: TestAttestationRegistry, key: Signer, fields: RequestFields): Promise<Hex> {
  await registry.connect(key).attest(fields);
  return uidOf(fields, await key.getAddress());
}

/** Assert `statusOf(uid)`. */
export async function expectStatus(
  registry: TestAttestationRegistry,
  uid: string,
  status: StatusName,
  endorsed = false,
): Promise<void> {
  const [actual, actualEndorsed] = await registry.statusOf(uid);
  expect({ status: statusName(actual), endorsed: actualEndorsed }).to.deep.equal({ status, endorsed });
}

/** Flip the `s` of a 65-byte signature to `n - s` and `v` to the other parity: the malleated twin. */
export function malleate(signature: string): string {
  const n = BigInt("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  const bytes = ethers.getBytes(signature);
  const r = ethers.hexlify(bytes.slice(0, 32));
  const s = BigInt(ethers.hexlify(bytes.slice(32, 64)));
  const v = bytes[64] === 27 ? 28 : 27;
  return ethers.concat([r, ethers.toBeHex(n - s, 32), ethers.toBeHex(v, 1)]);
}
