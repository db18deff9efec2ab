import { desc, eq, gt, lt } from "drizzle-orm";
import type { Log } from "ethers";
import type { Logger } from "pino";
import { Gauge, type Registry } from "prom-client";
import { BaseError, errorMessage } from "../../sdk/server";
import { CONTRACT_NAMES, type ContractName } from "../../sdk/deployment";
import type { Chain } from "../chain/chain";
import type { ApiDatabase } from "../db/database";
import { indexedBlocks, indexerCursor } from "../db/schema";
import { projectEvent, rollbackTo, type IndexedEvent } from "./projection";

const CURSOR_ID = "main";
/** How many recent block hashes are kept to find a reorg's common ancestor. */
const KEPT_BLOCKS = 256;
/** How often the node's chain id and genesis are checked again while running. */
const IDENTITY_RECHECK_MS = 5_000;

/** The chain under the indexer is not the one it indexed (chain id or genesis changed): never mix chains. */
export class ChainMismatchError extends BaseError {
  override name = "ChainMismatchError" as const;
  constructor(message: string) {
    super(message, { code: "chain-mismatch", retryable: false });
  }
}

/** What `/readyz` and metrics report about the indexer. */
export interface IndexerStatus {
  running: boolean;
  halted: string | null;
  cursorBlock: number | null;
  headBlock: number | null;
  lagBlocks: number | null;
  lastError: string | null;
}

/** Options of the indexer loop. */
export interface IndexerOptions {
  chain: Chain;
  db: ApiDatabase;
  logger: Logger;
  confirmations: number;
  pollMs: number;
  maxBlockRange: number;
  maxBackoffMs: number;
  metrics?: Registry;
  /** Lag above which `/readyz` fails. */
  maxLagBlocks?: number;
  /** Called after each committed step with the new cursor (the relayer uses it to wake up). */
  onProgress?: (cursorBlock: number) => void;
}

function normaliseArg(value: unknown): string | boolean {
  if (typeof value === "bigint") return value.toString(10);
  if (typeof value === "boolean") return value;
  if (typeof value === "string") return value.startsWith("0x") ? value.toLowerCase() : value;
  return String(value);
}

/**
 * Follows the contracts' events with `eth_getLogs` from a cursor stored in the same transaction as
 * the rows it produced. Confirmations, reorg rollback, split of refused ranges, bounded backoff,
 * and a hard stop when the node's chain id or genesis is not the indexed chain's.
 */
