import path from "node:path";
import { z } from "zod";
import { ConfigError } from "../../sdk/server";

const port = z.coerce.number().int().min(1).max(65_535);

/** Every setting of `npm start`, from env vars (documented in README and docs/operations). */
const StartOptionsSchema = z.object({
  DATA_DIR: z.string().min(1).default("./.data"),
  API_PORT: port.default(8080),
  TELEMETRY_PORT: port.default(8090),
  OPCUA_PORT: port.default(4840),
  RPC_PORT: port.default(8545),
  RPC_URL: z.string().url().optional(),
  DEPLOYMENT: z.string().min(1).optional(),
  DATABASE_URL: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface StartOptions {
  dataDir: string;
  apiPort: number;
  telemetryPort: number;
  opcuaPort: number;
  rpcPort: number;
  /** External chain (e.g. a Besu network): no local node is started. */
  rpcUrl?: string;
  /** Deployment file of the external chain (required with `rpcUrl`). */
  deploymentFile?: string;
  databaseUrl?: string;
  logLevel: string;
  demo: boolean;
}

/** Reads env vars and flags once; throws one clear ConfigError on anything invalid. */
export function loadStartOptions(
  env: NodeJS.ProcessEnv = process.env,
  argv: string[] = process.argv.slice(2),
): StartOptions {
  const parsed = StartOptionsSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid ${issue?.path.join(".") ?? "setting"}: ${issue?.message ?? "invalid value"}`);
  }
  const unknown = argv.filter((arg) => arg !== "--demo");
  if (unknown.length > 0) throw new ConfigError(`unknown option ${unknown[0]} (known: --demo)`);
  const o = parsed.data;
  return {
    dataDir: path.resolve(o.DATA_DIR),
    apiPort: o.API_PORT,
    telemetryPort: o.TELEMETRY_PORT,
    opcuaPort: o.OPCUA_PORT,
    rpcPort: o.RPC_PORT,
    rpcUrl: o.RPC_URL,
    ...(o.DEPLOYMENT ? { deploymentFile: path.resolve(o.DEPLOYMENT) } : {}),
    databaseUrl: o.DATABASE_URL,
    logLevel: o.LOG_LEVEL,
    demo: argv.includes("--demo"),
  };
}
