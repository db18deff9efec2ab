import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { silentLogger } from "../../../sdk/server";
import {
  CloseCode,
  type AlertMessage,
  type GapMessage,
  type ReadingMessage,
  type ServerMessage,
  type SnapshotMessage,
  type StatusMessage,
} from "../../../sdk/telemetry/protocol";
import { parseTelemetryFile } from "../../../telemetry/config";
import { openHistoryDatabase, type HistoryDatabase } from "../../../telemetry/history/database";
import { simulatorFountainMappings } from "../../../telemetry/simulator/node-ids";
import { startSimulator, type Simulator } from "../../../telemetry/simulator/server";
import { createTelemetryService, type TelemetryService } from "../../../telemetry/service";
import { connectStream, type StreamClient } from "../hub/stream-client";

const TOKENS = {
  org1: "service-org1-token-0123456789",
  org2: "service-org2-token-0123456789",
  federation: "service-federation-token-0123",
};

const FOUNTAINS = [
  { fountainId: "A1", organisationId: "org-01", name: "Salle A", chocolate: "dark" as const },
  { fountainId: "A2", organisationId: "org-01", name: "Salle B", chocolate: "milk" as const },
  { fountainId: "B1", organisationId: "org-02", name: "Concurrent", chocolate: "white" as const },
];

const PKI_ROOT = path.join(os.tmpdir(), "fontaine-test-pki-service");

