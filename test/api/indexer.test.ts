import { expect } from "chai";
import { count, eq } from "drizzle-orm";
import { attestations, indexerCursor } from "../../api/db/schema";
import { mined } from "../../sdk/chain";
import { claimDigest, newSalt } from "../../sdk/hashing";
import { buildAttestTypedData, attestationRegistryDomain } from "../../sdk/eip712";
import { deployFederation, startAnvil, type AnvilNode, type Federation } from "./helpers/chain";
import { startRpcProxy } from "./helpers/rpc-proxy";
import { signTyped } from "./helpers/signing";
import { eventually, startStack, type ApiStack } from "./helpers/stack";

/** Anchors one attestation directly on chain (as another relayer would). */
async function attestOnChain(node: AnvilNode, federation: Federation): Promise<string> {
  const registryAddress = federation.fontaine.deployment.contracts.AttestationRegistry.address;
  const typed = buildAttestTypedData(attestationRegistryDomain(node.chainId, registryAddress), {
    schema: federation.selfSchema,
    subject: federation.supplier.id,
    digest: claimDigest({ n: Math.random() }, newSalt()),
    expiry: 0,
    nonce: BigInt(Math.floor(Math.random() * 1e15)),
    deadline: Math.floor(Date.now() / 1000) + 3600,
  });
  const signature = await signTyped(federation.supplier.key, typed);
  const m = typed.message;
  const registry = federation.fontaine.attestationRegistry.connect(federation.governor);
  const tx = await registry.attestBySig(
    { schema: m.schema, subject: m.subject, digest: m.digest, expiry: m.expiry, ref: m.ref, nonce: m.nonce },
    federation.supplier.key.address,
    m.deadline,
    signature,
  );
  const receipt = await mined(tx);
  const log = receipt.logs.find((entry) => entry.address === registryAddress)!;
  return log.topics[1]!.toLowerCase();
}

