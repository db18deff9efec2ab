import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { BaseError, createLogger, createShutdown, errorMessage } from "../sdk/server";
import { loadConfig } from "./config";
import { openHistoryDatabase } from "./history/database";
import { createTelemetryService } from "./service";

/** One clear line on stderr, then exit 1: bad config, port in use, data folder locked. */
function refuseToStart(message: string): never {
  process.stderr.write(`telemetry: ${message}\n`);
  process.exit(1);
}

/** `npm run telemetry`: loads the config, opens the history, listens, and shuts down gracefully. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    refuseToStart(errorMessage(error));
  }
  const logger = createLogger("telemetry");
  const shutdown = createShutdown(logger);
  shutdown.installSignalHandlers();

  // Listen first, so a port already in use is reported at once; requests get 503 until ready.
  let handler: http.RequestListener = (_req, res) => {
    res.writeHead(503, { "Content-Type": "application/problem+json", "Retry-After": "5" });
    res.end(JSON.stringify({ type: "urn:fontaine:problem:starting", title: "Service Unavailable", status: 503 }));
  };
  let upgrade = (_request: http.IncomingMessage, socket: Duplex, _head: Buffer) => {
    socket.end("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  };
  const server = http.createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => handler(req, res));
  server.on("upgrade", (request, socket, head) => upgrade(request, socket, head));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      refuseToStart(`port ${config.port} is already in use; stop the other process or set TELEMETRY_PORT`);
    }
    refuseToStart(
      `cannot listen on ${config.host}:${config.port}: ${errorMessage(error)} (TELEMETRY_HOST, TELEMETRY_PORT)`,
    );
  }

  let database;
  try {
    database = await openHistoryDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, logger });
  } catch (error) {
    const cause = error instanceof BaseError && error.cause ? ` (${errorMessage(error.cause)})` : "";
    refuseToStart(errorMessage(error) + cause);
  }
  shutdown.add("database", () => database.close());

  const service = await createTelemetryService({ config, logger, database });
  handler = service.app;
  upgrade = (request, socket, head) => service.handleUpgrade(request, socket, head);

  // Steps run in reverse order: stop accepting, close the stream and the gateway, flush the
  // history, wait for the last HTTP connections, close the database.
  let drained: Promise<void> = Promise.resolve();
  shutdown.add("http connections", async () => {
    const force = setTimeout(() => server.closeAllConnections(), 2_000);
    await drained;
    clearTimeout(force);
  });
  shutdown.add("telemetry service", () => service.stop());
  shutdown.add("stop accepting", () => {
    drained = new Promise((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
  });

  const { port } = server.address() as AddressInfo;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const base = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  logger.info({ port, host: config.host }, "telemetry service listening");
  const fragment = config.generatedToken ? `#token=${config.generatedToken}` : "";
  process.stdout.write(`Fontaine telemetry: live view at ${base}/live/${fragment}\n`);
  if (config.generatedToken) {
    process.stdout.write(`(development access code kept in ${config.dataDir}/telemetry-dev-token)\n`);
  }

  await service.start();
}

main().catch((error: unknown) => refuseToStart(errorMessage(error)));
