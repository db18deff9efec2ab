/**
 * Fontaine live telemetry stream, protocol version 1 (`fontaine.v1`).
 *
 * Shared by the telemetry hub (server) and the live view (browser): message types and tiny pure
 * helpers only — no Node imports. The normative description is `docs/telemetry/asyncapi.yaml`.
 *
 * Connection: `GET /v1/stream` upgraded to WebSocket.
 * - Auth happens before the handshake. The browser passes its organisation token as a second
 *   subprotocol: `new WebSocket(url, streamProtocols(token))` sends
 *   `Sec-WebSocket-Protocol: fontaine.v1, token.<token>`; the server answers `fontaine.v1`.
 *   Tokens are never put in the URL (URLs end up in logs and browser history).
 * - The `Origin` header must be in the service's allowlist (requests without Origin, from
 *   non-browser tools, are accepted when they carry a valid token).
 * - Resume: `?lastSeq=<n>` (the highest `seq` the client processed).
 *
 * Ordering and resume: `seq` is one persisted, strictly increasing counter for the whole service
 * (it survives restarts). Each client sees an increasing subsequence (other organisations'
 * messages are not visible, so holes in `seq` are normal). The first message is always a
 * `snapshot`; every later message that carries a `seq` has a larger one than the previous.
 * A client keeps `lastSeq` = the `seq` of the last message it processed (snapshot included) and
 * reconnects with it; the server then replays, from history, every reading/alert/gap it missed
 * (flagged `replay: true`) before live messages, without duplicates. When the replay is not
 * possible (too old, too large, or the server's history was reset) the snapshot says
 * `replay.complete: false` and the client should reload its charts over HTTP
 * (`GET /v1/fountains/:id/history`).
 *
 * Slow clients: when a client cannot keep up, readings are conflated to the latest value per
 * sensor; alert transitions and gaps are never dropped. A client too slow even for that is closed
 * with code 1013 and resumes by `lastSeq` when it reconnects.
 */

/** WebSocket path of the stream. */
export const STREAM_PATH = "/v1/stream";

/** Subprotocol negotiated by the server. */
export const STREAM_SUBPROTOCOL = "fontaine.v1";

/** Prefix of the subprotocol entry carrying the organisation token. */
export const TOKEN_SUBPROTOCOL_PREFIX = "token.";

/** Query parameter carrying the last processed `seq` on reconnect. */
export const LAST_SEQ_PARAM = "lastSeq";

/**
 * Tokens must be valid subprotocol tokens (RFC 6455 / RFC 9110 `token`): letters, digits and
 * `-._~`, 16 to 128 characters.
 */
export const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{16,128}$/;

/** Largest text frame a client may send (bytes); bigger frames close the socket with 1009. */
export const MAX_CLIENT_FRAME_BYTES = 4096;

/** Close codes used by the server. */
export const CloseCode = {
  normal: 1000,
  /** Server shutting down: reconnect with backoff and resume. */
  goingAway: 1001,
  /** Client sent invalid UTF-8. */
  invalidPayload: 1007,
  /** Client broke the protocol (message flood, malformed message). */
  policyViolation: 1008,
  /** Client frame larger than `MAX_CLIENT_FRAME_BYTES`. */
  messageTooBig: 1009,
  internalError: 1011,
  /** Client too slow even for conflation: reconnect with `lastSeq`. */
  tryAgainLater: 1013,
} as const;

export type ChocolateType = "dark" | "milk" | "white";
export type SensorPosition = "basin" | "tower" | "heater" | "motor";
export type SensorKind = "temperature" | "flow" | "heaterPower" | "motor";
/** Only `good` readings may be drawn as valid values. */
export type Quality = "good" | "uncertain" | "bad";
export type AlertKind =
  | "lowTemperature"
  | "highTemperatureWarning"
  | "highTemperature"
  | "flowStopped"
  | "sensorStuck"
  | "sensorOffline"
  | "badQuality";
export type AlertSeverity = "warning" | "alarm";
export type AlertState = "raised" | "cleared" | "acknowledged";
export type SourceState = "connecting" | "connected" | "reconnecting" | "stopped";

/** Temperature bands of a sensor (in the sensor's `unit`); any band may be absent. */
export interface SensorLimitsView {
  lowAlarm?: number;
  targetLow?: number;
  targetHigh?: number;
  highWarning?: number;
  highAlarm?: number;
}

export interface SensorView {
  sensor: string;
  kind: SensorKind;
  position: SensorPosition;
  /** Display unit after normalisation (°C, L/min, W, or "" for the motor state). */
  unit: string;
  /** Unit the source reported when it differs (e.g. °F converted to °C). */
  sourceUnit?: string;
  euRange?: { low: number; high: number };
  limits?: SensorLimitsView;
}

export interface FountainView {
  fountainId: string;
  organisationId: string;
  name: string;
  chocolate: ChocolateType;
  sensors: SensorView[];
}

