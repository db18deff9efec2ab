/** Reconnect delays: exponential growth with jitter so many browsers do not all retry at once. */
export interface BackoffOptions {
  /** First delay before jitter (ms). */
  initialMs: number;
  /** Ceiling of the delay (ms). */
  maxMs: number;
  /** Growth factor per failed attempt. */
  factor: number;
  /** Uniform random number in [0, 1); injectable for tests. */
  random: () => number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, random: Math.random };

/**
 * Delay before reconnect attempt number `attempt` (0 for the first retry): "equal jitter" —
 * half the exponential step is fixed, half is random — so delays grow but never collapse to zero.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = defaultBackoff): number {
  const step = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt));
  const half = step / 2;
  return Math.round(half + options.random() * half);
}
