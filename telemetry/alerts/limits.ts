import { z } from "zod";
import type { ChocolateType, SensorPosition } from "../model";

/** Temperature band of one sensor position for one chocolate type, in °C. */
export const temperatureBandSchema = z.strictObject({
  /** Below this the curtain thickens and the auger clogs (alarm). */
  lowAlarm: z.number(),
  /** Above this the chocolate starts to suffer (warning). */
  highWarning: z.number(),
  /** Above this the chocolate scorches (alarm). */
  highAlarm: z.number(),
});
export type TemperatureBand = z.output<typeof temperatureBandSchema>;

const positionBandsSchema = z.strictObject({
  basin: temperatureBandSchema.partial().optional(),
  tower: temperatureBandSchema.partial().optional(),
  heater: temperatureBandSchema.partial().optional(),
});

/**
 * Overrides of the alert limits as written in the config file (`alerts` section); everything is
 * optional and merged over the defaults of domain.md.
 */
export const alertLimitsOverridesSchema = z.strictObject({
  temperature: z
    .strictObject({
      dark: positionBandsSchema.optional(),
      milk: positionBandsSchema.optional(),
      white: positionBandsSchema.optional(),
    })
    .optional(),
  /** Per-fountain overrides, keyed by fountainId, over the chocolate defaults. */
  fountains: z.record(z.string(), positionBandsSchema).optional(),
  /** Hysteresis in K: a raised temperature alert clears only this far back inside the band. */
  hysteresisK: z.number().min(0).max(10).optional(),
  /** A temperature condition must hold this long before the alert is raised. */
  onDelayMs: z.number().int().min(0).optional(),
  /** A cleared condition must hold this long before the alert clears. */
  offDelayMs: z.number().int().min(0).optional(),
  /** No reading (nor keep-alive) from a sensor for this long raises `sensorOffline`. */
  staleAfterMs: z.number().int().min(100).optional(),
  stuck: z
    .strictObject({
      /** Values within this distance (source-normalised unit) count as unchanged. */
      epsilon: z.number().min(0).optional(),
      /** Unchanged this long while the heater is on raises `sensorStuck`. */
      afterMs: z.number().int().min(1_000).optional(),
      /** Heater power above this (W) counts as "heater on". */
      heaterOnAboveW: z.number().min(0).optional(),
    })
    .optional(),
  flow: z
    .strictObject({
      /** Flow below this (L/min) counts as stopped. */
      minLitresPerMinute: z.number().min(0).optional(),
      /** A stopped flow raises `flowStopped` after this long (seconds, not tens of seconds). */
      onDelayMs: z.number().int().min(0).optional(),
    })
    .optional(),
  /** Bad or uncertain quality for this long raises `badQuality`. */
  badQualityDelayMs: z.number().int().min(0).optional(),
});
export type AlertLimitsOverrides = z.input<typeof alertLimitsOverridesSchema>;

/** Fully resolved limits used by the alert engine. */
export interface AlertLimits {
  temperature: Record<ChocolateType, Record<"basin" | "tower" | "heater", TemperatureBand>>;
  fountains: Record<string, Partial<Record<"basin" | "tower" | "heater", Partial<TemperatureBand>>>>;
  hysteresisK: number;
  onDelayMs: number;
  offDelayMs: number;
  staleAfterMs: number;
  stuck: { epsilon: number; afterMs: number; heaterOnAboveW: number };
  flow: { minLitresPerMinute: number; onDelayMs: number };
  badQualityDelayMs: number;
}

/**
 * The chocolate itself (basin, falling curtain on the tower) follows domain.md's bands; the
 * heater plate runs near 60 °C, so its band is its own and only catches a cold or runaway plate.
 */
function chocolateBands(lowAlarm: number, highWarning: number, highAlarm: number) {
  return {
    basin: { lowAlarm, highWarning, highAlarm },
    tower: { lowAlarm, highWarning, highAlarm },
    heater: { lowAlarm: lowAlarm + 5, highWarning: 70, highAlarm: 80 },
  };
}

/** Default limits from domain.md. */
export function defaultAlertLimits(): AlertLimits {
  return {
    temperature: {
      dark: chocolateBands(40, 50, 54),
      milk: chocolateBands(38, 47, 50),
      white: chocolateBands(36, 44, 47),
    },
    fountains: {},
    hysteresisK: 1,
    onDelayMs: 30_000,
    offDelayMs: 10_000,
    staleAfterMs: 15_000,
    stuck: { epsilon: 0.005, afterMs: 120_000, heaterOnAboveW: 50 },
    flow: { minLitresPerMinute: 0.2, onDelayMs: 3_000 },
    badQualityDelayMs: 5_000,
  };
}

/** Merges validated overrides over the defaults. */
export function resolveAlertLimits(overrides: AlertLimitsOverrides = {}): AlertLimits {
  const parsed = alertLimitsOverridesSchema.parse(overrides);
  const limits = defaultAlertLimits();
  for (const chocolate of ["dark", "milk", "white"] as const) {
    for (const position of ["basin", "tower", "heater"] as const) {
      Object.assign(limits.temperature[chocolate][position], parsed.temperature?.[chocolate]?.[position] ?? {});
    }
  }
  for (const [fountainId, bands] of Object.entries(parsed.fountains ?? {})) {
    limits.fountains[fountainId] = { ...bands };
  }
  if (parsed.hysteresisK !== undefined) limits.hysteresisK = parsed.hysteresisK;
  if (parsed.onDelayMs !== undefined) limits.onDelayMs = parsed.onDelayMs;
  if (parsed.offDelayMs !== undefined) limits.offDelayMs = parsed.offDelayMs;
  if (parsed.staleAfterMs !== undefined) limits.staleAfterMs = parsed.staleAfterMs;
  if (parsed.badQualityDelayMs !== undefined) limits.badQualityDelayMs = parsed.badQualityDelayMs;
  Object.assign(limits.stuck, stripUndefined(parsed.stuck ?? {}));
  Object.assign(limits.flow, stripUndefined(parsed.flow ?? {}));
  return limits;
}

/** The band that applies to one sensor of one fountain, or undefined for positions without one. */
export function temperatureBandFor(
  limits: AlertLimits,
  fountainId: string,
  chocolate: ChocolateType,
  position: SensorPosition,
): TemperatureBand | undefined {
  if (position === "motor") return undefined;
  return { ...limits.temperature[chocolate][position], ...limits.fountains[fountainId]?.[position] };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
