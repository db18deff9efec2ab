import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import path from "node:path";
import { OPCUACertificateManager } from "node-opcua";
import type { Logger } from "pino";
import type { FountainDescription, Gap, Reading } from "../model";
import { ConfigError } from "../../sdk/server";
import { type GatewayConfig, gatewayConfigSchema } from "./config";
import { GatewaySecurityError } from "./errors";
import { OpcuaSource } from "./opcua-source";

export type GatewayState = "connecting" | "connected" | "reconnecting" | "stopped";

/** Connection state of one OPC UA endpoint. */
export interface EndpointStatus {
  id: string;
  url: string;
  state: GatewayState;
  reconnections: number;
  /** Last data change or keep-alive received (ms since epoch), null before the first. */
  lastDataAt: number | null;
  /** Last connection error message (never credentials), if any. */
  lastError?: string;
}

/** Aggregated state: `connected` only when every endpoint is. */
export interface GatewayStatus {
  state: GatewayState;
  reconnections: number;
  lastDataAt: number | null;
  endpoints: EndpointStatus[];
}

/** Events of the gateway. */
export interface GatewayEvents {
  reading: [Reading];
  gap: [Gap];
  status: [GatewayStatus];
  /** Fountain descriptions (units from EngineeringUnits), emitted on every (re)discovery. */
  fountains: [FountainDescription[]];
}

/** Dependencies of {@link createGateway}. */
export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
}

/** OPC UA gateway: subscribes to the configured servers and emits normalised readings. */
export interface Gateway extends EventEmitter<GatewayEvents> {
  /**
   * Starts every endpoint; resolves once each one is subscribed or has failed its first attempt
   * (it keeps retrying in the background). Rejects only for non-retryable errors (bad security config).
   */
  start(): Promise<void>;
  /** Closes subscriptions, sessions, then clients; emits a final `status` with state `stopped`. */
  stop(): Promise<void>;
  /** Fountain descriptions known so far (from config, refined by the server's EngineeringUnits). */
  fountains(): FountainDescription[];
  status(): GatewayStatus;
}

/** Creates the gateway; it does nothing until `start()`. */
export function createGateway(deps: GatewayDeps): Gateway {
  const config = checkedConfig(deps.config);
  const logger = deps.logger.child({ component: "gateway" });
  const emitter = new EventEmitter<GatewayEvents>();
  let certificateManager: OPCUACertificateManager | undefined;
  const trustStore = () => {
    if (certificateManager) return certificateManager;
    const manager = new OPCUACertificateManager({
      rootFolder: path.resolve(config.pki.folder),
      automaticallyAcceptUnknownCertificate:
        config.mode !== "production" && config.pki.automaticallyAcceptUnknownCertificate,
    });
    // An operator trusts a server by moving its certificate from rejected/ to trusted/certs/. The trust store learns
    // of the two halves of that move separately; a connection attempt in between finds the certificate in neither
    // and writes it to rejected/ again, and a certificate in both lists counts as rejected. Whatever the order, a
    // certificate present in trusted/certs/ wins: its rejected copy is folded into the trusted one.
    const trustedFolder = path.join(path.resolve(config.pki.folder), "trusted", "certs");
    const settle = (certificate: Parameters<OPCUACertificateManager["trustCertificate"]>[0], filename: string) =>
      void manager.trustCertificate(certificate).then(
        () => logger.debug({ certificate: path.basename(filename) }, "trusted certificate settled"),
        (error: unknown) => logger.warn({ err: error, filename }, "could not settle a trusted certificate"),
      );
    manager.on("certificateAdded", ({ store, certificate, filename }) => {
      if (store === "trusted") settle(certificate, filename);
      else if (store === "rejected" && existsSync(path.join(trustedFolder, path.basename(filename)))) {
        settle(certificate, filename);
      }
    });
    certificateManager = manager;
    return manager;
  };
  const sources = config.endpoints.map((endpoint) => new OpcuaSource(endpoint, config, logger, trustStore));
  let stopped = true;

  const status = (): GatewayStatus => {
    const endpoints: EndpointStatus[] = sources.map((source) => ({
      id: source.id,
      url: source.url,
      state: source.state,
      reconnections: source.reconnections,
      lastDataAt: source.lastAliveAt,
      ...(source.lastError ? { lastError: source.lastError } : {}),
    }));
    const states = endpoints.map((e) => e.state);
    const state: GatewayState = stopped
      ? "stopped"
      : states.every((s) => s === "connected")
        ? "connected"
        : states.includes("reconnecting")
          ? "reconnecting"
          : "connecting";
    const alive = endpoints.map((e) => e.lastDataAt).filter((t): t is number => t !== null);
    return {
      state,
      reconnections: endpoints.reduce((sum, e) => sum + e.reconnections, 0),
      lastDataAt: alive.length > 0 ? Math.max(...alive) : null,
      endpoints,
    };
  };

  const fountains = () => sources.flatMap((source) => source.fountains());

  for (const source of sources) {
    source.on("reading", (reading) => emitter.emit("reading", reading));
    source.on("gap", (gap) => emitter.emit("gap", gap));
    source.on("state", () => emitter.emit("status", status()));
    source.on("fountains", () => emitter.emit("fountains", fountains()));
  }

  return Object.assign(emitter, {
    async start() {
      if (!stopped) return;
      stopped = false;
      logger.info({ endpoints: sources.map((s) => s.url), mode: config.mode }, "gateway starting");
      await Promise.all(sources.map((source) => source.start()));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(sources.map((source) => source.stop()));
      const store = certificateManager;
      certificateManager = undefined;
      await store?.dispose();
    },
    fountains,
    status,
  });
}

/**
 * Re-validates the config even when the caller built it by hand: production safety (no None, no
 * deprecated policy, no auto-trust) must not depend on the caller having used the schema.
 */
function checkedConfig(config: GatewayConfig): GatewayConfig {
  const result = gatewayConfigSchema.safeParse(config);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.join(".") || "gateway";
  const message = `gateway config ${where}: ${issue?.message ?? "invalid"}`;
  if (config.mode === "production") throw new GatewaySecurityError(message, { path: where });
  throw new ConfigError(message, { path: where });
}
