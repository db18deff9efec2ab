import { expect } from "chai";
import type {
  AlertMessage,
  FountainView,
  ReadingMessage,
  SnapshotMessage,
  StatusMessage,
} from "../../sdk/telemetry/protocol";
import { chartWindowMs, LiveStore, staleAfterMs } from "../../web/live/live-store";
import { seriesSummary } from "../../web/live/series";

const t0 = Date.parse("2026-11-28T10:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

const fountain: FountainView = {
  fountainId: "f-1",
  organisationId: "org-a",
  name: "Fontaine du hall",
  chocolate: "dark",
  sensors: [
    { sensor: "basinTemperature", kind: "temperature", position: "basin", unit: "°C" },
    { sensor: "towerTemperature", kind: "temperature", position: "tower", unit: "°C" },
  ],
};

const status: StatusMessage = { type: "status", state: "connected", reconnections: 0, lastDataAt: null, at: iso(t0) };

function snapshot(seq: number, overrides: Partial<SnapshotMessage> = {}): SnapshotMessage {
  return {
    type: "snapshot",
    seq,
    serverTime: iso(t0),
    organisationId: "org-a",
    fountains: [fountain],
    latest: [],
    alerts: [],
    status,
    ...overrides,
  };
}

function reading(
  seq: number,
  at: number,
  value: number | null,
  quality: ReadingMessage["quality"] = "good",
): ReadingMessage {
  return {
    type: "reading",
    seq,
    fountainId: "f-1",
    sensor: "basinTemperature",
    value,
    unit: "°C",
    quality,
    sourceTimestamp: iso(at),
    receivedAt: iso(at + 5),
  };
}

function alert(seq: number, state: AlertMessage["state"], severity: AlertMessage["severity"] = "alarm"): AlertMessage {
  return {
    type: "alert",
    seq,
    alertId: "a-1",
    fountainId: "f-1",
    sensor: "basinTemperature",
    kind: "lowTemperature",
    severity,
    state,
    since: iso(t0),
    at: iso(t0 + seq),
  };
}

const basin = (store: LiveStore) => store.fountains.get("f-1")!.sensors.get("basinTemperature")!;

describe("live view store", () => {
  it("should take fountains, latest readings, alerts and the server clock from the snapshot", () => {
    const store = new LiveStore();
    store.apply(snapshot(10, { latest: [reading(9, t0 - 1000, 45.5)], alerts: [alert(8, "raised")] }), t0 - 2000);
    expect(store.lastSeq).to.equal(10);
    expect(store.clockOffsetMs).to.equal(2000);
    expect(basin(store).latest).to.deep.equal({ value: 45.5, quality: "good", t: t0 - 1000 });
    expect(store.alertList().map((a) => a.alertId)).to.deep.equal(["a-1"]);
    expect(store.fountainStatus("f-1", t0 - 2000)).to.equal("alarm");
  });

  it("should drop messages whose seq is not above the last processed one (no duplicate points)", () => {
    const store = new LiveStore();
    store.apply(snapshot(10), t0);
    expect(store.apply(reading(11, t0 + 1000, 45), t0)).to.equal(true);
    expect(store.apply(reading(11, t0 + 1000, 45), t0)).to.equal(false);
    expect(store.apply(reading(5, t0 + 2000, 46), t0)).to.equal(false);
    expect(store.apply(reading(12, t0 + 2000, 46), t0)).to.equal(true);
    expect(basin(store).series.map((p) => p.value)).to.deep.equal([45, 46]);
    expect(store.duplicatesDropped).to.equal(2);
    expect(store.lastSeq).to.equal(12);
  });

  it("should never draw Bad or Uncertain readings as values, while still showing them as latest", () => {
    const store = new LiveStore();
    store.apply(snapshot(1), t0);
    store.apply(reading(2, t0 + 1000, 45), t0);
    store.apply(reading(3, t0 + 2000, 999, "bad"), t0);
    store.apply(reading(4, t0 + 3000, 46, "uncertain"), t0);
    store.apply(reading(5, t0 + 4000, null, "bad"), t0);
    store.apply(reading(6, t0 + 5000, 47), t0);
    expect(basin(store).series.map((p) => p.value)).to.deep.equal([45, null, null, null, 47]);
    expect(seriesSummary(basin(store).series)).to.deep.equal({ valid: 2, holes: 1 });
    store.apply(reading(7, t0 + 6000, 3, "bad"), t0);
    expect(basin(store).latest).to.deep.equal({ value: 3, quality: "bad", t: t0 + 6000 });
  });

  it("should resume without duplicates: replayed messages fill the hole, older ones are ignored", () => {
    const store = new LiveStore();
    store.apply(snapshot(10), t0);
    store.apply(reading(11, t0 + 1000, 45), t0);
    store.markDisconnected(t0 + 1500);
    // Reconnect with lastSeq=11: snapshot with a head reading, then the replay of what was missed.
    store.apply(
      snapshot(11, { latest: [reading(14, t0 + 4000, 48)], replay: { fromSeq: 11, count: 3, complete: true } }),
      t0 + 5000,
    );
    for (const message of [reading(12, t0 + 2000, 46), reading(13, t0 + 3000, 47), reading(14, t0 + 4000, 48)]) {
      store.apply({ ...message, replay: true }, t0 + 5000);
    }
    expect(basin(store).series.map((p) => p.value)).to.deep.equal([45, 46, 47, 48]);
    expect(store.historyReloadNeeded).to.equal(false);
    expect(store.lastSeq).to.equal(14);
  });

  it("should leave a hole and ask for a history reload when the replay is incomplete", () => {
    const store = new LiveStore();
    store.apply(snapshot(10), t0);
    store.apply(reading(11, t0 + 1000, 45), t0);
    store.markDisconnected(t0 + 1500);
    store.apply(
      snapshot(500, { serverTime: iso(t0 + 60_000), replay: { fromSeq: 11, count: 0, complete: false } }),
      t0 + 60_000,
    );
    store.apply(reading(501, t0 + 61_000, 44), t0 + 61_000);
    expect(store.historyReloadNeeded).to.equal(true);
    expect(basin(store).series.map((p) => p.value)).to.deep.equal([45, null, 44]);
  });

  it("should mark a hole inside an announced gap and remember the gap", () => {
    const store = new LiveStore();
    store.apply(snapshot(1), t0);
    store.apply(reading(2, t0 + 1000, 45), t0);
    store.apply(reading(3, t0 + 9000, 45), t0);
    store.apply(
      {
        type: "gap",
        seq: 4,
        fountainId: "f-1",
        source: "opc",
        from: iso(t0 + 1000),
        to: iso(t0 + 9000),
        reason: "restart",
      },
      t0,
    );
    expect(basin(store).series.map((p) => [p.t - t0, p.value])).to.deep.equal([
      [1000, 45],
      [5000, null],
      [9000, 45],
    ]);
    expect(store.fountains.get("f-1")!.gaps).to.have.length(1);
  });

  it("should follow alert transitions and acknowledgements", () => {
    const store = new LiveStore();
    store.apply(snapshot(1), t0);
    store.apply(reading(2, t0, 45), t0);
    store.apply(alert(3, "raised", "warning"), t0);
    expect(store.fountainStatus("f-1", t0)).to.equal("warning");
    store.markAckSent("a-1");
    expect(store.pendingAcks.has("a-1")).to.equal(true);
    store.apply({ type: "ackResult", alertId: "a-1", ok: true }, t0);
    store.apply({ ...alert(4, "acknowledged", "warning"), acknowledgedBy: "Marie" }, t0);
    expect(store.pendingAcks.size).to.equal(0);
    expect(store.fountainStatus("f-1", t0)).to.equal("acknowledged");
    store.apply(alert(5, "cleared", "warning"), t0);
    expect(store.alerts.size).to.equal(0);
    expect(store.recentlyCleared.map((a) => a.state)).to.deep.equal(["cleared"]);
    expect(store.fountainStatus("f-1", t0)).to.equal("ok");
    store.apply({ type: "ackResult", alertId: "a-9", ok: false, error: "alert-not-found" }, t0);
    expect(store.ackErrors.get("a-9")).to.equal("alert-not-found");
  });

  it("should show a fountain as offline once readings are stale, unknown before any", () => {
    const store = new LiveStore();
    store.apply(snapshot(1), t0);
    expect(store.fountainStatus("f-1", t0)).to.equal("unknown");
    store.apply(reading(2, t0, 45), t0);
    expect(store.fountainStatus("f-1", t0 + staleAfterMs - 1)).to.equal("ok");
    expect(store.fountainStatus("f-1", t0 + staleAfterMs + 1)).to.equal("offline");
  });

  it("should show offline while the stream is down, unless an alert is known", () => {
    const store = new LiveStore();
    store.apply(snapshot(1), t0);
    store.apply(reading(2, t0, 45), t0);
    expect(store.fountainStatus("f-1", t0, false)).to.equal("offline");
    store.apply(alert(3, "raised"), t0);
    expect(store.fountainStatus("f-1", t0, false)).to.equal("alarm");
  });

  it("should keep only the chart window in memory", () => {
    const store = new LiveStore();
    store.apply(snapshot(1), t0);
    let seq = 2;
    for (let t = t0; t <= t0 + 20 * 60_000; t += 10_000) store.apply(reading(seq++, t, 45), t);
    const series = basin(store).series;
    expect(series[0]!.t).to.be.at.least(t0 + 20 * 60_000 - chartWindowMs);
    expect(series.length).to.equal(chartWindowMs / 10_000 + 1);
  });

  it("should keep drawn history across a fountains update unless the unit changes", () => {
    const store = new LiveStore();
    store.apply(snapshot(1), t0);
    store.apply(reading(2, t0, 45), t0);
    store.apply({ type: "fountains", fountains: [fountain] }, t0);
    expect(basin(store).series).to.have.length(1);
    const fahrenheit = { ...fountain, sensors: [{ ...fountain.sensors[0]!, unit: "°F" }] };
    store.apply({ type: "fountains", fountains: [fahrenheit] }, t0);
    expect(basin(store).series).to.have.length(0);
  });
});
