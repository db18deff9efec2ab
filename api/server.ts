import type { Server } from "node:http";
import { BaseError, createLogger, createShutdown } from "../sdk/server";
import { loadConfig } from "./config";
import { startApiService } from "./service";

// `npm run api`: the provenance API alone against RPC_URL and DEPLOYMENT, on API_PORT.
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger("api", config.logLevel);
  const shutdown = createShutdown(logger);
  shutdown.installSignalHandlers();
  const service = await startApiService({ config, logger });
  shutdown.add("services", () => service.stop());

  const server: Server = service.app.listen(config.port, config.host);
  // Slow clients cannot hold sockets forever (slowloris): bound header and whole-request times.
  server.headersTimeout = 10_000;
  server.requestTimeout = config.limits.requestTimeoutMs + 5_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  }).catch(async (error: NodeJS.ErrnoException) => {
    await service.stop();
    if (error.code === "EADDRINUSE")
      throw new Error(`port ${config.port} is already in use: set API_PORT to a free port`);
    throw error;
  });
  shutdown.add(
    "http",
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      }),
  );
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  logger.info({ port, chainId: service.chain.chainId }, `provenance API listening on http://${config.host}:${port}`);
}

main().catch((error: unknown) => {
  // One clear line, no stack trace: bad config, port in use, wrong chain, locked data folder.
  const message = error instanceof BaseError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`api: ${message}\n`);
  process.exit(1);
});
