import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/node-postgres";
import { migrate as migratePostgres } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import pg from "pg";
import type { Logger } from "pino";
import { lockDataFolder, type DataFolderLock } from "./data-folder-lock";
import { DatabaseError } from "./errors";

/** A Drizzle database over PGlite or PostgreSQL; the same queries run on both. */
export type Database<TSchema extends Record<string, unknown> = Record<string, never>> = PgDatabase<
  PgQueryResultHKT,
  TSchema
>;

export interface DatabaseOptions<TSchema extends Record<string, unknown>> {
  /** Drizzle schema (tables) of the service. */
  schema: TSchema;
  /** Folder of drizzle-kit generated migrations. */
  migrationsFolder: string;
  /** PostgreSQL server URL; when absent, PGlite is used. Never logged. */
  databaseUrl?: string;
  /** PGlite: data folder root (the database lives in `<dataDir>/<name>`); `memory://` for a throwaway database. */
  dataDir?: string;
  /** Name of this service's database (PGlite sub-folder and lock name). */
  name: string;
  /**
   * PostgreSQL schema holding the service's tables and migration journal (default `public` for
   * tables, `drizzle` for the journal); tests use a unique one per suite.
   */
  pgSchema?: string;
  /** Pool size for PostgreSQL (default 10). */
  poolSize?: number;
  /** PGlite tuning (ignored with a PostgreSQL server); PGlite's defaults when absent. */
  pglite?: PgliteTuning;
  logger?: Logger;
}

/** Memory tuning of the embedded engine. */
export interface PgliteTuning {
  /**
   * PostgreSQL settings given at every start (`-c name=value`), e.g. `{ shared_buffers: "16MB" }`.
   * PGlite allocates (and touches) all of `shared_buffers` in its WebAssembly memory at startup;
   * its default is 160 MB.
   */
  settings?: Record<string, string>;
  /**
   * Creates a new data folder in a short-lived child process, as PostgreSQL's own `initdb` is a
   * separate program. PGlite's in-process initdb runs two more WebAssembly instances and peaks at
   * about 700 MB for a few seconds; memory that this process would otherwise keep as its peak (and
   * partly as resident memory) for its whole life. The folder is built beside the target and
   * renamed into place, so an interrupted creation leaves no half-made database.
   */
  initInChildProcess?: boolean;
}

