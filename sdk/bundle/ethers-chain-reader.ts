/**
 * `ChainReader` over any ethers v6 provider and a deployment file: what `verifyBundle` needs, read from the chain
 * itself. All reads of one verification are issued together (a `JsonRpcProvider` packs them into JSON-RPC batches)
 * and pinned to the block `snapshot()` fixed; lot events come from one `eth_getLogs` per 100 lots.
 * Caches: chain identity and block timestamps for the reader's life, lot events incrementally (only blocks not yet
 * scanned are asked again), state reads per snapshot block. Node and browsers.
 */
import {
  AbiCoder,
  Interface,
  ZeroHash,
  dataSlice,
  getAddress,
  EventFragment,
  FunctionFragment,
  type ParamType,
  type Log,
  type Provider,
  type Result,
} from "ethers";
import { getLogsSplitting } from "../chain";
import { assertSameChain, type Deployment } from "../deployment";
import { attestationRegistryDomain } from "../eip712";
import type { Hex } from "../hashing";
import { enumName, KEY_STATUS_NAMES, ORG_KIND_NAMES, statusName } from "../status";
import type {
  AttestationFacts,
  ChainReader,
  ChainSnapshot,
  LeafFacts,
  LeafQuery,
  LotCommitFact,
  LotFacts,
  LotFlagFact,
  SignedLeafFacts,
  SignedLeafQuery,
  SignerFacts,
  SignerQuery,
} from "./chain-reader";
import { checksummedAddress, staticEventDecoder, staticResultDecoder } from "./abi-words";
import { decodeDeploylessReads, encodeDeploylessReads } from "./deployless-reads";
import { ChainReadError } from "./errors";
import { fastAttestationUid, fastAttestDigest, fastBatchLeaf, fastSignedLeaf } from "./fast-hashing";
import { splitSignature } from "./signatures";

/** The contract fragments the reader uses (checked against the compiled ABIs by test/sdk/bundle). */
export const BUNDLE_READ_ABI = {
  LotRegistry: [
    "function lot(bytes32 lotId) view returns ((bytes32 owner, uint32 versions, bool flagged, uint40 updatedAt))",
    "event LotCommitted(bytes32 indexed lotId, bytes32 indexed owner, uint32 version, bytes32 commitment, address signer)",
    "event LotFlagged(bytes32 indexed lotId, address indexed by, bytes32 reason)",
    "event LotUnflagged(bytes32 indexed lotId, bytes32 reason)",
  ],
  AttestationRegistry: [
    "function statusOf(bytes32 uid) view returns (uint8 status, bool endorsed)",
    "function attestation(bytes32 uid) view returns ((address signer, uint40 time, uint40 expiry, bytes32 schema, bool revoked))",
    "function batch(bytes32 root) view returns ((address anchorer, uint40 time, uint32 count))",
    "function leafStatus(bytes32 root, (bytes32 schema, bytes32 subject, bytes32 digest, uint64 expiry, bytes32 ref, uint256 nonce) request, address signer, uint64 deadline, bytes signature, bytes32[] proof) view returns (uint8)",
    "function signedBatch(bytes32 root) view returns ((address signer, uint40 time, uint32 count))",
    "function signedLeafStatus(bytes32 root, (bytes32 schema, bytes32 subject, bytes32 digest, uint64 expiry, bytes32 ref, uint256 nonce) request, bytes32[] proof) view returns (uint8)",
    "event Revoked(bytes32 indexed uid, bytes32 indexed attester, bytes32 reason)",
    "event LeafRevoked(bytes32 indexed root, bytes32 indexed leaf, bytes32 indexed attester, bytes32 reason)",
  ],
  Federation: ["function signerAt(address key, uint256 time) view returns ((bytes32 org, uint8 kind, uint8 status))"],
  ERC1271: ["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"],
} as const;

