import net from "node:net";

/** A loopback TCP proxy that can silently black-hole traffic, like a cable pulled between two switches. */
export interface TcpProxy {
  readonly port: number;
  /** From now on every byte is dropped and no socket is closed: neither side is told. */
  cut(): void;
  /** New connections work again; connections cut earlier stay dead, as after a real partition. */
  heal(): void;
  close(): Promise<void>;
}

/** Starts a proxy on a free port forwarding to 127.0.0.1:targetPort. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let blackhole = false;
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; dead: boolean }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    const pair = { client, upstream, dead: blackhole };
    pairs.add(pair);
    client.on("data", (data) => {
      if (!pair.dead) upstream.write(data);
    });
    upstream.on("data", (data) => {
      if (!pair.dead) client.write(data);
    });
    const close = () => {
      // A dead link carries no FIN or RST either: the peer must find out by itself.
      if (!pair.dead) {
        client.destroy();
        upstream.destroy();
      }
    };
    client.on("close", close);
    upstream.on("close", close);
    client.on("error", () => undefined);
    upstream.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("proxy has no port");
  return {
    port: address.port,
    cut() {
      blackhole = true;
      for (const pair of pairs) pair.dead = true;
    },
    heal() {
      blackhole = false;
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
