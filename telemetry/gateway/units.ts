import type { SensorKind } from "../model";

/** How a source unit maps onto the unit the rest of the service works in. */
export interface UnitConversion {
  /** Unit readings carry after conversion (°C, L/min, W, ""). */
  unit: string;
  /** Unit the source reported. */
  sourceUnit: string;
  /** False when the source unit is unknown for the sensor kind: values keep their source unit. */
  known: boolean;
  convert(value: number): number;
}

const identity = (value: number) => value;

interface UnitEntry {
  kind: SensorKind;
  unit: string;
  convert: (value: number) => number;
}

/*
 * Keyed by UNECE Recommendation 20 common code (what OPC UA EUInformation.unitId encodes) and by
 * the usual display symbols, so servers that only fill displayName are understood as well.
 */
const UNITS_BY_CODE: Record<string, UnitEntry> = {
  CEL: { kind: "temperature", unit: "°C", convert: identity },
  FAH: { kind: "temperature", unit: "°C", convert: (f) => ((f - 32) * 5) / 9 },
  KEL: { kind: "temperature", unit: "°C", convert: (k) => k - 273.15 },
  L2: { kind: "flow", unit: "L/min", convert: identity },
  E32: { kind: "flow", unit: "L/min", convert: (lph) => lph / 60 },
  MQH: { kind: "flow", unit: "L/min", convert: (m3h) => (m3h * 1000) / 60 },
  G2: { kind: "flow", unit: "L/min", convert: (gpm) => gpm * 3.785411784 },
  "2J": { kind: "flow", unit: "L/min", convert: (cm3s) => cm3s * 0.06 },
  WTT: { kind: "heaterPower", unit: "W", convert: identity },
  KWT: { kind: "heaterPower", unit: "W", convert: (kw) => kw * 1000 },
  P1: { kind: "heaterPower", unit: "W", convert: identity },
};

const CODE_BY_SYMBOL: Record<string, string> = {
  "°c": "CEL",
  "℃": "CEL",
  degc: "CEL",
  c: "CEL",
  "°f": "FAH",
  "℉": "FAH",
  degf: "FAH",
  f: "FAH",
  k: "KEL",
  "l/min": "L2",
  lpm: "L2",
  "l/h": "E32",
  "m³/h": "MQH",
  "m3/h": "MQH",
  gpm: "G2",
  "gal/min": "G2",
  w: "WTT",
  kw: "KWT",
};

/** Default unit per kind when neither the server nor the config names one. */
export const DEFAULT_UNIT: Record<SensorKind, string> = {
  temperature: "°C",
  flow: "L/min",
  heaterPower: "W",
  motor: "",
};

/** Decodes an OPC UA EUInformation unitId into its UNECE common code (e.g. 4408652 → "CEL"). */
export function unitIdToCommonCode(unitId: number): string {
  let code = "";
  for (let shift = 24; shift >= 0; shift -= 8) {
    const c = (unitId >>> shift) & 0xff;
    if (c !== 0) code += String.fromCharCode(c);
  }
  return code;
}

/**
 * Conversion from what the source reports to the service's unit for that kind of sensor. An
 * unknown or mismatching unit is never relabelled: values keep the source unit and `known` is false.
 */
export function unitConversion(kind: SensorKind, source: { unitId?: number; symbol?: string }): UnitConversion {
  if (kind === "motor") return { unit: "", sourceUnit: source.symbol ?? "", known: true, convert: identity };
  const symbol = source.symbol?.trim() ?? "";
  const candidates = [
    source.unitId !== undefined && source.unitId > 0 ? unitIdToCommonCode(source.unitId) : undefined,
    CODE_BY_SYMBOL[symbol.toLowerCase()],
  ];
  for (const code of candidates) {
    const entry = code === undefined ? undefined : UNITS_BY_CODE[code];
    if (entry && entry.kind === kind) {
      return { unit: entry.unit, sourceUnit: symbol || entry.unit, known: true, convert: entry.convert };
    }
  }
  return { unit: symbol, sourceUnit: symbol, known: false, convert: identity };
}
