import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { CloseCode, type SnapshotMessage } from "../../../sdk/telemetry/protocol";
import { connectStream } from "../hub/stream-client";

const ROOT = path.join(__dirname, "..", "..", "..");

/** A config whose OPC UA endpoint is down: the service runs and keeps retrying in the background. */
function writeConfig(dir: string, extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, "telemetry.config.json");
  const config = {
    gateway: {
      reconnect: { initialDelayMs: 200, maxDelayMs: 1_000, requestTimeoutMs: 1_000 },
      pki: { folder: path.join(os.tmpdir(), "fontaine-test-pki-server"), automaticallyAcceptUnknownCertificate: true },
      endpoints: [
        {
          id: "nowhere",
          url: "opc.tcp://127.0.0.1:9",
          fountains: [
            {
              fountainId: "F1",
              organisationId: "org-01",
              name: "F1",
              chocolate: "dark",
              sensors: [{ sensor: "basin", kind: "temperature", position: "basin", nodeId: "ns=1;s=F1.Basin" }],
            },
          ],
        },
      ],
    },
    ...extra,
  };
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

function startServer(env: Record<string, string>): {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ["--import", "tsx", "telemetry/server.ts"], {
    cwd: ROOT,
    // PGlite in a temporary data folder even when the suite runs with DATABASE_URL set.
    env: { ...process.env, LOG_LEVEL: "warn", DATABASE_URL: "", ...env },
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  child.stderr.on("data", (chunk) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Lines the service itself wrote to stderr (node-opcua prints its own notices at import). */
const serviceLines = (stderr: string) => stderr.split("\n").filter((line) => line.startsWith("telemetry:"));

describe("telemetry server process (npm run telemetry)", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-telemetry-server-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("should refuse a port in use with one line naming TELEMETRY_PORT", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const server = startServer({
        TELEMETRY_PORT: String(port),
        TELEMETRY_CONFIG: writeConfig(dir),
        DATA_DIR: path.join(dir, "data"),
      });
      expect(await server.exited).to.equal(1);
      const lines = serviceLines(server.stderr());
      expect(lines).to.have.length(1);
      expect(lines[0]).to.contain(`port ${port} is already in use`).and.to.contain("TELEMETRY_PORT");
    } finally {
      blocker.close();
    }
  });

  it("should refuse an invalid config with one line naming the field", async () => {
    const server = startServer({
      TELEMETRY_PORT: "0",
      TELEMETRY_CONFIG: writeConfig(dir, { access: { tokens: [{ token: "short", organisationId: "org-01" }] } }),
      DATA_DIR: path.join(dir, "data"),
    });
    expect(await server.exited).to.equal(1);
    const lines = serviceLines(server.stderr());
    expect(lines).to.have.length(1);
    expect(lines[0]).to.contain("access.tokens.0.token");
  });

  it("should print the live view URL, close streams with 1001 and exit 0 within 10 s on SIGTERM", async () => {
    const server = startServer({
      TELEMETRY_PORT: "0",
      TELEMETRY_CONFIG: writeConfig(dir),
      DATA_DIR: path.join(dir, "data"),
    });
    try {
      const deadline = Date.now() + 90_000;
      let match: RegExpExecArray | null = null;
      while (!match && Date.now() < deadline) {
        match = /live view at (http:\/\/127\.0\.0\.1:(\d+))\/live\/#token=([A-Za-z0-9_-]+)/.exec(server.stdout());
        if (!match) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(match, `stdout: ${server.stdout()} stderr: ${server.stderr()}`).to.not.equal(null);
      const [, baseUrl, , token] = match!;
      // The generated development token is kept for the next start.
      expect(fs.readFileSync(path.join(dir, "data", "telemetry-dev-token"), "utf8").trim()).to.equal(token);

      const client = await connectStream(baseUrl!, token!);
      const snapshot = (await client.waitFor((m) => m.type === "snapshot", 30_000)) as SnapshotMessage;
      expect(snapshot.fountains.map((f) => f.fountainId)).to.deep.equal(["F1"]);
      expect(snapshot.status.state).to.not.equal("connected");
      const ready = await fetch(`${baseUrl}/readyz`);
      expect(ready.status).to.equal(503);

      const stoppedAt = Date.now();
      server.child.kill("SIGTERM");
      expect((await client.closed).code).to.equal(CloseCode.goingAway);
      expect(await server.exited).to.equal(0);
      expect(Date.now() - stoppedAt).to.be.below(10_000);
      expect(fs.existsSync(path.join(dir, "data", "telemetry.lock"))).to.equal(false);
    } finally {
      server.child.kill("SIGKILL");
    }
  });
});