async function until<T>(probe: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const sequenced = (messages: ServerMessage[]) =>
  messages.filter((m): m is ReadingMessage | AlertMessage | GapMessage => "seq" in m && m.type !== "snapshot");

describe("telemetry service (real simulator over OPC UA TCP, real ws clients)", function () {
  this.timeout(120_000);
  let simulator: Simulator;
  let dataDir: string;
  let database: HistoryDatabase;
  let service: TelemetryService;
  let server: http.Server;
  let baseUrl: string;
  const clients: StreamClient[] = [];

  const config = () =>
    parseTelemetryFile({
      gateway: {
        subscription: { publishingIntervalMs: 100, samplingIntervalMs: 50, maxKeepAliveCount: 3, lifetimeCount: 12 },
        reconnect: { initialDelayMs: 100, maxDelayMs: 400, requestTimeoutMs: 1_000 },
        pki: { folder: path.join(PKI_ROOT, "gateway"), automaticallyAcceptUnknownCertificate: true },
        endpoints: [{ id: "sim", url: simulator.endpointUrl, fountains: simulatorFountainMappings(FOUNTAINS) }],
      },
      alerts: { onDelayMs: 300, offDelayMs: 300, staleAfterMs: 60_000 },
      access: {
        tokens: [
          { token: TOKENS.org1, organisationId: "org-01" },
          { token: TOKENS.org2, organisationId: "org-02" },
          { token: TOKENS.federation, federation: true, name: "FOFAC" },
        ],
      },
      history: { flushIntervalMs: 100 },
      stream: { publishIntervalMs: 100 },
    });

  async function startService() {
    database = await openHistoryDatabase({ dataDir });
    service = await createTelemetryService({ config: config(), logger: silentLogger(), database, alertTickMs: 100 });
    server = http.createServer(service.app);
    server.on("upgrade", (request, socket, head) => service.handleUpgrade(request, socket, head));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await service.start();
  }

  async function stopService() {
    server.close();
    await service.stop();
    server.closeAllConnections();
    await database.close();
  }

  async function connect(token: string, lastSeq?: number) {
    const client = await connectStream(baseUrl, token, { lastSeq });
    clients.push(client);
    await client.waitFor((m) => m.type === "snapshot");
    return client;
  }

  const get = (pathname: string, token?: string, init: RequestInit = {}) =>
    fetch(baseUrl + pathname, {
      ...init,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) },
    });

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-telemetry-service-"));
    simulator = await startSimulator({
      port: 0,
      fountains: FOUNTAINS,
      updateIntervalMs: 200,
      timeScale: 30,
      seed: 7,
      pkiFolder: path.join(PKI_ROOT, "simulator"),
    });
    await startService();
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await stopService().catch(() => undefined);
    await simulator.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("should stream readings end to end, each member seeing only its own fountains", async () => {
    const member1 = await connect(TOKENS.org1);
    const member2 = await connect(TOKENS.org2);
    const federation = await connect(TOKENS.federation);
    const snapshot = member1.messages[0] as SnapshotMessage;
    expect(snapshot.fountains.map((f) => f.fountainId)).to.deep.equal(["A1", "A2"]);
    const basin = snapshot.fountains[0]!.sensors.find((s) => s.sensor === "basinTemperature")!;
    expect(basin).to.deep.include({ unit: "°C", position: "basin" });
    expect(basin.limits).to.deep.equal({ lowAlarm: 40, highWarning: 50, highAlarm: 54 });

    await until(
      () => sequenced(member1.messages).length > 30 && sequenced(member2.messages).length > 10,
      15_000,
      "readings",
    );
    const reading = sequenced(member1.messages).find(
      (m): m is ReadingMessage => m.type === "reading" && m.sensor === "basinTemperature",
    )!;
    expect(reading).to.include.keys("seq", "fountainId", "sensor", "value", "unit", "quality", "sourceTimestamp");
    expect(reading.unit).to.equal("°C");
    expect(reading.quality).to.equal("good");
    expect(reading.value).to.be.within(20, 70);
    expect(Date.parse(reading.sourceTimestamp)).to.be.closeTo(Date.now(), 30_000);
    expect(new Set(sequenced(member1.messages).map((m) => m.fountainId))).to.deep.equal(new Set(["A1", "A2"]));
    expect(new Set(sequenced(member2.messages).map((m) => m.fountainId))).to.deep.equal(new Set(["B1"]));
    await until(
      () => new Set(sequenced(federation.messages).map((m) => m.fountainId)).size === 3,
      10_000,
      "federation sees all",
    );

    // The same boundary over HTTP: another member's fountain does not exist for you.
    const list = (await (await get("/v1/fountains", TOKENS.org2)).json()) as { fountains: { fountainId: string }[] };
    expect(list.fountains.map((f) => f.fountainId)).to.deep.equal(["B1"]);
    expect((await get("/v1/fountains/A1/history", TOKENS.org2)).status).to.equal(404);
    expect((await get("/v1/fountains/A1/export.csv", TOKENS.org2)).status).to.equal(404);
    expect((await get("/v1/fountains")).status).to.equal(401);
    const problem = await get("/v1/fountains", "wrong-token-0123456789");
    expect(problem.headers.get("content-type")).to.match(/^application\/problem\+json/);
    expect(await problem.json()).to.deep.include({ status: 401, code: "unauthorized" });
  });

  it("should answer history, CSV export, probes and metrics over HTTP", async () => {
    await service.history.flush();
    const history = (await (await get("/v1/fountains/A1/history", TOKENS.org1)).json()) as {
      readings: { sensor: string; value: number; quality: string; sourceTimestamp: string; seq: number }[];
    };
    expect(history.readings.length).to.be.greaterThan(5);
    expect(history.readings[0]).to.include.keys("sensor", "value", "quality", "sourceTimestamp", "seq");

    const csv = await get("/v1/fountains/A1/export.csv", TOKENS.org1);
    expect(csv.status).to.equal(200);
    expect(csv.headers.get("content-type")).to.match(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).to.match(/^attachment; filename="fontaine-A1-/);
    const rows = (await csv.text())
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(rows[0]).to.match(/^time_utc,fountain_id/);
    expect(rows.filter((r) => r.includes(",temperature,basinTemperature,basin,°C,"))).to.not.be.empty;
    expect(rows.some((r) => r.includes(",flow,"))).to.equal(false);

    const bad = await get("/v1/fountains/A1/history?from=yesterday", TOKENS.org1);
    expect(bad.status).to.equal(400);
    expect(await bad.json()).to.deep.include({ code: "invalid-request" });

    expect((await get("/healthz")).status).to.equal(200);
    const ready = await get("/readyz");
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.deep.include({ database: "ok", source: "connected" });

    expect((await get("/metrics")).status).to.equal(401);
    expect((await get("/metrics", TOKENS.org1)).status).to.equal(403);
    const metrics = await (await get("/metrics", TOKENS.federation)).text();
    expect(metrics).to.match(/^telemetry_readings_total [1-9]\d*/m);
    expect(metrics).to.match(/^telemetry_stream_connections \d+/m);
  });

  it("should raise an alert from a simulated fault, deliver it, and record an acknowledgement", async () => {
    const member1 = await connect(TOKENS.org1);
    const member2 = await connect(TOKENS.org2);
    simulator.setFault("A1", "overheating");
    const raised = await member1.waitFor<AlertMessage>(
      (m) => m.type === "alert" && m.fountainId === "A1" && m.state === "raised" && m.kind.startsWith("high"),
      60_000,
    );
    // Another member cannot acknowledge it, neither over HTTP nor over the stream.
    const foreign = await get(`/v1/alerts/${encodeURIComponent(raised.alertId)}/ack`, TOKENS.org2, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ by: "intrus" }),
    });
    expect(foreign.status).to.equal(404);
    member2.socket.send(JSON.stringify({ type: "ack", alertId: raised.alertId, requestId: "x" }));
    expect(await member2.waitFor((m) => m.type === "ackResult")).to.deep.include({
      ok: false,
      error: "alert-not-found",
    });

    member1.socket.send(JSON.stringify({ type: "ack", alertId: raised.alertId, by: "Marie", requestId: "r1" }));
    expect(await member1.waitFor((m) => m.type === "ackResult")).to.deep.equal({
      type: "ackResult",
      alertId: raised.alertId,
      ok: true,
      state: "acknowledged",
      requestId: "r1",
    });
    const acknowledged = await member1.waitFor<AlertMessage>(
      (m) => m.type === "alert" && m.alertId === raised.alertId && m.state === "acknowledged",
    );
    expect(acknowledged.acknowledgedBy).to.equal("org-01: Marie");
    expect(member2.messages.some((m) => m.type === "alert" && m.fountainId === "A1")).to.equal(false);

    const httpAck = await get(`/v1/alerts/${encodeURIComponent(raised.alertId)}/ack`, TOKENS.org1, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ by: "Marie" }),
    });
    expect(httpAck.status).to.equal(200);
    const wrongType = await get(`/v1/alerts/${encodeURIComponent(raised.alertId)}/ack`, TOKENS.org1, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "hello",
    });
    expect(wrongType.status).to.equal(415);
    simulator.setFault("A1", "none");

    await service.history.flush();
    const csv = await (await get("/v1/fountains/A1/export.csv", TOKENS.org1)).text();
    expect(csv).to.contain(`,${raised.alertId},`);
    expect(csv).to.contain(",acknowledged,");
  });

  it("should mark a gap when the OPC UA server restarts, and a client resuming by seq misses nothing", async () => {
    const watcher = await connect(TOKENS.org1);
    const leaving = await connect(TOKENS.org1);
    await until(() => sequenced(leaving.messages).length > 5, 10_000, "readings before the restart");
    const lastSeq = leaving.lastSeq();
    await leaving.close();

    await simulator.restart(1_500);
    const gap = await watcher.waitFor<GapMessage>((m) => m.type === "gap", 30_000);
    expect(gap.fountainId).to.be.oneOf(["A1", "A2"]);
    expect(Date.parse(gap.to)).to.be.greaterThan(Date.parse(gap.from));
    expect(watcher.messages.some((m) => m.type === "status" && (m as StatusMessage).state !== "connected")).to.equal(
      true,
    );
    await until(
      () => sequenced(watcher.messages).some((m) => m.type === "reading" && m.seq > gap.seq),
      30_000,
      "readings after the restart",
    );

    const resumed = await connect(TOKENS.org1, lastSeq);
    const snapshot = resumed.messages[0] as SnapshotMessage;
    expect(snapshot.replay).to.deep.include({ fromSeq: lastSeq, complete: true });
    const cut = watcher.lastSeq() + 1;
    await until(() => resumed.lastSeq() > cut, 10_000, "live messages after the replay");
    // Everything the watcher saw after lastSeq, the resumed client has too: no holes, no duplicates.
    const expected = sequenced(watcher.messages)
      .map((m) => m.seq)
      .filter((s) => s > lastSeq && s < cut);
    const got = sequenced(resumed.messages)
      .map((m) => m.seq)
      .filter((s) => s < cut);
    expect(got).to.deep.equal(expected);
    expect(new Set(sequenced(resumed.messages).map((m) => m.seq)).size).to.equal(sequenced(resumed.messages).length);
    expect(sequenced(resumed.messages).some((m) => m.type === "gap")).to.equal(true);
  });

  it("should close clients with 1001 on stop and keep the sequence across a service restart", async () => {
    const client = await connect(TOKENS.federation);
    await until(() => sequenced(client.messages).length > 3, 10_000, "readings");
    await stopService();
    expect((await client.closed).code).to.equal(CloseCode.goingAway);
    const lastSeq = client.lastSeq();

    await startService();
    const resumed = await connect(TOKENS.federation, lastSeq);
    const snapshot = resumed.messages[0] as SnapshotMessage;
    expect(snapshot.replay?.complete).to.equal(true);
    await until(() => sequenced(resumed.messages).length > 3, 15_000, "readings after the restart");
    const seqs = sequenced(resumed.messages).map((m) => m.seq);
    expect(Math.min(...seqs)).to.be.greaterThan(lastSeq);
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
    // The snapshot after a restart already knows the latest values from history.
    const fresh = await connect(TOKENS.org1);
    expect((fresh.messages[0] as SnapshotMessage).latest.length).to.be.greaterThan(0);
  });
});
