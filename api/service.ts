import { sql } from "drizzle-orm";
import type { Express } from "express";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { OpenDatabase } from "../sdk/server";
import { assertSameChain, DeploymentError, type Deployment } from "../sdk/deployment";
import { createApp, type ReadinessCheck } from "./app";
import { createAuthService } from "./auth/auth.service";
import { createAttestationService } from "./attestations/attestations.service";
import { createChain, readDeploymentFile, type Chain } from "./chain/chain";
import type { ApiConfig } from "./config";
import { openApiDatabase } from "./db/database";
import { indexerCursor, type ApiSchema } from "./db/schema";
import { createFederationView } from "./federation/federation.view";
import { startLeadership, type Leadership } from "./leader";
import { createMetricsRegistry } from "./http/metrics";
import type { RouteDefinition } from "./http/route";
import { createIndexer, ChainMismatchError, type Indexer } from "./indexer/indexer";
import { defaultJobKinds, type JobKind } from "./relayer/job-kinds";
import { loadRelayerWallet } from "./relayer/relayer-key";
import { createRelayer, type Relayer } from "./relayer/relayer";
import { attestationRoutes } from "./routes/attestations.route";
import { authRoutes } from "./routes/auth.route";
import { federationRoutes } from "./routes/federation.route";
import { verifyRoutes } from "./routes/verify.route";
import { bundleRoutes } from "./routes/bundles.route";
import { lotRoutes } from "./routes/lots.route";
import { lotFlagRoutes } from "./routes/lot-flags.route";
import { shareRoutes } from "./routes/shares.route";
import { deploymentRoutes } from "./routes/deployment.route";
import { createLotService } from "./lots/lots.service";
import { createDocumentService } from "./documents/documents.service";
import { documentRoutes } from "./routes/documents.route";
import { lotCommitJobKind } from "./lots/lot-commit.job";
import { lotFlagJobKind } from "./lots/lot-flag.job";
import { signedBatchJobKind } from "./batches/signed-batch.job";
import { createSignedBatchService } from "./batches/signed-batches.service";
import { batchRoutes } from "./routes/batches.route";

/** A running API service: app (not listening), its parts, and one `stop`. */
export interface ApiService {
  app: Express;
  chain: Chain;
  database: OpenDatabase<ApiSchema>;
  indexer: Indexer;
  relayer: Relayer;
  /** Database upkeep run every 10 minutes (VACUUM on PGlite, which has no autovacuum); exposed for tests. */
  maintenance(): Promise<void>;
  /** Whether this instance runs the indexer and relayer (undefined when started without background work). */
  leadership?: Leadership;
  metrics: Registry;
  stop(): Promise<void>;
}

/** How often the service runs its database upkeep. */
const MAINTENANCE_INTERVAL_MS = 10 * 60_000;

/** Options to start the service in-process (tests, the embedded stack). */
export interface StartOptions {
  config: ApiConfig;
  logger: Logger;
  deployment?: Deployment;
  /** Start the indexer and relayer loops (default true). */
  background?: boolean;
  /** Extra routes and relay job kinds (lots and bundles plug in here). */
  extraRoutes?: (deps: { database: OpenDatabase<ApiSchema>; chain: Chain }) => RouteDefinition[];
  extraJobKinds?: JobKind[];
  /** Test seam passed to the relayer. */
  beforeBroadcast?: (txHash: string) => Promise<void> | void;
}

