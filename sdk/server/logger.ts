import pino, { type Logger } from "pino";

export type { Logger };

/** Creates the service's pino logger; `LOG_LEVEL` (default `info`) sets the level. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    name,
    level,
    // Never log credentials even when they slip into a logged object.
    redact: {
      paths: [
        "password",
        "*.password",
        "privateKey",
        "*.privateKey",
        "token",
        "*.token",
        "authorization",
        "*.authorization",
        "databaseUrl",
        "*.databaseUrl",
      ],
      censor: "[redacted]",
    },
  });
}

/** A logger that discards everything, for tests that do not inspect logs. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