/** The ABI word (64 hex digits) of a one-word static value, or null to let the AbiCoder encode it. */
function staticWord(type: string, value: unknown): string | null {
  if (type === "bool" && typeof value === "boolean") return value ? "1".padStart(64, "0") : "0".repeat(64);
  if (type === "bytes32" && typeof value === "string" && /^0x[0-9a-fA-F]{64}$/.test(value)) {
    return value.slice(2).toLowerCase();
  }
  if (type === "address" && typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value)) {
    return value.slice(2).toLowerCase().padStart(64, "0");
  }
  if (/^uint(8|16|32|40|48|64|96|128|160|192|224|256)?$/.test(type)) {
    const bits = Number(type.slice(4) || 256);
    const number =
      typeof value === "bigint"
        ? value
        : typeof value === "number" && Number.isSafeInteger(value)
          ? BigInt(value)
          : null;
    if (number === null || number < 0n || number >= 1n << BigInt(bits)) return null;
    return number.toString(16).padStart(64, "0");
  }
  return null;
}

/** Whether a parameter is encoded in place (no offset): one-word values and tuples of them. */
function isStatic(param: ParamType): boolean {
  if (param.isTuple()) return param.components.every(isStatic);
  return !param.isArray() && param.type !== "bytes" && param.type !== "string";
}

/** One parameter's encoding (hex, no 0x), or null when it is of a shape left to the AbiCoder. */
function encodeParam(param: ParamType, value: unknown): string | null {
  if (param.isTuple()) {
    if (!isStatic(param) || !Array.isArray(value) || value.length !== param.components.length) return null;
    return encodeParams(param.components, value);
  }
  if (param.isArray()) {
    if (param.arrayLength !== -1 || !isStatic(param.arrayChildren) || !Array.isArray(value)) return null;
    const items = value.map((item) => encodeParam(param.arrayChildren, item));
    if (items.some((item) => item === null)) return null;
    return value.length.toString(16).padStart(64, "0") + items.join("");
  }
  if (param.type === "bytes") {
    if (typeof value !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(value)) return null;
    const hex = value.slice(2).toLowerCase();
    const padded = hex.padEnd(Math.ceil(hex.length / 64) * 64, "0");
    return (hex.length / 2).toString(16).padStart(64, "0") + padded;
  }
  return staticWord(param.type, value);
}

/** Head-and-tail encoding of a parameter list (as `AbiCoder.encode`), or null to let the AbiCoder do it. */
function encodeParams(params: readonly ParamType[], values: readonly unknown[]): string | null {
  if (values.length !== params.length) return null;
  const parts = params.map((param, index) => encodeParam(param, values[index]));
  if (parts.some((part) => part === null)) return null;
  const headBytes = params.reduce((size, param, index) => size + (isStatic(param) ? parts[index]!.length / 2 : 32), 0);
  let heads = "";
  let tails = "";
  params.forEach((param, index) => {
    if (isStatic(param)) {
      heads += parts[index]!;
    } else {
      heads += (headBytes + tails.length / 2).toString(16).padStart(64, "0");
      tails += parts[index]!;
    }
  });
  return heads + tails;
}

/**
 * ABI encoding and decoding with every function selector and event topic computed once: ethers' Interface
 * recomputes them (keccak256 of the signature) on every encode, decode and log lookup, which dominated the
 * CPU time of a cold bundle verification. Results and logs made of 32-byte words are decoded directly (abi-words.ts).
 */
export class CachedInterface {
  private readonly functions = new Map<
    string,
    { fragment: FunctionFragment; selector: string; decode: ReturnType<typeof staticResultDecoder> }
  >();
  private readonly events = new Map<
    string,
    { fragment: EventFragment; decode: ReturnType<typeof staticEventDecoder> }
  >();
  constructor(readonly iface: Interface) {
    // The fragments as declared: `forEachFunction` sorts names with localeCompare, whose first call loads ICU's
    // collation data (milliseconds when the command line starts).
    for (const fragment of iface.fragments) {
      if (fragment instanceof FunctionFragment) {
        this.functions.set(fragment.name, {
          fragment,
          selector: fragment.selector,
          decode: staticResultDecoder(fragment.outputs),
        });
      } else if (fragment instanceof EventFragment) {
        this.events.set(fragment.topicHash, { fragment, decode: staticEventDecoder(fragment.inputs) });
      }
    }
  }
  private fn(method: string) {
    const found = this.functions.get(method);
    if (!found) throw new Error(`unknown function ${method}`);
    return found;
  }
  encodeFunctionData(method: string, args: readonly unknown[]): string {
    const { fragment, selector } = this.fn(method);
    // Calls whose arguments are all one-word static values (most reads here): encode the words directly,
    // as ethers' AbiCoder builds new coder objects for every call.
    const encoded = encodeParams(fragment.inputs, args);
    if (encoded !== null) return selector + encoded;
    return selector + AbiCoder.defaultAbiCoder().encode(fragment.inputs, args).slice(2);
  }
  decodeFunctionResult(method: string, data: string): Result {
    // Revert data or nothing at all: let ethers raise its usual error.
    if (data.length < 3 || (data.length - 2) % 64 !== 0) return this.iface.decodeFunctionResult(method, data);
    const { fragment, decode } = this.fn(method);
    return decode?.(data) ?? AbiCoder.defaultAbiCoder().decode(fragment.outputs, data);
  }
  parseLog(log: { topics: readonly string[]; data: string }): { name: string; args: Result } | null {
    const event = log.topics[0] ? this.events.get(log.topics[0].toLowerCase()) : undefined;
    if (!event) return null;
    const { fragment, decode } = event;
    const args =
      (fragment.anonymous ? null : decode?.(log.topics.slice(1), log.data)) ??
      this.iface.decodeEventLog(fragment, log.data, log.topics);
    return { name: fragment.name, args };
  }
  topicHash(name: string): string {
    for (const [topic, { fragment }] of this.events) if (fragment.name === name) return topic;
    throw new Error(`unknown event ${name}`);
  }
}

