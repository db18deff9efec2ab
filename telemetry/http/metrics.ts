import { Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { HistoryStats } from "../history/store";
import type { HubStats } from "../hub/hub";

/** Sources the metrics read at scrape time. */
export interface MetricsSources {
  hub(): HubStats;
  history(): HistoryStats;
  source(): { connected: boolean; reconnections: number };
  counters(): { readings: number; alertTransitions: number; gaps: number };
}

/** Prometheus metrics of the telemetry service (its own registry, no global state). */
export interface TelemetryMetrics {
  registry: Registry;
  /** Observes the delay between a reading's source timestamp and its arrival at the gateway. */
  observeIngestDelay(seconds: number): void;
}

/** Creates the registry; values are read from `sources` at each scrape. */
export function createTelemetryMetrics(sources: MetricsSources): TelemetryMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "telemetry_process_" });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge("telemetry_stream_connections", "Open WebSocket stream connections", () => sources.hub().connections);
  gauge("telemetry_stream_messages_sent_total", "Frames sent to stream clients", () => sources.hub().messagesSent);
  gauge(
    "telemetry_stream_readings_conflated_total",
    "Readings superseded by a newer one for slow clients",
    () => sources.hub().readingsConflated,
  );
  gauge(
    "telemetry_stream_slow_clients_closed_total",
    "Clients closed with 1013 because even their alert queue overflowed",
    () => sources.hub().slowClientsClosed,
  );
  gauge(
    "telemetry_stream_heartbeat_terminations_total",
    "Clients terminated for missing a heartbeat",
    () => sources.hub().heartbeatTerminations,
  );
  gauge("telemetry_stream_replayed_messages_total", "Messages replayed from history on resume", () => {
    return sources.hub().replayedMessages;
  });
  new Gauge({
    name: "telemetry_stream_upgrades_rejected_total",
    help: "Stream upgrades refused before the handshake, by reason",
    labelNames: ["reason"],
    registers: [registry],
    collect() {
      for (const [reason, count] of Object.entries(sources.hub().upgradesRejected)) this.set({ reason }, count);
    },
  });
  gauge("telemetry_history_pending_entries", "Entries waiting to be written to history", () => {
    return sources.history().pending;
  });
  gauge("telemetry_history_written_total", "Entries written to history", () => sources.history().written);
  gauge("telemetry_history_dropped_total", "Readings dropped while the database was unavailable", () => {
    return sources.history().dropped;
  });
  gauge("telemetry_history_write_errors_total", "Failed history writes (retried)", () => {
    return sources.history().flushErrors;
  });
  gauge("telemetry_source_connected", "1 when every OPC UA endpoint is connected", () =>
    sources.source().connected ? 1 : 0,
  );
  gauge("telemetry_source_reconnections_total", "OPC UA reconnections", () => sources.source().reconnections);
  gauge("telemetry_readings_total", "Readings received from OPC UA", () => sources.counters().readings);
  gauge("telemetry_alert_transitions_total", "Alert transitions", () => sources.counters().alertTransitions);
  gauge("telemetry_gaps_total", "Data gaps recorded", () => sources.counters().gaps);
  const ingestDelay = new Histogram({
    name: "telemetry_ingest_delay_seconds",
    help: "Delay from a reading's OPC UA source timestamp to its arrival at the gateway",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, observeIngestDelay: (seconds) => ingestDelay.observe(Math.max(0, seconds)) };
}
