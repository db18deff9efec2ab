import type { JobKind, RelayJob } from "../relayer/job-kinds";

/** Job kind of a signed batch; its job `uid` is the batch's Merkle root (one job per root). */
export const SIGNED_BATCH_JOB = "signed-batch";

/** Payload of a `signed-batch` job: the organisation key's one `SignedBatch` signature over the root. */
export interface SignedBatchJobPayload {
  root: string;
  count: string;
  nonce: string;
  deadline: string;
  signer: string;
  signature: string;
  /** Schema of every leaf. */
  schema: string;
  /** Organisation of the signer when the batch was accepted. */
  attesterId: string;
}

const payloadOf = (job: RelayJob) => job.payload as unknown as SignedBatchJobPayload;

/** Relays a signed batch as `AttestationRegistry.anchorSignedBatch` (anyone may submit it). */
export const signedBatchJobKind: JobKind = {
  name: SIGNED_BATCH_JOB,
  // The root is anchored already: someone else submitted this very signature first (a root names its signer).
  alreadyDone: ["BatchExists"],
  deadline: (job) => Number(payloadOf(job).deadline),
  single(job, chain) {
    const p = payloadOf(job);
    return {
      to: chain.deployment.contracts.AttestationRegistry.address,
      data: chain.contracts.AttestationRegistry.interface.encodeFunctionData("anchorSignedBatch", [
        p.root,
        p.count,
        p.signer,
        p.nonce,
        p.deadline,
        p.signature,
      ]),
    };
  },
};
