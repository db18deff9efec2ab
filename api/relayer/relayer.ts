import { and, asc, count, eq, inArray, isNull, max, min, sql } from "drizzle-orm";
import { keccak256, type HDNodeWallet, type TransactionRequest, type Wallet } from "ethers";
import type { Logger } from "pino";
import { Counter, Gauge, type Registry } from "prom-client";
import { errorMessage } from "../../sdk/server";
import type { Chain } from "../chain/chain";
import type { ApiDatabase } from "../db/database";
import { leaves, relayJobs, relayTransactions } from "../db/schema";
import { decodeRevert } from "./contract-errors";
import { requeueJobs } from "./requeue";
import { defaultJobKinds, type ChainCall, type JobKind, type LeafRow, type RelayJob } from "./job-kinds";

/** Relayer settings. */
export interface RelayerOptions {
  chain: Chain;
  db: ApiDatabase;
  logger: Logger;
  wallet: Wallet | HDNodeWallet;
  pollMs: number;
  /** Re-broadcast a pending transaction not mined after this long (dropped by the node's pool). */
  resubmitAfterMs: number;
  batch: { maxSize: number; minSize: number; maxWaitMs: number };
  /** Transactions in flight at most. */
  maxPending?: number;
  /**
   * While idle (nothing queued or pending as far as this process knows), the loop still reads the queue and the
   * pending transactions this often (default 1 s), for jobs stored by another process on a shared database.
   */
  idleCheckMs?: number;
  kinds?: Map<string, JobKind>;
  metrics?: Registry;
  /** Test seam: called after a transaction is recorded, before it is broadcast. */
  beforeBroadcast?: (txHash: string) => Promise<void> | void;
}

type Tx = Parameters<Parameters<ApiDatabase["transaction"]>[0]>[0];

/**
 * Stores a batch's leaves with one statement whose rows travel as one JSON parameter: a 512-leaf batch as
 * a multi-row INSERT has 8,192 bind parameters, and building it costs more than running it.
 */
async function insertLeaves(tx: Tx, rows: LeafRow[]): Promise<void> {
  await tx.execute(sql`
    insert into ${leaves} (uid, root, leaf_hash, attest_digest, proof, schema_id, subject, digest, attester_id, signer,
                        expiry, expires_at, ref_uid, nonce, deadline, signature)
    select x.uid, x.root, x."leafHash", x."attestDigest", x.proof, x."schemaId", x.subject, x.digest, x."attesterId",
           x.signer, x.expiry, x."expiresAt", x."refUid", x.nonce, x.deadline, x.signature
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
      uid text, root text, "leafHash" text, "attestDigest" text, proof jsonb, "schemaId" text, subject text, digest text,
      "attesterId" text, signer text, expiry text, "expiresAt" bigint, "refUid" text, nonce text, deadline text,
      signature text)
    on conflict do nothing`);
}

/**
 * Sends queued signed payloads on chain. Every transaction is signed and stored (raw bytes, hash,
 * nonce) together with its jobs' state in one database transaction before it is broadcast, so after
 * a crash the very same transaction is re-broadcast or found mined — never a second one.
 */
