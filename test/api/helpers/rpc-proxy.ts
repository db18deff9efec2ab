import http from "node:http";
import type { AddressInfo } from "node:net";

/** Faults the proxy can inject between the API and the node. */
export interface ProxyFaults {
  /** Answer every request with a connection reset (node down). */
  down: boolean;
  /** Refuse `eth_getLogs` spanning more blocks than this, like hosted nodes do. */
  maxLogRange?: number;
  /** Count of refused `eth_getLogs` calls. */
  refusedLogRanges: number;
}

/** A small JSON-RPC HTTP proxy of our own for network faults (no toxiproxy here). */
export async function startRpcProxy(
  target: string,
): Promise<{ url: string; faults: ProxyFaults; close(): Promise<void> }> {
  const faults: ProxyFaults = { down: false, refusedLogRanges: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (faults.down) {
        req.socket.destroy();
        return;
      }
      const body = Buffer.concat(chunks).toString("utf8");
      const call = JSON.parse(body) as {
        id: unknown;
        method: string;
        params: Array<{ fromBlock?: string; toBlock?: string }>;
      };
      if (call.method === "eth_getLogs" && faults.maxLogRange !== undefined) {
        const filter = call.params[0] ?? {};
        const from = Number(filter.fromBlock ?? 0);
        const to = Number(filter.toBlock ?? from);
        if (to - from + 1 > faults.maxLogRange) {
          faults.refusedLogRanges++;
          res.setHeader("content-type", "application/json");
          res.end(
            JSON.stringify({
              jsonrpc: "2.0",
              id: call.id,
              error: { code: -32005, message: "query returned more than 10000 results" },
            }),
          );
          return;
        }
      }
      const upstream = http.request(
        target,
        { method: "POST", headers: { "content-type": "application/json" } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, { "content-type": "application/json" });
          answer.pipe(res);
        },
      );
      upstream.on("error", () => req.socket.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