const lotInterface = new CachedInterface(new Interface(BUNDLE_READ_ABI.LotRegistry));
const registryInterface = new CachedInterface(new Interface(BUNDLE_READ_ABI.AttestationRegistry));
const federationInterface = new CachedInterface(new Interface(BUNDLE_READ_ABI.Federation));
const erc1271Interface = new CachedInterface(new Interface(BUNDLE_READ_ABI.ERC1271));
const ERC1271_MAGIC = "0x1626ba7e";
const ECRECOVER_PRECOMPILE = "0x0000000000000000000000000000000000000001";
const LOT_TOPICS = ["LotCommitted", "LotFlagged", "LotUnflagged"].map((name) => lotInterface.topicHash(name));
const REVOKED_TOPIC = registryInterface.topicHash("Revoked");
const LEAF_REVOKED_TOPIC = registryInterface.topicHash("LeafRevoked");

/** Options of `createEthersChainReader`. */
export interface EthersChainReaderOptions {
  provider: Provider;
  deployment: Deployment;
  /** Blocks per `eth_getLogs` call (default 100 000); ranges a node refuses are split in halves. */
  logBlockRange?: number;
  /** Lot ids (and revoked uids or batch leaves) per `eth_getLogs` topic list (default 100). */
  lotsPerLogQuery?: number;
  /**
   * Make the view calls of one tick in one `eth_call` through DeploylessReads (default false: against a local anvil
   * it measured no faster than ethers' JSON-RPC batches; it saves round trips against a distant node).
   */
  deploylessReads?: boolean;
  /** View calls per such `eth_call` (default 150). */
  readsPerCall?: number;
}

/** A ChainReader that can also forget its caches (e.g. after a chain reset in tests). */
export interface EthersChainReader extends ChainReader {
  clearCache(): void;
}

interface QueuedRead {
  to: string;
  data: string;
  blockNumber: number;
  resolve: (output: string) => void;
  reject: (error: unknown) => void;
}

interface LotLogCache {
  scannedTo: number;
  commits: LotCommitFact[];
  flags: LotFlagFact[];
}

