import { TOKEN_PATTERN } from "../../sdk/telemetry/protocol";
import type { AuthProbeResult } from "./stream-connection";
import type { SeriesPoint } from "./series";

const tokenStorageKey = "fontaine.live.token";
const nameStorageKey = "fontaine.live.name";

/** True when `token` has the shape the service accepts (checked before any connection). */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage disabled: the value lasts for this visit only.
  }
}

/**
 * The access code to start with. A link may carry it in the fragment (`#token=…`), which browsers
 * never send to servers; it is then remembered on this device and removed from the address bar.
 */
export function takeInitialToken(): string | null {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
  const fromLink = fragment.get("token");
  if (fromLink && isWellFormedToken(fromLink)) {
    write(tokenStorageKey, fromLink);
    fragment.delete("token");
    const rest = fragment.toString();
    history.replaceState(null, "", `${location.pathname}${location.search}${rest ? `#${rest}` : ""}`);
    return fromLink;
  }
  const stored = read(tokenStorageKey);
  return stored && isWellFormedToken(stored) ? stored : null;
}

/** Remembers (or forgets, with null) the access code on this device. */
export function rememberToken(token: string | null): void {
  write(tokenStorageKey, token);
}

/** The name recorded with acknowledgements, remembered on this device. */
export function rememberedName(): string {
  return read(nameStorageKey) ?? "";
}

export function rememberName(name: string): void {
  write(nameStorageKey, name.trim() ? name.trim() : null);
}

/**
 * Asks the service over HTTP whether the token is accepted: inside a browser a WebSocket refused
 * with 401 looks exactly like a server that is down.
 */
export async function probeToken(baseUrl: string, token: string): Promise<AuthProbeResult> {
  try {
    const response = await fetch(new URL("/v1/fountains", baseUrl), {
      headers: { Authorization: `Bearer ${token}` },
      cache: "no-store",
      // A server that swallows packets must not hold the reconnection loop.
      signal: AbortSignal.timeout(5_000),
    });
    if (response.status === 401 || response.status === 403) return "refused";
    return "ok";
  } catch {
    return "unreachable";
  }
}

interface HistoryReadingJson {
  sensor?: unknown;
  value?: unknown;
  quality?: unknown;
  sourceTimestamp?: unknown;
}

function toMs(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string") return Date.parse(value);
  return Number.NaN;
}

/**
 * A fountain's readings over [from, to] as chart points per sensor, from
 * `GET /v1/fountains/:id/history`. Non-good readings become holes, like live ones.
 */
export async function loadFountainHistory(
  baseUrl: string,
  token: string,
  fountainId: string,
  from: number,
  to: number,
): Promise<Map<string, SeriesPoint[]>> {
  const url = new URL(`/v1/fountains/${encodeURIComponent(fountainId)}/history`, baseUrl);
  url.searchParams.set("from", new Date(from).toISOString());
  url.searchParams.set("to", new Date(to).toISOString());
  const response = await fetch(url, {
    headers: { Authorization: `Bearer ${token}` },
    cache: "no-store",
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) throw new Error(`history: HTTP ${response.status}`);
  const body = (await response.json()) as {
    readings?: HistoryReadingJson[];
    gaps?: { from?: unknown; to?: unknown }[];
  };
  const bySensor = new Map<string, SeriesPoint[]>();
  for (const reading of body.readings ?? []) {
    const t = toMs(reading.sourceTimestamp);
    if (typeof reading.sensor !== "string" || !Number.isFinite(t)) continue;
    const drawable = reading.quality === "good" && typeof reading.value === "number" && Number.isFinite(reading.value);
    const points = bySensor.get(reading.sensor) ?? [];
    points.push({ t, value: drawable ? (reading.value as number) : null });
    bySensor.set(reading.sensor, points);
  }
  for (const gap of body.gaps ?? []) {
    const gapFrom = toMs(gap.from);
    const gapTo = toMs(gap.to);
    if (!Number.isFinite(gapFrom) || !Number.isFinite(gapTo)) continue;
    for (const points of bySensor.values()) points.push({ t: Math.round((gapFrom + gapTo) / 2), value: null });
  }
  return bySensor;
}
