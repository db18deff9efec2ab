import type { FountainMapping } from "../gateway/config";
import type { ChocolateType, SensorKind, SensorPosition } from "../model";

/**
 * Variables of a simulated fountain, with their stable browse names. Node ids are
 * `ns=1;s=Fountains.<fountainId>.<BrowseName>` (documented in docs/telemetry/opcua.md).
 */
export const SIMULATED_SENSORS = [
  { browseName: "BasinTemperature", sensor: "basinTemperature", kind: "temperature", position: "basin" },
  { browseName: "TowerTemperature", sensor: "towerTemperature", kind: "temperature", position: "tower" },
  { browseName: "HeaterTemperature", sensor: "heaterTemperature", kind: "temperature", position: "heater" },
  { browseName: "ChocolateFlow", sensor: "flow", kind: "flow", position: "tower" },
  { browseName: "HeaterPower", sensor: "heaterPower", kind: "heaterPower", position: "heater" },
  { browseName: "MotorRunning", sensor: "motor", kind: "motor", position: "motor" },
] as const satisfies readonly { browseName: string; sensor: string; kind: SensorKind; position: SensorPosition }[];

/** Node id of one variable (or method) of a simulated fountain. */
export function simulatorNodeId(fountainId: string, browseName: string): string {
  return `ns=1;s=Fountains.${fountainId}.${browseName}`;
}

/**
 * Gateway mapping for simulated fountains; `sensors` narrows the sensors per fountain
 * (e.g. only the two chocolate temperatures for the benchmark).
 */
export function simulatorFountainMappings(
  fountains: readonly { fountainId: string; organisationId: string; name: string; chocolate: ChocolateType }[],
  sensors: readonly string[] = SIMULATED_SENSORS.map((s) => s.sensor),
): FountainMapping[] {
  return fountains.map((fountain) => ({
    fountainId: fountain.fountainId,
    organisationId: fountain.organisationId,
    name: fountain.name,
    chocolate: fountain.chocolate,
    chocolateNodeId: simulatorNodeId(fountain.fountainId, "ChocolateType"),
    sensors: SIMULATED_SENSORS.filter((s) => sensors.includes(s.sensor)).map((s) => ({
      sensor: s.sensor,
      kind: s.kind,
      position: s.position,
      nodeId: simulatorNodeId(fountain.fountainId, s.browseName),
    })),
  }));
}
