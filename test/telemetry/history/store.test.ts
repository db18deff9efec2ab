import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { sql } from "drizzle-orm";
import { silentLogger } from "../../../sdk/server";
import { historyConfigSchema } from "../../../telemetry/config";
import { openHistoryDatabase, type HistoryDatabase } from "../../../telemetry/history/database";
import { csvCell, exportFountainCsv } from "../../../telemetry/history/export";
import { openHistoryStore, type HistoryStore } from "../../../telemetry/history/store";
import type { AlertTransition, FountainDescription, Reading } from "../../../telemetry/model";

const T0 = Date.parse("2026-11-20T10:00:00.000Z");

function reading(fountainId: string, sensor: string, value: number, at: number, quality: Reading["quality"] = "good") {
  return { fountainId, sensor, value, unit: "°C", quality, sourceTimestamp: at, receivedAt: at + 5 } satisfies Reading;
}

function transition(fountainId: string, state: AlertTransition["state"], at: number): AlertTransition {
  return {
    alertId: `${fountainId}:basinTemperature:highTemperature`,
    fountainId,
    sensor: "basinTemperature",
    kind: "highTemperature",
    severity: "alarm",
    state,
    value: 55.2,
    unit: "°C",
    since: at - 30_000,
    at,
    ...(state === "acknowledged" ? { acknowledgedBy: "org-01: =Marie" } : {}),
  };
}

const fountain: FountainDescription = {
  fountainId: "F1",
  organisationId: "org-01",
  name: "Fontaine, salle A",
  chocolate: "dark",
  sensors: [
    { sensor: "basinTemperature", kind: "temperature", position: "basin", unit: "°C" },
    { sensor: "flow", kind: "flow", position: "tower", unit: "L/min" },
  ],
};