/** Opens the database, connects to the chain (refusing a different chain), and wires indexer, relayer and app. */
export async function startApiService(options: StartOptions): Promise<ApiService> {
  const { config, logger } = options;
  const deployment = options.deployment ?? readDeploymentFile(config.deploymentFile);
  const chain = createChain({ rpcUrl: config.rpcUrl, deployment });
  try {
    const [chainIdHex, genesis] = await Promise.all([
      chain.provider.send("eth_chainId", []),
      chain.provider.getBlock(0),
    ]);
    assertSameChain(deployment, { chainId: BigInt(chainIdHex as string), genesisHash: genesis?.hash ?? "" });
  } catch (error) {
    chain.close();
    if (error instanceof DeploymentError)
      throw new ChainMismatchError(`${error.message}; check RPC_URL and DEPLOYMENT`);
    throw error;
  }
  const database = await openApiDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pgSchema: config.databaseSchema,
    logger,
  }).catch((error: unknown) => {
    chain.close();
    throw error;
  });
  const db = database.db;
  const metrics = createMetricsRegistry();
  const wallet = await loadRelayerWallet(config.relayer.key, chain.provider);
  if (deployment.relayer && deployment.relayer.toLowerCase() !== wallet.address.toLowerCase()) {
    logger.warn(
      { relayer: wallet.address, expected: deployment.relayer },
      "relayer key is not the deployment's relayer: Merkle batches will be refused",
    );
  }
  const kinds = defaultJobKinds();
  kinds.set(lotCommitJobKind.name, lotCommitJobKind);
  kinds.set(lotFlagJobKind.name, lotFlagJobKind);
  kinds.set(signedBatchJobKind.name, signedBatchJobKind);
  for (const kind of options.extraJobKinds ?? []) kinds.set(kind.name, kind);
  const relayer = createRelayer({
    chain,
    db,
    logger: logger.child({ part: "relayer" }),
    wallet,
    pollMs: config.relayer.pollMs,
    resubmitAfterMs: config.relayer.resubmitAfterMs,
    batch: config.relayer.batch,
    kinds,
    metrics,
    beforeBroadcast: options.beforeBroadcast,
  });
  const indexer = createIndexer({
    chain,
    db,
    logger: logger.child({ part: "indexer" }),
    confirmations: config.confirmations,
    pollMs: config.indexer.pollMs,
    maxBlockRange: config.indexer.maxBlockRange,
    maxBackoffMs: config.indexer.maxBackoffMs,
    metrics,
    onProgress: () => {
      // Cached views (verify, anchored attestations) depend on the index as well as the chain.
      chain.cache.invalidate();
      relayer.notify();
    },
  });
  const auth = createAuthService({ config, db, chain });
  const signedBatches = createSignedBatchService({ db, chain, notifyRelayer: () => relayer.notify() });
  const attestationsService = createAttestationService({
    db,
    chain,
    notifyRelayer: () => relayer.notify(),
    metrics,
    signedLeaves: signedBatches,
  });
  const documents = createDocumentService({
    db,
    limits: { documentBytes: config.limits.documentBytes, bundleBytes: config.limits.uploadBytes },
  });
  const lots = createLotService({ db, chain, notifyRelayer: () => relayer.notify(), publicOrigin: config.siwe.origin });
  const standbyIndexerReadiness = async () => {
    const [cursor] = await db.select({ block: indexerCursor.blockNumber }).from(indexerCursor).limit(1);
    if (!cursor) return { ok: false, detail: "standby: the leader has not indexed yet" };
    const lagBlocks = Math.max(0, (await chain.cache.blockNumber()) - cursor.block);
    return { ok: lagBlocks <= 50 + config.confirmations, lagBlocks, detail: "standby: another instance indexes" };
  };
  const readiness: ReadinessCheck[] = [
    { name: "database", check: async () => (await database.ping(), { ok: true }) },
    {
      name: "chain",
      check: async () => {
        await chain.cache.blockNumber();
        return { ok: true };
      },
    },
    {
      name: "indexer",
      // A standby instance reports the leader's progress from the shared cursor.
      check: () => (leadership && !leadership.isLeader() ? standbyIndexerReadiness() : indexer.readiness()),
    },
    {
      name: "relayer",
      check: async () =>
        leadership && !leadership.isLeader()
          ? { ok: true, detail: "standby: another instance relays" }
          : relayer.readiness(),
    },
  ];
  const app = createApp({
    config,
    logger,
    metrics,
    readiness,
    resolveSession: (req) => auth.resolveSession(req),
    routes: [
      ...authRoutes(auth),
      ...federationRoutes(createFederationView(db)),
      ...attestationRoutes(attestationsService, documents),
      ...verifyRoutes(attestationsService),
      ...batchRoutes(signedBatches),
      ...lotRoutes(lots, documents),
      ...lotFlagRoutes(lots),
      ...documentRoutes(documents, config.limits),
      ...bundleRoutes(lots),
      ...shareRoutes(lots),
      ...deploymentRoutes(deployment),
      ...(options.extraRoutes?.({ database, chain }) ?? []),
    ],
  });
  // PGlite has no autovacuum: the rows that relay jobs and the index rewrite leave dead are reclaimed here
  // (a PostgreSQL server vacuums by itself).
  const maintenance = async () => {
    if (database.kind === "pglite") await db.execute(sql`vacuum`);
  };
  const maintenanceTimer = setInterval(() => {
    maintenance().catch((error: unknown) => logger.warn({ err: error }, "database maintenance failed; will retry"));
  }, MAINTENANCE_INTERVAL_MS);
  maintenanceTimer.unref();
  // One instance per database runs the indexer and relayer (advisory lock on PostgreSQL); the others serve HTTP.
  const leadership =
    (options.background ?? true)
      ? startLeadership({
          databaseUrl: config.databaseUrl,
          schema: config.databaseSchema,
          logger,
          lead: () => {
            indexer.start();
            relayer.start();
          },
          standDown: async () => {
            await relayer.stop();
            await indexer.stop();
          },
        })
      : undefined;
  return {
    app,
    chain,
    database,
    indexer,
    relayer,
    metrics,
    leadership,
    maintenance,
    async stop() {
      clearInterval(maintenanceTimer);
      await leadership?.stop();
      await relayer.stop();
      await indexer.stop();
      await attestationsService.close();
      await database.close();
      chain.close();
    },
  };
}
