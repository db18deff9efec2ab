import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Express } from "express";
import type { Logger } from "pino";
import type { AckResultMessage, FountainView } from "../sdk/telemetry/protocol";
import { createAlertEngine, type AlertEngine } from "./alerts/engine";
import { resolveAlertLimits } from "./alerts/limits";
import type { TelemetryConfig } from "./config";
import { createGateway, type Gateway } from "./gateway/gateway";
import type { HistoryDatabase } from "./history/database";
import { openHistoryStore, type HistoryStore } from "./history/store";
import { createAccessControl, type Principal } from "./http/access";
import { createHttpApp, type Readiness } from "./http/app";
import { createTelemetryMetrics, type TelemetryMetrics } from "./http/metrics";
import { createHub, type Hub } from "./hub/hub";
import { fountainView, readingMessage, statusMessage } from "./hub/messages";
import type { AlertTransition, FountainDescription, Gap } from "./model";

/** Dependencies of {@link createTelemetryService}. */
export interface TelemetryServiceDeps {
  config: Pick<TelemetryConfig, "gateway" | "alerts" | "access" | "history" | "stream"> & { webDir?: string };
  logger: Logger;
  /** Opened (and migrated) history database; its owner closes it after `stop()`. */
  database: HistoryDatabase;
  /** The OPC UA gateway; by default the real one built from `config.gateway`. */
  gateway?: Gateway;
  clock?: () => number;
  /** How often time-based alert conditions are evaluated (default 1 s). */
  alertTickMs?: number;
}

/** The wired telemetry service: HTTP app and upgrade handler to mount on a server it does not own. */
export interface TelemetryService {
  app: Express;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  hub: Hub;
  history: HistoryStore;
  gateway: Gateway;
  engine: AlertEngine;
  metrics: TelemetryMetrics;
  /** Starts the gateway (it keeps reconnecting in the background). */
  start(): Promise<void>;
  /** Closes the stream (1001), stops the gateway (session, then client), writes buffered history. */
  stop(): Promise<void>;
}

/**
 * Wires gateway → alert engine → history → hub, plus the HTTP endpoints. Never listens:
 * `server.ts` (or a test) mounts `app` and `handleUpgrade` on its HTTP server.
 */
