import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { freePort, listening, startStack, type Stack } from "./helpers/npm-start";

/** The supervisor's pid, as its data-folder lock holds it. */
function supervisorPid(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, "start.lock"), "utf8").trim());
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// `npm start` as a user or a process manager runs it: the signal reaches npm, not the supervisor. Whatever happens to
// npm, nothing of the stack may keep running on its own, holding the ports and the data folder.
describe("npm start, stopped through npm (SIGTERM, kill -9)", function () {
  this.timeout(180_000);
  let dataDir: string;
  let ports: number[];
  let env: NodeJS.ProcessEnv;
  let stack: Stack | undefined;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-signals-"));
    ports = [await freePort(), await freePort(), await freePort(), await freePort()];
    env = {
      DATA_DIR: dataDir,
      API_PORT: String(ports[0]),
      TELEMETRY_PORT: String(ports[1]),
      OPCUA_PORT: String(ports[2]),
      RPC_PORT: String(ports[3]),
    };
  });

  afterEach(async () => {
    if (stack && stack.process.exitCode === null) stack.process.kill("SIGKILL");
    if (fs.existsSync(path.join(dataDir, "start.lock"))) {
      const pid = supervisorPid(dataDir);
      if (alive(pid)) process.kill(pid, "SIGTERM");
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Sends `signal` to npm and waits until the supervisor is gone and no port answers; how long it took. */
  async function stopThroughNpm(signal: NodeJS.Signals): Promise<number> {
    stack = await startStack(env, [], { throughNpm: true });
    const pid = supervisorPid(dataDir);
    expect(alive(pid)).to.equal(true);
    for (const port of ports) expect(await listening(port), `port ${port} before`).to.equal(true);
    const started = Date.now();
    stack.process.kill(signal);
    for (;;) {
      const open = (await Promise.all(ports.map((port) => listening(port)))).some(Boolean);
      if (!alive(pid) && !open) return Date.now() - started;
      if (Date.now() - started > 30_000) {
        throw new Error(`still running 30 s after ${signal}: supervisor ${alive(pid) ? "alive" : "gone"}, ports open`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("should stop everything within 10 s when npm gets SIGTERM", async () => {
    expect(await stopThroughNpm("SIGTERM")).to.be.below(10_000);
    expect(stack!.output.join("")).to.match(/stopped; data kept in/);
  });

  it("should stop everything within 10 s when npm is killed with -9", async () => {
    expect(await stopThroughNpm("SIGKILL")).to.be.below(10_000);
    // npm is gone, so its output ends with it; the data folder is released for the next start.
    expect(fs.existsSync(path.join(dataDir, "start.lock"))).to.equal(false);
  });
});
