import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { sql } from "drizzle-orm";
import { openDatabase, DataFolderLockedError } from "../../../sdk/server";
import { notes } from "./fixture/schema";

const migrationsFolder = path.join(__dirname, "fixture", "migrations");
const schema = { notes };

describe("sdk/server database", () => {
  describe("PGlite in a data folder", () => {
    let dataDir: string;
    beforeEach(() => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-db-"));
    });
    afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    it("should migrate, keep rows across reopen and release its lock", async () => {
      const first = await openDatabase({ schema, migrationsFolder, dataDir, name: "fixture" });
      await first.db.insert(notes).values({ id: 1, body: "kept" });
      await first.close();
      expect(fs.existsSync(path.join(dataDir, "fixture.lock"))).to.equal(false);

      const second = await openDatabase({ schema, migrationsFolder, dataDir, name: "fixture" });
      const rows = await second.db.select().from(notes);
      expect(rows).to.deep.equal([{ id: 1, body: "kept" }]);
      await second.close();
    });

    it("should refuse a data folder held by another live process", async () => {
      const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
      try {
        fs.writeFileSync(path.join(dataDir, "fixture.lock"), String(holder.pid));
        let caught: unknown;
        try {
          await openDatabase({ schema, migrationsFolder, dataDir, name: "fixture" });
        } catch (error) {
          caught = error;
        }
        expect(caught).to.be.instanceOf(DataFolderLockedError);
        expect((caught as Error).message).to.contain(String(holder.pid));
      } finally {
        holder.kill("SIGKILL");
      }
    });

    it("should create a new folder in a child process and apply the PGlite settings at every start", async () => {
      const pglite = { settings: { shared_buffers: "16MB", work_mem: "2MB" }, initInChildProcess: true };
      // A creation interrupted earlier leaves its half-made folder beside the target.
      fs.mkdirSync(path.join(dataDir, "fixture.initialising"));
      fs.writeFileSync(path.join(dataDir, "fixture.initialising", "PG_VERSION"), "garbage");
      const first = await openDatabase({ schema, migrationsFolder, dataDir, name: "fixture", pglite });
      expect(fs.existsSync(path.join(dataDir, "fixture", "PG_VERSION"))).to.equal(true);
      expect(fs.existsSync(path.join(dataDir, "fixture.initialising"))).to.equal(false);
      // Created by another process, which reports its own peak memory.
      expect(first.creation?.childPeakRssMB).to.be.greaterThan(50);
      const setting = async (db: typeof first.db, name: string) =>
        ((await db.execute(sql.raw(`show ${name}`))) as unknown as { rows: Record<string, string>[] }).rows[0]![name];
      expect(await setting(first.db, "shared_buffers")).to.equal("16MB");
      await first.db.insert(notes).values({ id: 2, body: "created by a child" });
      await first.close();

      const second = await openDatabase({ schema, migrationsFolder, dataDir, name: "fixture", pglite });
      expect(await second.db.select().from(notes)).to.deep.equal([{ id: 2, body: "created by a child" }]);
      expect(await setting(second.db, "work_mem")).to.equal("2MB");
      expect(second.creation).to.equal(undefined);
      await second.close();

      // Without the settings, PGlite's defaults again (nothing is written into the folder).
      const third = await openDatabase({ schema, migrationsFolder, dataDir, name: "fixture" });
      expect(await setting(third.db, "shared_buffers")).to.not.equal("16MB");
      await third.close();
    });

    it("should refuse a PGlite setting that is not a plain name and value", async () => {
      let caught: unknown;
      try {
        await openDatabase({
          schema,
          migrationsFolder,
          dataDir,
          name: "fixture",
          pglite: { settings: { shared_buffers: "16MB -c fsync=on" } },
        });
      } catch (error) {
        caught = error;
      }
      expect((caught as Error).message).to.contain("invalid PGlite setting");
      expect(fs.existsSync(path.join(dataDir, "fixture.lock"))).to.equal(false);
    });

    it("should take over a lock left by a dead process", async () => {
      const dead = spawn(process.execPath, ["-e", ""]);
      await new Promise((resolve) => dead.once("exit", resolve));
      fs.writeFileSync(path.join(dataDir, "fixture.lock"), String(dead.pid));
      const opened = await openDatabase({ schema, migrationsFolder, dataDir, name: "fixture" });
      expect(fs.readFileSync(path.join(dataDir, "fixture.lock"), "utf8")).to.equal(String(process.pid));
      await opened.close();
    });
  });

  (process.env.DATABASE_URL ? describe : describe.skip)("PostgreSQL server (DATABASE_URL)", () => {
    const pgSchema = `sdk_db_test_${process.pid}`;

    it("should migrate into its own schema and answer pings", async () => {
      const opened = await openDatabase({
        schema,
        migrationsFolder,
        databaseUrl: process.env.DATABASE_URL,
        name: "fixture",
        pgSchema,
      });
      try {
        await opened.ping();
        await opened.db.insert(notes).values({ id: 7, body: "on the server" });
        expect(await opened.db.select().from(notes)).to.deep.equal([{ id: 7, body: "on the server" }]);
      } finally {
        await opened.db.execute(sql.raw(`drop schema "${pgSchema}" cascade`)).catch(() => undefined);
        await opened.close();
      }
    });
  });
});
