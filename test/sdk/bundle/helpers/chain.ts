/**
 * A real Fontaine chain for bundle tests, benchmarks and vector generation: anvil over JSON-RPC on a free port, the
 * contracts deployed with `deployFontaine`, organisations with random keys (they never hold ether: the relayer submits
 * everything with their signatures, as in production), and helpers that commit lots and anchor attestations.
 */
import { mined } from "../../../../sdk/chain";
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { HDNodeWallet, JsonRpcProvider, NonceManager, Wallet, ZeroHash, id, type Signer } from "ethers";
import { deployFontaine, type FontaineDeployment } from "../../../../scripts/deploy/fontaine";
import { anvilBinary } from "../../../../scripts/start/chain-node";
import {
  attestationRegistryDomain,
  batchProof,
  buildAttestTypedData,
  buildBatchTree,
  buildEndorseTypedData,
  buildRevokeTypedData,
  claimDigest,
  ethersTypes,
  newSalt,
  reasonCode,
  schemaDefinitionBytes,
  schemaId,
  typedDataDigest,
  type Hex,
} from "../../../../sdk";
import { AttestationPolicy, OrgKind, type OrgKindName } from "../../../../sdk/status";
import {
  createLotRecord,
  discloseAttestation,
  discloseLot,
  lotCommitTypedData,
  sealLotRecord,
  type DisclosedAttestation,
  type DisclosedLot,
  type LotRecordInput,
  type SealedLotRecord,
} from "../../../../sdk/bundle";

const MNEMONIC = "test test test test test test test test test test test junk";
const FAR_DEADLINE = 4_000_000_000n;

/** A free loopback TCP port (suites of other areas run concurrently: never a fixed port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** An organisation of the test federation and its signing key (a random wallet without ether). */
export interface Org {
  name: string;
  id: Hex;
  kind: OrgKindName;
  key: Wallet;
}

/** Schemas registered by `startFontaineChain`. */
export interface Schemas {
  fairTrade: Hex;
  childLabour: Hex;
  socialAudit: Hex;
}

/** A running chain with Fontaine deployed. */
export interface FontaineChain {
  url: string;
  chainId: number;
  process: ChildProcess;
  provider: JsonRpcProvider;
  governor: Signer;
  relayer: Signer;
  fontaine: FontaineDeployment;
  schemas: Schemas;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

/** Start anvil, deploy, register three schemas. */
export async function startFontaineChain(options: { chainId?: number } = {}): Promise<FontaineChain> {
  const port = await freePort();
  const chainId = options.chainId ?? 31_417;
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
      MNEMONIC,
      "--silent",
      "--disable-code-size-limit",
    ],
    { stdio: "ignore" },
  );
  const url = `http://127.0.0.1:${port}`;
  const provider = new JsonRpcProvider(url, chainId, { staticNetwork: true, polling: false, cacheTimeout: -1 });
  provider.pollingInterval = 20;
  for (let attempt = 0; ; attempt++) {
    try {
      await provider.getBlockNumber();
      break;
    } catch (error) {
      if (attempt > 150 || child.exitCode !== null) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const governor = new NonceManager(Wallet.fromPhrase(MNEMONIC).connect(provider));
  const relayer = new NonceManager(
    new Wallet(HDNodeWallet.fromPhrase(MNEMONIC, undefined, "m/44'/60'/0'/0/1").privateKey, provider),
  );
  const fontaine = await deployFontaine(governor, { relayer: await relayer.getAddress(), network: "bundle-test" });
  const definitions = {
    fairTrade: schemaDefinition("fair-trade-purchase", "ACCREDITED_CERTIFIER", {
      fr: "Achat équitable de cacao",
      nl: "Eerlijke aankoop van cacao",
      en: "Fair-trade cocoa purchase",
    }),
    childLabour: schemaDefinition("child-labour-due-diligence", "SELF_DECLARATION", {
      fr: "Diligence travail des enfants",
      nl: "Zorgplicht kinderarbeid",
      en: "Child-labour due diligence",
    }),
    socialAudit: schemaDefinition("social-audit", "ACCREDITED_CERTIFIER", {
      fr: "Audit social",
      nl: "Sociale audit",
      en: "Social audit",
    }),
  };
  const registry = fontaine.attestationRegistry.connect(governor);
  for (const [name, definition] of Object.entries(definitions)) {
    const policy = name === "childLabour" ? AttestationPolicy.SELF_DECLARATION : AttestationPolicy.ACCREDITED_CERTIFIER;
    await mined(registry.registerSchema(schemaDefinitionBytes(definition), policy, 0));
  }
  const schemas = {
    fairTrade: schemaId(definitions.fairTrade),
    childLabour: schemaId(definitions.childLabour),
    socialAudit: schemaId(definitions.socialAudit),
  };
  return {
    url,
    chainId,
    process: child,
    provider,
    governor,
    relayer,
    fontaine,
    schemas,
    rpc: (method, params = []) => provider.send(method, params),
    stop: async () => {
      provider.destroy();
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      });
    },
  };
}

