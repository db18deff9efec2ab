import type { JobKind, RelayJob } from "../relayer/job-kinds";

/** Payload of a `lot-flag` job: the owner key's signed `Flag` (recall or dispute) and the private note. */
export interface LotFlagJobPayload {
  lotId: string;
  /** The bytes32 reason code that was signed. */
  reason: string;
  signer: string;
  nonce: string;
  deadline: string;
  signature: string;
  /** Private note of the owner (never sent on chain). */
  note: string | null;
}

const payloadOf = (job: RelayJob) => job.payload as unknown as LotFlagJobPayload;

/** Relays a signed lot flag as `LotRegistry.flagBySig`. */
export const lotFlagJobKind: JobKind = {
  name: "lot-flag",
  // A used nonce means this very signature was already submitted (each prepare draws a fresh random nonce).
  alreadyDone: ["NonceAlreadyUsed"],
  deadline: (job) => Number(payloadOf(job).deadline),
  single(job, chain) {
    const p = payloadOf(job);
    return {
      to: chain.deployment.contracts.LotRegistry.address,
      data: chain.contracts.LotRegistry.interface.encodeFunctionData("flagBySig", [
        p.lotId,
        p.reason,
        p.nonce,
        p.deadline,
        p.signer,
        p.signature,
      ]),
    };
  },
};
