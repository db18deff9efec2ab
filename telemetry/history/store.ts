import { and, asc, eq, gt, gte, inArray, lt, lte, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Database } from "../../sdk/server";
import type { HistoryConfig } from "../config";
import type { AlertTransition, Gap, Reading } from "../model";
import { alertTransitions, gaps, readingMinutes, readings, streamState, type historySchema } from "./schema";

/** A gap always names its fountain once it reaches the history (source-wide gaps are split per fountain). */
export type FountainGap = Gap & { fountainId: string };

/** One message of the stream as stored: what happened and its sequence number. */
export type StreamEntry =
  | { kind: "reading"; seq: number; reading: Reading }
  | { kind: "alert"; seq: number; transition: AlertTransition }
  | { kind: "gap"; seq: number; gap: FountainGap };

/** Per-minute summary of a sensor (good-quality values only in min/avg/max). */
export interface MinuteSummary {
  fountainId: string;
  sensor: string;
  minute: number;
  unit: string;
  samples: number;
  goodSamples: number;
  min: number | null;
  avg: number | null;
  max: number | null;
}

/** What the history holds about one fountain over a period. */
export interface FountainHistory {
  readings: (Reading & { seq: number })[];
  /** True when `readings` was cut at the point limit. */
  truncated: boolean;
  minutes: MinuteSummary[];
  alerts: (AlertTransition & { seq: number })[];
  gaps: (FountainGap & { seq: number })[];
}

/** Result of a replay query. */
export interface Replay {
  entries: StreamEntry[];
  /** False when some entries after `afterSeq` can no longer (or could not) be returned. */
  complete: boolean;
}

export interface HistoryStats {
  pending: number;
  written: number;
  dropped: number;
  flushErrors: number;
  lastFlushMs: number;
}

export interface HistoryStore {
  /** Highest sequence number handed out so far. */
  head(): number;
  /** Assigns the next sequence number and buffers the reading for the next batch. */
  recordReading(reading: Reading): StreamEntry;
  recordAlert(transition: AlertTransition): StreamEntry;
  recordGap(gap: FountainGap): StreamEntry;
  /** Writes everything buffered so far. */
  flush(): Promise<void>;
  /**
   * Entries with `afterSeq < seq <= untilSeq` of the given fountains (all when null), in order,
   * including those not yet written.
   */
  replay(afterSeq: number, untilSeq: number, fountainIds: ReadonlySet<string> | null, limit: number): Promise<Replay>;
  /** Latest reading per sensor seen within `withinMs` (to seed the snapshot after a restart). */
  latestReadings(withinMs: number): Promise<(Reading & { seq: number })[]>;
  fountainHistory(fountainId: string, from: number, to: number, maxReadings: number): Promise<FountainHistory>;
  /** Per-minute summaries over a period, from raw readings and stored aggregates. */
  minuteSummaries(fountainId: string, from: number, to: number): Promise<MinuteSummary[]>;
  /** Folds raw readings older than the raw window into per-minute aggregates, removes expired aggregates. */
  applyRetention(now?: number): Promise<{ aggregatedReadings: number }>;
  stats(): HistoryStats;
  /** Stops timers and writes what is buffered; the database itself is closed by its owner. */
  close(): Promise<void>;
}

export interface HistoryStoreDeps {
  db: Database<typeof historySchema>;
  config: HistoryConfig;
  logger: Logger;
  clock?: () => number;
  /**
   * Run `VACUUM` on the pruned tables after retention deleted rows, so their space is reused. PGlite has no
   * autovacuum (a PostgreSQL server vacuums by itself): the service sets this for PGlite.
   */
  vacuumAfterRetention?: boolean;
}

/** Sequence numbers are reserved in blocks before use, so a crash never makes them reused. */
const SEQ_BLOCK = 100_000;
const INSERT_CHUNK = 5_000;

type Row<T extends { $inferSelect: unknown }> = T["$inferSelect"];

