/**
 * The command line's JSON-RPC provider: ethers' `JsonRpcProvider` (same methods, same errors) whose batching and
 * transport are simpler. ethers' `FetchRequest` converts every request and response body to and from UTF-8 one
 * character at a time in JavaScript, and its batcher serialises the whole batch again for each request it adds
 * (quadratic: a 100-call batch is serialised 100 times to check its size); a fresh process verifying a 50-lot bundle
 * sends a few hundred calls, and both showed in its profile. Here every call is serialised once, the calls of one
 * tick leave together in batches of at most 100 calls and 1 MB, and Node's http client encodes and parses natively.
 */
import http from "node:http";
import https from "node:https";
import {
  JsonRpcProvider,
  makeError,
  type JsonRpcApiProviderOptions,
  type JsonRpcError,
  type JsonRpcPayload,
  type JsonRpcResult,
} from "ethers";

/** Longest wait for one JSON-RPC answer before the command gives up (a node that accepted but never answers). */
const REQUEST_TIMEOUT_MS = 120_000;
const BATCH_MAX_CALLS = 100;
const BATCH_MAX_BYTES = 1 << 20;

interface PendingCall {
  payload: JsonRpcPayload;
  json: string;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/** A `JsonRpcProvider` for an http(s) URL, posting its batches with Node's http client. */
export class NodeJsonRpcProvider extends JsonRpcProvider {
  readonly #url: URL;
  #queue: PendingCall[] = [];
  #nextId = 1;

  constructor(url: string, chainId: number, options: JsonRpcApiProviderOptions) {
    super(url, chainId, options);
    this.#url = new URL(url);
  }

  override send(method: string, params: unknown[] | Record<string, unknown>): Promise<unknown> {
    if (this.destroyed) {
      return Promise.reject(
        makeError("provider destroyed; cancelled request", "UNSUPPORTED_OPERATION", { operation: method }),
      );
    }
    const payload: JsonRpcPayload = { method, params, id: this.#nextId++, jsonrpc: "2.0" };
    return new Promise((resolve, reject) => {
      if (this.#queue.length === 0) setTimeout(() => this.#flush(), 0);
      this.#queue.push({ payload, json: JSON.stringify(payload), resolve, reject });
    });
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    return answers(await post(this.#url, JSON.stringify(payload)));
  }

  #flush(): void {
    const calls = this.#queue;
    this.#queue = [];
    let batch: PendingCall[] = [];
    let bytes = 0;
    for (const call of calls) {
      if (batch.length > 0 && (batch.length === BATCH_MAX_CALLS || bytes + call.json.length > BATCH_MAX_BYTES)) {
        void this.#post(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(call);
      bytes += call.json.length + 1;
    }
    if (batch.length > 0) void this.#post(batch);
  }

  async #post(batch: PendingCall[]): Promise<void> {
    // One call goes alone, as ethers sends it (some nodes refuse batches).
    const body = batch.length === 1 ? batch[0]!.json : `[${batch.map((call) => call.json).join(",")}]`;
    let results: (JsonRpcResult | JsonRpcError)[];
    try {
      results = answers(await post(this.#url, body));
    } catch (error) {
      for (const call of batch) call.reject(error);
      return;
    }
    const byId = new Map(results.map((result) => [result.id, result]));
    for (const call of batch) {
      const answer = byId.get(call.payload.id);
      if (this.destroyed) {
        call.reject(
          makeError("provider destroyed; cancelled request", "UNSUPPORTED_OPERATION", {
            operation: call.payload.method,
          }),
        );
      } else if (!answer) {
        call.reject(
          makeError("missing response for request", "BAD_DATA", { value: results, info: { payload: call.payload } }),
        );
      } else if ("error" in answer) {
        call.reject(this.getRpcError(call.payload, answer));
      } else {
        call.resolve(answer.result);
      }
    }
  }
}

function answers(text: string): JsonRpcResult[] {
  const answer = JSON.parse(text) as JsonRpcResult | JsonRpcResult[];
  return Array.isArray(answer) ? answer : [answer];
}

function post(url: URL, body: string): Promise<string> {
  const client = url.protocol === "https:" ? https : http;
  const data = Buffer.from(body, "utf8");
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": data.length },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = response.statusCode ?? 0;
          if (status < 200 || status > 299) {
            const reason = response.statusMessage ? ` ${response.statusMessage}` : "";
            reject(new Error(`the node answered HTTP ${status}${reason}`));
          } else {
            resolve(text);
          }
        });
      },
    );
    request.on("timeout", () =>
      request.destroy(new Error(`no answer from the node in ${REQUEST_TIMEOUT_MS / 1000} s`)),
    );
    request.on("error", reject);
    request.end(data);
  });
}
