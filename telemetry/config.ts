import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ConfigError } from "../sdk/server";
import { TOKEN_PATTERN } from "../sdk/telemetry/protocol";
import { alertLimitsOverridesSchema } from "./alerts/limits";
import { gatewayConfigSchema } from "./gateway/config";

/** One access token: a member organisation's, or federation-wide (sees every fountain). */
export const accessTokenSchema = z
  .strictObject({
    token: z.string().regex(TOKEN_PATTERN, "tokens are 16–128 characters of A-Z a-z 0-9 . _ ~ -"),
    organisationId: z.string().min(1).max(64).optional(),
    federation: z.boolean().default(false),
    /** Who holds it (shown in logs and recorded with acknowledgements). */
    name: z.string().max(100).optional(),
  })
  .refine((token) => token.federation !== (token.organisationId !== undefined), {
    message: "a token has either an organisationId or federation: true",
  });

/** The `access` section: who may read the stream and the HTTP endpoints. */
export const accessSchema = z.strictObject({
  tokens: z.array(accessTokenSchema).default([]),
  /** Browser origins allowed to open the stream besides the service's own origin. */
  allowedOrigins: z.array(z.url()).default([]),
});

/** The `history` section. */
export const historyConfigSchema = z.strictObject({
  /** Raw readings are kept this long, then folded into per-minute aggregates. */
  rawRetentionHours: z
    .number()
    .min(0.01)
    .max(24 * 366)
    .default(48),
  /** Per-minute aggregates are kept this long (alert transitions and gaps are kept forever). */
  aggregateRetentionDays: z.number().min(1).default(730),
  /** Buffered entries are written at least this often. */
  flushIntervalMs: z.number().int().min(10).max(60_000).default(500),
  /** ...or as soon as this many are buffered. */
  batchSize: z.number().int().min(1).max(50_000).default(2_000),
  /** Bound of the write buffer while the database is unavailable; the oldest readings go first, alerts never. */
  maxPendingEntries: z.number().int().min(1_000).default(200_000),
  retentionIntervalMs: z.number().int().min(100).default(60_000),
  /** Most messages replayed to a reconnecting client; beyond it the client reloads over HTTP. */
  replayLimit: z.number().int().min(1).max(1_000_000).default(20_000),
});

/** The `stream` section (WebSocket hub). */
export const streamConfigSchema = z.strictObject({
  /** Messages are sent to clients in batches at this interval. */
  publishIntervalMs: z.number().int().min(10).max(10_000).default(100),
  /** Ping interval; a client that missed the previous pong is terminated. */
  heartbeatIntervalMs: z.number().int().min(100).default(15_000),
  maxConnections: z.number().int().min(1).default(2_000),
  maxConnectionsPerToken: z.number().int().min(1).default(200),
  /** More client messages than this within one second closes the socket (1008). */
  maxClientMessagesPerSecond: z.number().int().min(1).default(20),
  /** A socket with more unsent bytes than this is conflated (latest value per sensor). */
  highWaterMarkBytes: z
    .number()
    .int()
    .min(1_024)
    .default(256 * 1024),
  /** Alert transitions and gaps queued for one slow client before it is closed with 1013. */
  maxQueuedAlerts: z.number().int().min(10).default(5_000),
});

/** The whole config file (`TELEMETRY_CONFIG`, default `./telemetry.config.json`). */
export const telemetryFileSchema = z.strictObject({
  gateway: gatewayConfigSchema,
  alerts: alertLimitsOverridesSchema.default({}),
  access: accessSchema.default(accessSchema.parse({})),
  history: historyConfigSchema.default(historyConfigSchema.parse({})),
  stream: streamConfigSchema.default(streamConfigSchema.parse({})),
});

export type AccessToken = z.output<typeof accessTokenSchema>;
export type HistoryConfig = z.output<typeof historyConfigSchema>;
export type StreamConfig = z.output<typeof streamConfigSchema>;
export type TelemetryFileConfig = z.output<typeof telemetryFileSchema>;

/** Everything the telemetry service needs, validated once at startup. */
export interface TelemetryConfig extends TelemetryFileConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  configFile: string;
  /** Folder of the built live view (served at `/` when it exists). */
  webDir: string;
  /** Set when no token was configured and a development token was generated. */
  generatedToken?: string;
}

const envSchema = z.object({
  TELEMETRY_PORT: z.coerce.number().int().min(0).max(65_535).default(8090),
  TELEMETRY_HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().min(1).default("./.data"),
  // An empty variable (`DATABASE_URL=`) means unset, as shells and .env files produce it.
  DATABASE_URL: z.preprocess((value) => (value === "" ? undefined : value), z.string().min(1).optional()),
  TELEMETRY_CONFIG: z.string().min(1).default("./telemetry.config.json"),
  TELEMETRY_WEB_DIR: z.string().min(1).default("./web/dist"),
});

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

/** Validates a parsed config file (throws ConfigError naming the first bad fields). */
export function parseTelemetryFile(raw: unknown, source = "config"): TelemetryFileConfig {
  const parsed = telemetryFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${source}: ${describeIssues(parsed.error)}`);
  const seen = new Set<string>();
  for (const token of parsed.data.access.tokens) {
    if (seen.has(token.token)) throw new ConfigError(`${source}: access.tokens: the same token appears twice`);
    seen.add(token.token);
  }
  return parsed.data;
}

/**
 * A development token kept in `<dataDir>/telemetry-dev-token`, so `npm run telemetry` works out of
 * the box without anyone inventing a weak token; production configs must list their tokens.
 */
function developmentToken(dataDir: string): string {
  const file = path.join(dataDir, "telemetry-dev-token");
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (TOKEN_PATTERN.test(existing)) return existing;
  } catch {
    // Not created yet.
  }
  const token = crypto.randomBytes(24).toString("base64url");
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, token + "\n", { mode: 0o600 });
  return token;
}

/**
 * Loads the telemetry service config once: environment (`TELEMETRY_PORT`, `TELEMETRY_HOST`,
 * `DATA_DIR`, `DATABASE_URL`, `TELEMETRY_CONFIG`, `TELEMETRY_WEB_DIR`) and the JSON config file.
 * Throws a ConfigError with one clear line.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): TelemetryConfig {
  const parsedEnv = envSchema.safeParse(env);
  if (!parsedEnv.success) throw new ConfigError(`environment: ${describeIssues(parsedEnv.error)}`);
  const vars = parsedEnv.data;
  let text: string;
  try {
    text = fs.readFileSync(vars.TELEMETRY_CONFIG, "utf8");
  } catch {
    throw new ConfigError(`cannot read the config file ${vars.TELEMETRY_CONFIG} (set TELEMETRY_CONFIG)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${vars.TELEMETRY_CONFIG} is not valid JSON: ${(error as Error).message}`);
  }
  const file = parseTelemetryFile(raw, vars.TELEMETRY_CONFIG);
  let generatedToken: string | undefined;
  if (file.access.tokens.length === 0) {
    if (file.gateway.mode === "production") {
      throw new ConfigError(`${vars.TELEMETRY_CONFIG}: production mode needs access.tokens`);
    }
    generatedToken = developmentToken(vars.DATA_DIR);
    file.access.tokens.push({ token: generatedToken, federation: true, name: "development" });
  }
  return {
    ...file,
    port: vars.TELEMETRY_PORT,
    host: vars.TELEMETRY_HOST,
    dataDir: vars.DATA_DIR,
    databaseUrl: vars.DATABASE_URL,
    configFile: vars.TELEMETRY_CONFIG,
    webDir: vars.TELEMETRY_WEB_DIR,
    generatedToken,
  };
}
