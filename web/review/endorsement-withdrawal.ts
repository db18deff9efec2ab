// Pure logic of withdrawing an endorsement from the review page: the contract has no signed-and-relayed form of
// `withdrawEndorsement`, so the certifier's wallet sends it itself (web/shared/wallet/contract-action.ts). Tested in
// test/web/review-lists.test.ts, its ABI fragments against the compiled contract.
import { Interface } from "ethers";
import { reasonCode } from "../../sdk/hashing";
import type { MessageKey } from "../shared/i18n/i18n";
import { refusalFrom, type ContractCall } from "../shared/wallet/transaction";
import type { RevocationReason } from "./review-lists";

/** The AttestationRegistry function and errors of a withdrawal (checked against the compiled ABI by the unit test). */
export const ENDORSEMENT_FRAGMENTS = [
  "function withdrawEndorsement(bytes32 uid, bytes32 reason)",
  "error NotEndorsed(bytes32 uid)",
  "error NotEndorser(bytes32 uid, bytes32 org)",
  "error KeyNotUsable(address key, uint8 status)",
] as const;

export const endorsementInterface = new Interface(ENDORSEMENT_FRAGMENTS);

/** `AttestationRegistry.withdrawEndorsement(uid, reason)` at `registry`. */
export function withdrawEndorsementCall(registry: string, uid: string, reason: RevocationReason): ContractCall {
  return {
    to: registry,
    data: endorsementInterface.encodeFunctionData("withdrawEndorsement", [uid, reasonCode(reason)]),
  };
}

/** Why the chain would refuse a withdrawal, each with its sentence (`review.endorsements.refused.<refusal>`). */
export const ENDORSEMENT_REFUSALS = ["notEndorsed", "notEndorser", "keyNotUsable", "unknown"] as const;
export type EndorsementRefusal = (typeof ENDORSEMENT_REFUSALS)[number];

const refusalOfError: Record<string, EndorsementRefusal> = {
  NotEndorsed: "notEndorsed",
  NotEndorser: "notEndorser",
  KeyNotUsable: "keyNotUsable",
};

/** Reads the revert data of a simulated withdrawal as a refusal. */
export function endorsementRefusalOf(revertData: string): EndorsementRefusal {
  return refusalFrom(revertData, [endorsementInterface], refusalOfError);
}

/** The page's sentence for a refusal. */
export function endorsementRefusalKey(refusal: EndorsementRefusal): MessageKey {
  return `review.endorsements.refused.${refusal}`;
}
