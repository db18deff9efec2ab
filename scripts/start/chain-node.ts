import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** Chain id of the embedded local chain; every environment has its own (hardhat tests use 31337). */
export const LOCAL_CHAIN_ID = 31415;

/** Mnemonic of the embedded local chain's funded development accounts (never for real networks). */
export const LOCAL_MNEMONIC = "test test test test test test test test test test test junk";

export interface ChainNode {
  url: string;
  chainId: number;
  process: ChildProcess;
  /** Saves the state (anvil dumps on SIGTERM) and stops the node. */
  stop(): Promise<void>;
}

/**
 * Path of the anvil binary shipped by the npm package `@foundry-rs/anvil` (its platform package),
 * run directly so that signals reach anvil itself and it saves its state on exit.
 */
export function anvilBinary(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${arch}`;
  try {
    return path.join(path.dirname(require.resolve(`${platformPackage}/package.json`)), "bin", "anvil");
  } catch {
    throw new Error(`no anvil binary for ${process.platform}/${process.arch}: ${platformPackage} is not installed`);
  }
}

/**
 * Starts a persistent local EVM node (anvil) on loopback; its state lives in `<dataDir>/chain`,
 * is saved every `saveIntervalSeconds` and on exit, and is loaded again on the next start.
 */
export async function startChainNode(options: {
  dataDir: string;
  port: number;
  saveIntervalSeconds?: number;
  onOutput?: (line: string) => void;
}): Promise<ChainNode> {
  const folder = path.join(options.dataDir, "chain");
  fs.mkdirSync(folder, { recursive: true });
  const child = spawn(
    anvilBinary(),
    [
      "--host",
      "127.0.0.1",
      "--port",
      String(options.port),
      "--chain-id",
      String(LOCAL_CHAIN_ID),
      "--mnemonic",
      LOCAL_MNEMONIC,
      "--state",
      path.join(folder, "state.json"),
      "--state-interval",
      String(options.saveIntervalSeconds ?? 5),
      "--preserve-historical-states",
      "--silent",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) options.onOutput?.(line);
  };
  child.stdout.on("data", relay);
  child.stderr.on("data", relay);
  const url = `http://127.0.0.1:${options.port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`the local chain node exited (code ${code})`))),
  );
  exited.catch(() => undefined);
  await Promise.race([waitForRpc(url, 30_000), exited]);
  return {
    url,
    chainId: LOCAL_CHAIN_ID,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 8_000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** Resolves once `eth_chainId` answers at `url`. */
export async function waitForRpc(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        signal: AbortSignal.timeout(1_000),
      });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`the chain node at ${url} did not answer within ${timeoutMs} ms`);
}