/** The same behaviour on PGlite and, when DATABASE_URL is set, on PostgreSQL. */
function shouldBehaveLikeAHistoryStore(open: () => Promise<{ database: HistoryDatabase; cleanup(): Promise<void> }>) {
  let database: HistoryDatabase;
  let cleanup: () => Promise<void>;
  let store: HistoryStore;
  let now = T0;
  const config = historyConfigSchema.parse({ flushIntervalMs: 60_000, retentionIntervalMs: 3_600_000 });

  // One database per suite (creating one costs seconds); tables are emptied between tests.
  before(async () => {
    ({ database, cleanup } = await open());
  });
  after(async () => cleanup());
  beforeEach(async () => {
    await database.db.execute(
      sql.raw(
        "truncate telemetry_readings, telemetry_reading_minutes, telemetry_alert_transitions, telemetry_gaps, telemetry_stream_state",
      ),
    );
    now = T0;
    store = await openHistoryStore({
      db: database.db,
      config,
      logger: silentLogger(),
      clock: () => now,
      vacuumAfterRetention: true,
    });
  });
  afterEach(async () => store.close());

  describe("sequence and replay", () => {
    it("should number entries strictly increasing and replay them in order, written or not", async () => {
      const first = store.recordReading(reading("F1", "basinTemperature", 45, T0));
      const second = store.recordAlert(transition("F1", "raised", T0 + 1));
      await store.flush();
      const third = store.recordGap({ fountainId: "F1", source: "sim", from: T0 + 2, to: T0 + 9, reason: "restart" });
      const fourth = store.recordReading(reading("F2", "basinTemperature", 44, T0 + 10));
      expect([first.seq, second.seq, third.seq, fourth.seq]).to.deep.equal([
        first.seq,
        first.seq + 1,
        first.seq + 2,
        first.seq + 3,
      ]);
      expect(store.head()).to.equal(fourth.seq);

      const all = await store.replay(first.seq - 1, store.head(), null, 100);
      expect(all.complete).to.equal(true);
      expect(all.entries.map((e) => [e.kind, e.seq])).to.deep.equal([
        ["reading", first.seq],
        ["alert", second.seq],
        ["gap", third.seq],
        ["reading", fourth.seq],
      ]);
      const onlyF1 = await store.replay(first.seq, store.head(), new Set(["F1"]), 100);
      expect(onlyF1.entries.map((e) => e.seq)).to.deep.equal([second.seq, third.seq]);
      const alert = onlyF1.entries[0];
      expect(alert?.kind === "alert" && alert.transition).to.deep.equal(transition("F1", "raised", T0 + 1));

      await store.flush();
      const afterFlush = await store.replay(first.seq - 1, store.head(), null, 100);
      expect(afterFlush.entries.map((e) => e.seq)).to.deep.equal(all.entries.map((e) => e.seq));
      const read = afterFlush.entries[0];
      expect(read?.kind === "reading" && read.reading).to.deep.equal(reading("F1", "basinTemperature", 45, T0));
    });

    it("should say a replay is incomplete beyond its limit or ahead of the head", async () => {
      for (let i = 0; i < 5; i++) store.recordReading(reading("F1", "basinTemperature", 45 + i, T0 + i * 1000));
      await store.flush();
      const head = store.head();
      expect((await store.replay(head - 5, head, null, 4)).complete).to.equal(false);
      expect((await store.replay(head - 5, head, null, 5)).entries).to.have.length(5);
      expect((await store.replay(head + 10, head, null, 5)).complete).to.equal(false);
    });

    it("should store NaN as null and give it back as NaN with its quality", async () => {
      const entry = store.recordReading(reading("F1", "basinTemperature", Number.NaN, T0, "bad"));
      await store.flush();
      const { entries } = await store.replay(entry.seq - 1, entry.seq, null, 10);
      const back = entries[0];
      expect(back?.kind).to.equal("reading");
      if (back?.kind === "reading") {
        expect(back.reading.value).to.be.NaN;
        expect(back.reading.quality).to.equal("bad");
      }
    });
  });

  describe("retention", () => {
    it("should fold raw readings older than the window into per-minute aggregates", async () => {
      // Two minutes of readings: good ones, one bad (excluded from min/avg/max).
      const values = [40, 42, 44];
      values.forEach((v, i) => store.recordReading(reading("F1", "basinTemperature", v, T0 + i * 10_000)));
      store.recordReading(reading("F1", "basinTemperature", 99, T0 + 35_000, "bad"));
      store.recordReading(reading("F1", "basinTemperature", 46, T0 + 60_000));
      const recent = store.recordReading(reading("F1", "basinTemperature", 47, T0 + 49 * 3_600_000));
      store.recordAlert(transition("F1", "raised", T0 + 20_000));
      await store.flush();

      const before = await store.minuteSummaries("F1", T0, T0 + 120_000);
      now = T0 + 49 * 3_600_000 + 1_000;
      const { aggregatedReadings } = await store.applyRetention();
      expect(aggregatedReadings).to.equal(5);
      // The deleted rows' space is reusable (PGlite has no autovacuum): the table was vacuumed.
      const vacuumed = await database.db.execute(
        sql.raw(
          "select count(*)::int as n from pg_stat_user_tables where relname = 'telemetry_readings' and last_vacuum is not null",
        ),
      );
      expect((vacuumed as unknown as { rows: { n: number }[] }).rows[0]?.n).to.equal(1);
      const after = await store.minuteSummaries("F1", T0, T0 + 120_000);
      expect(after).to.deep.equal(before);
      expect(after.map((m) => [m.minute, m.samples, m.goodSamples, m.min, m.avg, m.max])).to.deep.equal([
        [T0, 4, 3, 40, 42, 44],
        [T0 + 60_000, 1, 1, 46, 46, 46],
      ]);

      const history = await store.fountainHistory("F1", T0, T0 + 50 * 3_600_000, 100);
      expect(history.readings.map((r) => r.seq)).to.deep.equal([recent.seq]);
      expect(history.minutes).to.have.length(2);
      expect(history.alerts).to.have.length(1);
      // Raw readings before the pruned point cannot be replayed exactly any more.
      expect((await store.replay(0, store.head(), null, 100)).complete).to.equal(false);
      expect((await store.replay(recent.seq - 1, store.head(), null, 100)).complete).to.equal(true);

      // A late reading in an already-folded minute merges into the aggregate.
      store.recordReading(reading("F1", "basinTemperature", 30, T0 + 50_000));
      await store.flush();
      await store.applyRetention();
      const merged = await store.minuteSummaries("F1", T0, T0 + 60_000);
      expect(merged.map((m) => [m.samples, m.goodSamples, m.min, m.avg, m.max])).to.deep.equal([[5, 4, 30, 39, 44]]);
    });
  });

  describe("HACCP export", () => {
    it("should write temperatures per minute, alert transitions and gaps in time order", async () => {
      store.recordReading(reading("F1", "basinTemperature", 45, T0 + 1_000));
      store.recordReading(reading("F1", "basinTemperature", 47, T0 + 2_000));
      store.recordReading({ ...reading("F1", "flow", 2, T0 + 1_000), unit: "L/min" });
      store.recordAlert(transition("F1", "raised", T0 + 61_000));
      store.recordAlert(transition("F1", "acknowledged", T0 + 62_000));
      store.recordGap({
        fountainId: "F1",
        source: "sim",
        from: T0 + 63_000,
        to: T0 + 70_000,
        reason: "source restart",
      });
      store.recordReading(reading("F2", "basinTemperature", 20, T0 + 1_000));
      const csv = await exportFountainCsv(store, fountain, T0, T0 + 3_600_000);
      const lines = csv.trimEnd().split("\r\n");
      expect(lines[0]).to.match(/^time_utc,fountain_id,fountain_name,chocolate,record,sensor/);
      expect(lines).to.have.length(5);
      expect(lines[1]).to.equal(
        '2026-11-20T10:00:00.000Z,F1,"Fontaine, salle A",dark,temperature,basinTemperature,basin,°C,45,46,47,2,2,,,,,,,',
      );
      expect(lines[2])
        .to.contain(",alert,basinTemperature,basin,°C,")
        .and.to.contain(",highTemperature,alarm,raised,55.2,");
      expect(lines[3]).to.contain(",acknowledged,55.2,org-01: =Marie,");
      expect(lines[4]).to.contain(",gap,").and.to.contain("source restart");
    });

    it("should neutralise spreadsheet formulas and quote separators", () => {
      expect(csvCell("=HYPERLINK(1)")).to.equal("'=HYPERLINK(1)");
      expect(csvCell("-2+3")).to.equal("'-2+3");
      expect(csvCell('a "b", c')).to.equal('"a ""b"", c"');
      expect(csvCell(-2.5)).to.equal("-2.5");
      expect(csvCell(Number.NaN)).to.equal("");
    });
  });
}

