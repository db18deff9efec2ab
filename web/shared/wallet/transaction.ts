import type { Interface } from "ethers";
import { checkAccount, checkNetwork, injectedWallet, walletProblemOf, WalletProblem } from "./wallet";

// Changes the person's own wallet sends to a contract (EIP-1193 `eth_sendTransaction`), for the few actions that
// have no signed-and-relayed form (key retirement, governance). The page simulates the call first with `eth_call`
// through the API's read-only proxy (`POST /v1/rpc`), sends it from the wallet, then follows it with
// `eth_getTransactionReceipt` asked of the wallet (the proxy does not forward receipts) until it is recorded.

/** Contract addresses and chain of the site, as `GET /v1/deployment` gives them (only what pages use). */
export interface SiteDeployment {
  chainId: number;
  governor: string;
  contracts: { Federation: { address: string }; AttestationRegistry: { address: string } };
}

/** A contract call: the contract's address and the ABI-encoded call data. */
export interface ContractCall {
  to: string;
  data: string;
}

/** What a simulated call answered: its return data, or the revert data (`0x` when the node gave none). */
export type CallOutcome = { ok: true; data: string } | { ok: false; revertData: string };

/** The outcome of a sent change once the chain has it. */
export interface Recorded {
  hash: string;
  blockNumber: number;
  /** False when the chain recorded the attempt but refused the change (nothing changed). */
  succeeded: boolean;
}

let deploymentPromise: Promise<SiteDeployment | null> | undefined;

/** The deployment the site runs against (fetched once per page; null when the API does not answer). */
export function siteDeployment(root: string): Promise<SiteDeployment | null> {
  deploymentPromise ??= fetch(new URL(`${root}v1/deployment`, window.location.href), {
    headers: { accept: "application/json" },
  })
    .then(async (response) => (response.ok ? ((await response.json()) as SiteDeployment) : null))
    .catch(() => null);
  const pending = deploymentPromise;
  void pending.then((deployment) => {
    if (!deployment && deploymentPromise === pending) deploymentPromise = undefined;
  });
  return pending;
}

let rpcId = 0;

/** One JSON-RPC call through the API's read-only proxy. Throws `WalletProblem("offline")` when nothing answers. */
export async function rpcRead<T>(
  root: string,
  method: string,
  params: unknown[],
): Promise<{ result?: T; error?: { code: number; message: string; data?: unknown } }> {
  let response: Response;
  try {
    response = await fetch(new URL(`${root}v1/rpc`, window.location.href), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method, params }),
    });
  } catch {
    throw new WalletProblem("offline");
  }
  if (!response.ok) throw new WalletProblem("offline");
  return (await response.json()) as { result?: T; error?: { code: number; message: string; data?: unknown } };
}

/** Simulates `call` from `from` at the latest block: what it would return, or the data it would revert with. */
export async function simulate(root: string, from: string, call: ContractCall): Promise<CallOutcome> {
  const answer = await rpcRead<string>(root, "eth_call", [{ from, to: call.to, data: call.data }, "latest"]);
  if (answer.error) {
    const data = answer.error.data;
    const revertData =
      typeof data === "string" && /^0x[0-9a-fA-F]*$/.test(data)
        ? data
        : typeof (data as { data?: unknown } | undefined)?.data === "string"
          ? (data as { data: string }).data
          : "0x";
    return { ok: false, revertData };
  }
  return { ok: true, data: answer.result ?? "0x" };
}

/** Sends `call` from the wallet's account `from` on chain `chainId`; resolves with the change's hash. */
export async function sendFromWallet(from: string, chainId: number, call: ContractCall): Promise<string> {
  const wallet = injectedWallet();
  if (!wallet) throw new WalletProblem("noWallet");
  await checkAccount(from);
  await checkNetwork(chainId);
  try {
    const hash = await wallet.request({
      method: "eth_sendTransaction",
      params: [{ from, to: call.to, data: call.data }],
    });
    if (typeof hash !== "string") throw new WalletProblem("failed");
    return hash;
  } catch (error) {
    throw walletProblemOf(error);
  }
}

/**
 * Waits until the chain has recorded the change `hash` (receipts asked of the wallet every `intervalMs`).
 * Gives up with `WalletProblem("failed")` after `timeoutMs`.
 */
export async function waitUntilRecorded(
  hash: string,
  options: { intervalMs?: number; timeoutMs?: number } = {},
): Promise<Recorded> {
  const wallet = injectedWallet();
  if (!wallet) throw new WalletProblem("noWallet");
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  for (;;) {
    const receipt = (await wallet
      .request({ method: "eth_getTransactionReceipt", params: [hash] })
      // A wallet that momentarily cannot reach its node: ask again.
      .catch(() => null)) as { status?: string; blockNumber?: string } | null;
    if (receipt?.blockNumber) {
      return { hash, blockNumber: Number(BigInt(receipt.blockNumber)), succeeded: receipt.status === "0x1" };
    }
    if (Date.now() > deadline) throw new WalletProblem("failed");
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
  }
}

/**
 * Reads the revert data of a simulated call as a page's refusal: the custom error's name, decoded against the ABI of
 * each contract in turn (never string-matched), looked up in `byError`; anything else is "unknown".
 */
export function refusalFrom<Refusal extends string>(
  revertData: string,
  contracts: readonly Interface[],
  byError: Readonly<Record<string, Refusal>>,
): Refusal | "unknown" {
  for (const contract of contracts) {
    try {
      const error = contract.parseError(revertData);
      if (error) return Object.prototype.hasOwnProperty.call(byError, error.name) ? byError[error.name]! : "unknown";
    } catch {
      // not one of this contract's errors
    }
  }
  return "unknown";
}
