import { useContractAction, type ContractActor } from "../shared/wallet/contract-action";
import { callOf, maySend, refusalOf, type OrganisationAction } from "./organisation-actions";

export { isBusy, until } from "../shared/wallet/contract-action";

/** Who acts: the wallet's account and whether it governs the federation. */
export interface Actor extends ContractActor {
  isGovernor: boolean;
}

/**
 * One organisation-page action through the shared wallet change (web/shared/wallet/contract-action.ts): sent from the
 * wallet when the account may send it, otherwise prepared for the governors' multisig (checked as the governor first).
 */
export function useAction(actor: Actor | null) {
  const action = useContractAction(actor, refusalOf);

  function run(organisationAction: OrganisationAction, settled: () => Promise<boolean>): Promise<boolean> {
    if (!actor) return Promise.resolve(false);
    const call = callOf(organisationAction, actor.deployment.contracts);
    const mine = maySend(organisationAction, actor.address, actor.isGovernor);
    return action.run(call, settled, mine ? {} : { prepareFor: actor.deployment.governor });
  }

  return { state: action.state, run, reset: action.reset };
}
