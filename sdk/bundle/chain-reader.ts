/**
 * What `verifyBundle` needs to know about the chain, as one interface: every read is a batch (many lots, many uids at
 * once) so an implementation can answer a 50-lot bundle in a few round trips, and every answer is taken at one block
 * (`ChainSnapshot.blockNumber`) so a verdict never mixes two chain states.
 * `createEthersChainReader` implements it over JSON-RPC; the API may implement it over its index plus RPC.
 */
import type { Hex } from "../hashing";
import type { KeyStatusName, OrgKindName, StatusName } from "../status";
import type { AttestationRequestFields } from "./format";

/** The chain a reader reads, at the block all its answers are taken at. */
export interface ChainSnapshot {
  chainId: number;
  federation: Hex;
  lotRegistry: Hex;
  attestationRegistry: Hex;
  /** Block all answers are read at. */
  blockNumber: number;
  /** That block's timestamp (unix seconds): "now" for expiries. */
  time: number;
}

/** One `LotCommitted` event. */
export interface LotCommitFact {
  version: number;
  commitment: Hex;
  /** Key that signed the commitment. */
  signer: Hex;
  owner: Hex;
  blockNumber: number;
  /** Timestamp of that block (unix seconds). */
  time: number;
}

/** One flag or unflag of a lot, oldest first. */
export interface LotFlagFact {
  action: "flagged" | "unflagged";
  /** bytes32 reason code (`decodeReasonCode` gives its text). */
  reason: Hex;
  /** Who flagged (zero address for an unflag, which only the governor does). */
  by: Hex;
  blockNumber: number;
}

/** What the chain says about a lot id. */
export interface LotFacts {
  /** Owner organisation; the zero hash when the id was never committed. */
  owner: Hex;
  /** Number of versions committed. */
  versions: number;
  /** True while flagged (recall or dispute). */
  flagged: boolean;
  /** Every commitment, oldest first. */
  commits: LotCommitFact[];
  /** Every flag and unflag, oldest first. */
  flags: LotFlagFact[];
}

/** What the chain says about a single (non-batch) attestation uid. */
export interface AttestationFacts {
  /** `statusOf(uid)` now; UNKNOWN when no single attestation has this uid. */
  status: StatusName;
  endorsed: boolean;
  /** The stored record (zero signer when unknown). */
  signer: Hex;
  schema: Hex;
  /** When it was recorded (unix seconds, 0 when unknown). */
  time: number;
  /** Effective expiry (0 = never). */
  expiresAt: number;
  /**
   * When REVOKED by its attester: the bytes32 reason code of the `Revoked` event (`reasonText` gives its text).
   * Absent otherwise, and in facts recorded before readers read it.
   */
  revocationReason?: Hex;
}

/** A batch leaf to judge: the signed request, its signature and its Merkle proof under `root`. */
export interface LeafQuery {
  root: Hex;
  request: AttestationRequestFields;
  signer: Hex;
  deadline: string;
  signature: Hex;
  proof: Hex[];
}

/** What the chain says about a batch leaf. */
export interface LeafFacts {
  /** Whether the root was anchored at all. */
  rootAnchored: boolean;
  /** `leafStatus(...)` now (UNKNOWN when root, proof or signature fail). */
  status: StatusName;
  /** When REVOKED: the bytes32 reason code of the `LeafRevoked` event (absent otherwise, as for attestations). */
  revocationReason?: Hex;
}

/** A leaf of a signed batch (one signature over the root) to judge: its request and Merkle proof under `root`. */
export interface SignedLeafQuery {
  root: Hex;
  request: AttestationRequestFields;
  proof: Hex[];
}

/** What the chain says about a leaf of a signed batch. */
export interface SignedLeafFacts {
  /** The key that signed the root (zero address when the root is not a signed batch). */
  signer: Hex;
  /** `signedLeafStatus(...)` now (UNKNOWN when the root or the proof fail). */
  status: StatusName;
  /** When REVOKED: the bytes32 reason code of the `LeafRevoked` event (absent otherwise). */
  revocationReason?: Hex;
}

/** A key at a time. */
export interface SignerQuery {
  key: Hex;
  /** Unix seconds. */
  time: number;
}

/** What the Federation says about a key at a time (`signerAt`). */
export interface SignerFacts {
  /** Organisation of the key (zero hash when unknown). */
  org: Hex;
  kind: OrgKindName;
  status: KeyStatusName;
}

/** A signature over a 32-byte digest whose signer is wanted. */
export interface RecoverQuery {
  digest: Hex;
  signature: Hex;
}

/** Read access to one Fontaine chain, batched; implementations may cache but must answer at `snapshot()`'s block. */
export interface ChainReader {
  /** Fix the block every later answer is read at and describe the chain; called once per verification, first. */
  snapshot(): Promise<ChainSnapshot>;
  /** Facts about lot ids (a map entry for every id asked). */
  lots(lotIds: readonly Hex[]): Promise<Map<Hex, LotFacts>>;
  /** Facts about single attestation uids (a map entry for every uid asked). */
  attestations(uids: readonly Hex[]): Promise<Map<Hex, AttestationFacts>>;
  /** Facts about batch leaves, in the order asked. */
  leaves(queries: readonly LeafQuery[]): Promise<LeafFacts[]>;
  /**
   * Facts about leaves of signed batches, in the order asked. Optional for readers written before signed batches:
   * verifying a bundle that discloses one with such a reader is a `ChainReadError`.
   */
  signedLeaves?(queries: readonly SignedLeafQuery[]): Promise<SignedLeafFacts[]>;
  /** What the Federation said about each key at each time, in the order asked. */
  signers(queries: readonly SignerQuery[]): Promise<SignerFacts[]>;
  /**
   * The address that signed each digest (ECDSA, 65 bytes, low s as the contracts require), null when the signature is
   * malformed. Answered by the node's `ecrecover` precompile in one JSON-RPC batch: recovering 150 signatures in
   * JavaScript takes longer than the whole verification budget.
   */
  recoverSigners(queries: readonly RecoverQuery[]): Promise<(Hex | null)[]>;
  /** Whether the contract wallet `signer` accepts `signature` over `digest` (ERC-1271); false for plain accounts. */
  isValidContractSignature(signer: Hex, digest: Hex, signature: Hex): Promise<boolean>;
}
