import {
  CloseCode,
  parseServerMessage,
  streamProtocols,
  streamUrl,
  type ClientMessage,
} from "../../sdk/telemetry/protocol";
import { backoffDelay, defaultBackoff, type BackoffOptions } from "./backoff";
import type { LiveStore } from "./live-store";

/**
 * idle: not started; connecting: socket opening; live: snapshot received, data flowing;
 * waiting: connection lost, next attempt scheduled; refused: the access code was rejected;
 * stopped: closed on purpose.
 */
export type ConnectionPhase = "idle" | "connecting" | "live" | "waiting" | "refused" | "stopped";

export interface ConnectionState {
  phase: ConnectionPhase;
  /** Failed attempts since the last successful snapshot. */
  attempt: number;
  /** Local time of the next attempt while `waiting`. */
  retryAt?: number;
  /** Local time the live data stopped (unset while live). */
  offlineSince?: number;
}

/** The browser's WebSocket constructor, or a compatible one (tests use the `ws` package). */
export type WebSocketFactory = new (url: string, protocols: string[]) => WebSocket;

/** What an HTTP check of the token says when the socket could not even open. */
export type AuthProbeResult = "ok" | "refused" | "unreachable";

export interface StreamConnectionOptions {
  /** Page URL; the stream is on the same host at `/v1/stream`. */
  baseUrl: string;
  token: string;
  store: LiveStore;
  WebSocketImpl?: WebSocketFactory;
  backoff?: BackoffOptions;
  now?: () => number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /**
   * Called when a socket closes without its handshake succeeding: from inside a browser a refused
   * upgrade looks the same as a server that is down, so the token is checked over HTTP.
   */
  probeAuth?: () => Promise<AuthProbeResult>;
  onState?: (state: ConnectionState) => void;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The text of a frame, whether it came as a text or a binary (UTF-8) frame. */
export function frameText(data: unknown): string | undefined {
  if (typeof data === "string") return data;
  try {
    if (data instanceof ArrayBuffer) return utf8.decode(data);
    if (ArrayBuffer.isView(data)) return utf8.decode(data);
  } catch {
    // Not UTF-8: not a protocol message.
  }
  return undefined;
}

/**
 * Keeps one live stream open: connects with the token as subprotocol, feeds every message to the
 * store, and after a drop reconnects with exponential backoff and jitter, resuming from the
 * store's `lastSeq` so nothing is missed and nothing is drawn twice.
 */
export class StreamConnection {
  private socket: WebSocket | undefined;
  private timer: unknown;
  private state: ConnectionState = { phase: "idle", attempt: 0 };
  private readonly WebSocketImpl: WebSocketFactory;
  private readonly backoff: BackoffOptions;
  private readonly now: () => number;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: StreamConnectionOptions) {
    this.WebSocketImpl = options.WebSocketImpl ?? WebSocket;
    this.backoff = options.backoff ?? defaultBackoff;
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  /** Current phase, attempt count and timings. */
  get current(): ConnectionState {
    return this.state;
  }

  /** Opens the stream (no-op if already started). */
  start(): void {
    if (this.state.phase !== "idle" && this.state.phase !== "stopped" && this.state.phase !== "refused") return;
    this.connect();
  }

  /** Closes the stream for good (until `start()` again). */
  stop(): void {
    this.cancelTimer();
    this.setState({ phase: "stopped", attempt: 0 });
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState <= 1) socket.close(CloseCode.normal);
  }

  /** Skips the remaining backoff delay (user pressed "retry", the browser came back online). */
  retryNow(): void {
    if (this.state.phase !== "waiting") return;
    this.cancelTimer();
    this.connect();
  }

  /** Sends a client message if the stream is open; returns false otherwise. */
  send(message: ClientMessage): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== 1 || this.state.phase !== "live") return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  /** Acknowledges an alert; returns false when offline (nothing sent). */
  acknowledge(alertId: string, by?: string): boolean {
    const sent = this.send({ type: "ack", alertId, ...(by ? { by } : {}), requestId: `ack-${this.now()}` });
    if (sent) this.options.store.markAckSent(alertId);
    return sent;
  }

  private connect(): void {
    const { store, baseUrl, token } = this.options;
    const url = streamUrl(baseUrl, store.lastSeq > 0 ? store.lastSeq : undefined);
    this.setState({ ...this.state, phase: "connecting", retryAt: undefined });
    let socket: WebSocket;
    try {
      socket = new this.WebSocketImpl(url, streamProtocols(token));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    // JSON may come in binary frames too (a server sending buffers): read those as UTF-8.
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket !== socket) return;
      const text = frameText(event.data);
      if (text === undefined) return;
      const message = parseServerMessage(text);
      if (!message) return;
      store.apply(message, this.now());
      if (message.type === "snapshot") {
        this.setState({ phase: "live", attempt: 0 });
      }
    };
    let opened = false;
    socket.onopen = () => {
      opened = true;
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.onDrop(opened);
    };
    // Errors are always followed by close; nothing to do here but keep the event handled.
    socket.onerror = () => undefined;
  }

  /** `opened`: the handshake had succeeded, so the token was accepted at least then. */
  private onDrop(opened: boolean): void {
    const { store, probeAuth } = this.options;
    store.markDisconnected(this.now());
    const offlineSince = this.state.offlineSince ?? this.now();
    this.state = { ...this.state, offlineSince };
    // A handshake refused for a bad or withdrawn code looks like a server that is down: ask over HTTP.
    if (!opened && probeAuth) {
      this.setState({ ...this.state, phase: "connecting" });
      void probeAuth().then(
        (result) => {
          if (this.state.phase === "stopped") return;
          if (result === "refused") this.setState({ phase: "refused", attempt: 0, offlineSince });
          else this.scheduleReconnect();
        },
        () => this.scheduleReconnect(),
      );
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.state.phase === "stopped") return;
    const delay = backoffDelay(this.state.attempt, this.backoff);
    this.cancelTimer();
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      this.connect();
    }, delay);
    this.setState({
      phase: "waiting",
      attempt: this.state.attempt + 1,
      retryAt: this.now() + delay,
      offlineSince: this.state.offlineSince ?? this.now(),
    });
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
  }

  private setState(next: ConnectionState): void {
    this.state = next;
    this.options.onState?.(next);
  }
}
