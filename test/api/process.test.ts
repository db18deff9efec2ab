import { mined } from "../../sdk/chain";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { claimDigest, newSalt } from "../../sdk/hashing";
import type { TypedData } from "../../sdk/eip712";
import { deployFederation, freePort, startAnvil, type AnvilNode, type Federation } from "./helpers/chain";
import { signTyped } from "./helpers/signing";
import { dropSchema, eventually } from "./helpers/stack";

const ROOT = path.join(__dirname, "..", "..");

/** The API as a real process (`api/server.ts`), so it can be SIGKILLed. */
interface ApiProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

function spawnApi(env: Record<string, string>): ApiProcess {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", "api/server.ts"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, url: `http://127.0.0.1:${env.API_PORT}`, output: () => output, exited };
}

async function json(url: string, init?: RequestInit & { json?: unknown }) {
  const response = await fetch(url, {
    ...init,
    headers: init?.json !== undefined ? { "content-type": "application/json" } : undefined,
    body: init?.json !== undefined ? JSON.stringify(init.json) : init?.body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe("api as a process: crashes, restarts, signals", function () {
  this.timeout(300_000);
  let node: AnvilNode;
  let federation: Federation;
  let dir: string;
  let env: Record<string, string>;
  const running: ChildProcess[] = [];

  before(async () => {
    node = await startAnvil();
    federation = await deployFederation(node);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-api-process-"));
    fs.writeFileSync(path.join(dir, "deployment.json"), JSON.stringify(federation.fontaine.deployment));
    env = {
      RPC_URL: node.url,
      DEPLOYMENT: path.join(dir, "deployment.json"),
      DATA_DIR: path.join(dir, "data"),
      SIWE_ORIGIN: "http://fontaine.test",
      RELAYER_POLL_MS: "50",
      INDEXER_POLL_MS: "50",
      RELAYER_RESUBMIT_AFTER_MS: "500",
      ...(process.env.DATABASE_URL
        ? { DATABASE_URL: process.env.DATABASE_URL, DATABASE_SCHEMA: `api_process_${process.pid}` }
        : {}),
    };
  });
  after(async () => {
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await node?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    if (env?.DATABASE_SCHEMA && process.env.DATABASE_URL)
      await dropSchema(process.env.DATABASE_URL, env.DATABASE_SCHEMA);
  });

  async function start(extra: Record<string, string> = {}): Promise<ApiProcess> {
    const api = spawnApi({ ...env, API_PORT: String(await freePort()), ...extra });
    running.push(api.child);
    await eventually(async () => (await json(`${api.url}/healthz`)).status === 200, 120_000, `api up: ${api.output()}`);
    return api;
  }

  async function kill(api: ApiProcess) {
    api.child.kill("SIGKILL");
    await api.exited;
  }

  async function signedAttestation(url: string) {
    const prepared = await json(`${url}/v1/attestations/prepare`, {
      method: "POST",
      json: {
        schema: federation.selfSchema,
        subject: federation.supplier.id,
        digest: claimDigest({ crash: Math.random() }, newSalt()),
        signer: federation.supplier.key.address,
      },
    });
    const typed = prepared.body.typedData as TypedData<"Attest">;
    return {
      uid: prepared.body.uid as string,
      body: {
        message: typed.message,
        signer: federation.supplier.key.address,
        signature: await signTyped(federation.supplier.key, typed),
      },
    };
  }

  async function attestedEvents(uid: string): Promise<number> {
    const registry = federation.fontaine.attestationRegistry;
    return (await registry.queryFilter(registry.filters.Attested(uid))).length;
  }

  async function pendingInPool(): Promise<number> {
    const status = await node.rpc<{ pending: string }>("txpool_status");
    return Number(status.pending);
  }

  it("should reconcile after a SIGKILL between broadcast and bookkeeping: mined once, indexed once", async () => {
    let api = await start();
    await node.rpc("evm_setAutomine", [false]);
    try {
      const { uid, body } = await signedAttestation(api.url);
      expect((await json(`${api.url}/v1/attestations`, { method: "POST", json: body })).status).to.equal(202);
      await eventually(async () => (await pendingInPool()) === 1, 30_000, "transaction broadcast");
      await kill(api);
      await node.rpc("evm_mine");
      api = await start();
      const record = await eventually(
        async () => {
          const response = await json(`${api.url}/v1/attestations/${uid}`);
          return response.body.status === "VALID" && (response.body.relay as { status: string }).status === "anchored"
            ? response.body
            : undefined;
        },
        60_000,
        "anchored after restart",
      );
      expect(await attestedEvents(uid)).to.equal(1);
      expect(record.txHash).to.be.a("string");
      await kill(api);
    } finally {
      await node.rpc("evm_setAutomine", [true]);
    }
  });

  it("should re-broadcast a transaction the node dropped while the relayer was dead (kill -9, PGlite reopened)", async () => {
    let api = await start();
    await node.rpc("evm_setAutomine", [false]);
    let uid: string;
    try {
      const signed = await signedAttestation(api.url);
      uid = signed.uid;
      expect((await json(`${api.url}/v1/attestations`, { method: "POST", json: signed.body })).status).to.equal(202);
      await eventually(async () => (await pendingInPool()) === 1, 30_000, "transaction broadcast");
      await kill(api);
      await node.rpc("anvil_dropAllTransactions");
      expect(await pendingInPool()).to.equal(0);
    } finally {
      await node.rpc("evm_setAutomine", [true]);
    }
    api = await start();
    await eventually(
      async () => (await json(`${api.url}/v1/attestations/${uid}`)).body.status === "VALID",
      60_000,
      "anchored",
    );
    expect(await attestedEvents(uid)).to.equal(1);
    await kill(api);
  });

  it("should resume indexing from its committed cursor after a SIGKILL mid-batch: no duplicates, no gaps", async () => {
    // Many blocks with events, indexed one block per transaction so the kill lands mid-way.
    const registry = federation.fontaine.attestationRegistry.connect(federation.governor);
    const api0 = await start();
    const uids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { uid, body } = await signedAttestation(api0.url);
      const m = body.message;
      await mined(
        registry.attestBySig(
          { schema: m.schema, subject: m.subject, digest: m.digest, expiry: m.expiry, ref: m.ref, nonce: m.nonce },
          body.signer,
          m.deadline,
          body.signature,
        ),
      );
      uids.push(uid);
    }
    await kill(api0);
    fs.rmSync(path.join(dir, "data"), { recursive: true, force: true });
    const slowEnv = { INDEXER_MAX_BLOCK_RANGE: "1", INDEXER_POLL_MS: "200" };
    let api = await start(slowEnv);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await kill(api);
    api = await start(slowEnv);
    const all = await eventually(
      async () => {
        const page = await json(`${api.url}/v1/attestations?subject=${federation.supplier.id}&limit=200`);
        const items = page.body.items as Array<{ uid: string }>;
        return uids.every((uid) => items.some((item) => item.uid === uid)) ? items : undefined;
      },
      120_000,
      "every attestation indexed",
    );
    const seen = all.map((item) => item.uid);
    expect(new Set(seen).size).to.equal(seen.length);
    const onChain = await registry.queryFilter(registry.filters.Attested());
    expect(seen.length).to.equal(onChain.length);
    await kill(api);
  });

  it("should refuse a port in use, a locked data folder and bad config with one clear line", async () => {
    const api = await start();
    const port = new URL(api.url).port;
    const busy = spawnApi({ ...env, API_PORT: port, DATA_DIR: path.join(dir, "other") });
    expect(await busy.exited).to.equal(1);
    expect(busy.output().trim()).to.match(/^api: port \d+ is already in use: set API_PORT to a free port$/m);
    if (!process.env.DATABASE_URL) {
      const locked = spawnApi({ ...env, API_PORT: String(await freePort()) });
      expect(await locked.exited).to.equal(1);
      expect(locked.output()).to.match(/data folder .* is already in use by process \d+/);
    }
    const bad = spawnApi({ ...env, API_PORT: "not-a-port" });
    expect(await bad.exited).to.equal(1);
    expect(bad.output().trim()).to.match(/^api: invalid configuration: API_PORT: /);
    expect(bad.output()).not.to.match(/\n\s+at /);

    // SIGTERM: drain and exit 0 within 10 s.
    const started = Date.now();
    api.child.kill("SIGTERM");
    expect(await api.exited).to.equal(0);
    expect(Date.now() - started).to.be.lessThan(10_000);
  });

  it("should refuse to start against another chain with one clear line", async () => {
    const other = await startAnvil({ chainId: 42_424 });
    try {
      const api = spawnApi({ ...env, RPC_URL: other.url, API_PORT: String(await freePort()) });
      expect(await api.exited).to.equal(1);
      expect(api.output().trim()).to.match(
        /^api: chain id mismatch: node is 42424, deployment is 31999; check RPC_URL and DEPLOYMENT$/,
      );
    } finally {
      await other.stop();
    }
  });
});
