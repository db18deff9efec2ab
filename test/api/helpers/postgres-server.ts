import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./chain";

/** A PostgreSQL server of this test alone (its own data folder and port), which the test may stop and start. */
export interface PrivatePostgres {
  url: string;
  stop(): void;
  start(): void;
  destroy(): void;
}

/** The PostgreSQL server binaries installed on this machine (Debian layout or `pg_config`), if any. */
function postgresBinaries(): string | null {
  const debian = "/usr/lib/postgresql";
  if (fs.existsSync(debian)) {
    const versions = fs
      .readdirSync(debian)
      .filter((version) => fs.existsSync(path.join(debian, version, "bin", "pg_ctl")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(debian, versions[0], "bin");
  }
  const config = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  const bin = config.status === 0 ? config.stdout.trim() : "";
  return bin && fs.existsSync(path.join(bin, "pg_ctl")) ? bin : null;
}

/**
 * Starts a throw-away PostgreSQL server on a free loopback port, or answers null when the server binaries
 * are not installed. PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres | null> {
  const bin = postgresBinaries();
  if (!bin) return null;
  const asRoot = process.getuid?.() === 0;
  const runAs = (command: string, args: string[]) =>
    asRoot
      ? execFileSync("runuser", ["-u", "postgres", "--", path.join(bin, command), ...args], { stdio: "pipe" })
      : execFileSync(path.join(bin, command), args, { stdio: "pipe" });
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-pg-"));
  fs.chmodSync(folder, 0o700);
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    fs.chownSync(folder, uid, gid);
  }
  const data = path.join(folder, "data");
  runAs("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  const start = () =>
    runAs("pg_ctl", [
      "-D",
      data,
      "-l",
      path.join(folder, "server.log"),
      "-o",
      `-p ${port} -c listen_addresses=127.0.0.1 -k ${folder} -c fsync=off`,
      "-w",
      "-t",
      "60",
      "start",
    ]);
  const stop = () => runAs("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy() {
      try {
        stop();
      } catch {
        // Already stopped.
      }
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}
