/**
 * `npm run bench:api`: the provenance API in embedded mode (anvil on loopback, PGlite in a temporary folder, the API
 * in this process) under autocannon (a separate process): POST /v1/verify by digest, GET /v1/attestations/:uid, and a
 * trivial Express JSON route in this same process as the baseline; then relay throughput of 5,000 distinct
 * supplier-signed attestations (signed before timing) submitted by a client in its own process
 * (api-relay-client.ts, 64 requests in flight) until every one is anchored and indexed, with a reconciliation.
 * Writes bench/results/api.json, with the machine's load average sampled during each phase (the machine may be
 * shared: compare runs only with their load).
 *
 * BENCH_DURATION_S (20), BENCH_RELAY_COUNT (5000), BENCH_OUTPUT (another results file, e.g. to compare two trees);
 * BENCH_PROFILE_DIR=<folder> also writes a CPU profile of the API process per phase (<phase>.cpuprofile, for Chrome
 * DevTools or any .cpuprofile reader).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import path from "node:path";
import { promisify } from "node:util";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { count, countDistinct, eq, inArray } from "drizzle-orm";
import { loadConfig } from "../../api/config";
import { attestations, relayJobs } from "../../api/db/schema";
import { startApiService } from "../../api/service";
import { attestationRegistryDomain, buildAttestTypedData, EIP712_TYPES, type TypedData } from "../../sdk/eip712";
import { claimDigest, newLotId, newSalt } from "../../sdk/hashing";
import { silentLogger } from "../../sdk/server";
import { deployFederation, startAnvil } from "../../test/api/helpers/chain";

const run = promisify(execFile);
const ROOT = path.join(__dirname, "..", "..");
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);
const CONNECTIONS = 50;
const RELAY_COUNT = Number(process.env.BENCH_RELAY_COUNT ?? 5000);
const RELAY_CONCURRENCY = 64;
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
const OUTPUT = path.resolve(process.env.BENCH_OUTPUT ?? path.join(ROOT, "bench", "results", "api.json"));

/**
 * Per phase: the 1-minute load average at its start and end and its highest value sampled every second, and the
 * CPU time used by the API process (API, PGlite, baseline route) and by anvil (less sensitive to a busy machine
 * than rates: compare those per request or attestation).
 */
interface PhaseSample {
  load: { start: number; max: number; end: number };
  cpuSeconds: { api: number; anvil: number | null };
  /**
   * How late the API process' event loop ran its timers (p99 and worst, in ms): work blocking the loop (a long
   * query, a major GC) shows here; a latency tail without it comes from the process waiting for a CPU.
   */
  eventLoopDelayMs: { p99: number; max: number };
}

const load1 = () => Number(os.loadavg()[0]!.toFixed(2));

/** CPU seconds used so far by process `pid` (Linux /proc), or null elsewhere. */
function processCpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/** Runs one phase of the bench, sampling load and CPU and, with BENCH_PROFILE_DIR, profiling this process. */
async function phase<T>(
  name: string,
  samples: Record<string, PhaseSample>,
  context: { session: Session | undefined; anvilPid: number | undefined },
  run: () => Promise<T>,
): Promise<T> {
  const load = { start: load1(), max: load1(), end: 0 };
  const timer = setInterval(() => (load.max = Math.max(load.max, load1())), 1000);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpuBefore = process.cpuUsage();
  const anvilBefore = processCpuSeconds(context.anvilPid);
  if (context.session) await context.session.post("Profiler.start");
  try {
    return await run();
  } finally {
    if (context.session) {
      const { profile } = await context.session.post("Profiler.stop");
      fs.writeFileSync(path.join(PROFILE_DIR!, `${name}.cpuprofile`), JSON.stringify(profile));
    }
    clearInterval(timer);
    loopDelay.disable();
    const cpu = process.cpuUsage(cpuBefore);
    const anvilAfter = processCpuSeconds(context.anvilPid);
    load.end = load1();
    load.max = Math.max(load.max, load.end);
    samples[name] = {
      load,
      cpuSeconds: {
        api: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
        anvil: anvilBefore === null || anvilAfter === null ? null : Number((anvilAfter - anvilBefore).toFixed(2)),
      },
      eventLoopDelayMs: {
        p99: Number((loopDelay.percentile(99) / 1e6).toFixed(1)),
        max: Number((loopDelay.max / 1e6).toFixed(1)),
      },
    };
  }
}

interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  requests: number;
}

async function autocannon(url: string, options: { method?: string; body?: string }): Promise<LoadResult> {
  const args = ["-c", String(CONNECTIONS), "-d", String(DURATION_S), "-j"];
  if (options.method) args.push("-m", options.method);
  if (options.body) args.push("-H", "content-type=application/json", "-b", options.body);
  const { stdout } = await run(path.join(ROOT, "node_modules", ".bin", "autocannon"), [...args, url], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const result = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  };
  return {
    rps: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server));
  });
}

