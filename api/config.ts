import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ConfigError } from "../sdk/server";

/** Hardhat/anvil's public development mnemonic: only ever used against a local development chain. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

const boolean = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

const csv = z.string().transform((value) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();

/** Environment variables read by the provenance API, with their defaults (see docs/api/configuration.md). */
const environmentSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  API_HOST: z.string().min(1).default("127.0.0.1"),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DATA_DIR: z.string().min(1).default("./.data"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .optional(),
  RPC_URL: z.url({ protocol: /^(https?|wss?)$/ }).default("http://127.0.0.1:8545"),
  DEPLOYMENT: z.string().min(1).default("deployments/localhost.json"),
  CONFIRMATIONS: nonNegativeInt.max(1000).default(0),
  INDEXER_POLL_MS: positiveInt.default(250),
  INDEXER_MAX_BLOCK_RANGE: positiveInt.default(2000),
  INDEXER_MAX_BACKOFF_MS: positiveInt.default(30_000),
  RELAYER_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key")
    .optional(),
  RELAYER_KEYSTORE: z.string().min(1).optional(),
  RELAYER_KEYSTORE_PASSWORD: z.string().optional(),
  RELAYER_MNEMONIC: z.string().min(1).optional(),
  RELAYER_ACCOUNT_INDEX: nonNegativeInt.default(0),
  RELAYER_POLL_MS: positiveInt.default(100),
  RELAYER_RESUBMIT_AFTER_MS: positiveInt.default(30_000),
  BATCH_MAX_SIZE: positiveInt.max(10_000).default(256),
  BATCH_MAX_WAIT_MS: nonNegativeInt.default(500),
  BATCH_MIN_SIZE: positiveInt.default(8),
  SIWE_DOMAIN: z.string().min(1).optional(),
  SIWE_ORIGIN: z.url().optional(),
  SIWE_NONCE_TTL_SECONDS: positiveInt.default(300),
  SESSION_TTL_SECONDS: positiveInt.default(8 * 3600),
  COOKIE_SECURE: boolean.optional(),
  CORS_ORIGINS: csv.default([]),
  LIVE_VIEW_URL: z.url().optional(),
  TRUST_PROXY: z.string().default("loopback"),
  RATE_LIMIT_WINDOW_MS: positiveInt.default(60_000),
  RATE_LIMIT_READ: positiveInt.default(6000),
  RATE_LIMIT_WRITE: positiveInt.default(600),
  BODY_LIMIT_BYTES: positiveInt.default(64 * 1024),
  UPLOAD_LIMIT_BYTES: positiveInt.default(20 * 1024 * 1024),
  DOCUMENT_LIMIT_BYTES: positiveInt.default(10 * 1024 * 1024),
  REQUEST_TIMEOUT_MS: positiveInt.default(15_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

/** Where the relayer key comes from; the key material itself is resolved by the chain layer. */
export type RelayerKeySource =
  | { kind: "private-key"; privateKey: string }
  | { kind: "keystore"; file: string; password: string }
  | { kind: "mnemonic"; mnemonic: string; index: number };

/** Validated configuration of the provenance API. */
export interface ApiConfig {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  databaseSchema?: string;
  rpcUrl: string;
  deploymentFile: string;
  confirmations: number;
  indexer: { pollMs: number; maxBlockRange: number; maxBackoffMs: number };
  relayer: {
    key: RelayerKeySource;
    pollMs: number;
    resubmitAfterMs: number;
    batch: { maxSize: number; minSize: number; maxWaitMs: number };
  };
  siwe: { domain: string; origin: string; nonceTtlSeconds: number };
  session: { ttlSeconds: number; secureCookie: boolean };
  cors: { origins: string[] };
  /** Where the fountain live view is served (the telemetry service); `/live/` on the API redirects there. */
  liveViewUrl?: string;
  trustProxy: string | number | boolean;
  rateLimit: { windowMs: number; read: number; write: number };
  /** `documentBytes`: largest private evidence document stored (`POST /v1/documents`, prepare with `store`). */
  limits: { bodyBytes: number; uploadBytes: number; documentBytes: number; requestTimeoutMs: number };
  logLevel: string;
}

function parseTrustProxy(value: string): string | number | boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

function relayerKey(env: z.infer<typeof environmentSchema>): RelayerKeySource {
  const sources = [env.RELAYER_PRIVATE_KEY, env.RELAYER_KEYSTORE, env.RELAYER_MNEMONIC].filter(Boolean);
  if (sources.length > 1) {
    throw new ConfigError("set only one of RELAYER_PRIVATE_KEY, RELAYER_KEYSTORE, RELAYER_MNEMONIC");
  }
  if (env.RELAYER_PRIVATE_KEY) return { kind: "private-key", privateKey: env.RELAYER_PRIVATE_KEY };
  if (env.RELAYER_KEYSTORE) {
    if (env.RELAYER_KEYSTORE_PASSWORD === undefined) {
      throw new ConfigError("RELAYER_KEYSTORE is set but RELAYER_KEYSTORE_PASSWORD is missing");
    }
    if (!fs.existsSync(env.RELAYER_KEYSTORE)) {
      throw new ConfigError(`RELAYER_KEYSTORE file ${env.RELAYER_KEYSTORE} does not exist`);
    }
    return { kind: "keystore", file: env.RELAYER_KEYSTORE, password: env.RELAYER_KEYSTORE_PASSWORD };
  }
  if (env.RELAYER_MNEMONIC)
    return { kind: "mnemonic", mnemonic: env.RELAYER_MNEMONIC, index: env.RELAYER_ACCOUNT_INDEX };
  // Production must never fall back to the public development mnemonic.
  if (env.NODE_ENV === "production") {
    throw new ConfigError("production needs a relayer key: set RELAYER_PRIVATE_KEY or RELAYER_KEYSTORE");
  }
  // Account 9 of the dev mnemonic, so the relayer does not share nonces with the deployer (account 0).
  return { kind: "mnemonic", mnemonic: DEV_MNEMONIC, index: env.RELAYER_ACCOUNT_INDEX || 9 };
}

/**
 * Reads and validates the API configuration once; throws a ConfigError with one clear line
 * naming the offending variable.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = environmentSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.join(".") ?? "environment";
    // Never echo the received value: it may be a secret.
    throw new ConfigError(`invalid configuration: ${variable}: ${issue?.message ?? "invalid"}`, { variable });
  }
  const env = parsed.data;
  const origin = env.SIWE_ORIGIN ?? `http://localhost:${env.API_PORT}`;
  const domain = env.SIWE_DOMAIN ?? new URL(origin).host;
  return {
    env: env.NODE_ENV,
    host: env.API_HOST,
    port: env.API_PORT,
    // `memory://` keeps PGlite in memory (tests); anything else is a folder.
    dataDir: env.DATA_DIR.startsWith("memory://") ? env.DATA_DIR : path.resolve(env.DATA_DIR),
    databaseUrl: env.DATABASE_URL,
    databaseSchema: env.DATABASE_SCHEMA,
    rpcUrl: env.RPC_URL,
    deploymentFile: path.resolve(env.DEPLOYMENT),
    confirmations: env.CONFIRMATIONS,
    indexer: {
      pollMs: env.INDEXER_POLL_MS,
      maxBlockRange: env.INDEXER_MAX_BLOCK_RANGE,
      maxBackoffMs: env.INDEXER_MAX_BACKOFF_MS,
    },
    relayer: {
      key: relayerKey(env),
      pollMs: env.RELAYER_POLL_MS,
      resubmitAfterMs: env.RELAYER_RESUBMIT_AFTER_MS,
      batch: { maxSize: env.BATCH_MAX_SIZE, minSize: env.BATCH_MIN_SIZE, maxWaitMs: env.BATCH_MAX_WAIT_MS },
    },
    siwe: { domain, origin, nonceTtlSeconds: env.SIWE_NONCE_TTL_SECONDS },
    session: {
      ttlSeconds: env.SESSION_TTL_SECONDS,
      secureCookie: env.COOKIE_SECURE ?? new URL(origin).protocol === "https:",
    },
    cors: { origins: env.CORS_ORIGINS },
    ...(env.LIVE_VIEW_URL ? { liveViewUrl: env.LIVE_VIEW_URL } : {}),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    rateLimit: { windowMs: env.RATE_LIMIT_WINDOW_MS, read: env.RATE_LIMIT_READ, write: env.RATE_LIMIT_WRITE },
    limits: {
      bodyBytes: env.BODY_LIMIT_BYTES,
      uploadBytes: env.UPLOAD_LIMIT_BYTES,
      documentBytes: env.DOCUMENT_LIMIT_BYTES,
      requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    },
    logLevel: env.LOG_LEVEL,
  };
}