/** A ChainReader over `provider` for the contracts of `deployment`; refuses a node of another chain. */
export function createEthersChainReader(options: EthersChainReaderOptions): EthersChainReader {
  const { provider, deployment } = options;
  const addresses = {
    federation: deployment.contracts.Federation.address,
    lotRegistry: deployment.contracts.LotRegistry.address,
    attestationRegistry: deployment.contracts.AttestationRegistry.address,
  };
  const logBlockRange = Math.max(1, options.logBlockRange ?? 100_000);
  const lotsPerLogQuery = Math.max(1, options.lotsPerLogQuery ?? 100);
  const useDeployless = options.deploylessReads ?? false;
  const readsPerCall = Math.max(1, options.readsPerCall ?? 150);
  let identityChecked = false;
  let current: ChainSnapshot | undefined;
  const blockTimes = new Map<number, number>();
  const lotLogs = new Map<Hex, LotLogCache>();
  // Revocations are final: a reason read once (by uid, or by batch leaf hash) holds at every later block.
  const revocationReasons = new Map<Hex, { reason: Hex; blockNumber: number }>();
  let stateCache = new Map<string, Promise<unknown>>();

  const requireSnapshot = (): ChainSnapshot => {
    if (!current) throw new ChainReadError("call snapshot() before reading", { retryable: false });
    return current;
  };

  // Reads issued in the same tick leave together: one eth_call running DeploylessReads per chunk of calls.
  let queue: QueuedRead[] = [];
  const flush = () => {
    const reads = queue;
    queue = [];
    const byBlock = new Map<number, QueuedRead[]>();
    for (const entry of reads) byBlock.set(entry.blockNumber, [...(byBlock.get(entry.blockNumber) ?? []), entry]);
    for (const [blockNumber, entries] of byBlock) {
      for (let index = 0; index < entries.length; index += readsPerCall) {
        void runReads(entries.slice(index, index + readsPerCall), blockNumber);
      }
    }
  };
  const runReads = async (entries: QueuedRead[], blockTag: number): Promise<void> => {
    if (useDeployless && entries.length > 1) {
      try {
        const output = await provider.call({ data: encodeDeploylessReads(entries), blockTag });
        decodeDeploylessReads(output).forEach((result, index) => {
          const entry = entries[index]!;
          if (result.ok) entry.resolve(result.data);
          else entry.reject(new ChainReadError(`call to ${entry.to} reverted`, { retryable: false }));
        });
        return;
      } catch {
        // A node that refuses creation calls (or their gas): fall back to one eth_call per read, batched by ethers.
      }
    }
    // A JSON-RPC provider takes raw requests (still batched by ethers) without the per-call work of
    // `provider.call` (request copying, hexlifying, network checks), which showed in cold verifications.
    const send = (provider as { send?: (method: string, params: unknown[]) => Promise<unknown> }).send;
    const blockHex = `0x${blockTag.toString(16)}`;
    await Promise.all(
      entries.map((entry) =>
        (send
          ? (send.call(provider, "eth_call", [{ to: entry.to, data: entry.data }, blockHex]) as Promise<string>)
          : provider.call({ to: entry.to, data: entry.data, blockTag })
        ).then(entry.resolve, entry.reject),
      ),
    );
  };
  const read = (to: string, data: string, blockNumber: number): Promise<string> =>
    new Promise((resolve, reject) => {
      if (queue.length === 0) setTimeout(flush, 0);
      queue.push({ to, data, blockNumber, resolve, reject });
    });

  /** One eth_call at the snapshot block, memoised for that block. */
  const call = (to: string, iface: CachedInterface, method: string, args: unknown[]): Promise<Result> => {
    const snapshot = requireSnapshot();
    const data = iface.encodeFunctionData(method, args);
    const key = `${snapshot.blockNumber}:${to}:${data}`;
    let pending = stateCache.get(key) as Promise<Result> | undefined;
    if (!pending) {
      pending = read(to, data, snapshot.blockNumber).then((result) => iface.decodeFunctionResult(method, result));
      stateCache.set(key, pending);
      pending.catch(() => stateCache.delete(key));
    }
    return pending;
  };

  /** A raw eth_call at the snapshot block, memoised for that block. */
  const rawCall = (to: string, data: string): Promise<string> => {
    const snapshot = requireSnapshot();
    const key = `${snapshot.blockNumber}:${to}:${data}`;
    let pending = stateCache.get(key) as Promise<string> | undefined;
    if (!pending) {
      pending = read(to, data, snapshot.blockNumber);
      stateCache.set(key, pending);
      pending.catch(() => stateCache.delete(key));
    }
    return pending;
  };

  const blockTime = async (blockNumber: number): Promise<number> => {
    const known = blockTimes.get(blockNumber);
    if (known !== undefined) return known;
    const block = await provider.getBlock(blockNumber);
    if (!block) throw new ChainReadError(`block ${blockNumber} not found`);
    blockTimes.set(blockNumber, block.timestamp);
    return block.timestamp;
  };

  const getLogs = async (
    topics: (string | string[] | null)[],
    fromBlock: number,
    toBlock: number,
    address: string = addresses.lotRegistry,
  ): Promise<Log[]> => {
    const logs: Log[] = [];
    for (let start = fromBlock; start <= toBlock; start += logBlockRange) {
      logs.push(
        ...(await getLogsSplitting(provider, address, topics, start, Math.min(toBlock, start + logBlockRange - 1))),
      );
    }
    return logs;
  };

  const scanLotLogs = async (lotIds: readonly Hex[], toBlock: number): Promise<void> => {
    // Lots scanned up to the same block are asked together; usually that is all of them.
    const groups = new Map<number, Hex[]>();
    for (const lotId of lotIds) {
      const from = (lotLogs.get(lotId)?.scannedTo ?? deployment.deploymentBlock - 1) + 1;
      if (from > toBlock) continue;
      groups.set(from, [...(groups.get(from) ?? []), lotId]);
    }
    const work: Promise<void>[] = [];
    for (const [from, ids] of groups) {
      for (let index = 0; index < ids.length; index += lotsPerLogQuery) {
        const chunk = ids.slice(index, index + lotsPerLogQuery);
        work.push(
          getLogs([LOT_TOPICS, chunk], from, toBlock).then((logs) => {
            const found = new Map<Hex, { commits: LotCommitFact[]; flags: LotFlagFact[] }>(
              chunk.map((lotId) => [lotId, { commits: [], flags: [] }]),
            );
            for (const log of [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index)) {
              const parsed = lotInterface.parseLog(log);
              if (!parsed) continue;
              const lotId = (parsed.args.getValue("lotId") as string).toLowerCase() as Hex;
              const entry = found.get(lotId);
              if (!entry) continue;
              if (parsed.name === "LotCommitted") {
                entry.commits.push({
                  version: Number(parsed.args.getValue("version")),
                  commitment: (parsed.args.getValue("commitment") as string).toLowerCase() as Hex,
                  signer: checksummedAddress(parsed.args.getValue("signer") as string) as Hex,
                  owner: (parsed.args.getValue("owner") as string).toLowerCase() as Hex,
                  blockNumber: log.blockNumber,
                  time: 0,
                });
              } else {
                entry.flags.push({
                  action: parsed.name === "LotFlagged" ? "flagged" : "unflagged",
                  reason: (parsed.args.getValue("reason") as string).toLowerCase() as Hex,
                  by:
                    parsed.name === "LotFlagged"
                      ? (checksummedAddress(parsed.args.getValue("by") as string) as Hex)
                      : (ZeroHash.slice(0, 42) as Hex),
                  blockNumber: log.blockNumber,
                });
              }
            }
            for (const [lotId, entry] of found) {
              const cached = lotLogs.get(lotId) ?? { scannedTo: 0, commits: [], flags: [] };
              lotLogs.set(lotId, {
                scannedTo: toBlock,
                commits: [...cached.commits, ...entry.commits],
                flags: [...cached.flags, ...entry.flags],
              });
            }
          }),
        );
      }
    }
    await Promise.all(work);
  };

  /**
   * The reason of each revocation among `keys` (uids for `Revoked`, leaf hashes for `LeafRevoked`, the event's
   * topic `keyTopic`), read with one `eth_getLogs` per chunk; only asked for what the chain says is REVOKED.
   */
  const readRevocations = async (
    topic: string,
    keyTopic: 1 | 2,
    keys: readonly Hex[],
    toBlock: number,
  ): Promise<void> => {
    const wanted = [...new Set(keys)].filter((key) => {
      const known = revocationReasons.get(key);
      return !known || known.blockNumber > toBlock;
    });
    const work: Promise<void>[] = [];
    for (let index = 0; index < wanted.length; index += lotsPerLogQuery) {
      const chunk = wanted.slice(index, index + lotsPerLogQuery);
      const topics = keyTopic === 1 ? [topic, chunk] : [topic, null, chunk];
      work.push(
        getLogs(topics, deployment.deploymentBlock, toBlock, addresses.attestationRegistry).then((logs) => {
          for (const log of logs) {
            const key = log.topics[keyTopic]?.toLowerCase() as Hex | undefined;
            const parsed = registryInterface.parseLog(log);
            if (!key || !parsed || !chunk.includes(key)) continue;
            revocationReasons.set(key, {
              reason: (parsed.args.getValue("reason") as string).toLowerCase() as Hex,
              blockNumber: log.blockNumber,
            });
          }
        }),
      );
    }
    await Promise.all(work);
  };

  /** The recorded reason of a revocation read by `readRevocations`, if it was recorded by `toBlock`. */
  const revocationReason = (key: Hex, toBlock: number): Hex | undefined => {
    const known = revocationReasons.get(key);
    return known && known.blockNumber <= toBlock ? known.reason : undefined;
  };

  const guard = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ChainReadError) throw error;
      if (error instanceof Error && error.name === "DeploymentError") throw error;
      throw new ChainReadError(`could not read ${what} from the chain: ${(error as Error).message ?? String(error)}`, {
        cause: error,
      });
    }
  };

  return {
    async snapshot() {
      return guard("the latest block", async () => {
        // The chain's identity (checked once per reader) and its latest block, asked together.
        const [identity, latest] = await Promise.all([
          identityChecked ? undefined : chainIdentity(provider),
          latestBlock(provider),
        ]);
        if (identity) {
          assertSameChain(deployment, identity);
          identityChecked = true;
        }
        if (current?.blockNumber !== latest.number) stateCache = new Map();
        blockTimes.set(latest.number, latest.timestamp);
        current = {
          chainId: deployment.chainId,
          federation: addresses.federation,
          lotRegistry: addresses.lotRegistry,
          attestationRegistry: addresses.attestationRegistry,
          blockNumber: latest.number,
          time: latest.timestamp,
        };
        return current;
      });
    },

    async lots(lotIds) {
      return guard("lots", async () => {
        const snapshot = requireSnapshot();
        const ids = [...new Set(lotIds.map((lotId) => lotId.toLowerCase() as Hex))];
        const [records] = await Promise.all([
          Promise.all(ids.map((lotId) => call(addresses.lotRegistry, lotInterface, "lot", [lotId]))),
          scanLotLogs(ids, snapshot.blockNumber),
        ]);
        const facts = new Map<Hex, LotFacts>();
        const times = new Map<number, Promise<number>>();
        ids.forEach((lotId, index) => {
          const record = records[index]![0] as { owner: string; versions: bigint; flagged: boolean; updatedAt: bigint };
          const logs = lotLogs.get(lotId) ?? { scannedTo: snapshot.blockNumber, commits: [], flags: [] };
          const commits = logs.commits.filter((commit) => commit.blockNumber <= snapshot.blockNumber);
          const latest = commits.at(-1);
          // The latest version's time is the record's updatedAt: only older versions cost a block read.
          if (latest && latest.version === Number(record.versions) && !blockTimes.has(latest.blockNumber)) {
            blockTimes.set(latest.blockNumber, Number(record.updatedAt));
          }
          for (const commit of commits)
            if (!times.has(commit.blockNumber)) times.set(commit.blockNumber, blockTime(commit.blockNumber));
          facts.set(lotId, {
            owner: record.owner.toLowerCase() as Hex,
            versions: Number(record.versions),
            flagged: record.flagged,
            commits,
            flags: logs.flags.filter((flag) => flag.blockNumber <= snapshot.blockNumber),
          });
        });
        const resolved = new Map<number, number>();
        await Promise.all([...times].map(async ([block, time]) => resolved.set(block, await time)));
        for (const entry of facts.values()) {
          entry.commits = entry.commits.map((commit) => ({ ...commit, time: resolved.get(commit.blockNumber) ?? 0 }));
        }
        return facts;
      });
    },

    async attestations(uids) {
      return guard("attestations", async () => {
        const ids = [...new Set(uids.map((uid) => uid.toLowerCase() as Hex))];
        const registry = addresses.attestationRegistry;
        const answers = await Promise.all(
          ids.map((uid) =>
            Promise.all([
              call(registry, registryInterface, "statusOf", [uid]),
              call(registry, registryInterface, "attestation", [uid]),
            ]),
          ),
        );
        const facts = new Map<Hex, AttestationFacts>();
        ids.forEach((uid, index) => {
          const [status, record] = answers[index]!;
          const stored = record[0] as { signer: string; time: bigint; expiry: bigint; schema: string };
          facts.set(uid, {
            status: statusName(status[0] as bigint),
            endorsed: status[1] as boolean,
            signer: checksummedAddress(stored.signer) as Hex,
            schema: stored.schema.toLowerCase() as Hex,
            time: Number(stored.time),
            expiresAt: Number(stored.expiry),
          });
        });
        // Why each revoked one was withdrawn (REVOKED without a `Revoked` event: no reason to tell).
        const revoked = ids.filter((uid) => facts.get(uid)!.status === "REVOKED");
        if (revoked.length > 0) {
          const { blockNumber } = requireSnapshot();
          await readRevocations(REVOKED_TOPIC, 1, revoked, blockNumber);
          for (const uid of revoked) {
            const reason = revocationReason(uid, blockNumber);
            if (reason) facts.get(uid)!.revocationReason = reason;
          }
        }
        return facts;
      });
    },

    async leaves(queries: readonly LeafQuery[]): Promise<LeafFacts[]> {
      return guard("batch leaves", async () => {
        const snapshot = requireSnapshot();
        const answers: LeafFacts[] = await Promise.all(
          queries.map(async (query) => {
            const registry = addresses.attestationRegistry;
            const request = [
              query.request.schema,
              query.request.subject,
              query.request.digest,
              BigInt(query.request.expiry),
              query.request.ref,
              BigInt(query.request.nonce),
            ];
            const [batch, status] = await Promise.all([
              call(registry, registryInterface, "batch", [query.root]),
              call(registry, registryInterface, "leafStatus", [
                query.root,
                request,
                query.signer,
                BigInt(query.deadline),
                query.signature,
                query.proof,
              ]),
            ]);
            const anchorer = (batch[0] as { anchorer: string }).anchorer;
            return { rootAnchored: BigInt(anchorer) !== 0n, status: statusName(status[0] as bigint) };
          }),
        );
        // A revoked leaf is named in `LeafRevoked` by its hash: (EIP-712 digest of its request, signer).
        const revoked = queries.flatMap((query, index) => (answers[index]!.status === "REVOKED" ? [index] : []));
        if (revoked.length > 0) {
          const domain = attestationRegistryDomain(snapshot.chainId, addresses.attestationRegistry);
          const leafOf = new Map(
            revoked.map((index) => {
              const query = queries[index]!;
              const digest = fastAttestDigest(domain, query.request, query.deadline);
              return [index, fastBatchLeaf(digest, query.signer).toLowerCase() as Hex];
            }),
          );
          await readRevocations(LEAF_REVOKED_TOPIC, 2, [...leafOf.values()], snapshot.blockNumber);
          for (const [index, leaf] of leafOf) {
            const reason = revocationReason(leaf, snapshot.blockNumber);
            if (reason) answers[index] = { ...answers[index]!, revocationReason: reason };
          }
        }
        return answers;
      });
    },

    async signedLeaves(queries: readonly SignedLeafQuery[]): Promise<SignedLeafFacts[]> {
      return guard("signed batch leaves", async () => {
        const snapshot = requireSnapshot();
        const registry = addresses.attestationRegistry;
        const answers: SignedLeafFacts[] = await Promise.all(
          queries.map(async (query) => {
            const request = [
              query.request.schema,
              query.request.subject,
              query.request.digest,
              BigInt(query.request.expiry),
              query.request.ref,
              BigInt(query.request.nonce),
            ];
            const [batch, status] = await Promise.all([
              call(registry, registryInterface, "signedBatch", [query.root]),
              call(registry, registryInterface, "signedLeafStatus", [query.root, request, query.proof]),
            ]);
            const signer = checksummedAddress((batch[0] as { signer: string }).signer) as Hex;
            return { signer, status: statusName(status[0] as bigint) };
          }),
        );
        // A revoked leaf is named in `LeafRevoked` by its hash: [signed-batch tag, uid with the batch's signer].
        const revoked = queries.flatMap((query, index) => (answers[index]!.status === "REVOKED" ? [index] : []));
        if (revoked.length > 0) {
          const leafOf = new Map(
            revoked.map((index) => {
              const uid = fastAttestationUid(queries[index]!.request, answers[index]!.signer);
              return [index, fastSignedLeaf(uid)];
            }),
          );
          await readRevocations(LEAF_REVOKED_TOPIC, 2, [...leafOf.values()], snapshot.blockNumber);
          for (const [index, leaf] of leafOf) {
            const reason = revocationReason(leaf, snapshot.blockNumber);
            if (reason) answers[index] = { ...answers[index]!, revocationReason: reason };
          }
        }
        return answers;
      });
    },

    async signers(queries: readonly SignerQuery[]): Promise<SignerFacts[]> {
      return guard("signing keys", () =>
        Promise.all(
          queries.map(async (query) => {
            const [result] = await call(addresses.federation, federationInterface, "signerAt", [query.key, query.time]);
            const signer = result as { org: string; kind: bigint; status: bigint };
            return {
              org: signer.org.toLowerCase() as Hex,
              kind: enumName(ORG_KIND_NAMES, signer.kind),
              status: enumName(KEY_STATUS_NAMES, signer.status),
            };
          }),
        ),
      );
    },

    async recoverSigners(queries) {
      return guard("signatures (ecrecover)", () =>
        Promise.all(
          queries.map(async (query) => {
            const parts = splitSignature(query.signature);
            if (!parts) return null;
            const data = ecrecoverInput(query.digest, parts);
            const output = await rawCall(ECRECOVER_PRECOMPILE, data);
            if (output === "0x" || BigInt(output) === 0n) return null;
            // One word, the address in its low 20 bytes.
            if (/^0x0{24}[0-9a-fA-F]{40}$/.test(output)) return checksummedAddress(`0x${output.slice(26)}`) as Hex;
            return getAddress(dataSlice(output, 12, 32)) as Hex;
          }),
        ),
      );
    },

    async isValidContractSignature(signer, digest, signature) {
      const snapshot = requireSnapshot();
      const code = await guard("account code", () => provider.getCode(signer, snapshot.blockNumber));
      if (code === "0x") return false;
      try {
        const [magic] = await call(signer, erc1271Interface, "isValidSignature", [digest, signature]);
        return (magic as string).toLowerCase() === ERC1271_MAGIC;
      } catch {
        // A reverting or malformed wallet simply does not accept the signature.
        return false;
      }
    },

    clearCache() {
      identityChecked = false;
      current = undefined;
      blockTimes.clear();
      lotLogs.clear();
      revocationReasons.clear();
      stateCache = new Map();
    },
  };
}

