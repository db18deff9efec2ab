/** Details attached to an error for logs and problem documents; never credentials. */
export type ErrorDetails = Record<string, unknown>;

/**
 * The one base error of the project. Subclasses set a literal `name` and a stable `code`
 * (used as the RFC 9457 problem `type` suffix by HTTP layers) and say whether retrying can help.
 */
export class BaseError extends Error {
  override name = "BaseError";
  readonly code: string;
  readonly details: ErrorDetails;
  readonly retryable: boolean;

  constructor(
    message: string,
    options: { code: string; cause?: unknown; details?: ErrorDetails; retryable?: boolean },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.details = options.details ?? {};
    this.retryable = options.retryable ?? false;
  }
}

/** Configuration is missing or invalid: the process must refuse to start with one clear line. */
export class ConfigError extends BaseError {
  override name = "ConfigError" as const;
  constructor(message: string, details?: ErrorDetails) {
    super(message, { code: "invalid-config", details, retryable: false });
  }
}

/** The data folder is already used by another running process. */
export class DataFolderLockedError extends BaseError {
  override name = "DataFolderLockedError" as const;
  constructor(folder: string, pid: number) {
    super(`data folder ${folder} is already in use by process ${pid}; stop it or choose another DATA_DIR`, {
      code: "data-folder-locked",
      details: { folder, pid },
      retryable: false,
    });
  }
}

/** A database could not be opened or migrated. */
export class DatabaseError extends BaseError {
  override name = "DatabaseError" as const;
  constructor(message: string, cause?: unknown, retryable = true) {
    super(message, { code: "database-unavailable", cause, retryable });
  }
}

/** Message of an unknown thrown value, without stack or paths. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Node socket errors and PostgreSQL SQLSTATEs that mean "the database server cannot be reached right now". */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "08000", // connection_exception
  "08001",
  "08003",
  "08004",
  "08006",
]);

/**
 * Whether `error` (or one of its causes, as query builders wrap driver errors) says the database server is
 * unreachable or restarting — a condition to report as 503 and retry, not as an internal error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof candidate.code === "string" && CONNECTION_CODES.has(candidate.code)) return true;
    if (
      typeof candidate.message === "string" &&
      /Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/.test(
        candidate.message,
      )
    )
      return true;
    current = candidate.cause;
  }
  return false;
}
