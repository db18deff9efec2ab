import { expect } from "chai";
import net from "node:net";
import WebSocket from "ws";
import { LiveStore } from "../../web/live/live-store";
import {
  frameText,
  StreamConnection,
  type ConnectionState,
  type WebSocketFactory,
} from "../../web/live/stream-connection";

/** A loopback port with nothing listening on it (connections are refused at once). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("live view stream connection", () => {
  describe("frameText", () => {
    it("should read text frames and UTF-8 binary frames, and reject invalid UTF-8", () => {
      const json = '{"type":"status","note":"température"}';
      expect(frameText(json)).to.equal(json);
      const bytes = new TextEncoder().encode(json);
      expect(frameText(bytes)).to.equal(json);
      expect(frameText(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))).to.equal(json);
      expect(frameText(new Uint8Array([0x7b, 0xff, 0xfe]))).to.equal(undefined);
      expect(frameText(42)).to.equal(undefined);
    });
  });

  it("should retry with growing delays while the service is unreachable, keep the outage start, and stop cleanly", async () => {
    const port = await closedPort();
    const states: ConnectionState[] = [];
    const scheduledAt: number[] = [];
    const connection = new StreamConnection({
      baseUrl: `http://127.0.0.1:${port}/live/`,
      token: "e2e-unit-token-aaaaaaaaaaaa",
      store: new LiveStore(),
      WebSocketImpl: WebSocket as unknown as WebSocketFactory,
      backoff: { initialMs: 40, maxMs: 1_000, factor: 2, random: () => 0 },
      probeAuth: async () => "unreachable",
      onState: (state) => {
        states.push(state);
        if (state.phase === "waiting") scheduledAt.push(Date.now());
      },
    });
    connection.start();
    await until(() => connection.current.attempt >= 4);
    const waits = states.filter((state) => state.phase === "waiting");
    // Equal jitter with random() = 0: half of each exponential step (40, 80, 160, 320 ms).
    const delays = waits.slice(0, 4).map((state, i) => state.retryAt! - scheduledAt[i]!);
    [20, 40, 80, 160].forEach((expected, i) => expect(delays[i]).to.be.within(expected - 2, expected));
    expect(waits.map((state) => state.attempt).slice(0, 4)).to.deep.equal([1, 2, 3, 4]);
    const since = new Set(waits.map((state) => state.offlineSince));
    expect(since.size, "the outage start stays the same across attempts").to.equal(1);
    connection.stop();
    const count = states.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(connection.current.phase).to.equal("stopped");
    expect(states.length, "no attempt after stop()").to.equal(count);
  });

  it("should stop retrying and report a refused access code when the HTTP check says so", async () => {
    const port = await closedPort();
    let probes = 0;
    const connection = new StreamConnection({
      baseUrl: `http://127.0.0.1:${port}/`,
      token: "e2e-unit-token-bbbbbbbbbbbb",
      store: new LiveStore(),
      WebSocketImpl: WebSocket as unknown as WebSocketFactory,
      backoff: { initialMs: 20, maxMs: 100, factor: 2, random: () => 0 },
      probeAuth: async () => {
        probes++;
        return "refused";
      },
    });
    connection.start();
    await until(() => connection.current.phase === "refused");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connection.current.phase).to.equal("refused");
    expect(probes).to.equal(1);
    expect(connection.acknowledge("a-1")).to.equal(false);
  });
});
