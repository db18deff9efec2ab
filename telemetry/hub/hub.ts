import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { z } from "zod";
import {
  CloseCode,
  LAST_SEQ_PARAM,
  MAX_CLIENT_FRAME_BYTES,
  STREAM_PATH,
  STREAM_SUBPROTOCOL,
  TOKEN_SUBPROTOCOL_PREFIX,
  type AckResultMessage,
  type AlertMessage,
  type FountainView,
  type ReadingMessage,
  type ServerMessage,
  type SnapshotMessage,
  type StatusMessage,
} from "../../sdk/telemetry/protocol";
import type { StreamConfig } from "../config";
import type { StreamEntry, HistoryStore } from "../history/store";
import type { AccessControl, Principal } from "../http/access";
import { ReadingConflator, type Outgoing } from "./client-queue";
import { alertMessage, gapMessage, readingMessage } from "./messages";

/** What the hub needs from the service besides the stream itself. */
export interface HubState {
  /** Every fountain, with limits; the hub filters per client. */
  fountains(): FountainView[];
  status(): StatusMessage;
}

export interface HubDeps {
  config: StreamConfig;
  /** Most messages replayed on resume (history config). */
  replayLimit: number;
  logger: Logger;
  access: AccessControl;
  history: HistoryStore;
  state: HubState;
  /** Acknowledges an alert on behalf of a client. */
  acknowledge(principal: Principal, alertId: string, by: string | undefined): Promise<AckResultMessage>;
  clock?: () => number;
}

export interface HubStats {
  connections: number;
  connectionsOpened: number;
  upgradesRejected: Record<string, number>;
  messagesSent: number;
  /** Readings superseded for slow clients. */
  readingsConflated: number;
  slowClientsClosed: number;
  heartbeatTerminations: number;
  protocolCloses: number;
  replayedMessages: number;
}

/** Per-client figures (for metrics, tests and the benchmark). */
export interface ClientStats {
  id: number;
  organisationId: string | null;
  bufferedAmount: number;
  queued: number;
  maxQueued: number;
  conflated: number;
}

export interface Hub {
  /** Handles an HTTP `upgrade` for the stream path: auth, Origin and caps are checked before the handshake. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Publishes a stored stream entry to the clients that may see it (within the next batch). */
  publishEntry(entry: StreamEntry, organisationId: string): void;
  /** Publishes the source status to everyone (conflated: only the latest matters). */
  publishStatus(status: StatusMessage): void;
  /** Tells clients their fountain list changed. */
  publishFountains(): void;
  /** Seeds the latest reading per sensor (after a restart) for snapshots. */
  seedLatest(readings: ReadingMessage[]): void;
  stats(): HubStats;
  clientStats(): ClientStats[];
  /** Stops accepting, closes every socket with 1001, stops timers. */
  close(): Promise<void>;
}

const ackSchema = z.strictObject({
  type: z.literal("ack"),
  alertId: z.string().min(1).max(200),
  by: z.string().max(64).optional(),
  requestId: z.string().max(64).optional(),
});

interface Client {
  id: number;
  socket: WebSocket;
  principal: Principal;
  phase: "starting" | "live" | "closed";
  /** Messages published while the snapshot and replay are being prepared. */
  startQueue: Outgoing[];
  queue: ReadingConflator;
  /** Highest seq already delivered (snapshot and replay included): never send at or below it. */
  cursor: number;
  alive: boolean;
  windowStart: number;
  windowCount: number;
}

type Visibility = Pick<Outgoing, "organisationId"> & { federationOnly?: boolean; membersOnly?: boolean };
type Published = Outgoing & Visibility;

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  503: "Service Unavailable",
};

