import {
  isDrawable,
  isSequenced,
  type AlertMessage,
  type FountainView,
  type GapMessage,
  type Quality,
  type ReadingMessage,
  type SensorView,
  type ServerMessage,
  type SnapshotMessage,
  type StatusMessage,
} from "../../sdk/telemetry/protocol";
import { insertPoint, trimSeries, type SeriesPoint } from "./series";
import type { Status } from "../shared/status";

/** The chart shows this much history. */
export const chartWindowMs = 15 * 60_000;
/** A fountain with no reading for this long is shown as stale/offline. */
export const staleAfterMs = 60_000;

export interface LatestReading {
  value: number | null;
  quality: Quality;
  /** Source timestamp, ms since epoch. */
  t: number;
}

export interface SensorState {
  view: SensorView;
  latest?: LatestReading;
  series: SeriesPoint[];
}

export interface FountainState {
  view: FountainView;
  sensors: Map<string, SensorState>;
  /** Newest source timestamp seen for this fountain (ms). */
  lastReadingAt?: number;
  /** Recent gaps announced by the server (newest last, bounded). */
  gaps: { from: number; to: number; reason: string }[];
}

const maxRecentGaps = 5;
const maxRecentlyCleared = 10;

/**
 * Everything the live view knows, updated message by message. Pure bookkeeping (no DOM, no
 * socket) so it can be tested directly: `seq` de-duplication for resume, holes for gaps and
 * invalid readings, the 15-minute window, active alerts.
 */
export class LiveStore {
  /** `seq` of the last processed message: sent back as `lastSeq` when reconnecting. */
  lastSeq = 0;
  organisationId: string | null | undefined = undefined;
  readonly fountains = new Map<string, FountainState>();
  /** Active alerts (raised, or acknowledged but not cleared) by id. */
  readonly alerts = new Map<string, AlertMessage>();
  recentlyCleared: AlertMessage[] = [];
  source: StatusMessage | undefined = undefined;
  /** Server clock minus local clock, from the last snapshot. */
  clockOffsetMs = 0;
  /** Set when the server could not replay what was missed: charts must be reloaded over HTTP. */
  historyReloadNeeded = false;
  /** Server time when the connection was lost, to mark a hole if the replay is incomplete. */
  disconnectedAt: number | undefined = undefined;
  /** Acknowledgements sent and not answered yet, by alert id. */
  readonly pendingAcks = new Set<string>();
  /** Refused acknowledgements: alert id → error code. */
  readonly ackErrors = new Map<string, string>();
  /** Messages dropped as duplicates (seq not above `lastSeq`), for diagnostics and tests. */
  duplicatesDropped = 0;
  lastError: { code: string; message: string } | undefined = undefined;
  /** Bumped on every change; views re-render when it moves. */
  version = 0;

  private readonly listeners = new Set<() => void>();
  private lastTrimAt = Number.NEGATIVE_INFINITY;

  /** Calls `listener` after each change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The server's clock, estimated from the local one. */
  serverNow(localNow: number): number {
    return localNow + this.clockOffsetMs;
  }

  /** Applies one server message; returns false when it changed nothing (duplicate, unknown). */
  apply(message: ServerMessage, localNow: number): boolean {
    if (isSequenced(message) && message.type !== "snapshot") {
      if (message.seq <= this.lastSeq) {
        this.duplicatesDropped++;
        return false;
      }
      this.lastSeq = message.seq;
    }
    switch (message.type) {
      case "snapshot":
        this.applySnapshot(message, localNow);
        break;
      case "reading":
        this.applyReading(message);
        break;
      case "alert":
        this.applyAlert(message);
        break;
      case "gap":
        this.applyGap(message);
        break;
      case "status":
        this.source = message;
        break;
      case "fountains":
        this.setFountains(message.fountains);
        break;
      case "ackResult":
        this.pendingAcks.delete(message.alertId);
        if (message.ok) this.ackErrors.delete(message.alertId);
        else this.ackErrors.set(message.alertId, message.error ?? "refused");
        break;
      case "error":
        this.lastError = { code: message.code, message: message.message };
        break;
    }
    this.trim(localNow);
    this.changed();
    return true;
  }

  /** Records that the stream dropped, so an incomplete replay can leave a visible hole. */
  markDisconnected(localNow: number): void {
    if (this.disconnectedAt === undefined) this.disconnectedAt = this.serverNow(localNow);
    this.pendingAcks.clear();
    this.changed();
  }

  /** Notes an acknowledgement sent for `alertId`. */
  markAckSent(alertId: string): void {
    this.pendingAcks.add(alertId);
    this.ackErrors.delete(alertId);
    this.changed();
  }

  /** Clears the acknowledgement error shown for `alertId`. */
  forgetAckError(alertId: string): void {
    if (this.ackErrors.delete(alertId)) this.changed();
  }

  /** Fills charts from history loaded over HTTP (after an incomplete replay or a first visit). */
  loadHistory(fountainId: string, sensor: string, points: readonly SeriesPoint[], localNow: number): void {
    const state = this.fountains.get(fountainId)?.sensors.get(sensor);
    if (!state) return;
    for (const point of points) insertPoint(state.series, point);
    this.trim(localNow);
    this.changed();
  }

  /** Fountains in display order (by name, then id). */
  fountainList(): FountainState[] {
    return [...this.fountains.values()].sort(
      (a, b) => a.view.name.localeCompare(b.view.name) || a.view.fountainId.localeCompare(b.view.fountainId),
    );
  }

