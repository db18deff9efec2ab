import fs from "node:fs";
import path from "node:path";
import { Contract, FetchRequest, Interface, JsonRpcProvider, type InterfaceAbi } from "ethers";
import { ConfigError } from "../../sdk/server";
import { parseDeployment, type ContractName, type Deployment } from "../../sdk/deployment";
import { BlockCache } from "./block-cache";
import { createCallBatcher, type CallBatcher } from "./call-batcher";

/** The API's view of the chain: one provider, the deployment, and bound contracts. */
export interface Chain {
  provider: JsonRpcProvider;
  deployment: Deployment;
  chainId: number;
  interfaces: Record<ContractName, Interface>;
  contracts: Record<ContractName, Contract>;
  /** Reads cached until the next block. */
  cache: BlockCache;
  /** `eth_call`s of the same instant sent as one JSON-RPC batch (reads that cannot be cached). */
  calls: CallBatcher;
  close(): void;
}

const ARTIFACTS = path.join(__dirname, "..", "..", "artifacts", "contracts");

function readAbi(name: ContractName): InterfaceAbi {
  // The implementation's ABI includes the shared errors it reverts with; the interface is the fallback.
  for (const file of [
    path.join(ARTIFACTS, `${name}.sol`, `${name}.json`),
    path.join(ARTIFACTS, "interfaces", `I${name}.sol`, `I${name}.json`),
  ]) {
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, "utf8")) as { abi: InterfaceAbi }).abi;
  }
  throw new ConfigError(`no ABI for ${name}: run \`npm run compile\` first`);
}

/** The contract interfaces from the compiled artifacts. */
export function loadInterfaces(): Record<ContractName, Interface> {
  return {
    Federation: new Interface(readAbi("Federation")),
    AttestationRegistry: new Interface(readAbi("AttestationRegistry")),
    LotRegistry: new Interface(readAbi("LotRegistry")),
  };
}

/** Reads and validates `deployments/<network>.json`. */
export function readDeploymentFile(file: string): Deployment {
  if (!fs.existsSync(file)) {
    throw new ConfigError(`deployment file ${file} not found: deploy first (npm run deploy) or set DEPLOYMENT`);
  }
  try {
    return parseDeployment(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch (error) {
    throw new ConfigError(`deployment file ${file} is invalid: ${(error as Error).message}`);
  }
}

/** Connects to the node at `rpcUrl` for `deployment` (no network call until used). */
export function createChain(options: { rpcUrl: string; deployment: Deployment; timeoutMs?: number }): Chain {
  const request = new FetchRequest(options.rpcUrl);
  request.timeout = options.timeoutMs ?? 10_000;
  const provider = new JsonRpcProvider(request, options.deployment.chainId, {
    staticNetwork: true,
    batchMaxCount: 1,
    polling: false,
    // No 250 ms memo of identical requests: a block read right after a reorg must not answer the old block
    // (reads that may be cached are cached per block by `cache` below).
    cacheTimeout: -1,
  });
  const interfaces = loadInterfaces();
  const contracts = {
    Federation: new Contract(options.deployment.contracts.Federation.address, interfaces.Federation, provider),
    AttestationRegistry: new Contract(
      options.deployment.contracts.AttestationRegistry.address,
      interfaces.AttestationRegistry,
      provider,
    ),
    LotRegistry: new Contract(options.deployment.contracts.LotRegistry.address, interfaces.LotRegistry, provider),
  };
  return {
    provider,
    deployment: options.deployment,
    chainId: options.deployment.chainId,
    interfaces,
    contracts,
    cache: new BlockCache(provider),
    calls: createCallBatcher(provider),
    close: () => provider.destroy(),
  };
}
