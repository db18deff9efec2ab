import type {
  AlertMessage,
  FountainView,
  GapMessage,
  ReadingMessage,
  SensorLimitsView,
  StatusMessage,
} from "../../sdk/telemetry/protocol";
import { temperatureBandFor, type AlertLimits } from "../alerts/limits";
import type { GatewayStatus } from "../gateway/gateway";
import type { AlertTransition, FountainDescription, Reading } from "../model";
import type { FountainGap } from "../history/store";

const iso = (ms: number) => new Date(ms).toISOString();

/** Stream message of a reading (NaN and infinities become null). */
export function readingMessage(seq: number, reading: Reading): ReadingMessage {
  return {
    type: "reading",
    seq,
    fountainId: reading.fountainId,
    sensor: reading.sensor,
    value: Number.isFinite(reading.value) ? reading.value : null,
    unit: reading.unit,
    quality: reading.quality,
    sourceTimestamp: iso(reading.sourceTimestamp),
    receivedAt: iso(reading.receivedAt),
  };
}

export function alertMessage(seq: number, transition: AlertTransition): AlertMessage {
  return {
    type: "alert",
    seq,
    alertId: transition.alertId,
    fountainId: transition.fountainId,
    sensor: transition.sensor,
    kind: transition.kind,
    severity: transition.severity,
    state: transition.state,
    ...(transition.value !== undefined && Number.isFinite(transition.value) ? { value: transition.value } : {}),
    ...(transition.unit !== undefined ? { unit: transition.unit } : {}),
    since: iso(transition.since),
    at: iso(transition.at),
    ...(transition.acknowledgedBy !== undefined ? { acknowledgedBy: transition.acknowledgedBy } : {}),
  };
}

export function gapMessage(seq: number, gap: FountainGap): GapMessage {
  return {
    type: "gap",
    seq,
    fountainId: gap.fountainId,
    source: gap.source,
    from: iso(gap.from),
    to: iso(gap.to),
    reason: gap.reason,
  };
}

export function statusMessage(
  status: Pick<GatewayStatus, "state" | "reconnections" | "lastDataAt">,
  now: number,
): StatusMessage {
  return {
    type: "status",
    state: status.state,
    reconnections: status.reconnections,
    lastDataAt: status.lastDataAt === null ? null : iso(status.lastDataAt),
    at: iso(now),
  };
}

/** A fountain as shown to clients, with the temperature bands that apply to each sensor. */
export function fountainView(fountain: FountainDescription, limits: AlertLimits): FountainView {
  return {
    fountainId: fountain.fountainId,
    organisationId: fountain.organisationId,
    name: fountain.name,
    chocolate: fountain.chocolate,
    sensors: fountain.sensors.map((sensor) => {
      const band =
        sensor.kind === "temperature"
          ? temperatureBandFor(limits, fountain.fountainId, fountain.chocolate, sensor.position)
          : undefined;
      const view: FountainView["sensors"][number] = {
        sensor: sensor.sensor,
        kind: sensor.kind,
        position: sensor.position,
        unit: sensor.unit,
        ...(sensor.sourceUnit ? { sourceUnit: sensor.sourceUnit } : {}),
        ...(sensor.euRange ? { euRange: sensor.euRange } : {}),
      };
      if (band) {
        const bands: SensorLimitsView = {
          lowAlarm: band.lowAlarm,
          highWarning: band.highWarning,
          highAlarm: band.highAlarm,
        };
        view.limits = bands;
      }
      return view;
    }),
  };
}
