import type { Chain } from "../chain/chain";
import type { AttestMessage } from "../../sdk/eip712";
import { batchProofs } from "../../sdk/merkle";
import { keccak256Hex } from "../chain/keccak";

/** A job as the relayer sees it. */
export interface RelayJob {
  id: number;
  kind: string;
  uid: string;
  organisationId: string;
  payload: Record<string, unknown>;
}

/** A call to send on chain. */
export interface ChainCall {
  to: string;
  data: string;
}

/** One Merkle leaf row to store with its batch. */
export interface LeafRow {
  uid: string;
  root: string;
  leafHash: string;
  attestDigest: string;
  proof: string[];
  schemaId: string;
  subject: string;
  digest: string;
  attesterId: string;
  signer: string;
  expiry: string;
  expiresAt: number;
  refUid: string | null;
  nonce: string;
  deadline: string;
  signature: string;
}

/**
 * How the relayer handles one kind of signed payload. New kinds (lot commitments…) register here
 * without touching the relayer loop.
 */
export interface JobKind {
  name: string;
  /** The transaction that submits one job alone. */
  single(job: RelayJob, chain: Chain): ChainCall;
  /** Custom errors meaning "already done on chain" (someone else submitted it first): success. */
  alreadyDone: string[];
  /** Unix time after which the signature can no longer be submitted. */
  deadline(job: RelayJob): number;
  /** Kinds that can be anchored many at once as one Merkle root. */
  batch?(jobs: RelayJob[], chain: Chain): { call: ChainCall; root: string; leaves: LeafRow[] };
}

/** Payload of an `attest` job: the signed message, its signer and signature. */
export interface AttestJobPayload {
  message: AttestMessage;
  signer: string;
  signature: string;
  /** EIP-712 digest of the signed message. */
  attestDigest: string;
  attesterId: string;
  /** Effective expiry (schema default applied), 0 = never. */
  expiresAt: number;
}

/** Payload of `endorse` and `revoke` jobs. */
export interface SignedActionPayload {
  uid: string;
  reason?: string;
  nonce: string;
  deadline: string;
  signer: string;
  signature: string;
}

const attestKind: JobKind = {
  name: "attest",
  alreadyDone: ["AlreadyAttested"],
  deadline: (job) => Number((job.payload as unknown as AttestJobPayload).message.deadline),
  single(job, chain) {
    const { message, signer, signature } = job.payload as unknown as AttestJobPayload;
    const registry = chain.contracts.AttestationRegistry;
    return {
      to: chain.deployment.contracts.AttestationRegistry.address,
      data: registry.interface.encodeFunctionData("attestBySig", [
        [message.schema, message.subject, message.digest, message.expiry, message.ref, message.nonce],
        signer,
        message.deadline,
        signature,
      ]),
    };
  },
  batch(jobs, chain) {
    const payloads = jobs.map((job) => job.payload as unknown as AttestJobPayload);
    // One pass over the tree (no per-leaf re-encoding); the uid was computed and stored when the job was accepted.
    const tree = batchProofs(
      payloads.map((p) => ({ attestDigest: p.attestDigest, signer: p.signer })),
      keccak256Hex,
    );
    const root = tree.root;
    const leaves = payloads.map((p, index) => {
      const m = p.message;
      return {
        uid: jobs[index]!.uid,
        root,
        leafHash: tree.leaves[index]!.leafHash,
        attestDigest: p.attestDigest,
        proof: tree.leaves[index]!.proof,
        schemaId: m.schema,
        subject: m.subject,
        digest: m.digest,
        attesterId: p.attesterId,
        signer: p.signer,
        expiry: m.expiry,
        expiresAt: p.expiresAt,
        refUid: /^0x0+$/.test(m.ref) ? null : m.ref,
        nonce: m.nonce,
        deadline: m.deadline,
        signature: p.signature,
      };
    });
    return {
      root,
      leaves,
      call: {
        to: chain.deployment.contracts.AttestationRegistry.address,
        data: chain.contracts.AttestationRegistry.interface.encodeFunctionData("anchorBatch", [root, jobs.length]),
      },
    };
  },
};

const endorseKind: JobKind = {
  name: "endorse",
  alreadyDone: ["AlreadyEndorsed"],
  deadline: (job) => Number((job.payload as unknown as SignedActionPayload).deadline),
  single(job, chain) {
    const p = job.payload as unknown as SignedActionPayload;
    return {
      to: chain.deployment.contracts.AttestationRegistry.address,
      data: chain.contracts.AttestationRegistry.interface.encodeFunctionData("endorseBySig", [
        p.uid,
        p.nonce,
        p.deadline,
        p.signer,
        p.signature,
      ]),
    };
  },
};

const revokeKind: JobKind = {
  name: "revoke",
  alreadyDone: ["AlreadyRevoked"],
  deadline: (job) => Number((job.payload as unknown as SignedActionPayload).deadline),
  single(job, chain) {
    const p = job.payload as unknown as SignedActionPayload;
    return {
      to: chain.deployment.contracts.AttestationRegistry.address,
      data: chain.contracts.AttestationRegistry.interface.encodeFunctionData("revokeBySig", [
        p.uid,
        p.reason,
        p.nonce,
        p.deadline,
        p.signer,
        p.signature,
      ]),
    };
  },
};

/** The job kinds the relayer knows, by name; extend with `registerJobKind`. */
export function defaultJobKinds(): Map<string, JobKind> {
  return new Map([attestKind, endorseKind, revokeKind].map((kind) => [kind.name, kind]));
}
