import { bigint, doublePrecision, index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

const time = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: "date" });

/** Raw readings, kept for the raw retention window; `seq` is the stream sequence number. */
export const readings = pgTable(
  "telemetry_readings",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    fountainId: text("fountain_id").notNull(),
    sensor: text("sensor").notNull(),
    /** Null when the source sent no usable number. */
    value: doublePrecision("value"),
    unit: text("unit").notNull(),
    quality: text("quality").notNull(),
    sourceTime: time("source_time").notNull(),
    receivedAt: time("received_at").notNull(),
  },
  (table) => [
    index("telemetry_readings_fountain_time").on(table.fountainId, table.sourceTime),
    // Retention and the startup "latest per sensor" query scan by time alone.
    index("telemetry_readings_time").on(table.sourceTime),
  ],
);

/** Per-minute aggregates of readings older than the raw window (good-quality values only in min/max/sum). */
export const readingMinutes = pgTable(
  "telemetry_reading_minutes",
  {
    fountainId: text("fountain_id").notNull(),
    sensor: text("sensor").notNull(),
    minute: time("minute").notNull(),
    unit: text("unit").notNull(),
    samples: integer("samples").notNull(),
    goodSamples: integer("good_samples").notNull(),
    minValue: doublePrecision("min_value"),
    maxValue: doublePrecision("max_value"),
    sumValue: doublePrecision("sum_value"),
  },
  (table) => [primaryKey({ columns: [table.fountainId, table.sensor, table.minute] })],
);

/** Every alert transition, kept for the HACCP log. */
export const alertTransitions = pgTable(
  "telemetry_alert_transitions",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    alertId: text("alert_id").notNull(),
    fountainId: text("fountain_id").notNull(),
    sensor: text("sensor").notNull(),
    kind: text("kind").notNull(),
    severity: text("severity").notNull(),
    state: text("state").notNull(),
    value: doublePrecision("value"),
    unit: text("unit"),
    since: time("since").notNull(),
    at: time("at").notNull(),
    acknowledgedBy: text("acknowledged_by"),
  },
  (table) => [
    index("telemetry_alert_transitions_fountain_at").on(table.fountainId, table.at),
    index("telemetry_alert_transitions_alert").on(table.alertId),
  ],
);

/** Periods without readings (source outage, restart), per fountain. */
export const gaps = pgTable(
  "telemetry_gaps",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    fountainId: text("fountain_id").notNull(),
    source: text("source").notNull(),
    fromTime: time("from_time").notNull(),
    toTime: time("to_time").notNull(),
    reason: text("reason").notNull(),
  },
  (table) => [index("telemetry_gaps_fountain_from").on(table.fountainId, table.fromTime)],
);

/**
 * One row (id 1): the highest sequence number that may have been handed out (reserved in blocks
 * before use, so numbers are never reused after a crash) and the highest `seq` of a raw reading
 * removed by retention (resume below it cannot be exact).
 */
export const streamState = pgTable("telemetry_stream_state", {
  id: integer("id").primaryKey(),
  reservedSeq: bigint("reserved_seq", { mode: "number" }).notNull(),
  prunedThroughSeq: bigint("pruned_through_seq", { mode: "number" }).notNull(),
});

/** Tables of the telemetry history database. */
export const historySchema = { readings, readingMinutes, alertTransitions, gaps, streamState };
