import fs from "node:fs";
import path from "node:path";
import { HDNodeWallet, JsonRpcProvider, Mnemonic, NonceManager } from "ethers";
import { chainErrorMessage } from "../../sdk/chain";
import { assertSameChain, parseDeployment, type Deployment } from "../../sdk/deployment";
import { deployFontaine } from "../deploy/fontaine";
import { LOCAL_MNEMONIC } from "./chain-node";

/** Account indexes of the local development mnemonic used by the embedded stack. */
export const LOCAL_ACCOUNTS = { governor: 0, relayer: 1 } as const;

/** Wallet `index` of the local development mnemonic (never used on a real network). */
export function localWallet(index: number, provider?: JsonRpcProvider): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(LOCAL_MNEMONIC), `m/44'/60'/0'/0/${index}`).connect(
    provider ?? null,
  );
}

/**
 * Reads the deployment in `file` and checks it describes the chain behind `provider` (same chain id and
 * genesis, code present at every address); throws a clear error otherwise.
 */
async function deploymentOnChain(provider: JsonRpcProvider, file: string): Promise<Deployment> {
  const network = await provider.getNetwork();
  const genesis = await provider.getBlock(0);
  const existing = parseDeployment(JSON.parse(fs.readFileSync(file, "utf8")));
  assertSameChain(existing, { chainId: network.chainId, genesisHash: genesis?.hash ?? "" });
  const codes = await Promise.all(
    Object.values(existing.contracts).map((contract) => provider.getCode(contract.address)),
  );
  if (codes.some((code) => code === "0x")) {
    throw new Error(`${file} names contracts that are not on this chain; move the file away to deploy afresh`);
  }
  return existing;
}

/**
 * Deploys the contracts once per chain: reuses `file` when it describes this very chain (same chain
 * id and genesis, code present at every address), deploys and writes it otherwise.
 */
export async function ensureLocalDeployment(options: {
  rpcUrl: string;
  file: string;
  log: (line: string) => void;
}): Promise<Deployment & { created: boolean }> {
  const provider = new JsonRpcProvider(options.rpcUrl, undefined, { staticNetwork: true, polling: true });
  try {
    if (fs.existsSync(options.file)) return { ...(await deploymentOnChain(provider, options.file)), created: false };
    options.log("deploying the contracts…");
    const deployer = new NonceManager(localWallet(LOCAL_ACCOUNTS.governor, provider));
    const { deployment } = await deployFontaine(deployer, {
      network: "local",
      relayer: localWallet(LOCAL_ACCOUNTS.relayer).address,
    }).catch((error: unknown) => {
      throw new Error(
        `deploying the contracts failed: ${chainErrorMessage(error)} (if the contracts changed, \`npm run compile\` rebuilds them)`,
        { cause: error },
      );
    });
    fs.mkdirSync(path.dirname(options.file), { recursive: true });
    const temporary = `${options.file}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(deployment, null, 2) + "\n");
    fs.renameSync(temporary, options.file);
    return { ...deployment, created: true };
  } finally {
    provider.destroy();
  }
}

/**
 * An external chain (RPC_URL: a Besu network, a node run elsewhere) is never deployed to by `npm start`:
 * its deployment file (written by `npm run deploy -- --network <name>`) must exist and match the chain.
 */
export async function externalDeployment(options: { rpcUrl: string; file: string | undefined }): Promise<Deployment> {
  if (!options.file || !fs.existsSync(options.file)) {
    throw new Error(
      `RPC_URL points at an external chain, so npm start does not deploy: set DEPLOYMENT to its deployment file ` +
        `(npm run deploy -- --network <name> writes deployments/<name>.json)` +
        (options.file ? `; ${options.file} does not exist` : ""),
    );
  }
  const provider = new JsonRpcProvider(options.rpcUrl, undefined, { staticNetwork: true, polling: true });
  try {
    return await deploymentOnChain(provider, options.file);
  } catch (error) {
    throw new Error(`cannot use ${options.rpcUrl}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    provider.destroy();
  }
}
