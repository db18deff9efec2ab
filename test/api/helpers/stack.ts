import pg from "pg";
import type { Deployment } from "../../../sdk/deployment";
import { silentLogger } from "../../../sdk/server";
import { startApiService, type ApiService } from "../../../api/service";
import { testConfig } from "./config";
import { listen, type TestServer } from "./http";
import { ResponseChecker } from "./openapi";

/** Environment for a service under test: PGlite in memory, or a unique PostgreSQL schema when DATABASE_URL is set. */
export function databaseEnv(suite: string): Record<string, string> {
  if (!process.env.DATABASE_URL) return { DATA_DIR: "memory://" };
  return {
    DATABASE_URL: process.env.DATABASE_URL,
    DATABASE_SCHEMA: `api_${suite}_${process.pid}_${Date.now() % 100000}`,
  };
}

/** A running API (service + HTTP server) whose responses are checked against its OpenAPI document. */
export interface ApiStack {
  service: ApiService;
  server: TestServer;
  checker: ResponseChecker;
  stop(options?: { dropSchema?: boolean }): Promise<void>;
}

/** Starts the API service in-process against a real node and database. */
export async function startStack(options: {
  deployment: Deployment;
  rpcUrl: string;
  suite: string;
  env?: Record<string, string>;
  background?: boolean;
}): Promise<ApiStack> {
  const env = {
    RPC_URL: options.rpcUrl,
    SIWE_ORIGIN: "http://fontaine.test",
    RELAYER_POLL_MS: "50",
    INDEXER_POLL_MS: "50",
    BATCH_MAX_WAIT_MS: "200",
    RATE_LIMIT_READ: "100000",
    RATE_LIMIT_WRITE: "100000",
    ...databaseEnv(options.suite),
    ...options.env,
  };
  const config = testConfig(env);
  const service = await startApiService({
    config,
    logger: silentLogger(),
    deployment: options.deployment,
    background: options.background,
  });
  const probe = await listen(service.app);
  const document = (await probe.request("/openapi.json")).body;
  await probe.close();
  const checker = new ResponseChecker(document as never);
  const server = await listen(service.app, checker);
  return {
    service,
    server,
    checker,
    async stop(stopOptions = {}) {
      await server.close();
      // The relayer and indexer keep querying their schema until the service stops: dropping it under them can
      // deadlock (PostgreSQL aborts one side), so the schema goes only once nothing uses it, on a connection of its own.
      await service.stop();
      if (stopOptions.dropSchema !== false && config.databaseUrl && config.databaseSchema) {
        await dropSchema(config.databaseUrl, config.databaseSchema);
      }
    },
  };
}

/** Drops a test's PostgreSQL schema on a short-lived connection (call it once nothing else uses the schema). */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** Polls `check` until it returns a truthy value or the timeout passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