export function createRelayer(options: RelayerOptions) {
  const { chain, db, logger, wallet } = options;
  const kinds = options.kinds ?? defaultJobKinds();
  const maxPending = options.maxPending ?? 32;
  const sender = wallet.address.toLowerCase();
  const interfaces = Object.values(chain.interfaces);
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let stepping: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let nextNonce: number | undefined;
  let lastError: string | null = null;
  let feeCache: { at: number; fees: Partial<TransactionRequest> } | undefined;
  // What this process knows: jobs may be queued (notified, requeued, or left waiting by the last dispatch), and
  // transactions may be pending (sent, or still pending at the last reconcile). Polls skip what is known idle.
  let maybeQueued = true;
  let maybePending = true;
  let lastFullCheck = 0;
  const idleCheckMs = options.idleCheckMs ?? 1_000;

  const sent = options.metrics
    ? new Counter({
        name: "fontaine_api_relayer_transactions_total",
        help: "Relayer transactions signed",
        registers: [options.metrics],
      })
    : undefined;
  const queued = options.metrics
    ? new Gauge({
        name: "fontaine_api_relayer_queued_jobs",
        help: "Jobs waiting to be sent",
        registers: [options.metrics],
      })
    : undefined;

  async function fees(): Promise<Partial<TransactionRequest>> {
    if (feeCache && Date.now() - feeCache.at < 5_000) return feeCache.fees;
    const data = await chain.provider.getFeeData();
    const fee: Partial<TransactionRequest> =
      data.maxFeePerGas !== null
        ? { type: 2, maxFeePerGas: data.maxFeePerGas * 2n, maxPriorityFeePerGas: data.maxPriorityFeePerGas ?? 0n }
        : { type: 0, gasPrice: data.gasPrice ?? 0n };
    feeCache = { at: Date.now(), fees: fee };
    return fee;
  }

  async function initNonce(): Promise<number> {
    const onChain = await chain.provider.getTransactionCount(wallet.address, "pending");
    const [stored] = await db
      .select({ highest: max(relayTransactions.nonce) })
      .from(relayTransactions)
      .where(eq(relayTransactions.sender, sender));
    return Math.max(onChain, stored?.highest === null || stored?.highest === undefined ? 0 : stored.highest + 1);
  }

  async function broadcast(id: number, raw: string): Promise<void> {
    try {
      await chain.provider.broadcastTransaction(raw);
    } catch (error) {
      // "already known" / "nonce too low" after a crash are expected: reconciliation decides.
      logger.debug({ err: error, id }, "broadcast not accepted");
    }
    await db
      .update(relayTransactions)
      .set({ broadcastCount: sql`${relayTransactions.broadcastCount} + 1`, lastBroadcastAt: new Date() })
      .where(eq(relayTransactions.id, id));
  }

  /**
   * Simulates, signs, records and broadcasts one call for `jobs`. Returns false when the simulation
   * says the call cannot succeed (jobs are then settled by `settleRevert`).
   */
  async function send(jobs: RelayJob[], call: ChainCall, kind: JobKind, batch?: { root: string; leaves: LeafRow[] }) {
    let gasLimit: bigint;
    try {
      gasLimit = await chain.provider.estimateGas({ from: wallet.address, to: call.to, data: call.data });
    } catch (error) {
      const revert = decodeRevert(error, interfaces);
      if (!revert) throw error;
      await settleRevert(jobs, kind, revert.name, revert.args);
      return false;
    }
    nextNonce ??= await initNonce();
    const nonce = nextNonce;
    const raw = await wallet.signTransaction({
      ...(await fees()),
      chainId: chain.chainId,
      to: call.to,
      data: call.data,
      nonce,
      gasLimit: (gasLimit * 13n) / 10n + 10_000n,
    });
    const txHash = keccak256(raw).toLowerCase();
    const txId = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(relayTransactions)
        .values({ chainId: chain.chainId, sender, nonce, txHash, rawTransaction: raw })
        .returning({ id: relayTransactions.id });
      await tx
        .update(relayJobs)
        .set({
          status: "submitted",
          transactionId: row!.id,
          attempts: sql`${relayJobs.attempts} + 1`,
          updatedAt: new Date(),
          ...(batch ? { batchRoot: batch.root } : {}),
        })
        .where(
          inArray(
            relayJobs.id,
            jobs.map((job) => job.id),
          ),
        );
      if (batch) await insertLeaves(tx, batch.leaves);
      return row!.id;
    });
    nextNonce = nonce + 1;
    maybePending = true;
    sent?.inc();
    await options.beforeBroadcast?.(txHash);
    await broadcast(txId, raw);
    return true;
  }

  async function settleRevert(jobs: Array<{ id: number }>, kind: JobKind, name: string, args: string[]) {
    const ids = jobs.map((job) => job.id);
    if (kind.alreadyDone.includes(name)) {
      // Someone else (or an earlier transaction of ours) already did it: that is success.
      await db
        .update(relayJobs)
        .set({ status: "anchored", error: null, updatedAt: new Date() })
        .where(inArray(relayJobs.id, ids));
      return;
    }
    const reason = args.length ? `${name}(${args.join(", ")})` : name;
    await db
      .update(relayJobs)
      .set({ status: "failed", error: reason.slice(0, 500), updatedAt: new Date() })
      .where(inArray(relayJobs.id, ids));
    logger.warn({ jobs: ids, reason }, "relay job rejected by the contract");
  }

  /** Settles pending transactions: mined, reverted, dropped (re-broadcast) or replaced (jobs re-queued). */
  async function reconcile(): Promise<number> {
    const pending = await db
      .select()
      .from(relayTransactions)
      .where(eq(relayTransactions.status, "pending"))
      .orderBy(asc(relayTransactions.nonce));
    if (pending.length === 0) return 0;
    const minedNonce = await chain.provider.getTransactionCount(wallet.address, "latest");
    let stillPending = 0;
    for (const tx of pending) {
      const receipt = await chain.provider.getTransactionReceipt(tx.txHash);
      const jobs = await db
        .select({ id: relayJobs.id, kind: relayJobs.kind })
        .from(relayJobs)
        .where(eq(relayJobs.transactionId, tx.id));
      if (receipt) {
        if (receipt.status === 1) {
          await db.transaction(async (dbTx) => {
            await dbTx
              .update(relayTransactions)
              .set({ status: "mined", blockNumber: receipt.blockNumber })
              .where(eq(relayTransactions.id, tx.id));
            await dbTx
              .update(relayJobs)
              .set({ status: "anchored", error: null, updatedAt: new Date() })
              .where(and(eq(relayJobs.transactionId, tx.id), eq(relayJobs.status, "submitted")));
          });
        } else {
          await db
            .update(relayTransactions)
            .set({ status: "reverted", blockNumber: receipt.blockNumber })
            .where(eq(relayTransactions.id, tx.id));
          // Replay the call at its block to learn why, decoded against the ABI.
          const kind = kinds.get(jobs[0]?.kind ?? "");
          if (kind) {
            const parsed = await chain.provider.getTransaction(tx.txHash);
            try {
              await chain.provider.call({
                from: wallet.address,
                to: parsed?.to ?? undefined,
                data: parsed?.data,
                blockTag: receipt.blockNumber - 1,
              });
              await requeue(jobs.map((job) => job.id));
            } catch (error) {
              const revert = decodeRevert(error, interfaces) ?? { name: "Reverted", args: [] };
              await settleRevert(jobs, kind, revert.name, revert.args);
            }
          }
        }
        continue;
      }
      if (tx.nonce < minedNonce) {
        // Our nonce was used by another transaction: this one can never be mined.
        await db.update(relayTransactions).set({ status: "dropped" }).where(eq(relayTransactions.id, tx.id));
        await requeue(jobs.map((job) => job.id));
        continue;
      }
      stillPending++;
      const age = tx.lastBroadcastAt ? Date.now() - tx.lastBroadcastAt.getTime() : Infinity;
      if (tx.broadcastCount === 0 || age >= options.resubmitAfterMs) {
        logger.info({ txHash: tx.txHash, nonce: tx.nonce }, "re-broadcasting pending transaction");
        await broadcast(tx.id, tx.rawTransaction);
      }
    }
    return stillPending;
  }

  async function requeue(ids: number[]) {
    if (ids.length === 0) return;
    maybeQueued = true;
    await db.transaction((tx) => requeueJobs(tx, ids));
  }

  /** Sends what is due; resolves true when jobs were queued (some may still wait for a fuller batch or budget). */
  async function dispatch(pendingCount: number): Promise<boolean> {
    let budget = maxPending - pendingCount;
    if (budget <= 0) return true;
    // A cheap summary first: rows (with their payloads) are read only when something will be sent.
    const summary = await db
      .select({ kind: relayJobs.kind, queued: count(), oldest: min(relayJobs.createdAt) })
      .from(relayJobs)
      .where(and(eq(relayJobs.status, "queued"), isNull(relayJobs.transactionId)))
      .groupBy(relayJobs.kind);
    queued?.set(summary.reduce((total, row) => total + row.queued, 0));
    const now = Math.floor(Date.now() / 1000);
    for (const { kind: name, queued: waiting, oldest } of summary) {
      const kind = kinds.get(name);
      if (!kind || waiting === 0 || budget <= 0) continue;
      const waited = oldest ? Date.now() - new Date(oldest).getTime() : 0;
      const batching = kind.batch !== undefined && waiting >= options.batch.minSize;
      // Under load: one Merkle root for many leaves; wait a little for a fuller batch.
      if (batching && waiting < options.batch.maxSize && waited < options.batch.maxWaitMs) continue;
      const take = batching ? options.batch.maxSize * Math.min(budget, 4) : Math.min(budget, 64);
      const rows = (await db
        .select()
        .from(relayJobs)
        .where(and(eq(relayJobs.kind, name), eq(relayJobs.status, "queued"), isNull(relayJobs.transactionId)))
        .orderBy(asc(relayJobs.id))
        .limit(take)) as RelayJob[];
      const live: RelayJob[] = [];
      for (const row of rows) {
        if (kind.deadline(row) < now) await settleRevert([row], kind, "DeadlinePassed", ["before it could be relayed"]);
        else live.push(row);
      }
      if (batching && kind.batch) {
        for (let start = 0; start < live.length && budget > 0; start += options.batch.maxSize) {
          const chunk = live.slice(start, start + options.batch.maxSize);
          const built = kind.batch(chunk, chain);
          await send(chunk, built.call, kind, { root: built.root, leaves: built.leaves });
          budget--;
        }
        continue;
      }
      for (const job of live) {
        if (budget <= 0) break;
        if (await send([job], kind.single(job, chain), kind)) budget--;
      }
    }
    return summary.some((row) => row.queued > 0);
  }

  /** Reconciles and dispatches; `full` reads both even when this process believes there is nothing to do. */
  async function step(full = true): Promise<void> {
    if (full) lastFullCheck = Date.now();
    let pendingCount = 0;
    if (full || maybePending) {
      pendingCount = await reconcile();
      maybePending = pendingCount > 0;
    }
    if (full || maybeQueued) {
      maybeQueued = false;
      if (await dispatch(pendingCount)) maybeQueued = true;
    }
  }

  async function loop(): Promise<void> {
    if (!running) return;
    try {
      stepping = step(Date.now() - lastFullCheck >= idleCheckMs);
      await stepping;
      lastError = null;
    } catch (error) {
      lastError = errorMessage(error);
      // The in-memory nonce may be stale after an RPC failure: re-read it next time, and check everything.
      nextNonce = undefined;
      maybeQueued = true;
      maybePending = true;
      logger.warn({ err: error }, "relayer step failed");
    } finally {
      stepping = undefined;
    }
    if (!running) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, lastError ? options.pollMs * 10 : options.pollMs);
    });
    wake = undefined;
    void loop();
  }

  return {
    address: wallet.address,
    kinds,
    step,
    reconcile,
    /** Wakes the loop (new job queued, new block indexed). */
    notify() {
      // Wake at once for the first job after idle; under load the next poll (pollMs) is soon enough, and waking
      // for every stored group would re-read the queue summary many times per batch.
      if (maybeQueued) return;
      maybeQueued = true;
      wake?.();
    },
    start() {
      if (running) return;
      running = true;
      // Started again (e.g. after a leadership hand-over): what this process knew may be stale.
      maybeQueued = true;
      maybePending = true;
      lastFullCheck = 0;
      void loop();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      wake?.();
      await stepping?.catch(() => undefined);
    },
    readiness: async () => ({ ok: lastError === null, ...(lastError ? { detail: lastError } : {}) }),
  };
}

/** The relayer. */
export type Relayer = ReturnType<typeof createRelayer>;
