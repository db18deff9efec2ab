import { useState } from "preact/hooks";
import { WalletProblem, walletProblemOf } from "./wallet";
import { sendFromWallet, simulate, waitUntilRecorded, type ContractCall, type SiteDeployment } from "./transaction";

// One change the wallet sends itself, as the pages follow it: checked first (a refusal is explained before the wallet
// opens), signed in the wallet, recorded, then shown by the API. Used by the organisation page (keys, governance) and
// the review page (withdrawing an endorsement).

/** Where one change stands; `Refusal` names why the chain would refuse it (each page has its own words). */
export type ContractActionState<Refusal extends string = string> =
  | { phase: "idle" }
  | { phase: "checking" }
  | { phase: "signing" }
  | { phase: "recording" }
  | { phase: "updating" }
  | { phase: "done"; shown: boolean }
  | { phase: "prepared"; call: ContractCall; governor: string }
  | { phase: "refused"; refusal: Refusal }
  | { phase: "failed" }
  | { phase: "walletProblem"; problem: WalletProblem };

/** Who sends: the wallet's account, the site's deployment and the way back to the site root. */
export interface ContractActor {
  address: string;
  deployment: SiteDeployment;
  root: string;
}

/** Whether a change is under way (forms are locked meanwhile). */
export function isBusy(state: ContractActionState): boolean {
  return ["checking", "signing", "recording", "updating"].includes(state.phase);
}

/**
 * One change's life: simulated first, then sent from the wallet and followed until recorded, then `settled()` waits
 * until the API shows it (false: recorded, but the API did not show it in time — the page says so). With
 * `prepareFor` (the governors' account), the account may not send it itself: the call is checked as that account and
 * prepared for the governors' multisig instead, unless the chain would refuse it for another reason than permission. `refusalOf` reads revert data; it must answer "notAllowed" for a missing permission.
 */
export function useContractAction<Refusal extends string>(
  actor: ContractActor | null,
  refusalOf: (revertData: string) => Refusal,
) {
  const [state, setState] = useState<ContractActionState<Refusal>>({ phase: "idle" });

  async function run(
    call: ContractCall,
    settled: () => Promise<boolean>,
    options: { prepareFor?: string } = {},
  ): Promise<boolean> {
    if (!actor) return false;
    setState({ phase: "checking" });
    try {
      if (options.prepareFor) {
        const asGovernor = await simulate(actor.root, options.prepareFor, call);
        const refusal = asGovernor.ok ? null : refusalOf(asGovernor.revertData);
        setState(
          refusal && refusal !== "notAllowed"
            ? { phase: "refused", refusal }
            : { phase: "prepared", call, governor: options.prepareFor },
        );
        return false;
      }
      const simulated = await simulate(actor.root, actor.address, call);
      if (!simulated.ok) {
        setState({ phase: "refused", refusal: refusalOf(simulated.revertData) });
        return false;
      }
      setState({ phase: "signing" });
      const hash = await sendFromWallet(actor.address, actor.deployment.chainId, call);
      setState({ phase: "recording" });
      const recorded = await waitUntilRecorded(hash);
      if (!recorded.succeeded) {
        setState({ phase: "failed" });
        return false;
      }
      setState({ phase: "updating" });
      setState({ phase: "done", shown: await settled() });
      return true;
    } catch (error) {
      setState({ phase: "walletProblem", problem: walletProblemOf(error) });
      return false;
    }
  }

  return { state, run, reset: () => setState({ phase: "idle" }) };
}

/** Asks `check` every `intervalMs` until it answers true; false once `timeoutMs` passed without it. */
export async function until(check: () => Promise<boolean>, timeoutMs = 60_000, intervalMs = 1000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return true;
    } catch {
      // the API did not answer this time: ask again
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return false;
}
