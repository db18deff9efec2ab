/** `npm run chain`: the persistent local EVM node alone, on RPC_PORT with state in DATA_DIR. */
import { lockDataFolder } from "../../sdk/server";
import { loadStartOptions } from "./options";
import { startChainNode } from "./chain-node";
import { takenPorts } from "./ports";

async function main(): Promise<void> {
  const options = loadStartOptions(process.env, []);
  const taken = await takenPorts({ RPC_PORT: options.rpcPort });
  if (taken.length > 0) throw new Error(taken.join("\n"));
  const lock = lockDataFolder(options.dataDir, "chain");
  const node = await startChainNode({ dataDir: options.dataDir, port: options.rpcPort });
  console.log(`local chain ready at ${node.url} (chain id ${node.chainId}), state in ${options.dataDir}/chain`);
  const stop = async () => {
    await node.stop();
    lock.release();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  node.process.once("exit", (code) => {
    lock.release();
    process.exit(code ?? 1);
  });
}

main().catch((error: unknown) => {
  console.error(`fontaine chain: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
