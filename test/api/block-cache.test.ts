import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { BlockCache } from "../../api/chain/block-cache";
import { startAnvil, type AnvilNode } from "./helpers/chain";

const TTL_MS = 2_000;

/** Waits for `condition`, calling it every 20 ms (no fixed sleeps: the machine may be busy). */
async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("api/chain BlockCache: the head, read ahead and refreshed by the indexer", function () {
  this.timeout(60_000);
  let node: AnvilNode;
  let provider: JsonRpcProvider;
  let headReads = 0;

  before(async () => {
    node = await startAnvil({ chainId: 31_996 });
    provider = new JsonRpcProvider(node.url, node.chainId, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
    void provider.on("debug", (event: { action?: string; payload?: { method?: string } }) => {
      if (event.action === "sendRpcPayload" && event.payload?.method === "eth_blockNumber") headReads++;
    });
  });
  after(async () => {
    provider.destroy();
    await node.stop();
  });

  it("should read the head once per lifetime, count the indexer's reads as fresh, and read ahead in the background", async () => {
    const cache = new BlockCache(provider, TTL_MS);
    const first = await cache.blockNumber();
    const readsAfterFirst = headReads;
    expect(readsAfterFirst).to.be.greaterThan(0);
    for (let i = 0; i < 50; i++) expect(await cache.blockNumber()).to.equal(first);
    expect(headReads, "no read while the head is fresh").to.equal(readsAfterFirst);

    // The indexer reads the head every 100 ms and tells the cache: for longer than a lifetime, the cache reads nothing.
    const observedUntil = Date.now() + 2 * TTL_MS;
    let observedAt = 0;
    while (Date.now() < observedUntil) {
      cache.observeHead(first);
      observedAt = Date.now();
      expect(await cache.blockNumber()).to.equal(first);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(headReads, "the indexer's reads count as fresh").to.equal(readsAfterFirst);

    // Without it, past half the lifetime: the current head is answered at once while a read starts in the
    // background; its answer (a block mined meanwhile) is served next, before the lifetime is over.
    await provider.send("evm_mine", []);
    await until(() => Date.now() - observedAt >= TTL_MS / 2 + 50);
    expect(await cache.blockNumber(), "answered without waiting for the read").to.equal(first);
    expect(Date.now() - observedAt, "still within the head's lifetime").to.be.lessThan(TTL_MS);
    await until(() => headReads === readsAfterFirst + 1);
    expect(Date.now() - observedAt, "the read started before the head's lifetime was over").to.be.lessThan(TTL_MS);
    await until(async () => (await cache.blockNumber()) === first + 1);
    expect(headReads, "one read").to.equal(readsAfterFirst + 1);
  });

  it("should answer a stale head only through a new read", async () => {
    await provider.send("evm_mine", []);
    const cache = new BlockCache(provider, TTL_MS);
    const first = await cache.blockNumber();
    cache.observeHead(first - 1);
    // A different head observed: entries are dropped and that head is served while fresh.
    expect(await cache.blockNumber()).to.equal(first - 1);
    await provider.send("evm_mine", []);
    // Once the lifetime is over, the next answer waits for a read: it is the mined block, never the old head.
    await until(async () => (await cache.blockNumber()) === first + 1);
  });
});
