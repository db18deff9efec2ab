import type { JsonRpcProvider } from "ethers";

/**
 * Caches chain reads until the chain moves: every entry is tagged with the head block it was read
 * at, and a head refreshed at most every `headTtlMs` invalidates older entries. Concurrent reads of
 * the same key share one RPC call.
 */
export class BlockCache {
  private head = -1;
  private headRead: Promise<number> | undefined;
  private headReadAt = 0;
  private readonly entries = new Map<string, { block: number; value: Promise<unknown> }>();
  private readonly resolved = new Map<string, { block: number; value: unknown }>();
  private generation = 0;

  constructor(
    private readonly provider: JsonRpcProvider,
    private readonly headTtlMs = 200,
    private readonly maxEntries = 50_000,
  ) {}

  /**
   * The latest block number, read at most every `headTtlMs`. Past half of it, a read starts in the background
   * while the current head is still answered: under steady traffic no request waits for the node (a head is
   * still never used longer than `headTtlMs` after it was read).
   */
  async blockNumber(): Promise<number> {
    const age = Date.now() - this.headReadAt;
    if (this.head >= 0 && age < this.headTtlMs) {
      if (age >= this.headTtlMs / 2 && !this.headRead) this.readHead().catch(() => undefined);
      return this.head;
    }
    return this.readHead();
  }

  private readHead(): Promise<number> {
    return (this.headRead ??= this.provider
      .getBlockNumber()
      .then((block) => {
        if (block !== this.head) this.invalidate();
        this.head = block;
        this.headReadAt = Date.now();
        return block;
      })
      .finally(() => {
        this.headRead = undefined;
      }));
  }

  /**
   * Tells the cache the head was just read elsewhere (e.g. by the indexer): a new head drops stale entries at once,
   * the same head counts as a fresh read (the cache then needs no reads of its own).
   */
  observeHead(block: number): void {
    if (block !== this.head) {
      this.invalidate();
      this.head = block;
    }
    this.headReadAt = Date.now();
  }

  /** A value stored with `put` at the current head, if the head has not moved (no RPC call). */
  peek<T>(key: string): T | undefined {
    const entry = this.resolved.get(key);
    if (!entry || entry.block !== this.head || Date.now() - this.headReadAt >= this.headTtlMs) return undefined;
    return entry.value as T;
  }

  /** Where the cache stands; take it before computing a value to `put`. */
  snapshot(): { block: number; generation: number } {
    return { block: this.head, generation: this.generation };
  }

  /**
   * Stores a value computed from reads started at `snapshot`; dropped when the head or the index moved
   * meanwhile (a value read before a revocation must never be served after it).
   */
  put(key: string, value: unknown, snapshot: { block: number; generation: number }): void {
    if (snapshot.block < 0 || snapshot.block !== this.head || snapshot.generation !== this.generation) return;
    if (this.resolved.size >= this.maxEntries) this.resolved.clear();
    this.resolved.set(key, { block: this.head, value });
  }

  /** Drops every entry now (e.g. the index moved without a new head). */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
    this.resolved.clear();
  }

  /** `read()` once per block per key. Failures are not cached. */
  async get<T>(key: string, read: () => Promise<T>): Promise<T> {
    const block = await this.blockNumber();
    const entry = this.entries.get(key);
    if (entry && entry.block === block) return entry.value as Promise<T>;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const generation = this.generation;
    const value = read();
    // An invalidation during the await above means `block` may be stale: do not share this read.
    if (generation === this.generation) this.entries.set(key, { block, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
