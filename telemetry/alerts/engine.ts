import { EventEmitter } from "node:events";
import type {
  AlertKind,
  AlertSeverity,
  AlertTransition,
  FountainDescription,
  Quality,
  Reading,
  SensorDescription,
} from "../model";
import { type AlertLimits, temperatureBandFor } from "./limits";

/** Events of the alert engine. */
export interface AlertEngineEvents {
  transition: [AlertTransition];
}

/** Options of {@link createAlertEngine}. */
export interface AlertEngineOptions {
  limits: AlertLimits;
  /** Injected clock (ms since epoch) so tests drive time themselves. */
  clock: () => number;
  fountains: FountainDescription[];
}

/** Turns readings into alert transitions (raised, cleared, acknowledged). */
export interface AlertEngine extends EventEmitter<AlertEngineEvents> {
  /** Feeds one reading (any quality); transitions are emitted synchronously. */
  ingest(reading: Reading): void;
  /** Evaluates time-based conditions (delays, staleness, stuck sensors) at `now` (default: clock()); call it about once a second. */
  tick(now?: number): void;
  /** Acknowledges an active alert; returns the `acknowledged` transition, or undefined if unknown or already cleared. */
  acknowledge(alertId: string, by: string): AlertTransition | undefined;
  /** Latest transition of every alert that is raised or acknowledged but not yet cleared. */
  active(): AlertTransition[];
  /** Replaces the known fountains (after the gateway rediscovered them); alerts of removed fountains clear. */
  setFountains(fountains: FountainDescription[]): void;
}

/** Sensor id used by fountain-wide alerts (`sensorOffline`): the whole fountain is silent. */
export const WHOLE_FOUNTAIN = "*";

/** What the latest valid data says about one condition. */
interface Verdict {
  /** Beyond the raise threshold. */
  violating: boolean;
  /** Back inside the band by the hysteresis (or simply fine for conditions without one). */
  clear: boolean;
  value?: number;
  unit?: string;
}

interface Condition {
  key: string;
  fountainId: string;
  sensor: string;
  kind: AlertKind;
  severity: AlertSeverity;
  onDelayMs: number;
  offDelayMs: number;
  verdict: Verdict | undefined;
  /** When the raise threshold was first crossed (pending or active). */
  since: number | undefined;
  /** When the clear threshold was first met while active. */
  clearingSince: number | undefined;
  /** Latest transition while active. */
  alert: AlertTransition | undefined;
}

interface SensorTrack {
  description: SensorDescription;
  quality: Quality | undefined;
  /** Stuck detection: last value that moved by more than epsilon, and since when it has not. */
  reference: number | undefined;
  referenceSince: number | undefined;
}

interface FountainTrack {
  description: FountainDescription;
  sensors: Map<string, SensorTrack>;
  lastSeen: number;
  heaterPowerW: number | undefined;
}

const TEMPERATURE_UNIT = "°C";
const FLOW_UNIT = "L/min";