export interface ReadingMessage {
  type: "reading";
  seq: number;
  fountainId: string;
  sensor: string;
  /** `null` when the source sent no usable number (NaN, Bad quality without value). */
  value: number | null;
  unit: string;
  quality: Quality;
  /** OPC UA source timestamp, ISO 8601 with milliseconds. */
  sourceTimestamp: string;
  /** When the gateway received it, ISO 8601. */
  receivedAt: string;
  /** Present on messages replayed from history after a reconnect. */
  replay?: true;
}

export interface AlertMessage {
  type: "alert";
  seq: number;
  alertId: string;
  fountainId: string;
  sensor: string;
  kind: AlertKind;
  severity: AlertSeverity;
  state: AlertState;
  value?: number;
  unit?: string;
  /** When the condition started, ISO 8601. */
  since: string;
  /** When this transition happened, ISO 8601. */
  at: string;
  acknowledgedBy?: string;
  replay?: true;
}

/** Readings of a fountain are missing between `from` and `to` (source outage, restart…). */
export interface GapMessage {
  type: "gap";
  seq: number;
  fountainId: string;
  source: string;
  from: string;
  to: string;
  reason: string;
  replay?: true;
}

/** State of the OPC UA source connection (not persisted, no `seq`). */
export interface StatusMessage {
  type: "status";
  state: SourceState;
  reconnections: number;
  /** Last data received from the source, ISO 8601, or null. */
  lastDataAt: string | null;
  at: string;
}

/** Fountain descriptions changed (rediscovery after reconnect, units read again); no `seq`. */
export interface FountainsMessage {
  type: "fountains";
  fountains: FountainView[];
}

export interface SnapshotMessage {
  type: "snapshot";
  /** Set `lastSeq` to this; later messages all have a larger `seq`. */
  seq: number;
  serverTime: string;
  /** Organisation of the token, or null for a federation-wide token. */
  organisationId: string | null;
  fountains: FountainView[];
  /** Latest reading per sensor (as of the server head, not replayed). */
  latest: Omit<ReadingMessage, "replay">[];
  /** Alerts currently raised or acknowledged-but-active. */
  alerts: AlertMessage[];
  status: StatusMessage;
  /** Present when the client asked to resume with `lastSeq`. */
  replay?: {
    fromSeq: number;
    /** Number of messages that follow with `replay: true`. */
    count: number;
    /** False: missed messages could not be replayed; reload history over HTTP. */
    complete: boolean;
  };
}

/** Answer to a client `ack`. */
export interface AckResultMessage {
  type: "ackResult";
  requestId?: string;
  alertId: string;
  ok: boolean;
  /** Stable error code when `ok` is false: `alert-not-found`, `not-active`. */
  error?: string;
}

/** Sent just before the server closes the socket for a protocol reason. */
export interface ErrorMessage {
  type: "error";
  code: string;
  message: string;
}

export type ServerMessage =
  | SnapshotMessage
  | ReadingMessage
  | AlertMessage
  | GapMessage
  | StatusMessage
  | FountainsMessage
  | AckResultMessage
  | ErrorMessage;

/** Acknowledge an alert of one of the client's fountains. */
export interface AckMessage {
  type: "ack";
  alertId: string;
  /** Who acknowledges (free text, at most 64 characters), recorded with the organisation. */
  by?: string;
  /** Echoed in the `ackResult`. */
  requestId?: string;
}

export type ClientMessage = AckMessage;

/** Messages carrying a `seq` (the ones a client tracks for resume). */
export type SequencedMessage = SnapshotMessage | ReadingMessage | AlertMessage | GapMessage;

/** Subprotocol list for `new WebSocket(url, protocols)`. */
export function streamProtocols(token: string): string[] {
  return [STREAM_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token];
}

/** Stream URL for an HTTP(S) base URL, with `lastSeq` when resuming. */
export function streamUrl(baseUrl: string, lastSeq?: number): string {
  const url = new URL(STREAM_PATH, baseUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  if (lastSeq !== undefined && lastSeq > 0) url.searchParams.set(LAST_SEQ_PARAM, String(lastSeq));
  return url.toString();
}

/** True for messages whose `seq` the client must remember for resume. */
export function isSequenced(message: ServerMessage): message is SequencedMessage {
  return (
    message.type === "snapshot" || message.type === "reading" || message.type === "alert" || message.type === "gap"
  );
}

/** Parses one server frame; returns undefined for anything that is not a known message. */
export function parseServerMessage(text: string): ServerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const type = (value as { type?: unknown }).type;
  switch (type) {
    case "snapshot":
    case "reading":
    case "alert":
    case "gap":
      return typeof (value as { seq?: unknown }).seq === "number" ? (value as ServerMessage) : undefined;
    case "status":
    case "fountains":
    case "ackResult":
    case "error":
      return value as ServerMessage;
    default:
      return undefined;
  }
}

/** True when a reading may be drawn as a valid value (good quality and a finite number). */
export function isDrawable(reading: Pick<ReadingMessage, "quality" | "value">): boolean {
  return reading.quality === "good" && typeof reading.value === "number" && Number.isFinite(reading.value);
}
