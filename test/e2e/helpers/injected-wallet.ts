import type { BrowserContext } from "playwright-core";
import { getBytes, JsonRpcProvider, Wallet, type HDNodeWallet } from "ethers";

/** How the injected wallet behaves; a test changes it between steps. */
export interface InjectedWalletControl {
  /** The key that really signs (a test private key held in the test process). */
  wallet: HDNodeWallet | Wallet;
  /** The network the wallet says it is on. */
  chainId: number;
  /** Methods the person "declines" (EIP-1193 error 4001). */
  reject: Set<string>;
  /** Every request the page made, in order. */
  calls: string[];
  /**
   * The test chain's JSON-RPC URL: when set, `eth_sendTransaction` signs with the key and sends to this node, and
   * `eth_getTransactionReceipt` reads from it (without it both are unsupported, as before).
   */
  rpcUrl?: string;
}

/** The injected wallet's control, plus what a person does in their wallet's own window. */
export interface InjectedWallet extends InjectedWalletControl {
  /**
   * Switches the account the wallet uses to `wallet`'s key and, unless `silent`, tells every open page of the context
   * (`accountsChanged`, as MetaMask does). Silent models a wallet that changed account without the page hearing it.
   */
  switchAccount(wallet: HDNodeWallet | Wallet, options?: { silent?: boolean }): Promise<void>;
  /** Switches the wallet's network and, unless `silent`, emits `chainChanged` (hex chain id) to every open page. */
  switchChain(chainId: number, options?: { silent?: boolean }): Promise<void>;
  /** Emits an EIP-1193 event with `payload` to the listeners of every open page of the context. */
  emit(event: string, payload: unknown): Promise<void>;
}

/** Runs `use` with a provider of the test chain, destroyed afterwards (nothing left polling after the test). */
async function withProvider<T>(url: string, use: (provider: JsonRpcProvider) => Promise<T>): Promise<T> {
  const provider = new JsonRpcProvider(url, undefined, { batchMaxCount: 1, polling: false, staticNetwork: true });
  try {
    return await use(provider);
  } finally {
    provider.destroy();
  }
}

/**
 * Injects an EIP-1193 `window.ethereum` into every page of `context`, bridged to an ethers wallet in the test
 * process: `eth_requestAccounts`, `personal_sign` and `eth_signTypedData_v4` really sign with its key; with
 * `rpcUrl`, `eth_sendTransaction` really signs and sends to the test chain. The page's `window.ethereum.on` /
 * `removeListener` hear the events the test emits (`switchAccount`, `switchChain`, `emit`).
 */
export async function injectWallet(
  context: BrowserContext,
  initial: Omit<InjectedWalletControl, "reject" | "calls">,
): Promise<InjectedWallet> {
  const emit = async (event: string, payload: unknown) => {
    for (const page of context.pages()) {
      if (page.isClosed()) continue;
      await page.evaluate(
        ([name, value]) =>
          (window as unknown as { __fontaineWalletEmit?: (e: string, p: unknown) => void }).__fontaineWalletEmit?.(
            name as string,
            value,
          ),
        [event, payload] as const,
      );
    }
  };
  const control: InjectedWallet = {
    ...initial,
    reject: new Set(),
    calls: [],
    emit,
    async switchAccount(wallet, options = {}) {
      control.wallet = wallet;
      if (!options.silent) await emit("accountsChanged", [wallet.address.toLowerCase()]);
    },
    async switchChain(chainId, options = {}) {
      control.chainId = chainId;
      if (!options.silent) await emit("chainChanged", `0x${chainId.toString(16)}`);
    },
  };
  await context.exposeFunction("__fontaineWalletRequest", async (method: string, params: unknown[]) => {
    control.calls.push(method);
    if (control.reject.has(method)) return { error: { code: 4001, message: "User rejected the request." } };
    const address = control.wallet.address;
    switch (method) {
      case "eth_requestAccounts":
      case "eth_accounts":
        return { result: [address.toLowerCase()] };
      case "eth_chainId":
        return { result: `0x${control.chainId.toString(16)}` };
      case "personal_sign": {
        const [message, from] = params as [string, string];
        if (from.toLowerCase() !== address.toLowerCase()) return { error: { code: 4100, message: "unknown account" } };
        return { result: await control.wallet.signMessage(getBytes(message)) };
      }
      case "eth_signTypedData_v4": {
        const [from, json] = params as [string, string];
        if (from.toLowerCase() !== address.toLowerCase()) return { error: { code: 4100, message: "unknown account" } };
        const typed = JSON.parse(json) as {
          domain: Record<string, unknown>;
          types: Record<string, { name: string; type: string }[]>;
          message: Record<string, unknown>;
        };
        const { EIP712Domain: _domain, ...types } = typed.types;
        return { result: await control.wallet.signTypedData(typed.domain, types, typed.message) };
      }
      case "eth_sendTransaction": {
        if (!control.rpcUrl) return { error: { code: 4200, message: `unsupported method ${method}` } };
        const [request] = params as [{ from: string; to: string; data?: string; value?: string }];
        if (request.from.toLowerCase() !== address.toLowerCase()) {
          return { error: { code: 4100, message: "unknown account" } };
        }
        try {
          const hash = await withProvider(control.rpcUrl, async (provider) => {
            const sent = await control.wallet.connect(provider).sendTransaction({
              to: request.to,
              data: request.data,
              value: request.value ? BigInt(request.value) : 0n,
            });
            return sent.hash;
          });
          return { result: hash };
        } catch (error) {
          // What a wallet answers when the node refuses the transaction (e.g. it would revert).
          return { error: { code: -32603, message: (error as Error).message.slice(0, 300) } };
        }
      }
      case "eth_getTransactionReceipt": {
        if (!control.rpcUrl) return { error: { code: 4200, message: `unsupported method ${method}` } };
        return { result: await withProvider(control.rpcUrl, (provider) => provider.send(method, params)) };
      }
      default:
        return { error: { code: 4200, message: `unsupported method ${method}` } };
    }
  });
  await context.addInitScript(() => {
    const bridge = (window as unknown as { __fontaineWalletRequest: (m: string, p: unknown[]) => Promise<unknown> })
      .__fontaineWalletRequest;
    const listeners = new Map<string, Set<(payload: unknown) => void>>();
    (window as unknown as { __fontaineWalletEmit: (event: string, payload: unknown) => void }).__fontaineWalletEmit = (
      event,
      payload,
    ) => {
      for (const listener of [...(listeners.get(event) ?? [])]) listener(payload);
    };
    (window as unknown as { ethereum: unknown }).ethereum = {
      isMetaMask: false,
      on(event: string, listener: (payload: unknown) => void) {
        if (!listeners.has(event)) listeners.set(event, new Set());
        listeners.get(event)!.add(listener);
        return this;
      },
      removeListener(event: string, listener: (payload: unknown) => void) {
        listeners.get(event)?.delete(listener);
        return this;
      },
      async request({ method, params }: { method: string; params?: unknown[] }) {
        const answer = (await bridge(method, params ?? [])) as {
          result?: unknown;
          error?: { code: number; message: string };
        };
        if (answer.error) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
        return answer.result;
      },
    };
  });
  return control;
}