  /** Active alerts, most serious and oldest first. */
  alertList(): AlertMessage[] {
    const rank = (alert: AlertMessage) => (alert.state === "acknowledged" ? 2 : alert.severity === "alarm" ? 0 : 1);
    return [...this.alerts.values()].sort((a, b) => rank(a) - rank(b) || Date.parse(a.since) - Date.parse(b.since));
  }

  /**
   * Overall state of a fountain for its badge: known alerts first (they stay relevant while
   * offline), then offline when the stream is down or readings are stale.
   */
  fountainStatus(fountainId: string, localNow: number, streamLive = true): Status {
    const fountain = this.fountains.get(fountainId);
    if (!fountain) return "unknown";
    let status: Status | undefined;
    for (const alert of this.alerts.values()) {
      if (alert.fountainId !== fountainId) continue;
      if (alert.state === "raised" && alert.severity === "alarm") return "alarm";
      if (alert.state === "raised") status = "warning";
      else if (status === undefined) status = "acknowledged";
    }
    if (status) return status;
    if (!streamLive) return "offline";
    if (fountain.lastReadingAt === undefined) return "unknown";
    if (this.serverNow(localNow) - fountain.lastReadingAt > staleAfterMs) return "offline";
    return "ok";
  }

  private applySnapshot(message: SnapshotMessage, localNow: number): void {
    const serverTime = Date.parse(message.serverTime);
    if (Number.isFinite(serverTime)) this.clockOffsetMs = serverTime - localNow;
    const resumed = this.lastSeq > 0;
    this.organisationId = message.organisationId;
    this.setFountains(message.fountains);
    this.alerts.clear();
    for (const alert of message.alerts) if (alert.state !== "cleared") this.alerts.set(alert.alertId, alert);
    this.source = message.status;
    this.pendingAcks.clear();
    this.lastError = undefined;
    for (const reading of message.latest) this.applyReading(reading);
    // Without a complete replay what happened while away is unknown: leave a hole, reload history.
    if (resumed && !message.replay?.complete) {
      this.historyReloadNeeded = true;
      const at = this.disconnectedAt ?? serverTime;
      for (const fountain of this.fountains.values()) {
        for (const sensor of fountain.sensors.values()) insertPoint(sensor.series, { t: at, value: null });
      }
    }
    this.disconnectedAt = undefined;
    this.lastSeq = message.seq;
  }

  private setFountains(views: readonly FountainView[]): void {
    const seen = new Set<string>();
    for (const view of views) {
      seen.add(view.fountainId);
      const existing = this.fountains.get(view.fountainId);
      const sensors = new Map<string, SensorState>();
      for (const sensorView of view.sensors) {
        const previous = existing?.sensors.get(sensorView.sensor);
        // Keep the drawn history only if the unit did not change (a °F source now converted, say).
        const keep = previous && previous.view.unit === sensorView.unit;
        sensors.set(sensorView.sensor, {
          view: sensorView,
          latest: keep ? previous.latest : undefined,
          series: keep ? previous.series : [],
        });
      }
      this.fountains.set(view.fountainId, {
        view,
        sensors,
        lastReadingAt: existing?.lastReadingAt,
        gaps: existing?.gaps ?? [],
      });
    }
    for (const id of [...this.fountains.keys()]) if (!seen.has(id)) this.fountains.delete(id);
  }

  private applyReading(message: Omit<ReadingMessage, "replay">): void {
    const fountain = this.fountains.get(message.fountainId);
    const sensor = fountain?.sensors.get(message.sensor);
    const t = Date.parse(message.sourceTimestamp);
    if (!fountain || !sensor || !Number.isFinite(t)) return;
    // Bad and Uncertain readings become holes: they are never drawn as if they were valid.
    const value = isDrawable(message) ? message.value : null;
    insertPoint(sensor.series, { t, value });
    if (!sensor.latest || t >= sensor.latest.t) {
      sensor.latest = { value: message.value, quality: message.quality, t };
    }
    if (fountain.lastReadingAt === undefined || t > fountain.lastReadingAt) fountain.lastReadingAt = t;
  }

  private applyAlert(message: AlertMessage): void {
    this.pendingAcks.delete(message.alertId);
    if (message.state === "cleared") {
      this.alerts.delete(message.alertId);
      this.recentlyCleared = [message, ...this.recentlyCleared.filter((a) => a.alertId !== message.alertId)].slice(
        0,
        maxRecentlyCleared,
      );
    } else {
      this.alerts.set(message.alertId, message);
    }
  }

  private applyGap(message: GapMessage): void {
    const fountain = this.fountains.get(message.fountainId);
    const from = Date.parse(message.from);
    const to = Date.parse(message.to);
    if (!fountain || !Number.isFinite(from) || !Number.isFinite(to)) return;
    const hole = Math.round((from + Math.max(from, to)) / 2);
    for (const sensor of fountain.sensors.values()) insertPoint(sensor.series, { t: hole, value: null });
    fountain.gaps = [...fountain.gaps, { from, to, reason: message.reason }].slice(-maxRecentGaps);
  }

  // Walking every series on every message would cost O(fountains × sensors) per reading for a
  // federation-wide view; once a second is plenty for a 15-minute window.
  private trim(localNow: number): void {
    if (localNow - this.lastTrimAt < 1_000) return;
    this.lastTrimAt = localNow;
    const from = this.serverNow(localNow) - chartWindowMs;
    for (const fountain of this.fountains.values()) {
      for (const sensor of fountain.sensors.values()) trimSeries(sensor.series, from);
    }
  }

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}
