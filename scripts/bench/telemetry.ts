/**
 * `npm run bench:telemetry`: the telemetry service under the load of issue 5, on loopback.
 *
 * Three processes: the OPC UA simulator (50 organisations × 10 fountains × 2 temperature
 * sensors at 1 Hz = 1,000 readings/s), the telemetry service (gateway with a 100 ms publishing
 * interval, alert engine, PGlite history, hub publishing every 100 ms) and this one, which opens
 * 10 WebSocket clients per organisation plus one federation-wide client, plus one deliberately
 * slow federation-wide client (it reads nothing for 45 s, then catches up), for 60 s (BENCH_SECONDS). Some
 * fountains of org-01 are put into faults so alerts are raised and cleared while it is slow.
 *
 * Writes bench/results/telemetry.json:
 * { readingsInPerSec, messagesOutPerSec, latencyMs: {p50, p99}, lost, cpuPercent, peakRssMB,
 *   slowClient: {maxQueued, alertsRaised, alertsDelivered}, conditions: {...} }
 * `conditions` says what the numbers were measured under (database, machine load, and the peak of
 * the child process that created a new PGlite data folder); `otherRuns` keeps the latest run on
 * each other history database (PGlite / PostgreSQL), so both stay visible.
 * Diagnostics: BENCH_GC=1 forces a collection before each 10 s memory line (retained heap rather
 * than garbage not yet collected; its pauses make that run's latencies unrepresentative),
 * BENCH_HEAPSNAPSHOT=<dir> writes heap snapshots of the service at 10 s and at the end.
 * DATABASE_URL set: the history goes to that PostgreSQL server (a federation deployment);
 * otherwise to PGlite in a temporary data folder, as `npm run telemetry` does by default.
 */
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import WebSocket from "ws";
import { silentLogger, createLogger } from "../../sdk/server";
import { parseServerMessage, streamProtocols, streamUrl } from "../../sdk/telemetry/protocol";
import { parseTelemetryFile } from "../../telemetry/config";
import type { FountainMapping } from "../../telemetry/gateway/config";
import { openHistoryDatabase } from "../../telemetry/history/database";
import type { ClientStats } from "../../telemetry/hub/hub";
import { simulatorFountainMappings } from "../../telemetry/simulator/node-ids";
import type { FaultName } from "../../telemetry/simulator/server";

const ORGANISATIONS = 50;
const FOUNTAINS_PER_ORGANISATION = 10;
const CLIENTS_PER_ORGANISATION = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const FAULT_ORGANISATION = "org-01";

const tokenOf = (organisationId: string) => `bench-${organisationId}-token-0000000000`;
const FEDERATION_TOKEN = "bench-federation-token-0000000000";

type ParentMessage =
  | { type: "configure"; fountains: FountainMapping[]; endpointUrl: string; dataDir: string }
  | { type: "fault"; fountainId: string; fault: FaultName }
  | { type: "stats"; gc?: boolean }
  | { type: "stop" };

type ServiceStats = {
  cpuMicros: number;
  maxRssKB: number;
  readings: number;
  alertTransitions: number;
  messagesSent: number;
  clients: ClientStats[];
  sourceState: string;
  /** Event-loop delay p99 (ms) and memory breakdown, for the console diagnostics. */
  loopDelayP99Ms: number;
  memory: NodeJS.MemoryUsage;
  /** PGlite's WebAssembly memory (it never shrinks); 0 with PostgreSQL. */
  wasmMemory: number;
  historyPending: number;
};

/** Runs in the simulator child process. */
async function simulatorRole(pkiFolder: string): Promise<void> {
  const { startSimulator } = await import("../../telemetry/simulator/server");
  const simulator = await startSimulator({
    port: 0,
    fountains: ORGANISATIONS * FOUNTAINS_PER_ORGANISATION,
    organisations: ORGANISATIONS,
    updateIntervalMs: 1_000,
    // Faults develop in seconds rather than minutes; normal fountains stay in their band.
    timeScale: 20,
    seed: 42,
    pkiFolder,
  });
  process.on("message", (message: ParentMessage) => {
    if (message.type === "fault") simulator.setFault(message.fountainId, message.fault);
    if (message.type === "stop") void simulator.stop().then(() => process.exit(0));
  });
  process.send?.({ type: "ready", endpointUrl: simulator.endpointUrl, fountains: simulator.fountains() });
}