function readingFromRow(row: Row<typeof readings>): Reading & { seq: number } {
  return {
    seq: row.seq,
    fountainId: row.fountainId,
    sensor: row.sensor,
    value: row.value ?? Number.NaN,
    unit: row.unit,
    quality: row.quality as Reading["quality"],
    sourceTimestamp: row.sourceTime.getTime(),
    receivedAt: row.receivedAt.getTime(),
  };
}

function alertFromRow(row: Row<typeof alertTransitions>): AlertTransition & { seq: number } {
  return {
    seq: row.seq,
    alertId: row.alertId,
    fountainId: row.fountainId,
    sensor: row.sensor,
    kind: row.kind as AlertTransition["kind"],
    severity: row.severity as AlertTransition["severity"],
    state: row.state as AlertTransition["state"],
    ...(row.value === null ? {} : { value: row.value }),
    ...(row.unit === null ? {} : { unit: row.unit }),
    since: row.since.getTime(),
    at: row.at.getTime(),
    ...(row.acknowledgedBy === null ? {} : { acknowledgedBy: row.acknowledgedBy }),
  };
}

function gapFromRow(row: Row<typeof gaps>): FountainGap & { seq: number } {
  return {
    seq: row.seq,
    fountainId: row.fountainId,
    source: row.source,
    from: row.fromTime.getTime(),
    to: row.toTime.getTime(),
    reason: row.reason,
  };
}

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * One statement with eight array parameters whatever the number of rows: building and parsing a
 * statement with thousands of placeholders costs more than the insert itself at 1,000 readings/s.
 */
async function insertReadings(
  tx: Pick<Database<typeof historySchema>, "execute">,
  rows: (typeof readings.$inferInsert)[],
): Promise<void> {
  const column = <T>(pick: (row: typeof readings.$inferInsert) => T) => sql.param(rows.map(pick));
  await tx.execute(sql`
    insert into telemetry_readings (seq, fountain_id, sensor, value, unit, quality, source_time, received_at)
    select * from unnest(
      ${column((r) => r.seq)}::bigint[], ${column((r) => r.fountainId)}::text[], ${column((r) => r.sensor)}::text[],
      ${column((r) => r.value ?? null)}::float8[], ${column((r) => r.unit)}::text[], ${column((r) => r.quality)}::text[],
      ${column((r) => r.sourceTime.toISOString())}::timestamptz[], ${column((r) => r.receivedAt.toISOString())}::timestamptz[])
    on conflict do nothing`);
}

/**
 * Opens the history store over an open database: reads the persisted sequence, reserves the next
 * block, and starts the flush and retention timers.
 */