export async function createTelemetryService(deps: TelemetryServiceDeps): Promise<TelemetryService> {
  const { config, logger, database } = deps;
  const clock = deps.clock ?? Date.now;
  const limits = resolveAlertLimits(config.alerts);
  const access = createAccessControl(config.access.tokens, config.access.allowedOrigins);
  const gateway = deps.gateway ?? createGateway({ config: config.gateway, logger: logger.child({ part: "gateway" }) });
  const history = await openHistoryStore({
    db: database.db,
    config: config.history,
    logger: logger.child({ part: "history" }),
    clock,
    vacuumAfterRetention: database.kind === "pglite",
  });

  let fountains: FountainDescription[] = [];
  const fountainsById = new Map<string, FountainDescription>();
  let views: FountainView[] = [];
  function setFountains(list: FountainDescription[]): void {
    fountains = list;
    fountainsById.clear();
    for (const fountain of list) fountainsById.set(fountain.fountainId, fountain);
    views = list.map((fountain) => fountainView(fountain, limits));
  }
  setFountains(gateway.fountains());
  // Fountain ids per OPC UA endpoint, to split a source-wide gap into per-fountain gaps.
  const fountainsBySource = new Map(
    config.gateway.endpoints.map((endpoint) => [endpoint.id, endpoint.fountains.map((f) => f.fountainId)] as const),
  );
  const organisationOf = (fountainId: string) => fountainsById.get(fountainId)?.organisationId ?? "";

  const engine = createAlertEngine({ limits, clock, fountains });
  const counters = { readings: 0, alertTransitions: 0, gaps: 0 };
  let lastStatus = gateway.status();

  const metrics = createTelemetryMetrics({
    hub: () => hub.stats(),
    history: () => history.stats(),
    source: () => ({ connected: lastStatus.state === "connected", reconnections: lastStatus.reconnections }),
    counters: () => counters,
  });

  function onTransition(transition: AlertTransition): void {
    counters.alertTransitions += 1;
    const entry = history.recordAlert(transition);
    hub.publishEntry(entry, organisationOf(transition.fountainId));
  }

  async function acknowledge(
    principal: Principal,
    alertId: string,
    by: string | undefined,
  ): Promise<AckResultMessage & { state?: string }> {
    const notFound: AckResultMessage = { type: "ackResult", alertId, ok: false, error: "alert-not-found" };
    const active = engine.active().find((alert) => alert.alertId === alertId);
    if (!active) return notFound;
    const fountain = fountainsById.get(active.fountainId);
    if (!fountain || !access.canSee(principal, fountain.organisationId)) return notFound;
    if (active.state === "acknowledged") return { type: "ackResult", alertId, ok: true, state: "acknowledged" };
    const who = [principal.name ?? principal.organisationId ?? "federation", by?.trim()].filter(Boolean).join(": ");
    const emitted: AlertTransition[] = [];
    const capture = (transition: AlertTransition) => emitted.push(transition);
    engine.on("transition", capture);
    let transition: AlertTransition | undefined;
    try {
      transition = engine.acknowledge(alertId, who);
    } finally {
      engine.off("transition", capture);
    }
    if (!transition) return { type: "ackResult", alertId, ok: false, error: "not-active" };
    // The engine returns the transition; record it ourselves only if it did not also emit it.
    if (!emitted.includes(transition)) onTransition(transition);
    return { type: "ackResult", alertId, ok: true, state: transition.state };
  }

  const hub = createHub({
    config: config.stream,
    replayLimit: config.history.replayLimit,
    logger: logger.child({ part: "hub" }),
    access,
    history,
    state: {
      fountains: () => views,
      status: () => statusMessage(lastStatus, clock()),
    },
    acknowledge,
    clock,
  });
  const seed = await history.latestReadings(15 * 60_000);
  hub.seedLatest(seed.map(({ seq, ...reading }) => readingMessage(seq, reading)));

  gateway.on("reading", (reading) => {
    counters.readings += 1;
    metrics.observeIngestDelay((reading.receivedAt - reading.sourceTimestamp) / 1000);
    const entry = history.recordReading(reading);
    hub.publishEntry(entry, organisationOf(reading.fountainId));
    engine.ingest(reading);
  });
  engine.on("transition", onTransition);
  gateway.on("gap", (gap: Gap) => {
    const ids = gap.fountainId
      ? [gap.fountainId]
      : (fountainsBySource.get(gap.source) ?? fountains.map((f) => f.fountainId));
    for (const fountainId of ids) {
      counters.gaps += 1;
      const entry = history.recordGap({ ...gap, fountainId });
      hub.publishEntry(entry, organisationOf(fountainId));
    }
  });
  gateway.on("status", (status) => {
    lastStatus = status;
    hub.publishStatus(statusMessage(status, clock()));
  });
  gateway.on("fountains", (list) => {
    setFountains(list);
    engine.setFountains(list);
    hub.publishFountains();
  });

  const alertTick = setInterval(() => engine.tick(clock()), deps.alertTickMs ?? 1_000);
  alertTick.unref();

  async function readiness(): Promise<Readiness> {
    let databaseOk = true;
    try {
      await Promise.race([
        database.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2_000).unref()),
      ]);
    } catch {
      databaseOk = false;
    }
    const source = gateway.status().state;
    return {
      ready: databaseOk && source === "connected",
      checks: { database: databaseOk ? "ok" : "unavailable", source },
    };
  }

  const app = createHttpApp({
    logger,
    access,
    history,
    metrics,
    fountains: () => views,
    fountain: (fountainId) => fountainsById.get(fountainId),
    readiness,
    acknowledge,
    webDir: config.webDir,
    clock,
  });

  let stopped = false;
  return {
    app,
    handleUpgrade: (request, socket, head) => hub.handleUpgrade(request, socket, head),
    hub,
    history,
    gateway,
    engine,
    metrics,
    async start() {
      await gateway.start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(alertTick);
      await hub.close();
      try {
        await gateway.stop();
      } catch (error) {
        logger.warn({ err: error }, "gateway did not stop cleanly");
      }
      await history.close();
    },
  };
}
