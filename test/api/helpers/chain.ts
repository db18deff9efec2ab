import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { HDNodeWallet, JsonRpcProvider, NonceManager, Wallet, ZeroHash, type TransactionResponse } from "ethers";
import { mined } from "../../../sdk/chain";
import { deployFontaine, type FontaineDeployment } from "../../../scripts/deploy/fontaine";
import { anvilBinary } from "../../../scripts/start/chain-node";
import { newLotId, randomBytes32, schemaDefinitionBytes, schemaId } from "../../../sdk/hashing";
import { AttestationPolicy, OrgKind } from "../../../sdk/status";
import { DEV_MNEMONIC } from "../../../api/config";

/** A free loopback TCP port (other suites run concurrently: never a fixed port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** A real anvil node over JSON-RPC. */
export interface AnvilNode {
  url: string;
  port: number;
  chainId: number;
  process: ChildProcess;
  provider: JsonRpcProvider;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

/** Starts anvil on a free port (instant mining unless `blockTime` is given). */
export async function startAnvil(options: { chainId?: number; args?: string[] } = {}): Promise<AnvilNode> {
  const port = await freePort();
  const chainId = options.chainId ?? 31_999;
  const child = spawn(
    anvilBinary(),
    [
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--chain-id",
      String(chainId),
      "--mnemonic",
      DEV_MNEMONIC,
      "--silent",
      // Coverage runs of other suites may leave instrumented (oversized) artifacts behind for a while.
      "--disable-code-size-limit",
      "--gas-limit",
      "1000000000",
      ...(options.args ?? []),
    ],
    { stdio: "ignore" },
  );
  const url = `http://127.0.0.1:${port}`;
  // No memoised answers (ethers keeps identical reads for 250 ms by default): tests read the chain right after
  // changing it (a reorg, a revert), and a remembered "latest" block from before the change fails them at random.
  const provider = new JsonRpcProvider(url, chainId, {
    staticNetwork: true,
    polling: false,
    batchMaxCount: 1,
    cacheTimeout: -1,
  });
  provider.pollingInterval = 50;
  for (let attempt = 0; ; attempt++) {
    try {
      await provider.getBlockNumber();
      break;
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    port,
    chainId,
    process: child,
    provider,
    rpc: (method, params = []) => provider.send(method, params),
    stop: async () => {
      provider.destroy();
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      });
    },
  };
}

/** Development account `index` of the dev mnemonic, connected to `provider`. */
export function devAccount(index: number, provider: JsonRpcProvider): HDNodeWallet {
  return HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).connect(provider);
}

/** Account index the API's relayer uses by default (see api/config.ts). */
export const RELAYER_ACCOUNT = 9;

/** A seeded federation: organisations with keys, schemas, an accreditation. */
export interface Federation {
  fontaine: FontaineDeployment;
  governor: NonceManager;
  supplier: { id: string; key: HDNodeWallet };
  otherSupplier: { id: string; key: HDNodeWallet };
  certifier: { id: string; key: HDNodeWallet };
  member: { id: string; key: HDNodeWallet };
  selfSchema: string;
  certifiedSchema: string;
}

/** Deploys Fontaine on `node` (relayer role to the API's dev relayer) and seeds a small federation. */
export async function deployFederation(node: AnvilNode): Promise<Federation> {
  const governor = new NonceManager(devAccount(0, node.provider));
  const fontaine = await deployFontaine(governor, {
    network: "api-test",
    relayer: devAccount(RELAYER_ACCOUNT, node.provider).address,
  });
  const wait = async (pending: Promise<TransactionResponse>) => {
    await mined(pending);
  };
  const federation = fontaine.federation.connect(governor);
  const registry = fontaine.attestationRegistry.connect(governor);
  const organisation = async (kind: number, keyIndex: number) => {
    const id = randomBytes32();
    await wait(federation.admit(id, kind, randomBytes32()));
    const key = devAccount(keyIndex, node.provider);
    await wait(federation.addKey(id, key.address));
    return { id: id.toLowerCase(), key };
  };
  const supplier = await organisation(OrgKind.SUPPLIER, 1);
  const certifier = await organisation(OrgKind.CERTIFIER, 2);
  const member = await organisation(OrgKind.MEMBER, 3);
  const otherSupplier = await organisation(OrgKind.SUPPLIER, 4);
  const selfDefinition = {
    name: "child-labour-due-diligence",
    labels: { fr: "Diligence", nl: "Zorgvuldigheid", en: "Due diligence" },
    nonce: newLotId(),
  };
  const certifiedDefinition = {
    name: "social-audit",
    labels: { fr: "Audit social", nl: "Sociale audit", en: "Social audit" },
    nonce: newLotId(),
  };
  await wait(registry.registerSchema(schemaDefinitionBytes(selfDefinition), AttestationPolicy.SELF_DECLARATION, 0));
  await wait(
    registry.registerSchema(schemaDefinitionBytes(certifiedDefinition), AttestationPolicy.ACCREDITED_CERTIFIER, 0),
  );
  const selfSchema = schemaId(selfDefinition).toLowerCase();
  const certifiedSchema = schemaId(certifiedDefinition).toLowerCase();
  const latest = await node.provider.getBlock("latest");
  const yearAhead = (latest?.timestamp ?? 0) + 365 * 86400;
  await wait(federation.accredit(certifier.id, certifiedSchema, yearAhead));
  // Endorsing a self-declared claim also needs an accreditation for its schema.
  await wait(federation.accredit(certifier.id, selfSchema, yearAhead));
  return { fontaine, governor, supplier, otherSupplier, certifier, member, selfSchema, certifiedSchema };
}

export { Wallet, ZeroHash };