describe("telemetry history store", () => {
  describe("on PGlite", () => {
    shouldBehaveLikeAHistoryStore(async () => {
      const database = await openHistoryDatabase({ dataDir: "memory://" });
      return { database, cleanup: () => database.close() };
    });

    it("should keep the sequence across restarts and never reuse numbers after a crash", async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-history-"));
      const config = historyConfigSchema.parse({ flushIntervalMs: 60_000 });
      try {
        let database = await openHistoryDatabase({ dataDir });
        let store = await openHistoryStore({ db: database.db, config, logger: silentLogger() });
        const a = store.recordReading(reading("F1", "basinTemperature", 45, T0));
        store.recordReading(reading("F1", "basinTemperature", 46, T0 + 1000));
        await store.close();
        await database.close();

        database = await openHistoryDatabase({ dataDir });
        store = await openHistoryStore({ db: database.db, config, logger: silentLogger() });
        expect(store.head()).to.equal(a.seq + 1);
        const c = store.recordReading(reading("F1", "basinTemperature", 47, T0 + 2000));
        expect(c.seq).to.equal(a.seq + 2);
        const replay = await store.replay(a.seq - 1, store.head(), null, 10);
        expect(replay.entries.map((e) => e.seq)).to.deep.equal([a.seq, a.seq + 1, a.seq + 2]);
        // Crash: no close, the last entry is never written, its number is never handed out again.
        await database.close();

        database = await openHistoryDatabase({ dataDir });
        store = await openHistoryStore({ db: database.db, config, logger: silentLogger() });
        const d = store.recordReading(reading("F1", "basinTemperature", 48, T0 + 3000));
        expect(d.seq).to.be.greaterThan(c.seq);
        await store.close();
        await database.close();
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it("should keep every flushed reading when the process is killed right after the flush", async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-history-kill-"));
      const child = fork(path.join(__dirname, "fixture", "write-then-wait.ts"), [dataDir], {
        execArgv: ["--import", "tsx"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      try {
        const { flushedThroughSeq } = await new Promise<{ flushedThroughSeq: number }>((resolve, reject) => {
          child.once("message", resolve as never);
          child.once("exit", (code) => reject(new Error(`writer exited with ${code}`)));
        });
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
        // The killed process still holds its lock file; a dead holder's lock is taken over.
        const database = await openHistoryDatabase({ dataDir });
        try {
          const config = historyConfigSchema.parse({});
          const store = await openHistoryStore({ db: database.db, config, logger: silentLogger() });
          const replay = await store.replay(flushedThroughSeq - 500, flushedThroughSeq, null, 1_000);
          expect(replay.complete).to.equal(true);
          expect(replay.entries.map((e) => e.seq)).to.deep.equal(
            Array.from({ length: 500 }, (_, i) => flushedThroughSeq - 499 + i),
          );
          expect(store.head()).to.be.greaterThan(flushedThroughSeq);
          await store.close();
        } finally {
          await database.close();
        }
      } finally {
        child.kill("SIGKILL");
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  const databaseUrl = process.env.DATABASE_URL;
  (databaseUrl ? describe : describe.skip)("on PostgreSQL (DATABASE_URL)", () => {
    shouldBehaveLikeAHistoryStore(async () => {
      const pgSchema = `telemetry_history_test_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
      const database = await openHistoryDatabase({ databaseUrl, pgSchema });
      return {
        database,
        cleanup: async () => {
          await database.db.execute(sql.raw(`drop schema if exists "${pgSchema}" cascade`));
          await database.close();
        },
      };
    });
  });
});