function schemaDefinition(name: string, policy: string, labels: Record<string, string>) {
  return { name, version: 1, labels, policy, defaultValidity: 0, fields: [{ name: "reference", type: "string" }] };
}

/** Admit an organisation with one fresh key; certifiers are accredited for every schema. */
export async function admitOrg(chain: FontaineChain, name: string, kind: OrgKindName): Promise<Org> {
  const federation = chain.fontaine.federation.connect(chain.governor);
  const org: Org = {
    name,
    id: id(`org:${name}:${newSalt()}`) as Hex,
    kind,
    key: Wallet.createRandom() as unknown as Wallet,
  };
  await mined(federation.admit(org.id, OrgKind[kind], ZeroHash));
  await mined(federation.addKey(org.id, org.key.address));
  if (kind === "CERTIFIER") {
    for (const schema of Object.values(chain.schemas)) await mined(federation.accredit(org.id, schema, 0));
  }
  return org;
}

/** A committed lot: its sealed record and the disclosure its owner can hand out. */
export interface CommittedLot {
  sealed: SealedLotRecord;
  lot: DisclosedLot;
  lotId: Hex;
}

/** Create a record for `owner`, sign `Commit` with the owner's key, and let the relayer submit `commitBySig`. */
export async function commitLot(
  chain: FontaineChain,
  owner: Org,
  input: Omit<LotRecordInput, "owner">,
  version = 1,
): Promise<CommittedLot> {
  const sealed = sealLotRecord(createLotRecord({ ...input, owner: owner.id }));
  const nonce = BigInt(newSalt());
  const typed = lotCommitTypedData(chain.fontaine.deployment, {
    lotId: sealed.record.lotId,
    commitment: sealed.commitment,
    nonce,
    deadline: FAR_DEADLINE,
  });
  const signature = await owner.key.signTypedData(typed.domain, ethersTypes(typed), typed.message);
  const lots = chain.fontaine.lotRegistry.connect(chain.relayer);
  await mined(
    lots.commitBySig(sealed.record.lotId, sealed.commitment, nonce, FAR_DEADLINE, owner.key.address, signature),
  );
  return {
    sealed,
    lotId: sealed.record.lotId,
    lot: discloseLot({
      sealed,
      version,
      commit: { signer: owner.key.address, nonce, deadline: FAR_DEADLINE, signature },
    }),
  };
}

/** What to attest. */
export interface AttestInput {
  schema: Hex;
  subject: Hex;
  claim: Record<string, unknown>;
  expiry?: bigint;
}

function attestRequest(input: AttestInput) {
  const salt = newSalt();
  return {
    request: {
      schema: input.schema,
      subject: input.subject,
      digest: claimDigest(input.claim, salt),
      expiry: input.expiry ?? 0n,
      ref: ZeroHash as Hex,
      nonce: BigInt(newSalt()),
    },
    claim: { value: input.claim, salt },
  };
}

async function signAttest(chain: FontaineChain, signer: Wallet, request: ReturnType<typeof attestRequest>["request"]) {
  const domain = attestationRegistryDomain(
    chain.chainId,
    chain.fontaine.deployment.contracts.AttestationRegistry.address,
  );
  const typed = buildAttestTypedData(domain, { ...request, deadline: FAR_DEADLINE });
  const signature = await signer.signTypedData(typed.domain, ethersTypes(typed), typed.message);
  return { signature, digest: typedDataDigest(typed) };
}

