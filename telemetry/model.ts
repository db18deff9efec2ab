/**
 * The telemetry domain shared by the gateway, the alert engine, the history store and the hub.
 * Units are normalised by the gateway: temperatures in °C, flow in L/min, power in W.
 */

export type ChocolateType = "dark" | "milk" | "white";

/** Where a sensor sits: limits belong to the position, not to the fountain as a whole. */
export type SensorPosition = "basin" | "tower" | "heater" | "motor";

export type SensorKind = "temperature" | "flow" | "heaterPower" | "motor";

/** Data quality derived from the OPC UA status code; only `good` readings are drawn as valid. */
export type Quality = "good" | "uncertain" | "bad";

export interface SensorDescription {
  /** Stable sensor id within the fountain, e.g. `basinTemperature`. */
  sensor: string;
  kind: SensorKind;
  position: SensorPosition;
  /** Display/limit unit after normalisation (°C, L/min, W, or "" for the motor state). */
  unit: string;
  /** Unit the source reported (e.g. °F) when it differs from `unit`. */
  sourceUnit?: string;
  euRange?: { low: number; high: number };
}

export interface FountainDescription {
  fountainId: string;
  /** Member organisation owning the fountain (visibility boundary). */
  organisationId: string;
  name: string;
  chocolate: ChocolateType;
  sensors: SensorDescription[];
}

export interface Reading {
  fountainId: string;
  sensor: string;
  value: number;
  unit: string;
  quality: Quality;
  /** OPC UA source timestamp (ms since epoch). */
  sourceTimestamp: number;
  /** When the gateway received it (ms since epoch). */
  receivedAt: number;
}

export type AlertKind =
  | "lowTemperature"
  | "highTemperatureWarning"
  | "highTemperature"
  | "flowStopped"
  | "sensorStuck"
  | "sensorOffline"
  | "badQuality";

export type AlertSeverity = "warning" | "alarm";

export type AlertState = "raised" | "cleared" | "acknowledged";

/** One transition of an alert; transitions are never dropped, even for slow clients. */
export interface AlertTransition {
  alertId: string;
  fountainId: string;
  sensor: string;
  kind: AlertKind;
  severity: AlertSeverity;
  state: AlertState;
  /** Value that triggered the transition, when there is one. */
  value?: number;
  unit?: string;
  /** When the condition started (ms since epoch). */
  since: number;
  /** When this transition happened (ms since epoch). */
  at: number;
  acknowledgedBy?: string;
}

/** A period where readings of a fountain (or every fountain of a source) are missing. */
export interface Gap {
  fountainId?: string;
  source: string;
  from: number;
  to: number;
  reason: string;
}
