import { defineConfig } from "drizzle-kit";

/** drizzle-kit configuration: `npx drizzle-kit generate --config api/db/drizzle.config.ts` writes a new migration. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./api/db/schema.ts",
  out: "./api/db/migrations",
});