/** A single attestation signed by `org`'s key and relayed with `attestBySig`. */
export async function attestSingle(chain: FontaineChain, org: Org, input: AttestInput): Promise<DisclosedAttestation> {
  const { request, claim } = attestRequest(input);
  const { signature } = await signAttest(chain, org.key, request);
  const registry = chain.fontaine.attestationRegistry.connect(chain.relayer);
  await mined(registry.attestBySig(request, org.key.address, FAR_DEADLINE, signature));
  return discloseAttestation({
    request,
    signer: org.key.address,
    signed: { deadline: FAR_DEADLINE, signature },
    claim,
  });
}

/** Several attestations signed by `org`'s key and anchored by the relayer as one Merkle batch. */
export async function attestBatch(
  chain: FontaineChain,
  org: Org,
  inputs: AttestInput[],
): Promise<DisclosedAttestation[]> {
  const items = await Promise.all(
    inputs.map(async (input) => {
      const { request, claim } = attestRequest(input);
      const { signature, digest } = await signAttest(chain, org.key, request);
      return { request, claim, signature, digest };
    }),
  );
  const tree = buildBatchTree(items.map((item) => ({ attestDigest: item.digest, signer: org.key.address })));
  const registry = chain.fontaine.attestationRegistry.connect(chain.relayer);
  await mined(registry.anchorBatch(tree.root, items.length));
  return items.map((item) =>
    discloseAttestation({
      request: item.request,
      signer: org.key.address,
      signed: { deadline: FAR_DEADLINE, signature: item.signature },
      batch: { root: tree.root, proof: batchProof(tree, { attestDigest: item.digest, signer: org.key.address }) },
      claim: item.claim,
    }),
  );
}

/** Revoke an attestation with the attesting organisation's signature (relayed `revokeBySig`). */
export async function revokeAttestation(
  chain: FontaineChain,
  org: Org,
  uid: Hex,
  reason = "AUDIT_FAILED",
): Promise<void> {
  const domain = attestationRegistryDomain(
    chain.chainId,
    chain.fontaine.deployment.contracts.AttestationRegistry.address,
  );
  const nonce = BigInt(newSalt());
  const typed = buildRevokeTypedData(domain, { uid, reason: reasonCode(reason), nonce, deadline: FAR_DEADLINE });
  const signature = await org.key.signTypedData(typed.domain, ethersTypes(typed), typed.message);
  const registry = chain.fontaine.attestationRegistry.connect(chain.relayer);
  await mined(registry.revokeBySig(uid, reasonCode(reason), nonce, FAR_DEADLINE, org.key.address, signature));
}

/** Endorse an attestation with a certifier's signature (relayed `endorseBySig`). */
export async function endorseAttestation(chain: FontaineChain, certifier: Org, uid: Hex): Promise<void> {
  const domain = attestationRegistryDomain(
    chain.chainId,
    chain.fontaine.deployment.contracts.AttestationRegistry.address,
  );
  const nonce = BigInt(newSalt());
  const typed = buildEndorseTypedData(domain, { uid, nonce, deadline: FAR_DEADLINE });
  const signature = await certifier.key.signTypedData(typed.domain, ethersTypes(typed), typed.message);
  const registry = chain.fontaine.attestationRegistry.connect(chain.relayer);
  await mined(registry.endorseBySig(uid, nonce, FAR_DEADLINE, certifier.key.address, signature));
}

/** Flag (recall) a lot as the governor. */
export async function flagLot(chain: FontaineChain, lotId: Hex, reason = "RECALL"): Promise<void> {
  const lots = chain.fontaine.lotRegistry.connect(chain.governor);
  await mined(lots.flag(lotId, reasonCode(reason)));
}

/** Write the deployment file of `chain` as JSON text (what the command line reads). */
export function deploymentJson(chain: FontaineChain): string {
  return `${JSON.stringify(chain.fontaine.deployment, null, 2)}\n`;
}
