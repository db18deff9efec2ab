/** One serialised message on its way to clients. */
export interface Outgoing {
  /** Hub-wide publication order (every message has one, sequenced or not). */
  order: number;
  /** Stream sequence number, for messages that carry one. */
  seq?: number;
  /** Organisation whose clients may see it; null for everyone. */
  organisationId: string | null;
  /** Conflation key: messages with the same key supersede each other (latest reading per sensor, status). */
  key?: string;
  /** UTF-8 JSON, serialised and encoded once for every client (ws sends a Buffer without re-encoding it). */
  data: Buffer;
}

/**
 * What a slow client still has to receive: the latest message per key (readings per sensor,
 * source status) and every message without a key (alert transitions, gaps) — those are never
 * dropped. Memory is bounded by the number of visible sensors plus `maxUnkeyed`.
 */
export class ReadingConflator {
  private readonly latest = new Map<string, Outgoing>();
  private unkeyed: Outgoing[] = [];
  /** Keyed messages replaced by a newer one (readings the client will never see). */
  conflated = 0;
  maxQueued = 0;

  constructor(private readonly maxUnkeyed: number) {}

  get size(): number {
    return this.latest.size + this.unkeyed.length;
  }

  /** Queues a message; returns false when the unkeyed bound is exceeded (the client must go). */
  push(message: Outgoing): boolean {
    if (message.key !== undefined) {
      if (this.latest.delete(message.key)) this.conflated += 1;
      this.latest.set(message.key, message);
    } else {
      this.unkeyed.push(message);
      if (this.unkeyed.length > this.maxUnkeyed) return false;
    }
    if (this.size > this.maxQueued) this.maxQueued = this.size;
    return true;
  }

  /** Everything queued, in publication order, and empties the queue. */
  drain(): Outgoing[] {
    const all = [...this.unkeyed, ...this.latest.values()].sort((a, b) => a.order - b.order);
    this.latest.clear();
    this.unkeyed = [];
    return all;
  }
}
