import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { parseTelemetryFile } from "../../../telemetry/config";
import { openHistoryDatabase, type HistoryDatabase } from "../../../telemetry/history/database";
import { createTelemetryService, type TelemetryService } from "../../../telemetry/service";
import { simulatorFountainMappings } from "../../../telemetry/simulator/node-ids";
import {
  simulatedFountainConfigs,
  startSimulator,
  type SimulatedFountainConfig,
  type Simulator,
} from "../../../telemetry/simulator/server";

// Certificates are slow to generate on a small machine: keep them between runs (not secrets,
// development mode only), in folders of our own so concurrent suites never race on them.
const pkiRoot = path.join(os.tmpdir(), "fontaine-e2e-pki");

/** Built pages served by the telemetry service (`npm run build:web` first). */
export const webDist = path.resolve(__dirname, "../../../web/dist");

export interface LiveStackOptions {
  fountains: SimulatedFountainConfig[];
  /** Access tokens by organisation id (member tokens). */
  tokens: Record<string, string>;
  /** Alert limit overrides (config `alerts` section), e.g. short delays for tests. */
  alerts?: Record<string, unknown>;
  updateIntervalMs?: number;
}

/** A real OPC UA simulator and a real telemetry service (PGlite history) listening on loopback. */
export interface LiveStack {
  readonly baseUrl: string;
  readonly simulator: Simulator;
  /** The running service (undefined while stopped). */
  service(): TelemetryService | undefined;
  /** Stops the service like a shutdown does: stream closed (1001), gateway stopped, history flushed. */
  stopService(): Promise<void>;
  /** Starts the service again on the same port with the same history. */
  startService(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the simulator, then the service on a free port; everything lives in a temporary folder. */
export async function startLiveStack(options: LiveStackOptions): Promise<LiveStack> {
  if (!fs.existsSync(path.join(webDist, "live", "index.html"))) {
    throw new Error("web/dist/live/index.html is missing: run npm run build:web first");
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-e2e-live-"));
  const logger = pino({ level: process.env.E2E_LOG_LEVEL ?? "silent" });
  // The first PGlite start (initdb + migrations) is the slow part: overlap it with the simulator.
  const firstDatabase = openHistoryDatabase({ dataDir: folder, logger });
  firstDatabase.catch(() => undefined);
  const simulator = await startSimulator({
    port: 0,
    fountains: options.fountains,
    updateIntervalMs: options.updateIntervalMs ?? 250,
    seed: 7,
    pkiFolder: path.join(pkiRoot, "simulator"),
  });
  const file = parseTelemetryFile(
    {
      gateway: {
        mode: "development",
        endpoints: [
          {
            id: "simulator",
            url: simulator.endpointUrl,
            fountains: simulatorFountainMappings(simulatedFountainConfigs(options.fountains)),
          },
        ],
        subscription: { publishingIntervalMs: 100, samplingIntervalMs: 100, deadband: 0 },
        pki: { folder: path.join(pkiRoot, "gateway"), automaticallyAcceptUnknownCertificate: true },
        reconnect: { initialDelayMs: 100, maxDelayMs: 1_000, requestTimeoutMs: 5_000 },
      },
      alerts: options.alerts ?? {},
      access: {
        tokens: Object.entries(options.tokens).map(([organisationId, token]) => ({
          token,
          organisationId,
          name: `Organisation ${organisationId}`,
        })),
      },
      history: { flushIntervalMs: 100 },
      stream: { publishIntervalMs: 100, heartbeatIntervalMs: 2_000 },
    },
    "e2e",
  );

  let port = 0;
  let running: { service: TelemetryService; server: http.Server; database: HistoryDatabase } | undefined;

  let pendingDatabase: Promise<HistoryDatabase> | undefined = firstDatabase;
  async function startService(): Promise<void> {
    // The same PGlite folder every time: history and the stream sequence survive restarts.
    const database = await (pendingDatabase ?? openHistoryDatabase({ dataDir: folder, logger }));
    pendingDatabase = undefined;
    const service = await createTelemetryService({
      config: { ...file, webDir: webDist },
      logger,
      database,
      alertTickMs: 200,
    });
    const server = http.createServer(service.app);
    server.on("upgrade", (request, socket, head) => service.handleUpgrade(request, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    port = (server.address() as AddressInfo).port;
    await service.start();
    running = { service, server, database };
  }

  async function stopService(): Promise<void> {
    if (!running) return;
    const { service, server, database } = running;
    running = undefined;
    // The order of the real process's shutdown (telemetry/server.ts): stop accepting first, so a page cannot
    // reconnect to a service that is stopping, then stop the service and drop what is still open.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await service.stop();
    server.closeAllConnections();
    await closed;
    await database.close();
  }

  await startService();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    simulator,
    service: () => running?.service,
    stopService,
    startService,
    async close() {
      await stopService();
      await simulator.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}
