import type { Quality, Reading, SensorKind } from "../model";
import type { UnitConversion } from "./units";

/** Plausible bounds per kind in the service's units: anything outside is a broken sensor, never a value. */
const PLAUSIBLE: Record<SensorKind, { low: number; high: number }> = {
  temperature: { low: -50, high: 400 },
  flow: { low: 0, high: 1_000 },
  heaterPower: { low: 0, high: 100_000 },
  motor: { low: 0, high: 1 },
};

/** Source timestamps further in the future than this are clock trouble, not data. */
const MAX_FUTURE_MS = 60_000;
/** Source timestamps older than this on arrival are not live data. */
const MAX_AGE_MS = 24 * 3_600_000;

/** Quality from the severity bits of an OPC UA status code (00 good, 01 uncertain, 1x bad). */
export function qualityOfStatus(statusCode: number): Quality {
  const severity = statusCode >>> 30;
  if (severity === 0) return "good";
  if (severity === 1) return "uncertain";
  return "bad";
}

/** Raw sample as delivered by a subscription. */
export interface RawSample {
  value: unknown;
  statusCode: number;
  sourceTimestamp?: Date | null;
  serverTimestamp?: Date | null;
}

/** Where a sample belongs and how to convert it. */
export interface SensorBinding {
  fountainId: string;
  sensor: string;
  kind: SensorKind;
  conversion: UnitConversion;
  /** InstrumentRange in the service's unit, when the server publishes one. */
  instrumentRange?: { low: number; high: number };
}

/**
 * Turns a sample into a reading. Status codes, non-numeric values, NaN, physically impossible values,
 * unknown units and far-off timestamps all lower the quality, so nothing doubtful is drawn as valid.
 */
export function toReading(binding: SensorBinding, sample: RawSample, receivedAt: number): Reading {
  let quality = qualityOfStatus(sample.statusCode);
  let value: number;
  if (typeof sample.value === "boolean") value = sample.value ? 1 : 0;
  else if (typeof sample.value === "number") value = binding.conversion.convert(sample.value);
  else value = Number.NaN;

  if (!Number.isFinite(value)) {
    quality = "bad";
    value = Number.NaN;
  } else {
    const bounds = binding.instrumentRange ?? PLAUSIBLE[binding.kind];
    const plausible = PLAUSIBLE[binding.kind];
    if (value < Math.max(bounds.low, plausible.low) - 1e-9 || value > Math.min(bounds.high, plausible.high) + 1e-9)
      quality = "bad";
  }
  if (!binding.conversion.known && quality === "good") quality = "uncertain";

  let sourceTimestamp = sample.sourceTimestamp?.getTime() ?? sample.serverTimestamp?.getTime() ?? Number.NaN;
  if (!Number.isFinite(sourceTimestamp) || sourceTimestamp <= 0) {
    sourceTimestamp = receivedAt;
    if (quality === "good") quality = "uncertain";
  } else if (sourceTimestamp - receivedAt > MAX_FUTURE_MS || receivedAt - sourceTimestamp > MAX_AGE_MS) {
    if (quality === "good") quality = "uncertain";
  }

  return {
    fountainId: binding.fountainId,
    sensor: binding.sensor,
    value: round(value),
    unit: binding.conversion.unit,
    quality,
    sourceTimestamp,
    receivedAt,
  };
}

/** Six significant decimals are far below any sensor's resolution and keep °F conversions readable. */
function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1e6) / 1e6 : value;
}