/** The ecrecover precompile's input: four words, digest, v, r and s (as `AbiCoder` encodes bytes32, uint8, bytes32, bytes32). */
function ecrecoverInput(digest: string, parts: { v: number; r: string; s: string }): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(digest)) {
    return AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "uint8", "bytes32", "bytes32"],
      [digest, parts.v, parts.r, parts.s],
    );
  }
  return `0x${digest.slice(2).toLowerCase()}${parts.v.toString(16).padStart(64, "0")}${parts.r.slice(2)}${parts.s.slice(2)}`;
}

/**
 * The node's chain id and genesis hash, asked of the node itself: a provider built with a static network (as the
 * command line builds it from the deployment file) would otherwise answer the deployment's own chain id.
 */
async function chainIdentity(provider: Provider): Promise<{ chainId: bigint; genesisHash: string }> {
  const send = (provider as { send?: (method: string, params: unknown[]) => Promise<unknown> }).send;
  if (typeof send === "function") {
    const [chainId, genesis] = await Promise.all([
      send.call(provider, "eth_chainId", []) as Promise<string>,
      send.call(provider, "eth_getBlockByNumber", ["0x0", false]) as Promise<{ hash?: string } | null>,
    ]);
    if (!genesis?.hash) throw new ChainReadError("the node did not return block 0");
    return { chainId: BigInt(chainId), genesisHash: genesis.hash };
  }
  const [network, genesis] = await Promise.all([provider.getNetwork(), provider.getBlock(0)]);
  if (!genesis?.hash) throw new ChainReadError("the node did not return block 0");
  return { chainId: network.chainId, genesisHash: genesis.hash };
}

/** The newest block, asked of the node itself: ethers may answer `getBlock("latest")` from a 250 ms cache. */
async function latestBlock(provider: Provider): Promise<{ number: number; timestamp: number }> {
  const send = (provider as { send?: (method: string, params: unknown[]) => Promise<unknown> }).send;
  if (typeof send === "function") {
    const block = (await send.call(provider, "eth_getBlockByNumber", ["latest", false])) as {
      number: string;
      timestamp: string;
    } | null;
    if (!block) throw new ChainReadError("the node did not return its latest block");
    return { number: Number(block.number), timestamp: Number(block.timestamp) };
  }
  const block = await provider.getBlock("latest");
  if (!block) throw new ChainReadError("the node did not return its latest block");
  return { number: block.number, timestamp: block.timestamp };
}