async function main(): Promise<void> {
  const loadAtStart = load1();
  const samples: Record<string, PhaseSample> = {};
  let session: Session | undefined;
  if (PROFILE_DIR) {
    fs.mkdirSync(PROFILE_DIR, { recursive: true });
    session = new Session();
    session.connect();
    await session.post("Profiler.enable");
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-bench-api-"));
  const node = await startAnvil({ chainId: 31_998 });
  try {
    const federation = await deployFederation(node);
    const context = { session, anvilPid: node.process.pid };
    const config = loadConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      RPC_URL: node.url,
      DATA_DIR: dataDir,
      RATE_LIMIT_READ: "1000000000",
      RATE_LIMIT_WRITE: "1000000000",
      RELAYER_POLL_MS: "50",
      INDEXER_POLL_MS: "100",
      BATCH_MAX_SIZE: "512",
      BATCH_MAX_WAIT_MS: "250",
    });
    const service = await startApiService({
      config,
      logger: silentLogger(),
      deployment: federation.fontaine.deployment,
    });
    const apiServer = await listen(service.app);
    const baselineApp = express();
    baselineApp.get("/baseline", (_req, res) => {
      res.json({ status: "ok" });
    });
    const baselineServer = await listen(baselineApp);
    const apiUrl = `http://127.0.0.1:${(apiServer.address() as AddressInfo).port}`;
    const baselineUrl = `http://127.0.0.1:${(baselineServer.address() as AddressInfo).port}`;
    const domain = attestationRegistryDomain(
      node.chainId,
      federation.fontaine.deployment.contracts.AttestationRegistry.address,
    );
    const signer = federation.supplier.key;
    const sign = (typed: TypedData<"Attest">) =>
      signer.signTypedData(typed.domain, { Attest: [...EIP712_TYPES.Attest] }, typed.message as never);
    // Relayed attestations share one fresh subject (an opaque lot id), so progress is one indexed count.
    const relaySubject = newLotId().toLowerCase();
    const newAttestation = (i: number, subject = relaySubject) =>
      buildAttestTypedData(domain, {
        schema: federation.selfSchema,
        subject,
        digest: claimDigest({ bench: i }, newSalt()),
        expiry: 0,
        nonce: BigInt(i + 1) * 1_000_003n + BigInt(Date.now()),
        deadline: Math.floor(Date.now() / 1000) + 3600,
      });
    const submit = async (typed: TypedData<"Attest">, signature: string) => {
      const response = await fetch(`${apiUrl}/v1/attestations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: typed.message, signer: signer.address, signature }),
      });
      if (response.status !== 202) throw new Error(`submit answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { uid: string }).uid;
    };

    // A known attestation to read and verify during the load runs.
    const sample = newAttestation(-1, federation.supplier.id);
    const sampleUid = await submit(sample, await sign(sample));
    for (;;) {
      const [row] = await service.database.db.select().from(attestations).where(eq(attestations.uid, sampleUid));
      if (row) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    console.log(`load: ${CONNECTIONS} connections, ${DURATION_S} s each (load average ${load1()})`);
    const baseline = await phase("baseline", samples, context, () => autocannon(`${baselineUrl}/baseline`, {}));
    console.log("baseline", baseline);
    const verify = await phase("verify", samples, context, () =>
      autocannon(`${apiUrl}/v1/verify`, { method: "POST", body: JSON.stringify({ digest: sample.message.digest }) }),
    );
    console.log("verify", verify);
    const getAttestation = await phase("getAttestation", samples, context, () =>
      autocannon(`${apiUrl}/v1/attestations/${sampleUid}`, {}),
    );
    console.log("getAttestation", getAttestation);

    console.log(`relay: signing ${RELAY_COUNT} attestations before timing`);
    const bodies: unknown[] = [];
    for (let i = 0; i < RELAY_COUNT; i++) {
      const typed = newAttestation(i);
      bodies.push({ message: typed.message, signer: signer.address, signature: await sign(typed) });
    }
    const payloadFile = path.join(dataDir, "relay-payloads.json");
    fs.writeFileSync(payloadFile, JSON.stringify(bodies));
    const relayed = await phase("relay", samples, context, async () => {
      const resultFile = path.join(dataDir, "relay-client.json");
      const client = run(
        process.execPath,
        [
          "--import",
          "tsx",
          path.join(__dirname, "api-relay-client.ts"),
          apiUrl,
          payloadFile,
          String(RELAY_CONCURRENCY),
          resultFile,
        ],
        { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      ).then(
        () =>
          JSON.parse(fs.readFileSync(resultFile, "utf8")) as {
            uids: string[];
            startedAt: number;
            seconds: number;
            p50Ms: number;
            p99Ms: number;
          },
      );
      // Nothing can be fully indexed before every submission was answered: count only from then on (the count
      // runs in the API's database, in this process, and would otherwise compete with the submissions).
      const submitted = await client;
      let indexed = 0;
      let indexedAt = 0;
      const deadline = Date.now() + 10 * 60_000;
      while (Date.now() < deadline) {
        const [row] = await service.database.db
          .select({ n: count() })
          .from(attestations)
          .where(eq(attestations.subject, relaySubject));
        indexed = row?.n ?? 0;
        if (indexed >= submitted.uids.length) {
          indexedAt = Date.now();
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return { ...submitted, indexed, indexedAt: indexedAt || Date.now() };
    });
    const uids = relayed.uids;
    const acknowledged = uids.length;
    const indexed = relayed.indexed;
    const seconds = (relayed.indexedAt - relayed.startedAt) / 1000;

    // Reconciliation against the chain: single attestations by their events, batch leaves by their anchored roots.
    const registry = federation.fontaine.attestationRegistry;
    const singles = await registry.queryFilter(
      registry.filters.Attested(),
      federation.fontaine.deployment.deploymentBlock,
    );
    const uidSet = new Set(uids);
    const singleOnChain = singles.filter((event) => uidSet.has(event.args.uid.toLowerCase())).length;
    const batchRows = await service.database.db
      .select({ root: attestations.batchRoot, n: count() })
      .from(attestations)
      .where(inArray(attestations.uid, uids))
      .groupBy(attestations.batchRoot);
    let leavesOnChain = 0;
    for (const row of batchRows) {
      if (!row.root) continue;
      const batch = await registry.batch(row.root);
      if (batch.anchorer !== "0x0000000000000000000000000000000000000000") leavesOnChain += Number(batch.count);
    }
    const [distinct] = await service.database.db
      .select({ n: countDistinct(relayJobs.uid), total: count() })
      .from(relayJobs)
      .where(inArray(relayJobs.uid, uids));
    const relay = {
      count: RELAY_COUNT,
      seconds: Number(seconds.toFixed(2)),
      perSecond: Math.round(indexed / seconds),
      acknowledged,
      onChain: singleOnChain + leavesOnChain,
      indexed,
      // Same uid queued twice, or more on chain than indexed (a second on-chain record): both count.
      duplicates: (distinct?.total ?? 0) - (distinct?.n ?? 0) + Math.max(0, singleOnChain + leavesOnChain - indexed),
      acknowledgedSeconds: Number(relayed.seconds.toFixed(2)),
      submitLatency: { p50Ms: relayed.p50Ms, p99Ms: relayed.p99Ms },
      singles: singleOnChain,
      batchedLeaves: leavesOnChain,
    };
    console.log("relay", relay);

    const ratio = (value: LoadResult) => Number((value.rps / baseline.rps).toFixed(3));
    // API-process CPU per request or attestation: what the code costs, whatever else the machine was doing.
    const cpuMs = (name: string, count: number) => Number(((samples[name]!.cpuSeconds.api * 1000) / count).toFixed(3));
    const load = ({ requests, ...rest }: LoadResult, name: string) => ({
      ...rest,
      cpuMsPerRequest: cpuMs(name, requests),
    });
    const results = {
      verify: { ...load(verify, "verify"), ratioToBaseline: ratio(verify) },
      getAttestation: { ...load(getAttestation, "getAttestation"), ratioToBaseline: ratio(getAttestation) },
      baseline: {
        rps: baseline.rps,
        p50Ms: baseline.p50Ms,
        p99Ms: baseline.p99Ms,
        cpuMsPerRequest: cpuMs("baseline", baseline.requests),
      },
      relay: { ...relay, cpuMsPerAttestation: cpuMs("relay", relay.count) },
      environment: {
        cpus: os.cpus().length,
        node: process.version,
        connections: CONNECTIONS,
        durationSeconds: DURATION_S,
        database: "pglite",
        chain: "anvil (automine)",
        relayClient: `separate process, ${RELAY_CONCURRENCY} requests in flight`,
        batch: { maxSize: config.relayer.batch.maxSize, maxWaitMs: config.relayer.batch.maxWaitMs },
        // 1-minute load average of the machine (2 cores shared with other work) at start, then per phase with
        // the CPU seconds the API process and anvil used.
        loadAverageAtStart: loadAtStart,
        phases: samples,
        measuredAt: new Date().toISOString(),
      },
    };
    fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
    fs.writeFileSync(OUTPUT, JSON.stringify(results, null, 2) + "\n");
    console.log(`wrote ${path.relative(process.cwd(), OUTPUT)}`);
    await new Promise<void>((resolve) => apiServer.close(() => resolve()));
    await new Promise<void>((resolve) => baselineServer.close(() => resolve()));
    await service.stop();
  } finally {
    await node.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
