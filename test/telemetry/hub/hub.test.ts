import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { sql } from "drizzle-orm";
import WebSocket from "ws";
import { silentLogger } from "../../../sdk/server";
import {
  CloseCode,
  streamProtocols,
  type AckResultMessage,
  type AlertMessage,
  type FountainView,
  type ReadingMessage,
  type SnapshotMessage,
} from "../../../sdk/telemetry/protocol";
import { historyConfigSchema, streamConfigSchema, type StreamConfig } from "../../../telemetry/config";
import { openHistoryDatabase, type HistoryDatabase } from "../../../telemetry/history/database";
import { openHistoryStore, type HistoryStore } from "../../../telemetry/history/store";
import { createAccessControl, type Principal } from "../../../telemetry/http/access";
import { createHub, type Hub } from "../../../telemetry/hub/hub";
import { statusMessage } from "../../../telemetry/hub/messages";
import type { AlertTransition } from "../../../telemetry/model";
import { connectStream, upgradeStatus, type StreamClient } from "./stream-client";

const TOKENS = {
  org1: "org1-token-0123456789abcdef",
  org2: "org2-token-0123456789abcdef",
  federation: "federation-token-0123456789",
};

const fountains: FountainView[] = [
  { fountainId: "A1", organisationId: "org-01", name: "A1", chocolate: "dark", sensors: [] },
  { fountainId: "A2", organisationId: "org-01", name: "A2", chocolate: "milk", sensors: [] },
  { fountainId: "B1", organisationId: "org-02", name: "B1", chocolate: "white", sensors: [] },
];
const organisationOf = (fountainId: string) => fountains.find((f) => f.fountainId === fountainId)!.organisationId;