export function createIndexer(options: IndexerOptions) {
  const { chain, db, logger } = options;
  const addresses = CONTRACT_NAMES.map((name) => chain.deployment.contracts[name].address);
  const contractOf = new Map<string, ContractName>(
    CONTRACT_NAMES.map((name) => [chain.deployment.contracts[name].address.toLowerCase(), name]),
  );
  let range = options.maxBlockRange;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stepping: Promise<void> | undefined;
  let failures = 0;
  const status: IndexerStatus = {
    running: false,
    halted: null,
    cursorBlock: null,
    headBlock: null,
    lagBlocks: null,
    lastError: null,
  };
  const lagGauge = options.metrics
    ? new Gauge({
        name: "fontaine_api_indexer_lag_blocks",
        help: "Blocks behind the chain head",
        registers: [options.metrics],
      })
    : undefined;
  const cursorGauge = options.metrics
    ? new Gauge({
        name: "fontaine_api_indexer_cursor_block",
        help: "Last fully indexed block",
        registers: [options.metrics],
      })
    : undefined;
  let identityChecked = false;
  let identityCheckedAt = 0;

  async function readCursor() {
    const [cursor] = await db.select().from(indexerCursor).where(eq(indexerCursor.id, CURSOR_ID)).limit(1);
    return cursor;
  }

  /** Chain id and genesis must be the deployment's and the stored cursor's. */
  async function checkIdentity(): Promise<void> {
    const network = await chain.provider.send("eth_chainId", []);
    const chainId = Number(BigInt(network as string));
    const genesis = await chain.provider.getBlock(0);
    const genesisHash = genesis?.hash?.toLowerCase() ?? "";
    if (chainId !== chain.deployment.chainId) {
      throw new ChainMismatchError(`node chain id ${chainId} is not the deployment's ${chain.deployment.chainId}`);
    }
    if (genesisHash !== chain.deployment.genesisHash) {
      throw new ChainMismatchError(
        `node genesis ${genesisHash} is not the deployment's ${chain.deployment.genesisHash}: the chain was reset; redeploy and use a fresh index`,
      );
    }
    const cursor = await readCursor();
    if (cursor && (cursor.chainId !== chainId || cursor.genesisHash !== genesisHash)) {
      throw new ChainMismatchError(
        `the index holds chain ${cursor.chainId} (genesis ${cursor.genesisHash}); the node serves chain ${chainId} (genesis ${genesisHash})`,
      );
    }
    identityChecked = true;
    identityCheckedAt = Date.now();
  }

  async function getLogs(fromBlock: number, toBlock: number): Promise<Log[]> {
    try {
      return await chain.provider.getLogs({ address: addresses, fromBlock, toBlock });
    } catch (error) {
      // Nodes refuse too-large ranges or results: halve the range (and remember it), down to one block.
      if (fromBlock >= toBlock) throw error;
      range = Math.max(1, Math.floor((toBlock - fromBlock + 1) / 2));
      logger.warn({ fromBlock, toBlock, range }, "log range refused; splitting");
      const middle = fromBlock + range - 1;
      return [...(await getLogs(fromBlock, middle)), ...(await getLogs(middle + 1, toBlock))];
    }
  }

  /** Finds the highest stored block still on the canonical chain. */
  async function findAncestor(): Promise<number> {
    const recent = await db.select().from(indexedBlocks).orderBy(desc(indexedBlocks.blockNumber)).limit(KEPT_BLOCKS);
    for (const block of recent) {
      const onChain = await chain.provider.getBlock(block.blockNumber);
      if (onChain?.hash?.toLowerCase() === block.blockHash) return block.blockNumber;
    }
    // Deeper than what we kept: rebuild the whole index from the deployment.
    return chain.deployment.deploymentBlock - 1;
  }

  /** Reorg (or a shorter chain): identity first, so a reset chain halts instead of rolling back. */
  async function rollBack(fromBlock: number): Promise<void> {
    identityChecked = false;
    await checkIdentity();
    const ancestor = await findAncestor();
    const ancestorBlock = ancestor >= 0 ? await chain.provider.getBlock(ancestor) : null;
    logger.warn({ from: fromBlock, to: ancestor }, "reorg: rolling back to the common ancestor");
    await db.transaction(async (tx) => {
      await rollbackTo(tx, ancestor);
      await tx.delete(indexedBlocks).where(gt(indexedBlocks.blockNumber, ancestor));
      await tx
        .update(indexerCursor)
        .set({
          blockNumber: ancestor,
          blockHash: ancestorBlock?.hash?.toLowerCase() ?? "0x",
          updatedAt: new Date(),
        })
        .where(eq(indexerCursor.id, CURSOR_ID));
    });
  }

  async function step(): Promise<void> {
    // Re-checked every few seconds too: a reset node may come back before anything was indexed.
    if (!identityChecked || Date.now() - identityCheckedAt > IDENTITY_RECHECK_MS) await checkIdentity();
    const cursor = await readCursor();
    const head = await chain.provider.getBlockNumber();
    status.headBlock = head;
    chain.cache.observeHead(head);

    if (cursor && cursor.blockNumber >= chain.deployment.deploymentBlock) {
      const stored = cursor.blockNumber > head ? null : await chain.provider.getBlock(cursor.blockNumber);
      if (!stored || stored.hash?.toLowerCase() !== cursor.blockHash) {
        await rollBack(cursor.blockNumber);
        return;
      }
    }

    const from = cursor ? cursor.blockNumber + 1 : chain.deployment.deploymentBlock;
    const safeHead = head - options.confirmations;
    const to = Math.min(safeHead, from + range - 1);
    status.cursorBlock = cursor?.blockNumber ?? from - 1;
    status.lagBlocks = Math.max(0, head - (status.cursorBlock ?? 0));
    if (from > to) return;

    const logs = await getLogs(from, to);
    // The first new block too: it must follow the cursor's block, or the chain changed under the cursor.
    const blockNumbers = [...new Set([from, ...logs.map((log) => log.blockNumber), to])].sort((a, b) => a - b);
    const blocks = new Map<number, { hash: string; parentHash: string; timestamp: number }>();
    for (const number of blockNumbers) {
      const block = await chain.provider.getBlock(number);
      if (!block?.hash) throw new Error(`block ${number} is not available yet`);
      blocks.set(number, {
        hash: block.hash.toLowerCase(),
        parentHash: block.parentHash.toLowerCase(),
        timestamp: block.timestamp,
      });
    }
    if (
      cursor &&
      cursor.blockNumber >= chain.deployment.deploymentBlock &&
      blocks.get(from)?.parentHash !== cursor.blockHash
    ) {
      await rollBack(cursor.blockNumber);
      return;
    }
    for (const log of logs) {
      // A log from a block we did not see means a reorg happened while reading: retry the step.
      if (blocks.get(log.blockNumber)?.hash !== log.blockHash.toLowerCase())
        throw new Error("reorg while reading logs");
    }
    const events: IndexedEvent[] = [];
    for (const log of logs) {
      const contract = contractOf.get(log.address.toLowerCase());
      if (!contract) continue;
      const parsed = chain.interfaces[contract].parseLog(log);
      if (!parsed) continue;
      const args: Record<string, string | boolean> = {};
      parsed.fragment.inputs.forEach((input, index) => {
        args[input.name] = normaliseArg(parsed.args[index]);
      });
      events.push({
        chainId: chain.chainId,
        txHash: log.transactionHash.toLowerCase(),
        logIndex: log.index,
        blockNumber: log.blockNumber,
        blockHash: log.blockHash.toLowerCase(),
        blockTime: blocks.get(log.blockNumber)?.timestamp ?? 0,
        contract,
        name: parsed.name,
        args,
      });
    }
    events.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
    const last = blocks.get(to)!;

    // Rows and cursor in one transaction: a kill at any point leaves either all or nothing.
    await db.transaction(async (tx) => {
      for (const event of events) await projectEvent(tx, event);
      for (const [number, block] of blocks) {
        await tx
          .insert(indexedBlocks)
          .values({
            blockNumber: number,
            blockHash: block.hash,
            parentHash: block.parentHash,
            timestamp: block.timestamp,
          })
          .onConflictDoUpdate({
            target: indexedBlocks.blockNumber,
            set: { blockHash: block.hash, parentHash: block.parentHash, timestamp: block.timestamp },
          });
      }
      await tx.delete(indexedBlocks).where(lt(indexedBlocks.blockNumber, to - KEPT_BLOCKS));
      await tx
        .insert(indexerCursor)
        .values({
          id: CURSOR_ID,
          chainId: chain.chainId,
          genesisHash: chain.deployment.genesisHash,
          blockNumber: to,
          blockHash: last.hash,
        })
        .onConflictDoUpdate({
          target: indexerCursor.id,
          set: { blockNumber: to, blockHash: last.hash, updatedAt: new Date() },
        });
    });
    status.cursorBlock = to;
    status.lagBlocks = Math.max(0, head - to);
    if (events.length === 0) {
      range = Math.min(options.maxBlockRange, range * 2);
      return;
    }
    // Grow back towards the configured range after a split.
    range = Math.min(options.maxBlockRange, range * 2);
    options.onProgress?.(to);
  }

  async function loop(): Promise<void> {
    if (!running) return;
    let delay = options.pollMs;
    try {
      stepping = step();
      await stepping;
      failures = 0;
      status.lastError = null;
      // Catching up: go again at once.
      if (status.lagBlocks !== null && status.lagBlocks > options.confirmations) delay = 0;
    } catch (error) {
      if (error instanceof ChainMismatchError) {
        status.halted = error.message;
        status.lastError = error.message;
        running = false;
        status.running = false;
        logger.error({ err: error }, "indexer halted: chain mismatch");
        return;
      }
      failures++;
      status.lastError = errorMessage(error);
      // Bounded exponential backoff with jitter while the node or database is unavailable.
      delay = Math.min(options.maxBackoffMs, options.pollMs * 2 ** Math.min(failures, 16)) * (0.5 + Math.random() / 2);
      logger.warn({ err: error, failures, retryInMs: Math.round(delay) }, "indexer step failed");
    } finally {
      stepping = undefined;
      lagGauge?.set(status.lagBlocks ?? 0);
      cursorGauge?.set(status.cursorBlock ?? 0);
    }
    if (running) timer = setTimeout(() => void loop(), delay);
  }

  return {
    status: () => ({ ...status }),
    /** One step, for tests and tools (throws what the loop would retry). */
    step,
    start() {
      if (running) return;
      running = true;
      status.running = true;
      status.halted = null;
      timer = setTimeout(() => void loop(), 0);
    },
    async stop() {
      running = false;
      status.running = false;
      clearTimeout(timer);
      await stepping?.catch(() => undefined);
    },
    /** Readiness: not halted, and lag below the threshold. */
    readiness: async () => {
      if (status.halted) return { ok: false, detail: status.halted };
      const maxLag = options.maxLagBlocks ?? 50;
      if (status.lagBlocks === null) return { ok: false, detail: status.lastError ?? "not started" };
      const ok = status.lagBlocks <= maxLag + options.confirmations && status.lastError === null;
      return { ok, lagBlocks: status.lagBlocks, ...(status.lastError ? { detail: status.lastError } : {}) };
    },
  };
}

/** The indexer. */
export type Indexer = ReturnType<typeof createIndexer>;