describe("api indexer (anvil + real database)", function () {
  this.timeout(240_000);
  let node: AnvilNode;
  let federation: Federation;

  beforeEach(async () => {
    node = await startAnvil();
    federation = await deployFederation(node);
  });
  afterEach(async () => {
    await node?.stop();
  });

  async function indexedCount(stack: ApiStack): Promise<number> {
    const [row] = await stack.service.database.db.select({ n: count() }).from(attestations);
    return row?.n ?? 0;
  }

  it("should roll back to the common ancestor after a reorg", async () => {
    const stack = await startStack({ deployment: federation.fontaine.deployment, rpcUrl: node.url, suite: "reorg" });
    try {
      const kept = await attestOnChain(node, federation);
      const snapshot = await node.rpc<string>("evm_snapshot");
      const orphaned = await attestOnChain(node, federation);
      await eventually(async () => (await indexedCount(stack)) === 2, 20_000, "both indexed");
      // Replace the orphaned block by a longer branch without it.
      await node.rpc("evm_revert", [snapshot]);
      await node.rpc("anvil_mine", ["0x3"]);
      await eventually(
        async () => {
          const rows = await stack.service.database.db.select({ uid: attestations.uid }).from(attestations);
          return rows.length === 1 && rows[0]!.uid === kept;
        },
        60_000,
        "orphaned attestation rolled back",
      ).catch((error: Error) => {
        throw new Error(`${error.message} ${JSON.stringify(stack.service.indexer.status())}`);
      });
      expectProblemStatus(await stack.server.request(`/v1/attestations/${orphaned}`), 404);
      const [cursor] = await stack.service.database.db.select().from(indexerCursor).where(eq(indexerCursor.id, "main"));
      const head = await node.provider.getBlock("latest");
      await eventually(
        async () => {
          const [now] = await stack.service.database.db
            .select()
            .from(indexerCursor)
            .where(eq(indexerCursor.id, "main"));
          return now?.blockHash === head?.hash?.toLowerCase();
        },
        60_000,
        "cursor on the new head",
      ).catch(async (error: Error) => {
        const [now] = await stack.service.database.db.select().from(indexerCursor).where(eq(indexerCursor.id, "main"));
        const latest = await node.provider.getBlock("latest");
        throw new Error(
          `${error.message}: head ${head?.number} ${head?.hash}, latest ${latest?.number} ${latest?.hash}, cursor ` +
            `${JSON.stringify(now)}, indexer ${JSON.stringify(stack.service.indexer.status())}`,
        );
      });
      expect(cursor).to.not.equal(undefined);
    } finally {
      await stack.stop();
    }
  });

  it("should halt with a clear error and a failing /readyz when the chain is reset under it", async () => {
    const stack = await startStack({
      deployment: federation.fontaine.deployment,
      rpcUrl: node.url,
      suite: "reset",
      env: { INDEXER_MAX_BACKOFF_MS: "500" },
    });
    try {
      await eventually(async () => (await stack.server.request("/readyz")).status === 200, 60_000, "ready");
      await eventually(async () => (stack.service.indexer.status().cursorBlock ?? 0) > 0, 60_000, "indexed");
      // Same port, same chain id, fresh genesis: a reset development node.
      const port = node.port;
      await node.stop();
      const { spawn } = await import("node:child_process");
      const { anvilBinary } = await import("../../scripts/start/chain-node");
      const fresh = spawn(
        anvilBinary(),
        ["--port", String(port), "--chain-id", String(node.chainId), "--silent", "--timestamp", "1700000000"],
        {
          stdio: "ignore",
        },
      );
      try {
        await node.provider.destroy();
        const readiness = await eventually(
          async () => {
            const response = await stack.server.request("/readyz");
            return response.status === 503 && JSON.stringify(response.body).includes("genesis") ? response : undefined;
          },
          60_000,
          "readyz failing with a genesis error",
        ).catch((error: Error) => {
          throw new Error(`${error.message} ${JSON.stringify(stack.service.indexer.status())}`);
        });
        const indexer = (readiness.body as { checks: Record<string, { ok: boolean; detail?: string }> }).checks
          .indexer!;
        expect(indexer.ok).to.equal(false);
        expect(indexer.detail).to.match(/genesis .* chain was reset/);
        expect(stack.service.indexer.status().halted).to.be.a("string");
      } finally {
        fresh.kill("SIGKILL");
      }
    } finally {
      await stack.stop();
    }
  });

  it("should split log ranges the node refuses and back off while the node is down, reporting the lag", async () => {
    for (let i = 0; i < 6; i++) await attestOnChain(node, federation);
    const proxy = await startRpcProxy(node.url);
    proxy.faults.maxLogRange = 3;
    const stack = await startStack({
      deployment: federation.fontaine.deployment,
      rpcUrl: proxy.url,
      suite: "split",
      env: { INDEXER_MAX_BLOCK_RANGE: "1000", INDEXER_MAX_BACKOFF_MS: "400" },
    });
    try {
      await eventually(async () => (await indexedCount(stack)) === 6, 30_000, "all six indexed through split ranges");
      expect(proxy.faults.refusedLogRanges).to.be.greaterThan(0);

      proxy.faults.down = true;
      await attestOnChain(node, federation);
      await attestOnChain(node, federation);
      const failing = await eventually(
        async () => {
          // The indexer check may fail first (backoff); wait until the chain check itself reports the outage.
          const response = await stack.server.request("/readyz");
          return response.status === 503 && /"chain":\{"ok":false/.test(JSON.stringify(response.body))
            ? response
            : undefined;
        },
        30_000,
        "readyz failing on the chain check while the node is down",
      );
      expect(JSON.stringify(failing.body)).to.match(/"chain":\{"ok":false/);
      proxy.faults.down = false;
      await eventually(async () => (await indexedCount(stack)) === 8, 30_000, "caught up after the outage");
      const ready = await eventually(
        async () => {
          const response = await stack.server.request("/readyz");
          return response.status === 200 ? response : undefined;
        },
        30_000,
        "ready again",
      );
      expect((ready.body as { checks: { indexer: { lagBlocks: number } } }).checks.indexer.lagBlocks).to.equal(0);
      const metrics = await stack.server.request("/metrics");
      expect(metrics.text).to.match(/fontaine_api_indexer_lag_blocks 0/);
    } finally {
      await stack.stop();
      await proxy.close();
    }
  });
});

function expectProblemStatus(response: { status: number }, status: number) {
  expect(response.status).to.equal(status);
}
