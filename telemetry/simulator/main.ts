/**
 * `npm run simulator`: starts the OPC UA fountain simulator and prints its endpoint.
 * Options (flags or env): --port (SIMULATOR_PORT, else OPCUA_PORT as for `npm start`, 4840), --host (SIMULATOR_HOST, 127.0.0.1),
 * --fountains (SIMULATOR_FOUNTAINS, 4), --organisations (SIMULATOR_ORGANISATIONS, 2),
 * --update-ms (SIMULATOR_UPDATE_MS, 1000), --time-scale (SIMULATOR_TIME_SCALE, 1), --seed (SIMULATOR_SEED, 1),
 * --fault F0001=heaterFailure (repeatable), --pki (SIMULATOR_PKI, <DATA_DIR>/simulator/pki with DATA_DIR default ./.data).
 */
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { z } from "zod";
import { ConfigError, createLogger, createShutdown } from "../../sdk/server";
import { runConsoleCommand } from "./console";
import { FAULT_NAMES, type FaultName, startSimulator } from "./server";

const optionsSchema = z.strictObject({
  port: z.coerce.number().int().min(0).max(65_535).default(4840),
  host: z.string().min(1).default("127.0.0.1"),
  fountains: z.coerce.number().int().min(1).max(10_000).default(4),
  organisations: z.coerce.number().int().min(1).max(1_000).default(2),
  updateMs: z.coerce.number().int().min(50).max(60_000).default(1_000),
  timeScale: z.coerce.number().positive().max(3_600).default(1),
  seed: z.coerce.number().int().default(1),
  pki: z.string().default(".data/simulator/pki"),
  fault: z
    .array(z.string().regex(/^[^=]+=[A-Za-z]+$/, "expected --fault <fountainId>=<fault>"))
    .default([])
    .transform((entries, ctx) => {
      const faults: Record<string, FaultName> = {};
      for (const entry of entries) {
        const [fountainId, fault] = entry.split("=") as [string, string];
        if (!(FAULT_NAMES as readonly string[]).includes(fault)) {
          ctx.addIssue({ code: "custom", message: `unknown fault ${fault}; one of ${FAULT_NAMES.join(", ")}` });
          continue;
        }
        faults[fountainId] = fault as FaultName;
      }
      return faults;
    }),
});

function loadOptions() {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      fountains: { type: "string" },
      organisations: { type: "string" },
      "update-ms": { type: "string" },
      "time-scale": { type: "string" },
      seed: { type: "string" },
      pki: { type: "string" },
      fault: { type: "string", multiple: true },
    },
  });
  const env = process.env;
  const parsed = optionsSchema.safeParse({
    port: values.port ?? env.SIMULATOR_PORT ?? env.OPCUA_PORT,
    host: values.host ?? env.SIMULATOR_HOST,
    fountains: values.fountains ?? env.SIMULATOR_FOUNTAINS,
    organisations: values.organisations ?? env.SIMULATOR_ORGANISATIONS,
    updateMs: values["update-ms"] ?? env.SIMULATOR_UPDATE_MS,
    timeScale: values["time-scale"] ?? env.SIMULATOR_TIME_SCALE,
    seed: values.seed ?? env.SIMULATOR_SEED,
    pki: values.pki ?? env.SIMULATOR_PKI ?? path.join(env.DATA_DIR || ".data", "simulator", "pki"),
    fault: values.fault,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${issue?.path.join(".") || "options"}: ${issue?.message}`);
  }
  return parsed.data;
}

async function main(): Promise<void> {
  const logger = createLogger("simulator");
  const options = loadOptions();
  const simulator = await startSimulator({
    port: options.port,
    host: options.host,
    fountains: options.fountains,
    organisations: options.organisations,
    updateIntervalMs: options.updateMs,
    timeScale: options.timeScale,
    seed: options.seed,
    faults: options.fault,
    pkiFolder: options.pki,
  });
  const shutdown = createShutdown(logger);
  shutdown.add("opcua simulator", () => simulator.stop());
  shutdown.installSignalHandlers();
  logger.info(
    { endpointUrl: simulator.endpointUrl, fountains: options.fountains, organisations: options.organisations },
    "fountain simulator listening",
  );
  process.stdout.write(`Fountain simulator (OPC UA): ${simulator.endpointUrl}\n`);
  // In a terminal (or with SIMULATOR_CONSOLE=1), typed commands switch faults on and off.
  if (process.stdin.isTTY || process.env.SIMULATOR_CONSOLE === "1") {
    process.stdout.write('Type "help" for the commands (e.g. fault F0001 heaterFailure, repair F0001).\n');
    const lines = readline.createInterface({ input: process.stdin, terminal: false });
    lines.on("line", (line) => {
      const answer = runConsoleCommand(simulator, line);
      if (answer) process.stdout.write(`${answer}\n`);
    });
    shutdown.add("console", async () => lines.close());
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`simulator: ${message}\n`);
  process.exit(1);
});
