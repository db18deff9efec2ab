import type { JobKind, RelayJob } from "../relayer/job-kinds";

/** Payload of a `lot-commit` job: the owner key's signed `Commit`. */
export interface LotCommitJobPayload {
  lotId: string;
  commitment: string;
  signer: string;
  nonce: string;
  deadline: string;
  signature: string;
}

const payloadOf = (job: RelayJob) => job.payload as unknown as LotCommitJobPayload;

/** Relays a signed lot commitment as `LotRegistry.commitBySig`. */
export const lotCommitJobKind: JobKind = {
  name: "lot-commit",
  // A used nonce means this very signature was already submitted (each prepare draws a fresh random nonce).
  alreadyDone: ["NonceAlreadyUsed"],
  deadline: (job) => Number(payloadOf(job).deadline),
  single(job, chain) {
    const p = payloadOf(job);
    return {
      to: chain.deployment.contracts.LotRegistry.address,
      data: chain.contracts.LotRegistry.interface.encodeFunctionData("commitBySig", [
        p.lotId,
        p.commitment,
        p.nonce,
        p.deadline,
        p.signer,
        p.signature,
      ]),
    };
  },
};
