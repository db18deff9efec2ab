import path from "node:path";
import type { Logger } from "pino";
import { openDatabase, type Database, type OpenDatabase } from "../../sdk/server";
import { apiSchema, type ApiSchema } from "./schema";

/** The API's Drizzle database. */
export type ApiDatabase = Database<ApiSchema>;

/** Folder of the API's drizzle-kit migrations. */
export const API_MIGRATIONS_FOLDER = path.join(__dirname, "migrations");

/** Opens (and migrates) the API database: PGlite under `dataDir/api`, or PostgreSQL when `databaseUrl` is set. */
export function openApiDatabase(options: {
  databaseUrl?: string;
  dataDir?: string;
  pgSchema?: string;
  logger?: Logger;
}): Promise<OpenDatabase<ApiSchema>> {
  return openDatabase({
    schema: apiSchema,
    migrationsFolder: API_MIGRATIONS_FOLDER,
    databaseUrl: options.databaseUrl,
    dataDir: options.dataDir,
    pgSchema: options.pgSchema,
    name: "api",
    logger: options.logger,
  });
}
