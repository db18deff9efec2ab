import type { JsonRpcProvider } from "ethers";

/** A revert (or node error) of one call in a batch; `data` holds the revert data when the node gave it. */
export class BatchedCallError extends Error {
  override name = "BatchedCallError";
  constructor(
    message: string,
    readonly data: string | undefined,
  ) {
    super(message);
  }
}

interface PendingCall {
  to: string;
  data: string;
  resolve(result: string): void;
  reject(error: unknown): void;
}

/**
 * Groups the `eth_call`s issued in the same turn of the event loop into one JSON-RPC batch (one HTTP
 * request), so that per-submission reads that cannot be cached (a uid's record, a nonce bit) cost a
 * share of a round trip instead of one each. Calls read the latest block; failures reject only their
 * own call.
 */
export function createCallBatcher(provider: JsonRpcProvider, maxBatch = 200) {
  let queue: PendingCall[] = [];
  let scheduled = false;
  let nextId = 1;

  async function flush(batch: PendingCall[]): Promise<void> {
    const payload = batch.map((call) => ({
      jsonrpc: "2.0" as const,
      id: nextId++,
      method: "eth_call",
      params: [{ to: call.to, data: call.data }, "latest"],
    }));
    try {
      const answers = await provider._send(payload);
      const byId = new Map(answers.map((answer) => [answer.id, answer]));
      payload.forEach((request, index) => {
        const call = batch[index]!;
        const answer = byId.get(request.id) as
          { result?: string; error?: { message?: string; data?: unknown } } | undefined;
        if (answer && typeof answer.result === "string") call.resolve(answer.result);
        else {
          const data = typeof answer?.error?.data === "string" ? answer.error.data : undefined;
          call.reject(new BatchedCallError(answer?.error?.message ?? "no answer for this call", data));
        }
      });
    } catch (error) {
      for (const call of batch) call.reject(error);
    }
  }

  function drain() {
    scheduled = false;
    const all = queue;
    queue = [];
    for (let start = 0; start < all.length; start += maxBatch) void flush(all.slice(start, start + maxBatch));
  }

  return {
    /** `eth_call` of `data` on `to` at the latest block, sent with the other calls of this turn. */
    call(to: string, data: string): Promise<string> {
      return new Promise((resolve, reject) => {
        queue.push({ to, data, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(drain);
        }
      });
    },
  };
}

/** A batched caller. */
export type CallBatcher = ReturnType<typeof createCallBatcher>;