/** Runs in the telemetry service child process: exactly what `npm run telemetry` wires. */
async function serviceRole(): Promise<void> {
  const { createTelemetryService } = await import("../../telemetry/service");
  const message = await new Promise<Extract<ParentMessage, { type: "configure" }>>((resolve) =>
    process.once("message", resolve as never),
  );
  const organisations = [...new Set(message.fountains.map((f) => f.organisationId))];
  const config = parseTelemetryFile({
    gateway: {
      subscription: { publishingIntervalMs: 100, samplingIntervalMs: 0, queueSize: 10, deadband: 0 },
      pki: { folder: path.join(message.dataDir, "gateway-pki"), automaticallyAcceptUnknownCertificate: true },
      endpoints: [{ id: "simulator", url: message.endpointUrl, fountains: message.fountains }],
    },
    alerts: { onDelayMs: 2_000, offDelayMs: 2_000, badQualityDelayMs: 2_000 },
    access: {
      tokens: [
        ...organisations.map((organisationId) => ({ token: tokenOf(organisationId), organisationId })),
        { token: FEDERATION_TOKEN, federation: true },
      ],
    },
    // The slow client below stops reading for 45 s: the ping interval must be longer than that, or the hub would
    // (rightly) close it as dead instead of showing how it conflates for a live but slow reader.
    stream: { publishIntervalMs: 100, heartbeatIntervalMs: 60_000 },
  });
  const logger = process.env.BENCH_LOG ? createLogger("bench-telemetry") : silentLogger();
  // PostgreSQL when DATABASE_URL is set (a federation deployment), else PGlite in a data folder
  // (BENCH_PGLITE=memory for an in-memory one).
  const databaseUrl = process.env.DATABASE_URL;
  const database = await openHistoryDatabase(
    databaseUrl
      ? { databaseUrl, pgSchema: `bench_telemetry_${process.pid}` }
      : { dataDir: process.env.BENCH_PGLITE === "memory" ? "memory://" : path.join(message.dataDir, "data") },
  );
  const service = await createTelemetryService({ config, logger, database });
  const server = http.createServer(service.app);
  server.on("upgrade", (request, socket, head) => service.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  await service.start();
  // Diagnostics only: PGlite does not publish the size of its WebAssembly memory.
  const client = (database.db as unknown as { $client?: { mod?: { HEAPU8?: Uint8Array } } }).$client;
  const pgliteMemory = () => (database.kind === "pglite" ? (client?.mod?.HEAPU8?.length ?? 0) : 0);
  let readings = 0;
  let alertTransitions = 0;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  service.gateway.on("reading", () => (readings += 1));
  service.engine.on("transition", () => (alertTransitions += 1));
  process.on("message", (next: ParentMessage) => {
    if (next.type === "stats") {
      // BENCH_GC=1: collect first, so `heapUsed` is what is retained rather than garbage not yet collected.
      const gc = (globalThis as { gc?: () => void }).gc;
      if (next.gc && gc) gc();
      const cpu = process.cpuUsage();
      const stats: ServiceStats = {
        cpuMicros: cpu.user + cpu.system,
        maxRssKB: process.resourceUsage().maxRSS,
        readings,
        alertTransitions,
        messagesSent: service.hub.stats().messagesSent,
        clients: service.hub.clientStats(),
        sourceState: service.gateway.status().state,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        memory: process.memoryUsage(),
        wasmMemory: pgliteMemory(),
        historyPending: service.history.stats().pending,
      };
      process.send?.({ type: "stats", stats });
    }
    if (next.type === "stop") {
      server.close();
      void service
        .stop()
        .then(async () => {
          if (databaseUrl)
            await database.db.execute(sql.raw(`drop schema if exists "bench_telemetry_${process.pid}" cascade`));
        })
        .then(() => database.close())
        .then(() => process.exit(0));
    }
  });
  process.send?.({ type: "ready", port: (server.address() as AddressInfo).port, creation: database.creation ?? null });
}

function startChild(role: string, args: string[] = []): ChildProcess {
  return fork(__filename, [`--role=${role}`, ...args], {
    execArgv: [
      "--import",
      "tsx",
      ...(process.env.BENCH_GC && role === "service" ? ["--expose-gc"] : []),
      ...(process.env.BENCH_HEAPSNAPSHOT && role === "service"
        ? ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${process.env.BENCH_HEAPSNAPSHOT}`]
        : []),
      ...(process.env.BENCH_PROFILE && role === "service"
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
        : []),
    ],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
}

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) => reject(new Error(`child exited with ${code} before ${type}`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

async function serviceStats(service: ChildProcess, gc = false): Promise<ServiceStats> {
  const reply = nextMessage<{ stats: ServiceStats }>(service, "stats");
  service.send({ type: "stats", gc } satisfies ParentMessage);
  return (await reply).stats;
}

interface BenchClient {
  organisationId: string | null;
  socket: WebSocket;
  slow: boolean;
  snapshotSeq: number;
  readingSeqs: number[];
  alertSeqs: number[];
  latencies: number[];
  /** Fountain of every reading received (kept for the federation client only). */
  fountainOfSeq: Map<number, string>;
}

const READING_FIELDS = /^\{"type":"reading","seq":(\d+),"fountainId":"((?:[^"\\]|\\.)*)".*?"sourceTimestamp":"([^"]+)"/;

function openClient(baseUrl: string, organisationId: string | null, slow: boolean): Promise<BenchClient> {
  const token = organisationId ? tokenOf(organisationId) : FEDERATION_TOKEN;
  const socket = new WebSocket(streamUrl(baseUrl), streamProtocols(token), { perMessageDeflate: false });
  const client: BenchClient = {
    organisationId,
    socket,
    slow,
    snapshotSeq: -1,
    readingSeqs: [],
    alertSeqs: [],
    latencies: [],
    fountainOfSeq: new Map(),
  };
  return new Promise((resolve, reject) => {
    socket.on("message", (data) => {
      const now = Date.now();
      const text = data.toString();
      // Readings are most of the traffic: read the three fields needed without a full parse, so
      // this process (500 clients) does not starve the service it measures.
      if (text.startsWith('{"type":"reading"')) {
        const match = READING_FIELDS.exec(text);
        if (match) {
          const seq = Number(match[1]);
          client.readingSeqs.push(seq);
          client.latencies.push(now - Date.parse(match[3]!));
          if (organisationId === null) client.fountainOfSeq.set(seq, JSON.parse(`"${match[2]}"`) as string);
          return;
        }
      }
      const message = parseServerMessage(text);
      if (!message) return;
      if (message.type === "snapshot") {
        client.snapshotSeq = message.seq;
        resolve(client);
      } else if (message.type === "reading") {
        client.readingSeqs.push(message.seq);
        if (organisationId === null) client.fountainOfSeq.set(message.seq, message.fountainId);
        client.latencies.push(now - Date.parse(message.sourceTimestamp));
      } else if (message.type === "alert") {
        client.alertSeqs.push(message.seq);
      }
    });
    socket.once("error", reject);
  });
}

function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-bench-telemetry-"));
  const simulator = startChild("simulator", [`--pki=${path.join(workDir, "simulator-pki")}`]);
  const service = startChild("service");
  const children = [simulator, service];
  const cleanup = () => children.forEach((child) => child.kill("SIGKILL"));
  process.once("SIGINT", () => {
    cleanup();
    process.exit(130);
  });
  try {
    console.log("starting the simulator (500 fountains)…");
    const sim = await nextMessage<{
      endpointUrl: string;
      fountains: { fountainId: string; organisationId: string; name: string; chocolate: "dark" | "milk" | "white" }[];
    }>(simulator, "ready");
    const fountains = simulatorFountainMappings(sim.fountains, ["basinTemperature", "towerTemperature"]);
    service.send({
      type: "configure",
      fountains,
      endpointUrl: sim.endpointUrl,
      dataDir: workDir,
    } satisfies ParentMessage);
    console.log("starting the telemetry service…");
    const { port, creation } = await nextMessage<{
      port: number;
      creation: { childPeakRssMB: number; ms: number } | null;
    }>(service, "ready");
    const baseUrl = `http://127.0.0.1:${port}`;
    const started = await serviceStats(service, Boolean(process.env.BENCH_GC));
    console.log(
      `service ready: rss ${Math.round(started.memory.rss / 1048576)} MB, peak so far ` +
        `${Math.round(started.maxRssKB / 1024)} MB, PGlite wasm ${Math.round(started.wasmMemory / 1048576)} MB`,
    );

    const organisations = [...new Set(sim.fountains.map((f) => f.organisationId))].sort();
    const benchLoop = monitorEventLoopDelay({ resolution: 10 });
    benchLoop.enable();
    const clients: BenchClient[] = [];
    for (const organisationId of organisations) {
      for (let i = 0; i < CLIENTS_PER_ORGANISATION; i++) {
        clients.push(await openClient(baseUrl, organisationId, false));
      }
    }
    clients.push(await openClient(baseUrl, null, false));
    // The deliberately slow client is federation-wide: 1,000 readings/s fill its socket quickly.
    clients.push(await openClient(baseUrl, null, true));
    console.log(`${clients.length} clients connected; waiting for data…`);
    const deadline = Date.now() + 60_000;
    while ((await serviceStats(service)).readings < 2_000 && Date.now() < deadline) await sleep(500);

    // Measurement window.
    const before = await serviceStats(service);
    const startedAt = Date.now();
    const startSeqs = new Map(clients.map((c) => [c, c.readingSeqs.length] as const));
    const slowClient = clients.find((c) => c.slow)!;
    const slowSocket = (slowClient.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    // Slow, not dead: it reads nothing for the first 45 s (all the faults below happen meanwhile), then catches
    // up. 45 s of 1,000 readings/s is more than the loopback socket buffers hold (a 13 s pause was not), so the
    // hub has to queue and conflate for it; its ping interval (60 s, above) keeps it from being taken for dead.
    const SLOW_PAUSE_SECONDS = Math.min(45, Math.floor(SECONDS * 0.75));
    slowSocket.pause();
    const slowFountains = sim.fountains.filter((f) => f.organisationId === FAULT_ORGANISATION).map((f) => f.fountainId);
    const faults: [number, string, FaultName][] = [
      [0.1, slowFountains[0]!, "overheating"],
      [0.1, slowFountains[1]!, "badStatus"],
      [0.2, slowFountains[2]!, "heaterFailure"],
      [0.45, slowFountains[0]!, "none"],
      [0.45, slowFountains[1]!, "none"],
      [0.5, slowFountains[3]!, "uncertainStatus"],
      [0.6, slowFountains[2]!, "none"],
      [0.7, slowFountains[3]!, "none"],
    ];
    let maxQueued = 0;
    for (let second = 0; second < SECONDS; second++) {
      if (second === SLOW_PAUSE_SECONDS) slowSocket.resume();
      for (const [at, fountainId, fault] of faults) {
        if (Math.floor(at * SECONDS) === second)
          simulator.send({ type: "fault", fountainId, fault } satisfies ParentMessage);
      }
      await sleep(1_000);
      const diagnostics = second % 10 === 9;
      const stats = await serviceStats(service, diagnostics && Boolean(process.env.BENCH_GC));
      for (const c of stats.clients) maxQueued = Math.max(maxQueued, c.maxQueued);
      if (process.env.BENCH_HEAPSNAPSHOT && (second === 9 || second === SECONDS - 1)) service.kill("SIGUSR2");
      if (diagnostics) {
        const rate = (stats.readings - before.readings) / ((Date.now() - startedAt) / 1000);
        const mb = (n: number) => Math.round(n / 1048576);
        console.log(
          `${second + 1}s: ${rate.toFixed(0)} readings/s in, source ${stats.sourceState}, service loop delay p99 ` +
            `${stats.loopDelayP99Ms.toFixed(0)} ms, rss ${mb(stats.memory.rss)} MB (heap ${mb(stats.memory.heapUsed)}, ` +
            `external ${mb(stats.memory.external)}, arrayBuffers ${mb(stats.memory.arrayBuffers)}, PGlite wasm ` +
            `${mb(stats.wasmMemory)}; peak ${mb(stats.maxRssKB * 1024)}), history pending ` +
            `${stats.historyPending}, bench loop delay p99 ${(benchLoop.percentile(99) / 1e6).toFixed(0)} ms`,
        );
      }
    }
    const after = await serviceStats(service);
    const endCounts = new Map(clients.map((c) => [c, c.readingSeqs.length] as const));
    const elapsedS = (Date.now() - startedAt) / 1000;

    // Let the healthy clients receive the last batch, then let the slow client drain.
    await sleep(1_000);
    slowSocket.resume();
    const healthyFederation = clients.find((c) => c.organisationId === null && !c.slow)!;
    // Wait until the slow client has caught up: every alert transition the healthy federation
    // client saw, and a reading at least as recent as its latest (bounded, so a lost alert shows).
    const target = Math.max(0, ...healthyFederation.readingSeqs.slice(-10));
    const wanted = new Set(healthyFederation.alertSeqs);
    const drainDeadline = Date.now() + 120_000;
    const caughtUp = () =>
      Math.max(0, ...slowClient.readingSeqs.slice(-10)) >= target &&
      [...wanted].every((seq) => slowClient.alertSeqs.includes(seq));
    while (Date.now() < drainDeadline && !caughtUp()) await sleep(200);
    await sleep(1_000);
    const final = await serviceStats(service);
    for (const c of final.clients) maxQueued = Math.max(maxQueued, c.maxQueued);

    // Lost readings: the federation client's readings within the window are the reference; every
    // healthy member client must have each one of its organisation's, and the federation client
    // must have every reading any member client received.
    const federation = clients.find((c) => c.organisationId === null && !c.slow)!;
    const organisationOf = new Map(sim.fountains.map((f) => [f.fountainId, f.organisationId] as const));
    const healthyClients = clients.filter((c) => !c.slow);
    const windowStart = federation.readingSeqs[startSeqs.get(federation)!] ?? Number.MAX_SAFE_INTEGER;
    const windowEnd = Math.min(...healthyClients.map((c) => c.readingSeqs[endCounts.get(c)! - 1] ?? 0));
    const inWindow = (seq: number) => seq >= windowStart && seq <= windowEnd;
    let lost = 0;
    for (const c of healthyClients) {
      if (c === federation) continue;
      const got = new Set(c.readingSeqs);
      for (const [seq, fountainId] of federation.fountainOfSeq) {
        if (inWindow(seq) && organisationOf.get(fountainId) === c.organisationId && !got.has(seq)) lost += 1;
      }
    }
    const memberSeqs = new Set<number>();
    for (const c of healthyClients)
      if (c !== federation) for (const seq of c.readingSeqs) if (inWindow(seq)) memberSeqs.add(seq);
    for (const seq of memberSeqs) if (!federation.fountainOfSeq.has(seq)) lost += 1;
    if (windowStart === Number.MAX_SAFE_INTEGER) lost = Number.NaN;

    // Latencies of the window only (not of the drain that follows); loops, not spreads: millions of samples.
    const samples: number[] = [];
    for (const c of clients) {
      if (c.slow) continue;
      const end = endCounts.get(c)!;
      for (let i = startSeqs.get(c)!; i < end; i++) samples.push(c.latencies[i]!);
    }
    const latencies = Float64Array.from(samples).sort();

    const healthyPeer = healthyFederation;
    const raised = new Set(healthyPeer.alertSeqs);
    const delivered = slowClient.alertSeqs.filter((s) => raised.has(s)).length;
    const result = {
      readingsInPerSec: Math.round(((after.readings - before.readings) / elapsedS) * 10) / 10,
      messagesOutPerSec: Math.round((after.messagesSent - before.messagesSent) / elapsedS),
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
      lost,
      cpuPercent: Math.round(((after.cpuMicros - before.cpuMicros) / 1e6 / elapsedS) * 1000) / 10,
      peakRssMB: Math.round((final.maxRssKB / 1024) * 10) / 10,
      slowClient: { maxQueued, alertsRaised: raised.size, alertsDelivered: delivered },
      conditions: {
        database: process.env.DATABASE_URL
          ? "postgresql"
          : process.env.BENCH_PGLITE === "memory"
            ? "pglite-memory"
            : "pglite",
        windowSeconds: Math.round(elapsedS * 10) / 10,
        clients: clients.length,
        loadAverage1m: Math.round(os.loadavg()[0]! * 10) / 10,
        cpus: os.cpus().length,
        // A new PGlite data folder is created by a short-lived child process (PGlite's initdb
        // peaks far above the running service); its own peak is reported here, not hidden.
        ...(creation
          ? { dataFolderCreation: { childProcessPeakRssMB: creation.childPeakRssMB, ms: creation.ms } }
          : {}),
        ...(process.env.BENCH_GC ? { forcedGcEvery10s: true } : {}),
      },
    };
    const outFile = path.join(__dirname, "..", "..", "bench", "results", "telemetry.json");
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    // The latest run of each other history database is kept beside this one (`otherRuns`), so a
    // PGlite run does not hide the PostgreSQL one or the reverse.
    type Run = typeof result & { otherRuns?: Run[] };
    let previous: Run | undefined;
    try {
      previous = JSON.parse(fs.readFileSync(outFile, "utf8")) as Run;
    } catch {
      previous = undefined;
    }
    const others = new Map<string, Run>();
    for (const run of [...(previous?.otherRuns ?? []), ...(previous ? [{ ...previous, otherRuns: undefined }] : [])]) {
      if (run.conditions?.database && run.conditions.database !== result.conditions.database) {
        others.set(run.conditions.database, { ...run, otherRuns: undefined });
      }
    }
    const written: Run = { ...result, ...(others.size > 0 ? { otherRuns: [...others.values()] } : {}) };
    fs.writeFileSync(outFile, JSON.stringify(written, null, 2) + "\n");
    console.log(JSON.stringify(result, null, 2));
    console.log(
      `window ${elapsedS.toFixed(1)} s, ${clients.length} clients, ${latencies.length} latency samples, ` +
        `slow client received ${slowClient.readingSeqs.length} readings vs ${healthyPeer.readingSeqs.length} for a healthy peer`,
    );
    for (const c of clients) c.socket.terminate();
    service.send({ type: "stop" } satisfies ParentMessage);
    simulator.send({ type: "stop" } satisfies ParentMessage);
    await Promise.race([
      Promise.all(children.map((child) => new Promise((resolve) => child.once("exit", resolve)))),
      sleep(15_000),
    ]);
  } finally {
    cleanup();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

const role = process.argv.find((arg) => arg.startsWith("--role="))?.slice("--role=".length);
const pki = process.argv.find((arg) => arg.startsWith("--pki="))?.slice("--pki=".length) ?? "";
const entry = role === "simulator" ? simulatorRole(pki) : role === "service" ? serviceRole() : main();
entry.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