/** Creates an alert engine with an injected clock. */
export function createAlertEngine(options: AlertEngineOptions): AlertEngine {
  const { limits, clock } = options;
  const emitter = new EventEmitter<AlertEngineEvents>();
  const fountains = new Map<string, FountainTrack>();
  const conditions = new Map<string, Condition>();

  function condition(
    fountainId: string,
    sensor: string,
    kind: AlertKind,
    severity: AlertSeverity,
    onDelayMs: number,
    offDelayMs: number,
  ): Condition {
    const key = `${fountainId}/${sensor}/${kind}`;
    let found = conditions.get(key);
    if (!found) {
      found = {
        key,
        fountainId,
        sensor,
        kind,
        severity,
        onDelayMs,
        offDelayMs,
        verdict: undefined,
        since: undefined,
        clearingSince: undefined,
        alert: undefined,
      };
      conditions.set(key, found);
    }
    return found;
  }

  function transition(c: Condition, state: AlertTransition["state"], now: number, extra: Partial<AlertTransition>) {
    const since = c.since ?? now;
    const next: AlertTransition = {
      alertId: c.alert?.alertId ?? `${c.key}@${since}`,
      fountainId: c.fountainId,
      sensor: c.sensor,
      kind: c.kind,
      severity: c.severity,
      state,
      since,
      at: now,
      ...(c.verdict?.value !== undefined && Number.isFinite(c.verdict.value)
        ? { value: c.verdict.value, unit: c.verdict.unit }
        : {}),
      ...(c.alert?.acknowledgedBy ? { acknowledgedBy: c.alert.acknowledgedBy } : {}),
      ...extra,
    };
    c.alert = state === "cleared" ? undefined : next;
    emitter.emit("transition", next);
    return next;
  }

  /** The state machine shared by every condition: on-delay to raise, off-delay to clear. */
  function evaluate(c: Condition, now: number): void {
    const verdict = c.verdict;
    if (!verdict) return;
    if (!c.alert) {
      if (!verdict.violating) {
        c.since = undefined;
        return;
      }
      c.since ??= now;
      if (now - c.since >= c.onDelayMs) {
        c.clearingSince = undefined;
        transition(c, "raised", now, {});
      }
      return;
    }
    if (!verdict.clear) {
      c.clearingSince = undefined;
      return;
    }
    c.clearingSince ??= now;
    if (now - c.clearingSince >= c.offDelayMs) {
      transition(c, "cleared", now, {});
      c.since = undefined;
      c.clearingSince = undefined;
    }
  }

  function forceClear(c: Condition, now: number): void {
    if (c.alert) transition(c, "cleared", now, {});
    c.since = undefined;
    c.clearingSince = undefined;
    c.verdict = undefined;
  }

  function setFountains(list: FountainDescription[]): void {
    const now = clock();
    const ids = new Set(list.map((f) => f.fountainId));
    for (const [id] of fountains) {
      if (ids.has(id)) continue;
      fountains.delete(id);
      for (const c of conditions.values()) {
        if (c.fountainId !== id) continue;
        forceClear(c, now);
        conditions.delete(c.key);
      }
    }
    for (const description of list) {
      const existing = fountains.get(description.fountainId);
      const sensors = new Map<string, SensorTrack>();
      for (const sensor of description.sensors) {
        const previous = existing?.sensors.get(sensor.sensor);
        sensors.set(sensor.sensor, {
          description: sensor,
          quality: previous?.quality,
          reference: previous?.reference,
          referenceSince: previous?.referenceSince,
        });
      }
      fountains.set(description.fountainId, {
        description,
        sensors,
        lastSeen: existing?.lastSeen ?? now,
        heaterPowerW: existing?.heaterPowerW,
      });
    }
  }

  function temperature(fountain: FountainTrack, track: SensorTrack, reading: Reading, now: number): void {
    const band = temperatureBandFor(
      limits,
      fountain.description.fountainId,
      fountain.description.chocolate,
      track.description.position,
    );
    if (!band) return;
    const { onDelayMs, offDelayMs, hysteresisK: h } = limits;
    const id = reading.fountainId;
    const value = reading.value;
    const unit = reading.unit;
    const low = condition(id, reading.sensor, "lowTemperature", "alarm", onDelayMs, offDelayMs);
    low.verdict = { violating: value < band.lowAlarm, clear: value >= band.lowAlarm + h, value, unit };
    const warning = condition(id, reading.sensor, "highTemperatureWarning", "warning", onDelayMs, offDelayMs);
    warning.verdict = { violating: value > band.highWarning, clear: value <= band.highWarning - h, value, unit };
    const high = condition(id, reading.sensor, "highTemperature", "alarm", onDelayMs, offDelayMs);
    high.verdict = { violating: value > band.highAlarm, clear: value <= band.highAlarm - h, value, unit };
    for (const c of [low, warning, high]) evaluate(c, now);

    // A sensor frozen at one value while the heater works is broken, whatever the value says.
    if (track.reference === undefined || Math.abs(value - track.reference) > limits.stuck.epsilon) {
      track.reference = value;
      track.referenceSince = now;
    }
    stuck(fountain, track, now, value, unit);
  }

  function stuck(fountain: FountainTrack, track: SensorTrack, now: number, value?: number, unit?: string): void {
    if (track.referenceSince === undefined || track.quality !== "good") return;
    const c = condition(
      fountain.description.fountainId,
      track.description.sensor,
      "sensorStuck",
      "warning",
      limits.stuck.afterMs,
      0,
    );
    // Without a heater power sensor the fountain is assumed to be heating, as it is in service.
    const heaterOn = fountain.heaterPowerW === undefined || fountain.heaterPowerW > limits.stuck.heaterOnAboveW;
    const unchanged = now - track.referenceSince;
    c.verdict = {
      violating: heaterOn && unchanged >= limits.stuck.afterMs,
      clear: unchanged < limits.stuck.afterMs,
      value: value ?? track.reference,
      unit: unit ?? c.verdict?.unit,
    };
    // The on-delay is the unchanged period itself: raise as soon as it is long enough.
    if (c.verdict.violating && c.since === undefined) c.since = track.referenceSince;
    evaluate(c, now);
  }

  function flow(reading: Reading, now: number, stopped: boolean): void {
    const c = condition(
      reading.fountainId,
      reading.sensor,
      "flowStopped",
      "alarm",
      limits.flow.onDelayMs,
      limits.flow.onDelayMs,
    );
    c.verdict = { violating: stopped, clear: !stopped, value: reading.value, unit: reading.unit };
    evaluate(c, now);
  }

  function quality(reading: Reading, now: number): void {
    const bad = reading.quality === "bad";
    const c = condition(
      reading.fountainId,
      reading.sensor,
      "badQuality",
      bad ? "alarm" : "warning",
      limits.badQualityDelayMs,
      0,
    );
    if (!c.alert) c.severity = bad ? "alarm" : "warning";
    c.verdict = {
      violating: reading.quality !== "good",
      clear: reading.quality === "good",
      value: reading.value,
      unit: reading.unit,
    };
    evaluate(c, now);
  }

  function offline(fountain: FountainTrack, now: number): void {
    const c = condition(
      fountain.description.fountainId,
      WHOLE_FOUNTAIN,
      "sensorOffline",
      "alarm",
      limits.staleAfterMs,
      0,
    );
    const silentFor = now - fountain.lastSeen;
    c.verdict = { violating: silentFor >= limits.staleAfterMs, clear: silentFor < limits.staleAfterMs };
    // "Offline since" is the last time the fountain was heard, not when the engine noticed.
    if (c.verdict.violating && c.since === undefined) c.since = fountain.lastSeen;
    evaluate(c, now);
  }

  setFountains(options.fountains);

  const engine = Object.assign(emitter, {
    ingest(reading: Reading) {
      const now = clock();
      const fountain = fountains.get(reading.fountainId);
      const track = fountain?.sensors.get(reading.sensor);
      if (!fountain || !track) return;
      fountain.lastSeen = now;
      track.quality = reading.quality;
      offline(fountain, now);
      quality(reading, now);
      // Doubtful readings never count as values: limits, flow and stuck detection wait for good ones.
      if (reading.quality !== "good" || !Number.isFinite(reading.value)) return;
      const kind = track.description.kind;
      if (kind === "temperature" && reading.unit === TEMPERATURE_UNIT) temperature(fountain, track, reading, now);
      else if (kind === "heaterPower" && reading.unit === "W") fountain.heaterPowerW = reading.value;
      else if (kind === "flow" && reading.unit === FLOW_UNIT)
        flow(reading, now, reading.value < limits.flow.minLitresPerMinute);
      else if (kind === "motor" && !fountain.description.sensors.some((s) => s.kind === "flow"))
        flow(reading, now, reading.value === 0);
    },
    tick(now = clock()) {
      for (const fountain of fountains.values()) {
        offline(fountain, now);
        for (const track of fountain.sensors.values()) {
          if (track.description.kind === "temperature") stuck(fountain, track, now);
        }
      }
      for (const c of conditions.values()) {
        if (c.kind === "sensorOffline" || c.kind === "sensorStuck") continue;
        // Conditions of a sensor whose latest reading is doubtful stay frozen until good data returns.
        const track = fountains.get(c.fountainId)?.sensors.get(c.sensor);
        if (c.kind !== "badQuality" && track?.quality !== "good") continue;
        evaluate(c, now);
      }
    },
    acknowledge(alertId: string, by: string) {
      for (const c of conditions.values()) {
        if (c.alert?.alertId !== alertId) continue;
        if (c.alert.state === "acknowledged") return c.alert;
        return transition(c, "acknowledged", clock(), { acknowledgedBy: by });
      }
      return undefined;
    },
    active() {
      return [...conditions.values()].flatMap((c) => (c.alert ? [c.alert] : []));
    },
    setFountains,
  });
  return engine;
}
