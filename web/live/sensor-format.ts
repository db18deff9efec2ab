import type { SensorView } from "../../sdk/telemetry/protocol";
import type { Translate } from "../shared/i18n/i18n";

/** How a sensor is named on a tile: its position for temperatures, its kind otherwise. */
export function sensorLabel(t: Translate, sensor: Pick<SensorView, "kind" | "position">): string {
  if (sensor.kind === "temperature") return t(`live.position.${sensor.position}`);
  return t(`live.kind.${sensor.kind}`);
}

/** Decimals shown per kind of sensor (temperatures to the tenth, flow to the hundredth). */
export function decimalsFor(kind: SensorView["kind"]): number {
  if (kind === "temperature") return 1;
  if (kind === "flow") return 2;
  return 0;
}

/** A value with its unit for display, e.g. "45,3 °C"; the motor reads "running"/"stopped". */
export function formatReading(
  t: Translate,
  formatNumber: (value: number, decimals?: number) => string,
  sensor: Pick<SensorView, "kind" | "unit">,
  value: number,
): string {
  if (sensor.kind === "motor") return value >= 0.5 ? t("live.motor.on") : t("live.motor.off");
  const number = formatNumber(value, decimalsFor(sensor.kind));
  return sensor.unit ? `${number}\u00a0${sensor.unit}` : number;
}
