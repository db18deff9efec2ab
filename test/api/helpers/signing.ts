import type { HDNodeWallet, Wallet } from "ethers";
import { EIP712_TYPES, type PrimaryType, type TypedData } from "../../../sdk/eip712";

/** Signs typed data as a wallet's `eth_signTypedData_v4` would. */
export function signTyped<P extends PrimaryType>(wallet: HDNodeWallet | Wallet, typed: TypedData<P>): Promise<string> {
  const types = { [typed.primaryType]: [...EIP712_TYPES[typed.primaryType]] };
  return wallet.signTypedData(typed.domain, types, typed.message as unknown as Record<string, unknown>);
}