export async function openHistoryStore(deps: HistoryStoreDeps): Promise<HistoryStore> {
  const { db, config, logger } = deps;
  const clock = deps.clock ?? Date.now;

  const [state] = await db.select().from(streamState).where(eq(streamState.id, 1));
  let head = state?.reservedSeq ?? 0;
  let prunedThroughSeq = state?.prunedThroughSeq ?? 0;
  let reservedSeq = head + SEQ_BLOCK;
  await db
    .insert(streamState)
    .values({ id: 1, reservedSeq, prunedThroughSeq })
    .onConflictDoUpdate({ target: streamState.id, set: { reservedSeq } });

  let pending: StreamEntry[] = [];
  let inflight: StreamEntry[] = [];
  let flushing: Promise<void> | undefined;
  let closed = false;
  const stats: HistoryStats = { pending: 0, written: 0, dropped: 0, flushErrors: 0, lastFlushMs: 0 };

  function nextSeq(): number {
    head += 1;
    if (head > reservedSeq) {
      // Only possible when the database has been unreachable for a whole block; the next flush
      // persists the new reservation.
      logger.warn({ head, reservedSeq }, "sequence beyond its persisted reservation");
    }
    return head;
  }

  function push(entry: StreamEntry): StreamEntry {
    pending.push(entry);
    if (pending.length + inflight.length > config.maxPendingEntries) {
      // Database unavailable for long: bound memory by dropping the oldest readings, never alerts or gaps.
      const index = pending.findIndex((e) => e.kind === "reading");
      if (index >= 0) {
        pending.splice(index, 1);
        stats.dropped += 1;
      }
    }
    if (pending.length >= config.batchSize && !flushing) void flush();
    return entry;
  }

  async function writeBatch(batch: StreamEntry[]): Promise<void> {
    const readingRows: (typeof readings.$inferInsert)[] = [];
    const alertRows: (typeof alertTransitions.$inferInsert)[] = [];
    const gapRows: (typeof gaps.$inferInsert)[] = [];
    for (const entry of batch) {
      if (entry.kind === "reading") {
        const r = entry.reading;
        readingRows.push({
          seq: entry.seq,
          fountainId: r.fountainId,
          sensor: r.sensor,
          value: finiteOrNull(r.value),
          unit: r.unit,
          quality: r.quality,
          sourceTime: new Date(r.sourceTimestamp),
          receivedAt: new Date(r.receivedAt),
        });
      } else if (entry.kind === "alert") {
        const t = entry.transition;
        alertRows.push({
          seq: entry.seq,
          alertId: t.alertId,
          fountainId: t.fountainId,
          sensor: t.sensor,
          kind: t.kind,
          severity: t.severity,
          state: t.state,
          value: finiteOrNull(t.value),
          unit: t.unit ?? null,
          since: new Date(t.since),
          at: new Date(t.at),
          acknowledgedBy: t.acknowledgedBy ?? null,
        });
      } else {
        const g = entry.gap;
        gapRows.push({
          seq: entry.seq,
          fountainId: g.fountainId,
          source: g.source,
          fromTime: new Date(g.from),
          toTime: new Date(g.to),
          reason: g.reason,
        });
      }
    }
    const wantedReservation = Math.max(reservedSeq, head + SEQ_BLOCK / 2 >= reservedSeq ? head + SEQ_BLOCK : 0);
    await db.transaction(async (tx) => {
      for (let i = 0; i < readingRows.length; i += INSERT_CHUNK) {
        await insertReadings(tx, readingRows.slice(i, i + INSERT_CHUNK));
      }
      if (alertRows.length > 0) await tx.insert(alertTransitions).values(alertRows).onConflictDoNothing();
      if (gapRows.length > 0) await tx.insert(gaps).values(gapRows).onConflictDoNothing();
      if (wantedReservation > reservedSeq) {
        await tx.update(streamState).set({ reservedSeq: wantedReservation }).where(eq(streamState.id, 1));
      }
    });
    reservedSeq = wantedReservation;
  }

  function flush(): Promise<void> {
    if (flushing) return flushing.then(() => (pending.length > 0 ? flush() : undefined));
    if (pending.length === 0) return Promise.resolve();
    inflight = pending;
    pending = [];
    const started = clock();
    flushing = writeBatch(inflight)
      .then(() => {
        stats.written += inflight.length;
        stats.lastFlushMs = clock() - started;
        inflight = [];
      })
      .catch((error: unknown) => {
        stats.flushErrors += 1;
        logger.warn({ err: error, entries: inflight.length }, "history write failed; will retry");
        pending = inflight.concat(pending);
        inflight = [];
        throw error;
      })
      .finally(() => {
        flushing = undefined;
      });
    return flushing;
  }

  const flushTimer = setInterval(() => {
    flush().catch(() => undefined);
  }, config.flushIntervalMs);
  flushTimer.unref();

  let retentionRunning = false;
  const retentionTimer = setInterval(() => {
    if (retentionRunning) return;
    retentionRunning = true;
    applyRetention()
      .catch((error: unknown) => logger.warn({ err: error }, "history retention failed; will retry"))
      .finally(() => {
        retentionRunning = false;
      });
  }, config.retentionIntervalMs);
  retentionTimer.unref();

  async function applyRetention(now = clock()): Promise<{ aggregatedReadings: number }> {
    const rawCutoff = new Date(Math.floor((now - config.rawRetentionHours * 3_600_000) / 60_000) * 60_000);
    const aggregateCutoff = new Date(now - config.aggregateRetentionDays * 86_400_000);
    let aggregatedReadings = 0;
    await db.transaction(async (tx) => {
      await tx.execute(sql`
        insert into telemetry_reading_minutes
          (fountain_id, sensor, minute, unit, samples, good_samples, min_value, max_value, sum_value)
        select fountain_id, sensor, date_trunc('minute', source_time), max(unit), count(*),
          count(*) filter (where quality = 'good' and value is not null),
          min(value) filter (where quality = 'good'),
          max(value) filter (where quality = 'good'),
          sum(value) filter (where quality = 'good')
        from telemetry_readings where source_time < ${rawCutoff}
        group by fountain_id, sensor, date_trunc('minute', source_time)
        on conflict (fountain_id, sensor, minute) do update set
          samples = telemetry_reading_minutes.samples + excluded.samples,
          good_samples = telemetry_reading_minutes.good_samples + excluded.good_samples,
          min_value = least(telemetry_reading_minutes.min_value, excluded.min_value),
          max_value = greatest(telemetry_reading_minutes.max_value, excluded.max_value),
          sum_value = case
            when telemetry_reading_minutes.sum_value is null then excluded.sum_value
            when excluded.sum_value is null then telemetry_reading_minutes.sum_value
            else telemetry_reading_minutes.sum_value + excluded.sum_value end`);
      const deleted = await tx
        .delete(readings)
        .where(lt(readings.sourceTime, rawCutoff))
        .returning({ seq: readings.seq });
      aggregatedReadings = deleted.length;
      const maxDeleted = deleted.reduce((max, row) => Math.max(max, row.seq), 0);
      if (maxDeleted > prunedThroughSeq) {
        await tx.update(streamState).set({ prunedThroughSeq: maxDeleted }).where(eq(streamState.id, 1));
      }
      await tx.delete(readingMinutes).where(lt(readingMinutes.minute, aggregateCutoff));
      if (maxDeleted > prunedThroughSeq) prunedThroughSeq = maxDeleted;
    });
    // Not in a transaction: VACUUM cannot run inside one.
    if (aggregatedReadings > 0 && deps.vacuumAfterRetention) {
      await db.execute(sql`vacuum telemetry_readings, telemetry_reading_minutes`);
    }
    return { aggregatedReadings };
  }

  async function replay(
    afterSeq: number,
    untilSeq: number,
    fountainIds: ReadonlySet<string> | null,
    limit: number,
  ): Promise<Replay> {
    if (afterSeq > head || afterSeq < prunedThroughSeq) return { entries: [], complete: false };
    // Copy the unwritten entries first: everything up to untilSeq is either in them or already committed.
    const unwritten = inflight.concat(pending).filter((e) => e.seq > afterSeq && e.seq <= untilSeq);
    if (fountainIds !== null && fountainIds.size === 0) return { entries: [], complete: true };
    const ids = fountainIds === null ? null : [...fountainIds];
    const take = limit + 1;
    const [readingRows, alertRows, gapRows] = await Promise.all([
      db
        .select()
        .from(readings)
        .where(
          and(
            gt(readings.seq, afterSeq),
            lte(readings.seq, untilSeq),
            ids ? inArray(readings.fountainId, ids) : undefined,
          ),
        )
        .orderBy(asc(readings.seq))
        .limit(take),
      db
        .select()
        .from(alertTransitions)
        .where(
          and(
            gt(alertTransitions.seq, afterSeq),
            lte(alertTransitions.seq, untilSeq),
            ids ? inArray(alertTransitions.fountainId, ids) : undefined,
          ),
        )
        .orderBy(asc(alertTransitions.seq))
        .limit(take),
      db
        .select()
        .from(gaps)
        .where(and(gt(gaps.seq, afterSeq), lte(gaps.seq, untilSeq), ids ? inArray(gaps.fountainId, ids) : undefined))
        .orderBy(asc(gaps.seq))
        .limit(take),
    ]);
    const bySeq = new Map<number, StreamEntry>();
    for (const row of readingRows) {
      const { seq, ...reading } = readingFromRow(row);
      bySeq.set(seq, { kind: "reading", seq, reading });
    }
    for (const row of alertRows) {
      const { seq, ...transition } = alertFromRow(row);
      bySeq.set(seq, { kind: "alert", seq, transition });
    }
    for (const row of gapRows) {
      const { seq, ...gap } = gapFromRow(row);
      bySeq.set(seq, { kind: "gap", seq, gap });
    }
    for (const entry of unwritten) {
      const fountainId =
        entry.kind === "reading"
          ? entry.reading.fountainId
          : entry.kind === "alert"
            ? entry.transition.fountainId
            : entry.gap.fountainId;
      if (fountainIds === null || fountainIds.has(fountainId)) bySeq.set(entry.seq, entry);
    }
    const entries = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    // A retention run may have removed some of the range while we read it.
    if (afterSeq < prunedThroughSeq) return { entries: [], complete: false };
    if (entries.length > limit) return { entries: [], complete: false };
    return { entries, complete: true };
  }

  async function latestReadings(withinMs: number): Promise<(Reading & { seq: number })[]> {
    const since = new Date(clock() - withinMs);
    const rows = await db.execute<Record<string, unknown>>(sql`
      select distinct on (fountain_id, sensor) seq, fountain_id, sensor, value, unit, quality, source_time, received_at
      from telemetry_readings where source_time >= ${since}
      order by fountain_id, sensor, source_time desc, seq desc`);
    const list = (Array.isArray(rows) ? rows : (rows as unknown as { rows: Record<string, unknown>[] }).rows) ?? [];
    return list.map((row) => ({
      seq: Number(row.seq),
      fountainId: String(row.fountain_id),
      sensor: String(row.sensor),
      value: numberOrNull(row.value) ?? Number.NaN,
      unit: String(row.unit),
      quality: String(row.quality) as Reading["quality"],
      sourceTimestamp: new Date(row.source_time as string | Date).getTime(),
      receivedAt: new Date(row.received_at as string | Date).getTime(),
    }));
  }

  async function minuteSummaries(fountainId: string, from: number, to: number): Promise<MinuteSummary[]> {
    await flush().catch(() => undefined);
    const fromDate = new Date(from);
    const toDate = new Date(to);
    const raw = await db.execute<Record<string, unknown>>(sql`
      select sensor, date_trunc('minute', source_time) as minute, max(unit) as unit, count(*) as samples,
        count(*) filter (where quality = 'good' and value is not null) as good_samples,
        min(value) filter (where quality = 'good') as min_value,
        max(value) filter (where quality = 'good') as max_value,
        sum(value) filter (where quality = 'good') as sum_value
      from telemetry_readings
      where fountain_id = ${fountainId} and source_time >= ${fromDate} and source_time < ${toDate}
      group by sensor, date_trunc('minute', source_time)`);
    const stored = await db
      .select()
      .from(readingMinutes)
      .where(
        and(
          eq(readingMinutes.fountainId, fountainId),
          gte(readingMinutes.minute, fromDate),
          lt(readingMinutes.minute, toDate),
        ),
      );
    const merged = new Map<string, { m: MinuteSummary; sum: number | null }>();
    const add = (
      sensor: string,
      minute: number,
      unit: string,
      samples: number,
      good: number,
      min: number | null,
      max: number | null,
      sum: number | null,
    ) => {
      const key = `${sensor}\u0000${minute}`;
      const existing = merged.get(key);
      if (!existing) {
        merged.set(key, {
          m: { fountainId, sensor, minute, unit, samples, goodSamples: good, min, max, avg: null },
          sum,
        });
        return;
      }
      existing.m.samples += samples;
      existing.m.goodSamples += good;
      existing.m.min = min === null ? existing.m.min : existing.m.min === null ? min : Math.min(existing.m.min, min);
      existing.m.max = max === null ? existing.m.max : existing.m.max === null ? max : Math.max(existing.m.max, max);
      existing.sum = sum === null ? existing.sum : (existing.sum ?? 0) + sum;
    };
    const rawRows = (Array.isArray(raw) ? raw : (raw as unknown as { rows: Record<string, unknown>[] }).rows) ?? [];
    for (const row of rawRows) {
      add(
        String(row.sensor),
        new Date(row.minute as string | Date).getTime(),
        String(row.unit),
        Number(row.samples),
        Number(row.good_samples),
        numberOrNull(row.min_value),
        numberOrNull(row.max_value),
        numberOrNull(row.sum_value),
      );
    }
    for (const row of stored) {
      add(
        row.sensor,
        row.minute.getTime(),
        row.unit,
        row.samples,
        row.goodSamples,
        row.minValue,
        row.maxValue,
        row.sumValue,
      );
    }
    return [...merged.values()]
      .map(({ m, sum }) => ({ ...m, avg: sum !== null && m.goodSamples > 0 ? sum / m.goodSamples : null }))
      .sort((a, b) => a.minute - b.minute || a.sensor.localeCompare(b.sensor));
  }

  async function fountainHistory(
    fountainId: string,
    from: number,
    to: number,
    maxReadings: number,
  ): Promise<FountainHistory> {
    await flush().catch(() => undefined);
    const fromDate = new Date(from);
    const toDate = new Date(to);
    const [readingRows, minuteRows, alertRows, gapRows] = await Promise.all([
      db
        .select()
        .from(readings)
        .where(
          and(eq(readings.fountainId, fountainId), gte(readings.sourceTime, fromDate), lt(readings.sourceTime, toDate)),
        )
        .orderBy(asc(readings.sourceTime), asc(readings.seq))
        .limit(maxReadings + 1),
      db
        .select()
        .from(readingMinutes)
        .where(
          and(
            eq(readingMinutes.fountainId, fountainId),
            gte(readingMinutes.minute, fromDate),
            lt(readingMinutes.minute, toDate),
          ),
        )
        .orderBy(asc(readingMinutes.minute), asc(readingMinutes.sensor)),
      db
        .select()
        .from(alertTransitions)
        .where(
          and(
            eq(alertTransitions.fountainId, fountainId),
            gte(alertTransitions.at, fromDate),
            lt(alertTransitions.at, toDate),
          ),
        )
        .orderBy(asc(alertTransitions.seq)),
      db
        .select()
        .from(gaps)
        .where(and(eq(gaps.fountainId, fountainId), lt(gaps.fromTime, toDate), gte(gaps.toTime, fromDate)))
        .orderBy(asc(gaps.seq)),
    ]);
    return {
      readings: readingRows.slice(0, maxReadings).map(readingFromRow),
      truncated: readingRows.length > maxReadings,
      minutes: minuteRows.map((row) => ({
        fountainId: row.fountainId,
        sensor: row.sensor,
        minute: row.minute.getTime(),
        unit: row.unit,
        samples: row.samples,
        goodSamples: row.goodSamples,
        min: row.minValue,
        max: row.maxValue,
        avg: row.sumValue !== null && row.goodSamples > 0 ? row.sumValue / row.goodSamples : null,
      })),
      alerts: alertRows.map(alertFromRow),
      gaps: gapRows.map(gapFromRow),
    };
  }

  return {
    head: () => head,
    recordReading: (reading) => push({ kind: "reading", seq: nextSeq(), reading }),
    recordAlert: (transition) => push({ kind: "alert", seq: nextSeq(), transition }),
    recordGap: (gap) => push({ kind: "gap", seq: nextSeq(), gap }),
    flush,
    replay,
    latestReadings,
    fountainHistory,
    minuteSummaries,
    applyRetention,
    stats: () => ({ ...stats, pending: pending.length + inflight.length }),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(flushTimer);
      clearInterval(retentionTimer);
      // Retry a few times: a flush failing at shutdown would lose the last batch.
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await flush();
          break;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      if (pending.length === 0) {
        // Clean stop: continue the sequence right after the last number used.
        await db
          .update(streamState)
          .set({ reservedSeq: head })
          .where(eq(streamState.id, 1))
          .catch(() => undefined);
      }
    },
  };
}
