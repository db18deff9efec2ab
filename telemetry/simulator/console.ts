/**
 * The simulator's console: lines typed in the terminal of `npm run simulator` switch fault scenarios on and
 * off while it runs, so a person can watch an alert arrive in the live view and clear after the repair
 * without an OPC UA client.
 */
import { FAULT_NAMES, type FaultName, type Simulator } from "./server";

export const CONSOLE_HELP = [
  "Commands:",
  "  fault <fountain> <scenario>   start a scenario, e.g. fault F0001 heaterFailure",
  `                                scenarios: ${FAULT_NAMES.filter((name) => name !== "none").join(", ")}`,
  "  repair <fountain>             end the scenario (the fountain heats back to normal)",
  "  status                        every fountain's temperatures and scenario",
  "  help                          this list",
].join("\n");

/** Runs one console line against the simulator and answers the text to print. */
export function runConsoleCommand(simulator: Pick<Simulator, "fountains" | "setFault">, line: string): string {
  const [command, ...args] = line.trim().split(/\s+/);
  if (!command) return "";
  const known = (id: string | undefined) => simulator.fountains().find((fountain) => fountain.fountainId === id);
  switch (command.toLowerCase()) {
    case "help":
      return CONSOLE_HELP;
    case "status":
      return simulator
        .fountains()
        .map(
          (f) =>
            `${f.fountainId} ${f.chocolate.padEnd(5)} basin ${f.basinC.toFixed(1)} °C, tower ${f.towerC.toFixed(1)} °C, ` +
            `flow ${f.flowLitresPerMinute.toFixed(2)} L/min, scenario ${f.fault}`,
        )
        .join("\n");
    case "fault":
    case "repair": {
      const [fountainId, scenario = command === "repair" ? "none" : undefined] = args;
      if (!known(fountainId)) {
        return `unknown fountain ${fountainId ?? "(missing)"}; one of ${simulator
          .fountains()
          .map((f) => f.fountainId)
          .slice(0, 10)
          .join(", ")}…`;
      }
      if (!scenario || !(FAULT_NAMES as readonly string[]).includes(scenario)) {
        return `unknown scenario ${scenario ?? "(missing)"}; one of ${FAULT_NAMES.join(", ")}`;
      }
      simulator.setFault(fountainId!, scenario as FaultName);
      return scenario === "none" ? `${fountainId}: repaired` : `${fountainId}: ${scenario}`;
    }
    default:
      return `unknown command ${command}\n${CONSOLE_HELP}`;
  }
}