describe("telemetry hub", function () {
  this.timeout(60_000);
  let database: HistoryDatabase;
  let history: HistoryStore;
  let hub: Hub;
  let server: http.Server;
  let baseUrl: string;
  let clients: StreamClient[];
  let acks: { principal: Principal; alertId: string; by?: string }[];
  let time = Date.parse("2026-11-28T08:00:00.000Z");

  before(async () => {
    database = await openHistoryDatabase({ dataDir: "memory://" });
  });
  after(async () => database.close());

  async function startHub(overrides: Partial<StreamConfig> = {}) {
    await database.db.execute(
      sql.raw(
        "truncate telemetry_readings, telemetry_reading_minutes, telemetry_alert_transitions, telemetry_gaps, telemetry_stream_state",
      ),
    );
    history = await openHistoryStore({
      db: database.db,
      config: historyConfigSchema.parse({ flushIntervalMs: 50 }),
      logger: silentLogger(),
    });
    acks = [];
    hub = createHub({
      config: { ...streamConfigSchema.parse({ publishIntervalMs: 20, heartbeatIntervalMs: 60_000 }), ...overrides },
      replayLimit: 10_000,
      logger: silentLogger(),
      access: createAccessControl(
        [
          { token: TOKENS.org1, organisationId: "org-01", federation: false },
          { token: TOKENS.org2, organisationId: "org-02", federation: false },
          { token: TOKENS.federation, federation: true, name: "FOFAC" },
        ],
        ["https://live.fofac.example"],
      ),
      history,
      state: {
        fountains: () => fountains,
        status: () => statusMessage({ state: "connected", reconnections: 0, lastDataAt: null }, Date.now()),
      },
      acknowledge: async (principal, alertId, by) => {
        acks.push({ principal, alertId, by });
        return { type: "ackResult", alertId, ok: alertId === "known" };
      },
    });
    server = http.createServer((_req, res) => res.writeHead(404).end());
    server.on("upgrade", (request, socket, head) => hub.handleUpgrade(request, socket, head));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    clients = [];
  }

  async function stopHub() {
    await Promise.all(clients.map((c) => c.close()));
    await hub.close();
    await history.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  async function connect(token: string, options: Parameters<typeof connectStream>[2] = {}) {
    const client = await connectStream(baseUrl, token, options);
    clients.push(client);
    await client.waitFor((m) => m.type === "snapshot");
    return client;
  }

  function publishReading(fountainId: string, sensor = "basinTemperature", value = 45) {
    time += 1000;
    const entry = history.recordReading({
      fountainId,
      sensor,
      value,
      unit: "°C",
      quality: "good",
      sourceTimestamp: time,
      receivedAt: time + 3,
    });
    hub.publishEntry(entry, organisationOf(fountainId));
    return entry.seq;
  }

  function publishAlert(fountainId: string, state: AlertTransition["state"], n = 0) {
    time += 1000;
    const entry = history.recordAlert({
      alertId: `${fountainId}:basin:high:${n}`,
      fountainId,
      sensor: "basinTemperature",
      kind: "highTemperature",
      severity: "alarm",
      state,
      value: 55,
      unit: "°C",
      since: time - 30_000,
      at: time,
    });
    hub.publishEntry(entry, organisationOf(fountainId));
    return entry.seq;
  }

  const seqs = (client: StreamClient, type: string) =>
    client.messages.filter((m) => m.type === type).map((m) => (m as ReadingMessage).seq);

  describe("upgrade", () => {
    before(() => startHub({ maxConnectionsPerToken: 2 }));
    after(() => stopHub());

    it("should refuse a missing or unknown token with 401 before the handshake", async () => {
      expect(await upgradeStatus(baseUrl, TOKENS.org1, { protocols: ["fontaine.v1"] })).to.equal(401);
      expect(await upgradeStatus(baseUrl, "unknown-token-0123456789")).to.equal(401);
      // Only the subprotocol carries the token: not the URL.
      const status = await upgradeStatus(`${baseUrl}/?token=${TOKENS.org1}`, "", { protocols: ["fontaine.v1"] });
      expect(status).to.equal(401);
      expect(hub.stats().upgradesRejected.unauthorized).to.equal(3);
      expect(hub.stats().connectionsOpened).to.equal(0);
    });

    it("should refuse a foreign Origin with 403 and accept the allowlist and the service's own origin", async () => {
      expect(await upgradeStatus(baseUrl, TOKENS.org1, { origin: "https://evil.example" })).to.equal(403);
      expect(await upgradeStatus(baseUrl, TOKENS.org1, { origin: "https://live.fofac.example" })).to.equal("open");
      expect(await upgradeStatus(baseUrl, TOKENS.org1, { origin: baseUrl })).to.equal("open");
    });

    it("should refuse a malformed lastSeq with 400 and negotiate the fontaine.v1 subprotocol", async () => {
      expect(await upgradeStatus(baseUrl, TOKENS.org1, { lastSeq: -1 })).to.equal("open"); // omitted when <= 0
      const raw = new WebSocket(`${baseUrl.replace("http", "ws")}/v1/stream?lastSeq=abc`, streamProtocols(TOKENS.org1));
      const status = await new Promise((resolve) => {
        raw.once("unexpected-response", (_req, res) => resolve(res.statusCode));
        raw.once("error", () => resolve("error"));
      });
      expect(status).to.equal(400);
      const client = await connect(TOKENS.org1);
      expect(client.socket.protocol).to.equal("fontaine.v1");
      await client.close();
    });

    it("should cap connections per token with 503", async () => {
      const a = await connect(TOKENS.org2);
      const b = await connect(TOKENS.org2);
      expect(await upgradeStatus(baseUrl, TOKENS.org2)).to.equal(503);
      await a.close();
      await new Promise((r) => setTimeout(r, 50));
      expect(await upgradeStatus(baseUrl, TOKENS.org2)).to.equal("open");
      await b.close();
    });
  });

  describe("visibility and snapshot", () => {
    beforeEach(() => startHub());
    afterEach(() => stopHub());

    it("should send a snapshot first, then only the member's own fountains; the federation sees all", async () => {
      publishReading("A1", "basinTemperature", 44);
      publishReading("B1", "basinTemperature", 39);
      publishAlert("B1", "raised");
      const member1 = await connect(TOKENS.org1);
      const member2 = await connect(TOKENS.org2);
      const federation = await connect(TOKENS.federation);
      const snapshot1 = member1.messages[0] as SnapshotMessage;
      expect(snapshot1.type).to.equal("snapshot");
      expect(snapshot1.organisationId).to.equal("org-01");
      expect(snapshot1.fountains.map((f) => f.fountainId)).to.deep.equal(["A1", "A2"]);
      expect(snapshot1.latest.map((r) => [r.fountainId, r.value])).to.deep.equal([["A1", 44]]);
      expect(snapshot1.alerts).to.deep.equal([]);
      expect(snapshot1.seq).to.equal(history.head());
      const snapshot2 = member2.messages[0] as SnapshotMessage;
      expect(snapshot2.alerts.map((a) => a.fountainId)).to.deep.equal(["B1"]);
      expect((federation.messages[0] as SnapshotMessage).fountains).to.have.length(3);

      const published: string[] = [];
      for (let i = 0; i < 30; i++) {
        const fountainId = ["A1", "A2", "B1"][i % 3]!;
        publishReading(fountainId, "basinTemperature", 40 + i);
        published.push(fountainId);
      }
      const lastAlert = publishAlert("B1", "cleared");
      await federation.waitFor((m) => m.type === "alert" && m.seq === lastAlert);
      await member2.waitFor((m) => m.type === "alert" && m.seq === lastAlert);
      await new Promise((r) => setTimeout(r, 100));
      const fountainsOf = (c: StreamClient) =>
        c.messages
          .filter((m) => m.type === "reading" || m.type === "alert")
          .map((m) => (m as ReadingMessage).fountainId);
      expect(fountainsOf(member1)).to.deep.equal(published.filter((f) => f !== "B1"));
      expect(fountainsOf(member2)).to.deep.equal([...published.filter((f) => f === "B1"), "B1"]);
      expect(fountainsOf(federation)).to.deep.equal([...published, "B1"]);
      for (const client of [member1, member2, federation]) {
        const s = client.messages.map((m) => ("seq" in m ? m.seq : 0));
        expect(s).to.deep.equal(
          [...s].sort((a, b) => a - b),
          "seq strictly increasing",
        );
      }
    });

    it("should carry every field of a reading with ISO timestamps", async () => {
      const client = await connect(TOKENS.org1);
      const seq = publishReading("A1", "towerTemperature", 41.25);
      const reading = await client.waitFor<ReadingMessage>((m) => m.type === "reading");
      expect(reading).to.deep.equal({
        type: "reading",
        seq,
        fountainId: "A1",
        sensor: "towerTemperature",
        value: 41.25,
        unit: "°C",
        quality: "good",
        sourceTimestamp: new Date(time).toISOString(),
        receivedAt: new Date(time + 3).toISOString(),
      });
    });
  });

  describe("resume by seq", () => {
    beforeEach(() => startHub());
    afterEach(() => stopHub());

    it("should replay exactly what a member missed, then continue live, without duplicates or holes", async () => {
      const client = await connect(TOKENS.org1);
      for (let i = 0; i < 10; i++) publishReading(i % 2 ? "A1" : "B1");
      const lastPublished = history.head();
      await client.waitFor((m) => m.type === "reading" && m.seq === lastPublished);
      const lastSeq = client.lastSeq();
      await client.close();

      const missed: number[] = [];
      for (let i = 0; i < 40; i++) {
        const fountainId = ["A1", "B1", "A2", "B1"][i % 4]!;
        const seq = i % 10 === 4 ? publishAlert(fountainId, "raised", i) : publishReading(fountainId);
        if (fountainId !== "B1") missed.push(seq);
      }
      // Part of what was missed is written, part is still buffered: both must be replayed.
      await history.flush();
      for (let i = 0; i < 6; i++) {
        const seq = publishReading(i % 2 ? "A2" : "B1");
        if (i % 2) missed.push(seq);
      }

      const resumed = await connect(TOKENS.org1, { lastSeq });
      const snapshot = resumed.messages[0] as SnapshotMessage;
      expect(snapshot.seq).to.equal(lastSeq);
      expect(snapshot.replay).to.deep.equal({ fromSeq: lastSeq, count: missed.length, complete: true });
      const live: number[] = [];
      for (let i = 0; i < 4; i++) live.push(publishReading("A1"));
      await resumed.waitFor((m) => m.type === "reading" && m.seq === live.at(-1));
      const received = resumed.messages.slice(1).map((m) => (m as ReadingMessage | AlertMessage).seq);
      expect(received).to.deep.equal([...missed, ...live]);
      const replayed = resumed.messages.slice(1, 1 + missed.length);
      expect(replayed.every((m) => (m as ReadingMessage).replay === true)).to.equal(true);
      expect(resumed.messages.slice(1 + missed.length).every((m) => !(m as ReadingMessage).replay)).to.equal(true);
      expect(replayed.filter((m) => m.type === "alert")).to.have.length(4);
    });

    it("should say the replay is incomplete when lastSeq is ahead of the history", async () => {
      publishReading("A1");
      const client = await connect(TOKENS.org1, { lastSeq: history.head() + 1_000 });
      const snapshot = client.messages[0] as SnapshotMessage;
      expect(snapshot.replay).to.deep.equal({ fromSeq: history.head() + 1_000, count: 0, complete: false });
      expect(snapshot.seq).to.equal(history.head());
    });
  });

  describe("client protocol", () => {
    beforeEach(() => startHub({ maxClientMessagesPerSecond: 5 }));
    afterEach(() => stopHub());

    it("should close an oversized frame with 1009", async () => {
      const client = await connect(TOKENS.org1);
      client.socket.send("x".repeat(10_000));
      expect((await client.closed).code).to.equal(CloseCode.messageTooBig);
    });

    it("should close invalid UTF-8 with 1007", async () => {
      const client = await connect(TOKENS.org1);
      client.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
      expect((await client.closed).code).to.equal(CloseCode.invalidPayload);
    });

    it("should close a message flood with 1008 after an error message", async () => {
      const client = await connect(TOKENS.org1);
      for (let i = 0; i < 20; i++) client.socket.send(JSON.stringify({ type: "ack", alertId: `x${i}` }));
      expect((await client.closed).code).to.equal(CloseCode.policyViolation);
      expect(client.messages.find((m) => m.type === "error")).to.deep.include({ code: "flood" });
      expect(acks.length).to.be.at.most(5);
    });

    it("should close a malformed message with 1008", async () => {
      const client = await connect(TOKENS.org1);
      client.socket.send(JSON.stringify({ type: "ack", alertId: "a", __proto__: { admin: true }, extra: 1 }));
      expect((await client.closed).code).to.equal(CloseCode.policyViolation);
    });

    it("should pass acknowledgements with the caller's identity and answer with ackResult", async () => {
      const client = await connect(TOKENS.federation);
      client.socket.send(JSON.stringify({ type: "ack", alertId: "known", by: "Marie", requestId: "r1" }));
      const result = await client.waitFor<AckResultMessage>((m) => m.type === "ackResult");
      expect(result).to.deep.equal({ type: "ackResult", alertId: "known", ok: true, requestId: "r1" });
      expect(acks[0]?.principal.organisationId).to.equal(null);
      expect(acks[0]?.by).to.equal("Marie");
    });

    it("should close every client with 1001 on shutdown and refuse new upgrades", async () => {
      const client = await connect(TOKENS.org1);
      const closing = hub.close();
      expect((await client.closed).code).to.equal(CloseCode.goingAway);
      await closing;
      expect(await upgradeStatus(baseUrl, TOKENS.org1)).to.equal(503);
    });
  });

  describe("heartbeat", () => {
    before(() => startHub({ heartbeatIntervalMs: 200 }));
    after(() => stopHub());

    it("should terminate a peer that stops answering pings within two intervals", async () => {
      const healthy = await connect(TOKENS.org1);
      const dead = await connect(TOKENS.org2);
      // A paused socket reads nothing, so it never answers pings: a silent dead peer.
      (dead.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      const started = Date.now();
      while (hub.stats().heartbeatTerminations === 0 && Date.now() - started < 2_000) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(hub.stats().heartbeatTerminations).to.equal(1);
      expect(Date.now() - started).to.be.below(2 * 200 + 150);
      expect(healthy.socket.readyState).to.equal(WebSocket.OPEN);
      expect(hub.stats().connections).to.equal(1);
    });
  });

  describe("slow consumers", () => {
    afterEach(() => stopHub());

    it("should conflate readings to the latest per sensor and deliver every alert transition", async () => {
      await startHub({ highWaterMarkBytes: 16 * 1024 });
      const slow = await connect(TOKENS.org1);
      const healthy = await connect(TOKENS.org1);
      const rawSocket = (slow.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      rawSocket.pause();
      const sensors = ["basinTemperature", "towerTemperature", "heaterTemperature"];
      const alerts: number[] = [];
      const latestValue = new Map<string, number>();
      // Enough volume to fill the kernel buffers on loopback and the socket buffer behind them.
      for (let round = 0; round < 200; round++) {
        for (let i = 0; i < 100; i++) {
          const sensor = sensors[i % 3]!;
          const fountainId = i % 2 ? "A1" : "A2";
          const value = round * 100 + i;
          publishReading(fountainId, sensor, value);
          latestValue.set(`${fountainId}/${sensor}`, value);
        }
        if (round % 10 === 0) alerts.push(publishAlert("A1", round % 20 === 0 ? "raised" : "cleared", round));
        await new Promise((r) => setTimeout(r, 25));
      }
      const lastSeq = history.head();
      await healthy.waitFor((m) => "seq" in m && m.seq === lastSeq, 20_000);
      const stats = hub.clientStats().find((c) => c.bufferedAmount > 0 || c.maxQueued > 0);
      expect(stats, "the paused client must have been conflated").to.not.equal(undefined);
      // Bounded: at most one reading per sensor plus the alert transitions (and the status).
      expect(stats!.maxQueued).to.be.at.most(6 + alerts.length + 1);
      expect(stats!.conflated).to.be.greaterThan(0);

      rawSocket.resume();
      await slow.waitFor((m) => "seq" in m && m.seq === lastSeq, 20_000);
      const slowReadings = slow.messages.filter((m): m is ReadingMessage => m.type === "reading");
      expect(seqs(slow, "alert")).to.deep.equal(alerts);
      expect(slowReadings.length).to.be.below(20_000);
      const all = slow.messages.map((m) => ("seq" in m ? m.seq : 0));
      expect(all).to.deep.equal(
        [...all].sort((a, b) => a - b),
        "order kept",
      );
      const finalValues = new Map<string, number>();
      for (const r of slowReadings) finalValues.set(`${r.fountainId}/${r.sensor}`, r.value!);
      expect(finalValues).to.deep.equal(latestValue);
      expect(seqs(healthy, "reading")).to.have.length(20_000);
    });

    it("should close with 1013 a client that cannot even take its alert transitions", async () => {
      await startHub({ highWaterMarkBytes: 1024, maxQueuedAlerts: 10 });
      const slow = await connect(TOKENS.org1);
      (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      for (let round = 0; round < 400 && hub.stats().slowClientsClosed === 0; round++) {
        for (let i = 0; i < 400; i++) publishReading("A1", `s${i % 5}`, i);
        publishAlert("A1", "raised", round);
        await new Promise((r) => setTimeout(r, 30));
      }
      expect(hub.stats().slowClientsClosed).to.equal(1);
    });
  });
});
