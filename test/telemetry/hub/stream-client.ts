import WebSocket from "ws";
import { parseServerMessage, streamProtocols, streamUrl, type ServerMessage } from "../../../sdk/telemetry/protocol";

/** A real ws client of the stream that records what it receives. */
export interface StreamClient {
  socket: WebSocket;
  messages: ServerMessage[];
  /** Receipt time (ms) of each message, same index as `messages`. */
  receivedAt: number[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first message (past or future) matching `predicate`. */
  waitFor<T extends ServerMessage = ServerMessage>(
    predicate: (message: ServerMessage) => boolean,
    timeoutMs?: number,
  ): Promise<T>;
  /** Highest seq received (snapshot included). */
  lastSeq(): number;
  close(): Promise<void>;
}

export interface ConnectOptions {
  lastSeq?: number;
  origin?: string;
  protocols?: string[];
}

/** Opens a stream connection; rejects with the HTTP status when the upgrade is refused. */
export function connectStream(baseUrl: string, token: string, options: ConnectOptions = {}): Promise<StreamClient> {
  const socket = new WebSocket(streamUrl(baseUrl, options.lastSeq), options.protocols ?? streamProtocols(token), {
    ...(options.origin ? { origin: options.origin } : {}),
  });
  const messages: ServerMessage[] = [];
  const receivedAt: number[] = [];
  const waiters: { predicate: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  socket.on("message", (data) => {
    const message = parseServerMessage(data.toString());
    if (!message) throw new Error(`unparseable frame: ${data.toString().slice(0, 200)}`);
    messages.push(message);
    receivedAt.push(Date.now());
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  return new Promise((resolve, reject) => {
    socket.once("unexpected-response", (_request, response) => {
      const error = new Error(`upgrade refused with ${response.statusCode}`) as Error & { status?: number };
      error.status = response.statusCode;
      socket.terminate();
      reject(error);
    });
    socket.once("error", reject);
    socket.once("open", () => {
      socket.off("error", reject);
      socket.on("error", () => undefined);
      resolve({
        socket,
        messages,
        receivedAt,
        closed,
        waitFor(predicate, timeoutMs = 10_000) {
          const found = messages.find(predicate);
          if (found) return Promise.resolve(found as never);
          return new Promise((resolveWait, rejectWait) => {
            const timer = setTimeout(() => {
              waiters.splice(waiters.indexOf(waiter), 1);
              rejectWait(new Error(`timed out waiting for a message (${messages.length} received)`));
            }, timeoutMs);
            const waiter = {
              predicate,
              resolve: (m: ServerMessage) => {
                clearTimeout(timer);
                resolveWait(m as never);
              },
            };
            waiters.push(waiter);
          });
        },
        lastSeq() {
          let max = 0;
          for (const m of messages) if ("seq" in m && typeof m.seq === "number" && m.seq > max) max = m.seq;
          return max;
        },
        async close() {
          if (socket.readyState === WebSocket.CLOSED) return;
          socket.close(1000);
          await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000))]);
          socket.terminate();
        },
      });
    });
  });
}

/** Rejection status of an upgrade attempt, or "open" when it was accepted. */
export async function upgradeStatus(baseUrl: string, token: string, options: ConnectOptions = {}) {
  try {
    const client = await connectStream(baseUrl, token, options);
    await client.close();
    return "open" as const;
  } catch (error) {
    return (error as { status?: number }).status ?? "error";
  }
}
