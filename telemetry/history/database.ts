import path from "node:path";
import type { Logger } from "pino";
import { openDatabase, type OpenDatabase, type PgliteTuning } from "../../sdk/server";
import { historySchema } from "./schema";

/** Folder of the drizzle-kit migrations of the history database. */
export const HISTORY_MIGRATIONS = path.join(__dirname, "migrations");

export type HistoryDatabase = OpenDatabase<typeof historySchema>;

/**
 * Embedded engine tuning (see docs/telemetry/service.md, "Memory"). The history is written
 * append-only in batches and read back by recent ranges; its hot pages (the last leaf per fountain
 * of the fountain/time index, the last pages of the others) are about 4 MB for 500 fountains, and
 * pages read again come from the operating system's file cache. PGlite's default 160 MB of shared buffers is touched at startup and stays resident.
 */
export const HISTORY_PGLITE: PgliteTuning = {
  settings: { shared_buffers: "16MB", temp_buffers: "1MB", maintenance_work_mem: "16MB" },
  initInChildProcess: true,
};

/**
 * Opens (and migrates) the telemetry history database: PGlite in `<dataDir>/telemetry` by
 * default, PostgreSQL when `databaseUrl` is set (optionally in its own `pgSchema`).
 */
export function openHistoryDatabase(options: {
  dataDir?: string;
  databaseUrl?: string;
  pgSchema?: string;
  logger?: Logger;
}): Promise<HistoryDatabase> {
  return openDatabase({
    schema: historySchema,
    migrationsFolder: HISTORY_MIGRATIONS,
    name: "telemetry",
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    pgSchema: options.pgSchema,
    pglite: HISTORY_PGLITE,
    logger: options.logger,
  });
}