/** An open database: Drizzle handle, which engine it is, and how to close it. */
export interface OpenDatabase<TSchema extends Record<string, unknown>> {
  db: Database<TSchema>;
  kind: "pglite" | "postgres";
  /** Set when this call created the PGlite data folder in a child process (`initInChildProcess`). */
  creation?: { childPeakRssMB: number; ms: number };
  /** Cheap liveness probe for `/readyz`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens the service database — PGlite in a locked data folder by default, PostgreSQL when
 * `databaseUrl` is set — and applies the pending migrations before returning.
 */
export async function openDatabase<TSchema extends Record<string, unknown>>(
  options: DatabaseOptions<TSchema>,
): Promise<OpenDatabase<TSchema>> {
  if (options.pgSchema !== undefined && !IDENTIFIER.test(options.pgSchema)) {
    throw new DatabaseError(`invalid PostgreSQL schema name ${JSON.stringify(options.pgSchema)}`, undefined, false);
  }
  return options.databaseUrl ? openPostgres(options, options.databaseUrl) : openPglite(options);
}

async function openPglite<TSchema extends Record<string, unknown>>(
  options: DatabaseOptions<TSchema>,
): Promise<OpenDatabase<TSchema>> {
  const inMemory = options.dataDir === undefined || options.dataDir.startsWith("memory://");
  const settings = Object.entries(options.pglite?.settings ?? {});
  for (const [name, value] of settings) {
    if (!/^[a-z_]+$/.test(name) || !/^[\w.]+$/.test(value)) {
      throw new DatabaseError(`invalid PGlite setting ${JSON.stringify(`${name}=${value}`)}`, undefined, false);
    }
  }
  const startParams =
    settings.length === 0
      ? undefined
      : [...PGlite.defaultStartParams, ...settings.flatMap(([name, value]) => ["-c", `${name}=${value}`])];
  let lock: DataFolderLock | undefined;
  let client: PGlite;
  let creation: OpenDatabase<TSchema>["creation"];
  if (inMemory) {
    client = new PGlite({ startParams });
  } else {
    const dataDir = options.dataDir as string;
    lock = lockDataFolder(dataDir, options.name);
    try {
      const folder = path.join(dataDir, options.name);
      if (options.pglite?.initInChildProcess) {
        creation = await initInChildProcess(folder, startParams);
        if (creation) options.logger?.info(creation, "created the embedded database in a child process");
      }
      client = new PGlite(folder, { startParams });
      await client.waitReady;
    } catch (error) {
      lock.release();
      throw new DatabaseError(`cannot open the embedded database in ${dataDir}`, error, false);
    }
  }
  const db = drizzlePglite(client, { schema: options.schema }) as unknown as Database<TSchema>;
  try {
    await migratePglite(db as never, { migrationsFolder: options.migrationsFolder });
  } catch (error) {
    await client.close();
    lock?.release();
    throw new DatabaseError("database migrations failed", error, false);
  }
  return {
    db,
    kind: "pglite",
    ...(creation ? { creation } : {}),
    ping: async () => {
      await client.query("select 1");
    },
    close: async () => {
      await client.close();
      lock?.release();
    },
  };
}

/**
 * Creates the PGlite data folder `folder` (when it holds no database yet) in a child process:
 * built in `<folder>.initialising`, then renamed into place. The caller holds the folder's lock.
 */
async function initInChildProcess(
  folder: string,
  startParams: string[] | undefined,
): Promise<{ childPeakRssMB: number; ms: number } | undefined> {
  if (fs.existsSync(path.join(folder, "PG_VERSION"))) return undefined;
  // An existing folder without a database is PGlite's to fill (it does so in-process).
  if (fs.existsSync(folder) && fs.readdirSync(folder).length > 0) return undefined;
  const started = Date.now();
  const building = `${folder}.initialising`;
  fs.rmSync(building, { recursive: true, force: true });
  const script =
    "const { PGlite } = require(process.argv[1]);" +
    "PGlite.create(process.argv[2], { startParams: JSON.parse(process.argv[3]) ?? undefined })" +
    ".then((db) => db.close())" +
    ".then(() => console.log(JSON.stringify({ maxRssKB: process.resourceUsage().maxRSS })))" +
    ".catch((error) => { console.error(error); process.exit(1); });";
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ["-e", script, require.resolve("@electric-sql/pglite"), building, JSON.stringify(startParams ?? null)],
      { timeout: 120_000 },
      (error, out, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`.trim())) : resolve(out)),
    );
  });
  if (!fs.existsSync(path.join(building, "PG_VERSION"))) throw new Error("the new database folder has no PG_VERSION");
  fs.rmSync(folder, { recursive: true, force: true });
  fs.renameSync(building, folder);
  const { maxRssKB } = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { maxRssKB?: number };
  return { childPeakRssMB: Math.round((maxRssKB ?? 0) / 1024), ms: Date.now() - started };
}

async function openPostgres<TSchema extends Record<string, unknown>>(
  options: DatabaseOptions<TSchema>,
  databaseUrl: string,
): Promise<OpenDatabase<TSchema>> {
  const schema = options.pgSchema;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    // Unqualified table names resolve to the service's schema.
    options: schema ? `-c search_path=${schema}` : undefined,
  });
  // An idle client losing its connection (server restart) must not crash the process; the pool
  // replaces it on the next query.
  pool.on("error", (error) => options.logger?.warn({ err: error }, "idle database connection lost"));
  const db = drizzlePostgres(pool, { schema: options.schema }) as unknown as Database<TSchema>;
  try {
    if (schema) await db.execute(sql.raw(`create schema if not exists "${schema}"`));
    await migratePostgres(db as never, {
      migrationsFolder: options.migrationsFolder,
      migrationsSchema: schema ?? "drizzle",
      migrationsTable: `__migrations_${options.name.replace(/[^a-z0-9_]/gi, "_")}`,
    });
  } catch (error) {
    await pool.end();
    throw new DatabaseError("cannot open or migrate the PostgreSQL database", error, true);
  }
  return {
    db,
    kind: "postgres",
    ping: async () => {
      await pool.query("select 1");
    },
    close: async () => {
      await pool.end();
    },
  };
}
