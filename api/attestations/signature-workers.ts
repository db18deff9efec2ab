import path from "node:path";
import { Worker } from "node:worker_threads";
import { recoverSigner } from "./attest-signature";
import { nativeRecover } from "./native-recover";

/** One request to a worker: the recoveries of one turn of the event loop, as [digest, signature] pairs. */
export interface WorkerRequest {
  id: number;
  items: Array<[digest: string, signature: string]>;
}

/** A worker's answer: the recovered signers (lower case, or null), in the order of the request's items. */
export interface WorkerAnswer {
  id: number;
  results?: Array<string | null>;
  error?: string;
}

interface Pending {
  item: WorkerRequest["items"][number];
  resolve(result: string | null): void;
  reject(error: unknown): void;
}

/**
 * ECDSA recovery of submitted signatures, batched per turn of the event loop. Inline by default, with libsecp256k1's
 * native binding (~0.04 ms a signature, less than posting it to a worker and reading the answer back costs the
 * event loop). With `workers` > 0, on worker threads instead, with libsecp256k1 in WebAssembly (~0.2 ms; the native
 * binding cannot be loaded by workers), while the submission's chain reads are in flight; the recoveries of one turn
 * travel as one message. While a worker starts or after it failed, the same check runs inline: a request never
 * waits on, or fails with, a worker.
 */
export function createSignatureWorkers(workers = 0) {
  const inline = ([digest, signature]: Pending["item"]) => recoverSigner(digest, signature, nativeRecover);
  const pool: Array<{ worker: Worker; ready: boolean; inflight: Map<number, Pending[]> }> = [];
  let queue: Pending[] = [];
  let scheduled = false;
  let nextId = 1;
  let turn = 0;
  let closed = false;

  function settleInline(batch: Pending[]) {
    for (const pending of batch) {
      try {
        pending.resolve(inline(pending.item));
      } catch (error) {
        pending.reject(error);
      }
    }
  }

  function start(index: number) {
    // A CommonJS bootstrap registers tsx in the worker (workers do not inherit the main thread's loader).
    const worker = new Worker(path.join(__dirname, "signature-worker.cjs"));
    const slot = { worker, ready: false, inflight: new Map<number, Pending[]>() };
    pool[index] = slot;
    worker.unref();
    worker.on("message", (message: "ready" | WorkerAnswer) => {
      if (message === "ready") {
        slot.ready = true;
        return;
      }
      const batch = slot.inflight.get(message.id);
      slot.inflight.delete(message.id);
      if (!batch) return;
      if (message.results) batch.forEach((pending, i) => pending.resolve(message.results![i]!));
      else settleInline(batch);
    });
    const fail = () => {
      slot.ready = false;
      const lost = [...slot.inflight.values()].flat();
      slot.inflight.clear();
      settleInline(lost);
      if (!closed && pool[index] === slot) setTimeout(() => !closed && start(index), 1_000).unref();
    };
    worker.on("error", fail);
    worker.on("exit", fail);
  }

  function flush() {
    scheduled = false;
    const batch = queue;
    queue = [];
    const ready = pool.filter((slot) => slot.ready);
    if (ready.length === 0) return settleInline(batch);
    const slot = ready[turn++ % ready.length]!;
    const id = nextId++;
    slot.inflight.set(id, batch);
    slot.worker.postMessage({ id, items: batch.map((pending) => pending.item) } satisfies WorkerRequest);
  }

  for (let index = 0; index < workers; index++) start(index);

  return {
    /** `recoverSigner(digest, signature)`, off the event loop when a worker runs. */
    recover(digest: string, signature: string): Promise<string | null> {
      return new Promise((resolve, reject) => {
        queue.push({ item: [digest, signature], resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    /** How many workers are running (0: inline). */
    ready: () => pool.filter((slot) => slot.ready).length,
    async close() {
      closed = true;
      await Promise.all(pool.map((slot) => slot.worker.terminate()));
    },
  };
}

/** The signature workers. */
export type SignatureWorkers = ReturnType<typeof createSignatureWorkers>;
