/**
 * EIP-712 domains, types and typed-data builders for every *BySig function of the Fontaine contracts.
 *
 * Builders return `{ domain, types, primaryType, message }` ready for `eth_signTypedData_v4` (types include
 * `EIP712Domain`, numbers are decimal strings). For ethers' `signer.signTypedData` pass `ethersTypes(typed)`.
 * Pure, Node and browsers. Type strings are mirrored in contracts/libraries/Hashing.sol.
 */
import { getAddress, keccak256, toUtf8Bytes, TypedDataEncoder, ZeroHash } from "ethers";
import { assertBytes32, type Hex } from "./hashing";

/** EIP-712 domain names and version of the two signing contracts. */
export const DOMAIN = {
  attestationRegistry: { name: "Fontaine AttestationRegistry", version: "1" },
  lotRegistry: { name: "Fontaine LotRegistry", version: "1" },
} as const;

/** A typed-data field. */
export interface TypedDataField {
  readonly name: string;
  readonly type: string;
}

/** The EIP712Domain type of all Fontaine domains (name, version, chainId, verifyingContract). */
export const EIP712_DOMAIN_TYPE: readonly TypedDataField[] = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
  { name: "verifyingContract", type: "address" },
];

/** Struct types per primary type (without EIP712Domain). */
export const EIP712_TYPES = {
  Attest: [
    { name: "schema", type: "bytes32" },
    { name: "subject", type: "bytes32" },
    { name: "digest", type: "bytes32" },
    { name: "expiry", type: "uint64" },
    { name: "ref", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
  Endorse: [
    { name: "uid", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
  Revoke: [
    { name: "uid", type: "bytes32" },
    { name: "reason", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
  SignedBatch: [
    { name: "root", type: "bytes32" },
    { name: "count", type: "uint32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
  RevokeSignedLeaf: [
    { name: "uid", type: "bytes32" },
    { name: "reason", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
  Commit: [
    { name: "lotId", type: "bytes32" },
    { name: "commitment", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
  Flag: [
    { name: "lotId", type: "bytes32" },
    { name: "reason", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
} as const satisfies Record<string, readonly TypedDataField[]>;

/** A primary type signed by Fontaine users. */
export type PrimaryType = keyof typeof EIP712_TYPES;

/** The EIP-712 type string of a primary type, e.g. `Endorse(bytes32 uid,uint256 nonce,uint64 deadline)`. */
export function typeString(primaryType: PrimaryType): string {
  const fields = EIP712_TYPES[primaryType].map((field) => `${field.type} ${field.name}`).join(",");
  return `${primaryType}(${fields})`;
}

/** keccak256 of the type string (the contracts' `*_TYPEHASH` constants). */
export function typeHash(primaryType: PrimaryType): Hex {
  return keccak256(toUtf8Bytes(typeString(primaryType))) as Hex;
}

/** An EIP-712 domain of a Fontaine contract. */
export interface Eip712Domain {
  name: string;
  version: string;
  chainId: number;
  verifyingContract: Hex;
}

/** A numeric input: bigint, safe integer or decimal string. */
export type Numeric = bigint | number | string;

/** Fields of an `Attest` message (what `attestBySig` and batch leaves carry). */
export interface AttestInput {
  schema: string;
  subject: string;
  digest: string;
  /** Unix seconds; 0 = the schema's default validity (or never). */
  expiry: Numeric;
  /** Related attestation uid; omit or zero for none. */
  ref?: string;
  nonce: Numeric;
  /** Last second the signature may be submitted or anchored. */
  deadline: Numeric;
}

/** A normalised `Attest` message. */
export interface AttestMessage {
  schema: Hex;
  subject: Hex;
  digest: Hex;
  expiry: string;
  ref: Hex;
  nonce: string;
  deadline: string;
}

/** Fields of an `Endorse` message. */
export interface EndorseInput {
  uid: string;
  nonce: Numeric;
  deadline: Numeric;
}

/** A normalised `Endorse` message. */
export interface EndorseMessage {
  uid: Hex;
  nonce: string;
  deadline: string;
}

/** Fields of a `Revoke` message. */
export interface RevokeInput {
  uid: string;
  reason: string;
  nonce: Numeric;
  deadline: Numeric;
}

/** A normalised `Revoke` message. */
export interface RevokeMessage {
  uid: Hex;
  reason: Hex;
  nonce: string;
  deadline: string;
}

/** Fields of a `SignedBatch` message: one signature over the Merkle root of many attestation requests. */
export interface SignedBatchInput {
  /** Root of the signed batch tree (`buildSignedBatch` in sdk/merkle.ts). */
  root: string;
  /** Number of leaves. */
  count: Numeric;
  nonce: Numeric;
  /** Last second the batch may be anchored. */
  deadline: Numeric;
}

/** A normalised `SignedBatch` message. */
export interface SignedBatchMessage {
  root: Hex;
  count: string;
  nonce: string;
  deadline: string;
}

/** Fields of a `RevokeSignedLeaf` message: revoke one attestation of a signed batch, named by its uid. */
export interface RevokeSignedLeafInput {
  uid: string;
  reason: string;
  nonce: Numeric;
  deadline: Numeric;
}

/** A normalised `RevokeSignedLeaf` message. */
export type RevokeSignedLeafMessage = RevokeMessage;

/** Fields of a `Commit` message (LotRegistry). */
export interface CommitInput {
  lotId: string;
  commitment: string;
  nonce: Numeric;
  deadline: Numeric;
}

/** A normalised `Commit` message. */
export interface CommitMessage {
  lotId: Hex;
  commitment: Hex;
  nonce: string;
  deadline: string;
}

/** Fields of a `Flag` message (LotRegistry): a recall or dispute signed by a key of the lot's owner. */
export interface FlagInput {
  lotId: string;
  /** The bytes32 reason code (`reasonCode("RECALL")`). */
  reason: string;
  nonce: Numeric;
  deadline: Numeric;
}

/** A normalised `Flag` message. */
export interface FlagMessage {
  lotId: Hex;
  reason: Hex;
  nonce: string;
  deadline: string;
}

/** Messages by primary type. */
export interface MessageOf {
  Attest: AttestMessage;
  Endorse: EndorseMessage;
  Revoke: RevokeMessage;
  SignedBatch: SignedBatchMessage;
  RevokeSignedLeaf: RevokeSignedLeafMessage;
  Commit: CommitMessage;
  Flag: FlagMessage;
}

/** Typed data of any Fontaine primary type. */
export type AnyTypedData = { [P in PrimaryType]: TypedData<P> }[PrimaryType];

/** Typed data ready for `eth_signTypedData_v4` (JSON-serialisable). */
export interface TypedData<P extends PrimaryType> {
  domain: Eip712Domain;
  types: { EIP712Domain: TypedDataField[] } & { [K in P]: TypedDataField[] };
  primaryType: P;
  message: MessageOf[P];
}

const UINT32_MAX = (1n << 32n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const UINT256_MAX = (1n << 256n) - 1n;

/** The AttestationRegistry domain on chain `chainId` at `address`. */
export function attestationRegistryDomain(chainId: Numeric, address: string): Eip712Domain {
  return { ...DOMAIN.attestationRegistry, chainId: Number(chainId), verifyingContract: getAddress(address) as Hex };
}

/** The LotRegistry domain on chain `chainId` at `address`. */
export function lotRegistryDomain(chainId: Numeric, address: string): Eip712Domain {
  return { ...DOMAIN.lotRegistry, chainId: Number(chainId), verifyingContract: getAddress(address) as Hex };
}

/** Normalise an `Attest` input (checks sizes, defaults `ref` to zero). */
export function attestMessage(input: AttestInput): AttestMessage {
  const ref = input.ref ?? ZeroHash;
  assertBytes32(input.schema, "schema");
  assertBytes32(input.subject, "subject");
  assertBytes32(input.digest, "digest");
  assertBytes32(ref, "ref");
  return {
    schema: input.schema.toLowerCase() as Hex,
    subject: input.subject.toLowerCase() as Hex,
    digest: input.digest.toLowerCase() as Hex,
    expiry: uint(input.expiry, UINT64_MAX, "expiry"),
    ref: ref.toLowerCase() as Hex,
    nonce: uint(input.nonce, UINT256_MAX, "nonce"),
    deadline: uint(input.deadline, UINT64_MAX, "deadline"),
  };
}

/** Typed data of an attestation to sign for `attestBySig` or a batch leaf. */
export function buildAttestTypedData(domain: Eip712Domain, input: AttestInput): TypedData<"Attest"> {
  return typedData(domain, "Attest", attestMessage(input));
}

/** Typed data of an endorsement to sign for `endorseBySig`. */
export function buildEndorseTypedData(domain: Eip712Domain, input: EndorseInput): TypedData<"Endorse"> {
  assertBytes32(input.uid, "uid");
  return typedData(domain, "Endorse", {
    uid: input.uid.toLowerCase() as Hex,
    nonce: uint(input.nonce, UINT256_MAX, "nonce"),
    deadline: uint(input.deadline, UINT64_MAX, "deadline"),
  });
}

/** Typed data of a revocation to sign for `revokeBySig`. */
export function buildRevokeTypedData(domain: Eip712Domain, input: RevokeInput): TypedData<"Revoke"> {
  assertBytes32(input.uid, "uid");
  assertBytes32(input.reason, "reason");
  return typedData(domain, "Revoke", {
    uid: input.uid.toLowerCase() as Hex,
    reason: input.reason.toLowerCase() as Hex,
    nonce: uint(input.nonce, UINT256_MAX, "nonce"),
    deadline: uint(input.deadline, UINT64_MAX, "deadline"),
  });
}

/** Typed data of a batch root to sign once for `anchorSignedBatch` (count must be at least 1). */
export function buildSignedBatchTypedData(domain: Eip712Domain, input: SignedBatchInput): TypedData<"SignedBatch"> {
  assertBytes32(input.root, "root");
  const count = uint(input.count, UINT32_MAX, "count");
  if (count === "0") throw new RangeError("count must be at least 1");
  return typedData(domain, "SignedBatch", {
    root: input.root.toLowerCase() as Hex,
    count,
    nonce: uint(input.nonce, UINT256_MAX, "nonce"),
    deadline: uint(input.deadline, UINT64_MAX, "deadline"),
  });
}

/** Typed data of the revocation of one signed-batch attestation, for `revokeSignedLeafBySig`. */
export function buildRevokeSignedLeafTypedData(
  domain: Eip712Domain,
  input: RevokeSignedLeafInput,
): TypedData<"RevokeSignedLeaf"> {
  assertBytes32(input.uid, "uid");
  assertBytes32(input.reason, "reason");
  return typedData(domain, "RevokeSignedLeaf", {
    uid: input.uid.toLowerCase() as Hex,
    reason: input.reason.toLowerCase() as Hex,
    nonce: uint(input.nonce, UINT256_MAX, "nonce"),
    deadline: uint(input.deadline, UINT64_MAX, "deadline"),
  });
}

/** Typed data of a lot commitment to sign for `commitBySig` (LotRegistry domain). */
export function buildCommitTypedData(domain: Eip712Domain, input: CommitInput): TypedData<"Commit"> {
  assertBytes32(input.lotId, "lotId");
  assertBytes32(input.commitment, "commitment");
  return typedData(domain, "Commit", {
    lotId: input.lotId.toLowerCase() as Hex,
    commitment: input.commitment.toLowerCase() as Hex,
    nonce: uint(input.nonce, UINT256_MAX, "nonce"),
    deadline: uint(input.deadline, UINT64_MAX, "deadline"),
  });
}

/** Typed data of a lot flag (recall, dispute) to sign for `flagBySig` (LotRegistry domain). */
export function buildFlagTypedData(domain: Eip712Domain, input: FlagInput): TypedData<"Flag"> {
  assertBytes32(input.lotId, "lotId");
  assertBytes32(input.reason, "reason");
  return typedData(domain, "Flag", {
    lotId: input.lotId.toLowerCase() as Hex,
    reason: input.reason.toLowerCase() as Hex,
    nonce: uint(input.nonce, UINT256_MAX, "nonce"),
    deadline: uint(input.deadline, UINT64_MAX, "deadline"),
  });
}

/** The struct types without `EIP712Domain`, as ethers' `signTypedData` and `TypedDataEncoder` want them. */
export function ethersTypes(typed: AnyTypedData): Record<string, TypedDataField[]> {
  return { [typed.primaryType]: [...EIP712_TYPES[typed.primaryType]] };
}

/** The EIP-712 struct hash of the message (`hashStruct`). */
export function structHash(typed: AnyTypedData): Hex {
  return TypedDataEncoder.hashStruct(typed.primaryType, ethersTypes(typed), typed.message) as Hex;
}

/** The EIP-712 digest that is signed: keccak256(0x1901 ‖ domainSeparator ‖ structHash). */
export function typedDataDigest(typed: AnyTypedData): Hex {
  return TypedDataEncoder.hash(typed.domain, ethersTypes(typed), typed.message) as Hex;
}

/** The domain separator of `domain`. */
export function domainSeparator(domain: Eip712Domain): Hex {
  return TypedDataEncoder.hashDomain(domain) as Hex;
}

function typedData<P extends PrimaryType>(domain: Eip712Domain, primaryType: P, message: MessageOf[P]): TypedData<P> {
  const types = {
    EIP712Domain: [...EIP712_DOMAIN_TYPE],
    [primaryType]: [...EIP712_TYPES[primaryType]],
  } as TypedData<P>["types"];
  return { domain: { ...domain }, types, primaryType, message };
}

function uint(value: Numeric, max: bigint, what: string): string {
  let parsed: bigint;
  try {
    parsed = BigInt(value);
  } catch {
    throw new RangeError(`${what} must be an unsigned integer`);
  }
  if (parsed < 0n || parsed > max) throw new RangeError(`${what} is out of range`);
  return parsed.toString(10);
}