/** Creates the WebSocket hub; it listens on nothing, the HTTP server hands it its upgrades. */
export function createHub(deps: HubDeps): Hub {
  const { config, logger, access, history, state } = deps;
  const clock = deps.clock ?? Date.now;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: MAX_CLIENT_FRAME_BYTES,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(STREAM_SUBPROTOCOL) ? STREAM_SUBPROTOCOL : false),
  });
  const clients = new Set<Client>();
  const perToken = new Map<string, number>();
  const latest = new Map<string, ReadingMessage>();
  const activeAlerts = new Map<string, AlertMessage>();
  let pending: Published[] = [];
  let order = 0;
  let nextClientId = 1;
  let closing = false;
  const stats: HubStats = {
    connections: 0,
    connectionsOpened: 0,
    upgradesRejected: {},
    messagesSent: 0,
    readingsConflated: 0,
    slowClientsClosed: 0,
    heartbeatTerminations: 0,
    protocolCloses: 0,
    replayedMessages: 0,
  };

  function visibleFountains(principal: Principal): FountainView[] {
    return state.fountains().filter((f) => access.canSee(principal, f.organisationId));
  }

  function reject(socket: Duplex, status: number, code: string, detail: string, headers: Record<string, string> = {}) {
    stats.upgradesRejected[code] = (stats.upgradesRejected[code] ?? 0) + 1;
    const body = JSON.stringify({
      type: `urn:fontaine:problem:${code}`,
      code,
      title: STATUS_TEXT[status] ?? "Error",
      status,
      detail,
    });
    const extra = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("");
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\nConnection: close\r\n` +
        `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`,
    );
    setTimeout(() => socket.destroy(), 1_000).unref();
  }

  function send(client: Client, data: Buffer | string): void {
    if (client.socket.readyState !== WebSocket.OPEN) return;
    client.socket.send(data);
    stats.messagesSent += 1;
  }

  function sendMessage(client: Client, message: ServerMessage): void {
    send(client, JSON.stringify(message));
  }

  function protocolClose(client: Client, closeCode: number, code: string, message: string): void {
    stats.protocolCloses += 1;
    sendMessage(client, { type: "error", code, message });
    client.socket.close(closeCode, code);
  }

  function deliver(client: Client, items: Published[]): void {
    if (client.phase !== "live") return;
    const socket = client.socket;
    // Decided once per tick, before this tick's frames are written: a tick's volume is bounded by
    // the publishing rate, what matters is whether the previous ones were taken.
    const congested = socket.bufferedAmount >= config.highWaterMarkBytes;
    if (!congested && client.queue.size > 0) {
      for (const item of client.queue.drain() as Published[]) send(client, item.data);
    }
    for (const item of items) {
      if (item.seq !== undefined) {
        if (item.seq <= client.cursor) continue;
        client.cursor = item.seq;
      }
      if (!congested) {
        send(client, item.data);
        continue;
      }
      const before = client.queue.conflated;
      if (!client.queue.push(item)) {
        stats.slowClientsClosed += 1;
        logger.warn({ client: client.id }, "client too slow even for conflation; closing");
        client.phase = "closed";
        socket.close(CloseCode.tryAgainLater, "slow-consumer");
        // A socket whose peer reads nothing may never complete the closing handshake.
        setTimeout(() => socket.terminate(), 2_000).unref();
        return;
      }
      stats.readingsConflated += client.queue.conflated - before;
    }
  }

  function publishTick(): void {
    if (pending.length === 0) {
      // Still give slow clients their queued messages once their buffer has drained.
      for (const client of clients) if (client.queue.size > 0) withCork(client, () => deliver(client, []));
      return;
    }
    const batch = pending;
    pending = [];
    // Split the batch once per tick rather than testing every item for every client.
    const forFederation: Published[] = [];
    const forEveryone: Published[] = [];
    const byOrganisation = new Map<string, Published[]>();
    for (const item of batch) {
      if (!item.membersOnly) forFederation.push(item);
      if (item.federationOnly) continue;
      if (item.organisationId === null) {
        forEveryone.push(item);
        continue;
      }
      let list = byOrganisation.get(item.organisationId);
      if (!list) byOrganisation.set(item.organisationId, (list = []));
      list.push(item);
    }
    const merged = new Map<string, Published[]>();
    const itemsFor = (principal: Principal): Published[] => {
      if (principal.organisationId === null) return forFederation;
      let list = merged.get(principal.organisationId);
      if (!list) {
        const own = byOrganisation.get(principal.organisationId) ?? [];
        list = forEveryone.length === 0 ? own : [...own, ...forEveryone].sort((a, b) => a.order - b.order);
        merged.set(principal.organisationId, list);
      }
      return list;
    };
    for (const client of clients) {
      const items = itemsFor(client.principal);
      if (items.length === 0 && client.queue.size === 0) continue;
      if (client.phase === "starting") client.startQueue.push(...items);
      else if (client.phase === "live") withCork(client, () => deliver(client, items));
    }
  }

  /** Sends a client's frames of one tick in as few writes as possible. */
  function withCork(client: Client, work: () => void): void {
    const raw = (client.socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (!raw) return work();
    raw.cork();
    try {
      work();
    } finally {
      raw.uncork();
    }
  }

  function enqueue(message: ServerMessage, visibility: Visibility, key?: string, seq?: number): void {
    order += 1;
    // Only the encoded bytes are kept: the JSON string is garbage as soon as it is encoded.
    pending.push({ ...visibility, order, seq, key, data: Buffer.from(JSON.stringify(message)) });
  }

  const publishTimer = setInterval(publishTick, config.publishIntervalMs);
  publishTimer.unref();

  const heartbeatTimer = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        stats.heartbeatTerminations += 1;
        logger.info({ client: client.id }, "client missed its heartbeat; terminating");
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      if (client.socket.readyState === WebSocket.OPEN) client.socket.ping();
    }
  }, config.heartbeatIntervalMs);
  heartbeatTimer.unref();

  function snapshot(client: Client, seq: number, replay?: SnapshotMessage["replay"]): SnapshotMessage {
    const principal = client.principal;
    const fountains = visibleFountains(principal);
    const ids = new Set(fountains.map((f) => f.fountainId));
    return {
      type: "snapshot",
      seq,
      serverTime: new Date(clock()).toISOString(),
      organisationId: principal.organisationId,
      fountains,
      latest: [...latest.values()].filter((r) => ids.has(r.fountainId)),
      alerts: [...activeAlerts.values()].filter((a) => ids.has(a.fountainId)),
      status: state.status(),
      ...(replay ? { replay } : {}),
    };
  }

  function entryMessage(entry: StreamEntry): ServerMessage {
    if (entry.kind === "reading") return readingMessage(entry.seq, entry.reading);
    if (entry.kind === "alert") return alertMessage(entry.seq, entry.transition);
    return gapMessage(entry.seq, entry.gap);
  }

  async function start(client: Client, lastSeq: number | undefined): Promise<void> {
    const principal = client.principal;
    let cursor: number;
    if (lastSeq === undefined) {
      cursor = history.head();
      sendMessage(client, snapshot(client, cursor));
    } else {
      const until = history.head();
      const ids =
        principal.organisationId === null ? null : new Set(visibleFountains(principal).map((f) => f.fountainId));
      const result = await history.replay(lastSeq, until, ids, deps.replayLimit);
      if (client.socket.readyState !== WebSocket.OPEN) return;
      if (result.complete) {
        cursor = until;
        sendMessage(
          client,
          snapshot(client, lastSeq, { fromSeq: lastSeq, count: result.entries.length, complete: true }),
        );
        for (const entry of result.entries) {
          send(client, JSON.stringify({ ...entryMessage(entry), replay: true }));
        }
        stats.replayedMessages += result.entries.length;
      } else {
        cursor = history.head();
        sendMessage(client, snapshot(client, cursor, { fromSeq: lastSeq, count: 0, complete: false }));
      }
    }
    client.cursor = cursor;
    client.phase = "live";
    const queued = client.startQueue as Published[];
    client.startQueue = [];
    deliver(client, queued);
  }

  function onMessage(client: Client, data: RawData, isBinary: boolean): void {
    const now = clock();
    if (now - client.windowStart >= 1_000) {
      client.windowStart = now;
      client.windowCount = 0;
    }
    client.windowCount += 1;
    if (client.windowCount > config.maxClientMessagesPerSecond) {
      protocolClose(client, CloseCode.policyViolation, "flood", "too many messages");
      return;
    }
    if (isBinary) {
      protocolClose(
        client,
        CloseCode.policyViolation,
        "malformed-message",
        "binary frames are not part of the protocol",
      );
      return;
    }
    let parsed: z.infer<typeof ackSchema>;
    try {
      parsed = ackSchema.parse(JSON.parse(data.toString()));
    } catch {
      protocolClose(client, CloseCode.policyViolation, "malformed-message", "expected an ack message");
      return;
    }
    deps
      .acknowledge(client.principal, parsed.alertId, parsed.by)
      .then((result) => sendMessage(client, parsed.requestId ? { ...result, requestId: parsed.requestId } : result))
      .catch((error: unknown) => {
        logger.error({ err: error }, "acknowledgement failed");
        sendMessage(client, { type: "ackResult", alertId: parsed.alertId, ok: false, error: "internal-error" });
      });
  }

  function onConnection(socket: WebSocket, principal: Principal, lastSeq: number | undefined): void {
    const client: Client = {
      id: nextClientId++,
      socket,
      principal,
      phase: "starting",
      startQueue: [],
      queue: new ReadingConflator(config.maxQueuedAlerts),
      cursor: 0,
      alive: true,
      windowStart: clock(),
      windowCount: 0,
    };
    clients.add(client);
    stats.connections = clients.size;
    stats.connectionsOpened += 1;
    socket.on("pong", () => {
      client.alive = true;
    });
    socket.on("message", (data, isBinary) => onMessage(client, data, isBinary));
    // ws closes by itself with 1009 (frame too big) or 1007 (invalid UTF-8); the error only needs logging.
    socket.on("error", (error) => logger.debug({ err: error, client: client.id }, "client socket error"));
    socket.on("close", () => {
      client.phase = "closed";
      clients.delete(client);
      stats.connections = clients.size;
      const count = (perToken.get(principal.tokenId) ?? 1) - 1;
      if (count <= 0) perToken.delete(principal.tokenId);
      else perToken.set(principal.tokenId, count);
    });
    start(client, lastSeq).catch((error: unknown) => {
      logger.error({ err: error, client: client.id }, "could not start a stream client");
      if (socket.readyState === WebSocket.OPEN) socket.close(CloseCode.internalError, "internal-error");
    });
  }

  return {
    handleUpgrade(request, socket, head) {
      socket.on("error", () => undefined);
      const url = new URL(request.url ?? "/", "http://localhost");
      if (url.pathname !== STREAM_PATH) return reject(socket, 404, "not-found", "no WebSocket endpoint here");
      if (closing) return reject(socket, 503, "shutting-down", "the service is shutting down", { "Retry-After": "5" });
      if (!access.originAllowed(request.headers.origin, request.headers.host)) {
        return reject(socket, 403, "origin-not-allowed", "this origin may not open the stream");
      }
      const offered = (request.headers["sec-websocket-protocol"] ?? "")
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean);
      const token = offered.find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX))?.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
      const principal = access.authenticate(token);
      if (!principal || !offered.includes(STREAM_SUBPROTOCOL)) {
        return reject(
          socket,
          401,
          "unauthorized",
          "a valid token is required (subprotocols fontaine.v1, token.<token>)",
        );
      }
      let lastSeq: number | undefined;
      const rawLastSeq = url.searchParams.get(LAST_SEQ_PARAM);
      if (rawLastSeq !== null) {
        if (!/^\d{1,15}$/.test(rawLastSeq)) {
          return reject(socket, 400, "invalid-last-seq", "lastSeq must be a non-negative integer");
        }
        lastSeq = Number(rawLastSeq);
      }
      if (clients.size >= config.maxConnections) {
        return reject(socket, 503, "too-many-connections", "connection limit reached", { "Retry-After": "10" });
      }
      const count = perToken.get(principal.tokenId) ?? 0;
      if (count >= config.maxConnectionsPerToken) {
        return reject(socket, 503, "too-many-connections", "connection limit for this token reached", {
          "Retry-After": "10",
        });
      }
      perToken.set(principal.tokenId, count + 1);
      wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws, principal, lastSeq));
    },

    publishEntry(entry, organisationId) {
      const message = entryMessage(entry);
      if (message.type === "reading") latest.set(`${message.fountainId}\u0000${message.sensor}`, message);
      if (message.type === "alert") {
        if (message.state === "cleared") activeAlerts.delete(message.alertId);
        else activeAlerts.set(message.alertId, message);
      }
      const key = message.type === "reading" ? `r\u0000${message.fountainId}\u0000${message.sensor}` : undefined;
      enqueue(message, { organisationId }, key, entry.seq);
    },

    publishStatus(status) {
      enqueue(status, { organisationId: null }, "status");
    },

    publishFountains() {
      const fountains = state.fountains();
      enqueue({ type: "fountains", fountains }, { organisationId: null, federationOnly: true }, "fountains:*");
      const byOrganisation = new Map<string, FountainView[]>();
      for (const fountain of fountains) {
        const list = byOrganisation.get(fountain.organisationId) ?? [];
        list.push(fountain);
        byOrganisation.set(fountain.organisationId, list);
      }
      for (const [organisationId, list] of byOrganisation) {
        enqueue(
          { type: "fountains", fountains: list },
          { organisationId, membersOnly: true },
          `fountains:${organisationId}`,
        );
      }
    },

    seedLatest(readings) {
      for (const reading of readings) {
        const key = `${reading.fountainId}\u0000${reading.sensor}`;
        const existing = latest.get(key);
        if (!existing || existing.seq < reading.seq) latest.set(key, reading);
      }
    },

    stats: () => ({ ...stats, upgradesRejected: { ...stats.upgradesRejected } }),

    clientStats: () =>
      [...clients].map((client) => ({
        id: client.id,
        organisationId: client.principal.organisationId,
        bufferedAmount: client.socket.bufferedAmount,
        queued: client.queue.size,
        maxQueued: client.queue.maxQueued,
        conflated: client.queue.conflated,
      })),

    async close() {
      closing = true;
      clearInterval(publishTimer);
      clearInterval(heartbeatTimer);
      publishTick();
      const closed = [...clients].map(
        (client) =>
          new Promise<void>((resolve) => {
            if (client.socket.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(() => {
              client.socket.terminate();
              resolve();
            }, 2_000);
            client.socket.once("close", () => {
              clearTimeout(timer);
              resolve();
            });
            client.socket.close(CloseCode.goingAway, "server shutting down");
          }),
      );
      await Promise.all(closed);
      wss.close();
    },
  };
}
