import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { sql } from "drizzle-orm";
import { Wallet, type HDNodeWallet } from "ethers";
import { mined } from "../../sdk/chain";
import { buildSignedBatch, type SignedBatchRequest, type SignedBatchTree } from "../../sdk/merkle";
import { fileDigest, newSalt, reasonCode, schemaDefinitionBytes, schemaId } from "../../sdk/hashing";
import { AttestationPolicy } from "../../sdk/status";
import type { TypedData } from "../../sdk/eip712";
import type { SignedBatchState } from "../../sdk/api-client";
import { deployFederation, startAnvil, type AnvilNode, type Federation } from "./helpers/chain";
import { expectProblem } from "./helpers/http";
import { signTyped } from "./helpers/signing";
import { eventually, startStack, type ApiStack } from "./helpers/stack";
import { createLot, signedIn } from "./helpers/lots";

interface Leaf {
  subject: string;
  digest: string;
  expiry: string;
  nonce: string;
}

describe("api signed batches: one signature over many attestations (anvil + real database)", function () {
  this.timeout(300_000);
  let node: AnvilNode;
  let federation: Federation;
  let stack: ApiStack;

  before(async () => {
    node = await startAnvil();
    federation = await deployFederation(node);
    stack = await startStack({ deployment: federation.fontaine.deployment, rpcUrl: node.url, suite: "batches" });
  });
  after(async () => {
    await stack?.stop();
    await node?.stop();
  });

  const request = (url: string, init?: RequestInit & { json?: unknown }) => stack.server.request(url, init);

  async function chainTime(): Promise<number> {
    return (await node.provider.getBlock("latest"))!.timestamp;
  }

  function leavesOf(count: number, expiry = "0"): Leaf[] {
    return Array.from({ length: count }, (_, index) => ({
      subject: federation.supplier.id,
      digest: fileDigest(new TextEncoder().encode(`certificate ${index} ${newSalt()}`)).toLowerCase(),
      expiry,
      nonce: BigInt(newSalt()).toString(),
    }));
  }

  /** The tree, typed data and one signature of `leaves` under `schema` by `key`. */
  async function signBatch(key: HDNodeWallet | Wallet, schema: string, leaves: Leaf[]) {
    const tree = buildSignedBatch(
      leaves.map((leaf): SignedBatchRequest => ({ ...leaf, schema })),
      key.address,
    );
    const prepared = await request("/v1/batches/prepare", {
      method: "POST",
      json: { root: tree.root, count: tree.count },
    });
    expect(prepared.status, prepared.text).to.equal(200);
    const typedData = (prepared.body as { typedData: TypedData<"SignedBatch"> }).typedData;
    const signature = await signTyped(key, typedData);
    return {
      tree,
      typedData,
      signature,
      body: { message: typedData.message, signer: key.address, signature, schema, leaves },
    };
  }

  async function recorded(root: string): Promise<SignedBatchState> {
    return eventually(
      async () => {
        const response = await request(`/v1/batches/${root}`);
        const body = response.body as SignedBatchState;
        if (body.state === "failed") throw new Error(`batch failed: ${body.error}`);
        return response.status === 200 && body.state === "recorded" ? body : undefined;
      },
      30_000,
      `batch ${root} recorded`,
    );
  }

  it("should accept 300 certificates signed once, record them, and verify each by digest", async () => {
    const expiry = String((await chainTime()) + 30 * 86400);
    const leaves = leavesOf(300, expiry);
    const { tree, body } = await signBatch(federation.certifier.key, federation.certifiedSchema, leaves);
    const accepted = await request("/v1/batches", { method: "POST", json: body });
    expect(accepted.status, accepted.text).to.equal(202);
    expect(accepted.headers.get("location")).to.equal(`/v1/batches/${tree.root}`);
    const state = accepted.body as SignedBatchState;
    expect([state.state, state.count, state.attester, state.uids]).to.deep.equal([
      "stored",
      300,
      federation.certifier.id,
      tree.leaves.map((leaf) => leaf.uid),
    ]);

    const done = await recorded(tree.root);
    expect(done.txHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(done.blockNumber).to.be.a("number");
    const onChain = await federation.fontaine.attestationRegistry.signedBatch(tree.root);
    expect([onChain.signer, Number(onChain.count)]).to.deep.equal([federation.certifier.key.address, 300]);

    for (const index of [0, 150, 299]) {
      const verified = await request("/v1/verify", { method: "POST", json: { digest: leaves[index]!.digest } });
      expect(verified.status, verified.text).to.equal(200);
      const verdict = verified.body as {
        verdict: string;
        attestations: Array<{ uid: string; status: string; attester: string; expiresAt: number; batchRoot: string }>;
      };
      expect(verdict.verdict).to.equal("VALID");
      expect(verdict.attestations.map((a) => [a.uid, a.status, a.attester, a.expiresAt, a.batchRoot])).to.deep.equal([
        [tree.leaves[index]!.uid, "VALID", federation.certifier.id, Number(expiry), tree.root],
      ]);
    }
    const single = await request(`/v1/attestations/${tree.leaves[7]!.uid}`);
    expect(single.status, single.text).to.equal(200);
    expect((single.body as { status: string; digest: string }).status).to.equal("VALID");
    expect((single.body as { digest: string }).digest).to.equal(leaves[7]!.digest);

    // The same signed batch again: 409, nothing queued twice.
    expectProblem(await request("/v1/batches", { method: "POST", json: body }), 409, "already-submitted");
  });

  it("should apply the schema's default validity from the recording block", async () => {
    const definition = { name: "yearly-audit", labels: { fr: "Audit", nl: "Audit", en: "Audit" }, nonce: newSalt() };
    const registry = federation.fontaine.attestationRegistry.connect(federation.governor);
    await mined(registry.registerSchema(schemaDefinitionBytes(definition), AttestationPolicy.SELF_DECLARATION, 86_400));
    const schema = schemaId(definition).toLowerCase();
    const leaves = leavesOf(2);
    const { tree, body } = await signBatch(federation.supplier.key, schema, leaves);
    expect((await request("/v1/batches", { method: "POST", json: body })).status).to.equal(202);
    const done = await recorded(tree.root);
    const blockTime = (await node.provider.getBlock(done.blockNumber!))!.timestamp;
    const verified = await eventually(async () => {
      const response = await request("/v1/verify", { method: "POST", json: { digest: leaves[1]!.digest } });
      return (response.body as { verdict: string }).verdict === "VALID"
        ? (response.body as { attestations: Array<{ expiresAt: number }> })
        : undefined;
    });
    expect(verified.attestations.map((a) => a.expiresAt)).to.deep.equal([blockTime + 86_400]);
  });

  it("should disclose a signed-batch attestation in a lot's bundle, which anyone then verifies", async () => {
    const leaves = leavesOf(5);
    const { tree, body } = await signBatch(federation.certifier.key, federation.certifiedSchema, leaves);
    expect((await request("/v1/batches", { method: "POST", json: body })).status).to.equal(202);
    await recorded(tree.root);
    const supplier = await signedIn(stack, federation.supplier.key);
    try {
      const lotId = await createLot(stack, supplier, federation.supplier.key, {
        product: "Cocoa beans",
        quantity: "120",
        unit: "kg",
        attestations: [tree.leaves[3]!.uid],
      });
      const bundled = await supplier.request(`/v1/lots/${lotId}/bundle`, { method: "POST" });
      expect(bundled.status, bundled.text).to.equal(200);
      const disclosed = (bundled.body as { attestations: Array<{ uid: string; signedBatch?: { root: string } }> })
        .attestations;
      expect(disclosed.map((item) => [item.uid, item.signedBatch?.root])).to.deep.equal([
        [tree.leaves[3]!.uid, tree.root],
      ]);
      const verified = await request("/v1/bundles/verify", { method: "POST", json: bundled.body });
      expect(verified.status, verified.text).to.equal(200);
      const verdict = verified.body as { ok: boolean; attestations: Array<{ kind: string; status: string }> };
      expect([verdict.ok, verdict.attestations.map((a) => [a.kind, a.status])]).to.deep.equal([
        true,
        [["batch", "VALID"]],
      ]);
    } finally {
      await supplier.close();
    }
  });

  it("should show a revoked leaf as REVOKED with its reason, the other leaves still VALID", async () => {
    const leaves = leavesOf(3);
    const { tree, body } = await signBatch(federation.supplier.key, federation.selfSchema, leaves);
    expect((await request("/v1/batches", { method: "POST", json: body })).status).to.equal(202);
    await recorded(tree.root);
    const registry = federation.fontaine.attestationRegistry.connect(federation.supplier.key);
    const reason = reasonCode("CERTIFICATE_WITHDRAWN");
    const requestOf = (index: number) => ({
      ...leaves[index]!,
      schema: federation.selfSchema,
      ref: `0x${"00".repeat(32)}`,
    });
    await mined(registry.revokeSignedLeaf(tree.root, requestOf(1), tree.leaves[1]!.proof, reason));
    const revoked = await eventually(async () => {
      const response = await request("/v1/verify", { method: "POST", json: { digest: leaves[1]!.digest } });
      const verdict = response.body as {
        verdict: string;
        attestations: Array<{ status: string; revocation: { reason: string } | null; expiresAt: number }>;
      };
      return verdict.attestations[0]?.revocation ? verdict : undefined;
    });
    expect(revoked.verdict).to.equal("NOT_VALID");
    expect(revoked.attestations.map((a) => [a.status, a.revocation?.reason, a.expiresAt])).to.deep.equal([
      ["REVOKED", "CERTIFICATE_WITHDRAWN", 0],
    ]);
    const other = await request("/v1/verify", { method: "POST", json: { digest: leaves[2]!.digest } });
    expect((other.body as { verdict: string }).verdict).to.equal("VALID");
  });

  it("should refuse batches that do not make the signed root, bad counts, rows and keys, each with a clear error", async () => {
    const leaves = leavesOf(4);
    const { body, typedData } = await signBatch(federation.certifier.key, federation.certifiedSchema, leaves);
    const swapped = { ...body, leaves: [...leaves.slice(1), { ...leaves[0]!, subject: federation.otherSupplier.id }] };
    expectProblem(await request("/v1/batches", { method: "POST", json: swapped }), 422, "root-mismatch");
    const fewer = await request("/v1/batches", { method: "POST", json: { ...body, leaves: leaves.slice(1) } });
    expectProblem(fewer, 400, "invalid-request");
    expect(JSON.stringify(fewer.body)).to.contain("body.message.count");
    const repeated = [...leaves.slice(0, 3), leaves[1]!];
    const duplicate = await request("/v1/batches", { method: "POST", json: { ...body, leaves: repeated } });
    expectProblem(duplicate, 400, "invalid-request");
    expect(JSON.stringify(duplicate.body)).to.contain("body.leaves.3");
    const past = leaves.map((leaf, index) => (index === 2 ? { ...leaf, expiry: "1000" } : leaf));
    const expired = await request("/v1/batches", { method: "POST", json: { ...body, leaves: past } });
    expectProblem(expired, 400, "invalid-request");
    expect(JSON.stringify(expired.body)).to.contain("body.leaves.2.expiry");
    const otherKey = { ...body, signature: await signTyped(federation.supplier.key, typedData) };
    expect((await request("/v1/batches", { method: "POST", json: otherKey })).status).to.equal(401);

    // A supplier may not sign certifier-only attestations, even in bulk.
    const bySupplier = await signBatch(federation.supplier.key, federation.certifiedSchema, leavesOf(2));
    expect((await request("/v1/batches", { method: "POST", json: bySupplier.body })).status).to.equal(403);
    const unknown = await signBatch(federation.certifier.key, newSalt(), leavesOf(2));
    expectProblem(await request("/v1/batches", { method: "POST", json: unknown.body }), 422, "unknown-schema");
    const stranger = Wallet.createRandom();
    const byStranger = await signBatch(stranger, federation.selfSchema, leavesOf(2));
    expect((await request("/v1/batches", { method: "POST", json: byStranger.body })).status).to.equal(403);

    expectProblem(await request(`/v1/batches/${newSalt()}`), 404, "batch-not-found");
    const badPrepare = await request("/v1/batches/prepare", { method: "POST", json: { root: newSalt(), count: 0 } });
    expectProblem(badPrepare, 400, "invalid-request");
  });

  /** A funded key of no organisation: anyone may send a signed batch's signature. */
  async function outsider(): Promise<HDNodeWallet> {
    const wallet = Wallet.createRandom().connect(node.provider);
    await mined(federation.governor.sendTransaction({ to: wallet.address, value: 10n ** 17n }));
    return wallet;
  }

  /** Sends `anchorSignedBatch` for `typedData` signed by `signer` from an outsider, not through the API. */
  async function anchorElsewhere(typedData: TypedData<"SignedBatch">, signer: string, signature: string) {
    const m = typedData.message;
    return mined(
      federation.fontaine.attestationRegistry
        .connect(await outsider())
        .anchorSignedBatch(m.root, m.count, signer, m.nonce, m.deadline, signature),
    );
  }

  it("should index the leaves of a root its signer recorded on chain before they reached the API", async () => {
    const expiry = String((await chainTime()) + 30 * 86400);
    const leaves = leavesOf(12, expiry);
    const { tree, typedData, signature, body } = await signBatch(
      federation.certifier.key,
      federation.certifiedSchema,
      leaves,
    );
    const receipt = await anchorElsewhere(typedData, federation.certifier.key.address, signature);
    await eventually(
      async () => (stack.service.indexer.status().cursorBlock ?? 0) >= receipt.blockNumber,
      30_000,
      `indexer past block ${receipt.blockNumber}`,
    );
    // The indexer saw the event without leaves: nothing verifies yet.
    const before = await request("/v1/verify", { method: "POST", json: { digest: leaves[4]!.digest } });
    expect((before.body as { verdict: string }).verdict).to.not.equal("VALID");

    const accepted = await request("/v1/batches", { method: "POST", json: body });
    expect(accepted.status, accepted.text).to.equal(202);
    expect(accepted.headers.get("location")).to.equal(`/v1/batches/${tree.root}`);
    const state = accepted.body as SignedBatchState;
    expect([state.state, state.count, state.attester, state.txHash, state.blockNumber, state.uids]).to.deep.equal([
      "recorded",
      12,
      federation.certifier.id,
      receipt.hash.toLowerCase(),
      receipt.blockNumber,
      tree.leaves.map((leaf) => leaf.uid),
    ]);
    expect(((await request(`/v1/batches/${tree.root}`)).body as SignedBatchState).state).to.equal("recorded");

    for (const index of [0, 4, 11]) {
      const verified = await request("/v1/verify", { method: "POST", json: { digest: leaves[index]!.digest } });
      expect(verified.status, verified.text).to.equal(200);
      const verdict = verified.body as {
        verdict: string;
        attestations: Array<{ uid: string; status: string; attester: string; expiresAt: number; batchRoot: string }>;
      };
      expect(verdict.verdict).to.equal("VALID");
      expect(verdict.attestations.map((a) => [a.uid, a.status, a.attester, a.expiresAt, a.batchRoot])).to.deep.equal([
        [tree.leaves[index]!.uid, "VALID", federation.certifier.id, Number(expiry), tree.root],
      ]);
    }
    const single = await request(`/v1/attestations/${tree.leaves[7]!.uid}`);
    expect(single.status, single.text).to.equal(200);
    expect((single.body as { status: string }).status).to.equal("VALID");

    // The same leaves again: refused as before, nothing stored or indexed twice; the relayer sends nothing.
    expectProblem(await request("/v1/batches", { method: "POST", json: body }), 409, "already-submitted");
    const db = stack.service.database.db;
    const counts = (await db.execute(sql`
        select (select count(*)::int from signed_batch_leaves where root = ${tree.root}) as leaves,
               (select count(*)::int from attestations where batch_root = ${tree.root}) as indexed,
               (select count(*)::int from relay_jobs where uid = ${tree.root} and status = 'anchored'
                                                      and transaction_id is null) as jobs`)) as unknown as {
      rows: unknown[];
    };
    expect(counts.rows).to.deep.equal([{ leaves: 12, indexed: 12, jobs: 1 }]);
  });

  it("should refuse the leaves of a root another key recorded on chain", async () => {
    const leaves = leavesOf(3);
    const mine = await signBatch(federation.supplier.key, federation.selfSchema, leaves);
    // The certifier's key signs the supplier's root (any key may sign any root) and someone sends it.
    const prepared = await request("/v1/batches/prepare", {
      method: "POST",
      json: { root: mine.tree.root, count: mine.tree.count },
    });
    const theirs = (prepared.body as { typedData: TypedData<"SignedBatch"> }).typedData;
    const signature = await signTyped(federation.certifier.key, theirs);
    const receipt = await anchorElsewhere(theirs, federation.certifier.key.address, signature);
    await eventually(
      async () => (stack.service.indexer.status().cursorBlock ?? 0) >= receipt.blockNumber,
      30_000,
      `indexer past block ${receipt.blockNumber}`,
    );
    expectProblem(await request("/v1/batches", { method: "POST", json: mine.body }), 409, "already-recorded");
    expectProblem(await request(`/v1/batches/${mine.tree.root}`), 404, "batch-not-found");
    const verified = await request("/v1/verify", { method: "POST", json: { digest: leaves[0]!.digest } });
    expect((verified.body as { verdict: string }).verdict).to.not.equal("VALID");
  });

  it("should index the leaves of a root recorded elsewhere when the indexer reaches its block after they arrive", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "fontaine-batches-"));
    const start = (background: boolean) =>
      startStack({
        deployment: federation.fontaine.deployment,
        rpcUrl: node.url,
        suite: "batches-late-index",
        background,
        env: process.env.DATABASE_URL
          ? { DATABASE_SCHEMA: `api_batches_late_index_${process.pid}` }
          : { DATA_DIR: dataDir },
      });
    // No indexer or relayer in this one: it only stores.
    let offline: ApiStack | undefined = await start(false);
    let online: ApiStack | undefined;
    try {
      const leaves = leavesOf(6);
      const tree = buildSignedBatch(
        leaves.map((leaf) => ({ ...leaf, schema: federation.selfSchema })),
        federation.supplier.key.address,
      );
      const prepared = await offline.server.request("/v1/batches/prepare", {
        method: "POST",
        json: { root: tree.root, count: tree.count },
      });
      const typedData = (prepared.body as { typedData: TypedData<"SignedBatch"> }).typedData;
      const signature = await signTyped(federation.supplier.key, typedData);
      await anchorElsewhere(typedData, federation.supplier.key.address, signature);
      const body = {
        message: typedData.message,
        signer: federation.supplier.key.address,
        signature,
        schema: federation.selfSchema,
        leaves,
      };
      const accepted = await offline.server.request("/v1/batches", { method: "POST", json: body });
      expect(accepted.status, accepted.text).to.equal(202);
      expect((accepted.body as SignedBatchState).state).to.equal("recording");
      await offline.stop({ dropSchema: false });
      offline = undefined;

      online = await start(true);
      const done = await eventually(async () => {
        const response = await online!.server.request(`/v1/batches/${tree.root}`);
        const state = response.body as SignedBatchState;
        return state.state === "recorded" ? state : undefined;
      }, 30_000);
      expect(done.count).to.equal(6);
      const verified = await online.server.request("/v1/verify", {
        method: "POST",
        json: { digest: leaves[5]!.digest },
      });
      const verdict = verified.body as { verdict: string; attestations: Array<{ uid: string; attester: string }> };
      expect([verdict.verdict, verdict.attestations.map((a) => [a.uid, a.attester])]).to.deep.equal([
        "VALID",
        [[tree.leaves[5]!.uid, federation.supplier.id]],
      ]);
    } finally {
      await offline?.stop({ dropSchema: false });
      await online?.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("should keep an accepted batch across a restart and settle it when someone else recorded it first", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "fontaine-batches-"));
    const start = (background: boolean) =>
      startStack({
        deployment: federation.fontaine.deployment,
        rpcUrl: node.url,
        suite: "batches-restart",
        background,
        // The same database both times: a folder for PGlite, a fixed schema on PostgreSQL.
        env: process.env.DATABASE_URL
          ? { DATABASE_SCHEMA: `api_batches_restart_${process.pid}` }
          : { DATA_DIR: dataDir },
      });
    let offline: ApiStack | undefined = await start(false);
    let online: ApiStack | undefined;
    try {
      const leaves = leavesOf(20);
      const tree: SignedBatchTree = buildSignedBatch(
        leaves.map((leaf) => ({ ...leaf, schema: federation.selfSchema })),
        federation.supplier.key.address,
      );
      const prepared = await offline.server.request("/v1/batches/prepare", {
        method: "POST",
        json: { root: tree.root, count: tree.count },
      });
      const typedData = (prepared.body as { typedData: TypedData<"SignedBatch"> }).typedData;
      const signature = await signTyped(federation.supplier.key, typedData);
      const body = {
        message: typedData.message,
        signer: federation.supplier.key.address,
        signature,
        schema: federation.selfSchema,
        leaves,
      };
      const accepted = await offline.server.request("/v1/batches", { method: "POST", json: body });
      expect(accepted.status, accepted.text).to.equal(202);
      await offline.stop({ dropSchema: false });
      offline = undefined;

      // Someone else sends the same signature to the chain while this API is down.
      const outsider = Wallet.createRandom().connect(node.provider);
      await mined(federation.governor.sendTransaction({ to: outsider.address, value: 10n ** 17n }));
      const m = typedData.message;
      await mined(
        federation.fontaine.attestationRegistry
          .connect(outsider)
          .anchorSignedBatch(m.root, m.count, federation.supplier.key.address, m.nonce, m.deadline, signature),
      );

      online = await start(true);
      const done = await eventually(async () => {
        const response = await online!.server.request(`/v1/batches/${tree.root}`);
        const state = response.body as SignedBatchState;
        return state.state === "recorded" ? state : undefined;
      }, 30_000);
      expect(done.count).to.equal(20);
      const verified = await online.server.request("/v1/verify", {
        method: "POST",
        json: { digest: leaves[19]!.digest },
      });
      expect((verified.body as { verdict: string }).verdict).to.equal("VALID");
    } finally {
      await offline?.stop({ dropSchema: false });
      await online?.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  // Last in this file: these take blocks off the shared node's chain.
  describe("after a reorg takes the record off the chain", () => {
    /** Replaces every block after `snapshot` by a longer branch without them. */
    async function reorgTo(snapshot: string): Promise<void> {
      await node.rpc("evm_revert", [snapshot]);
      await node.rpc("anvil_mine", ["0x3"]);
    }

    async function recordedAgain(root: string, unlike: SignedBatchState): Promise<SignedBatchState> {
      return eventually(
        async () => {
          const state = (await request(`/v1/batches/${root}`)).body as SignedBatchState;
          if (state.state === "failed") throw new Error(`batch failed: ${state.error}`);
          return state.state === "recorded" && state.blockNumber !== unlike.blockNumber ? state : undefined;
        },
        60_000,
        `batch ${root} recorded again`,
      );
    }

    async function expectRecordedOnce(root: string, signer: string, digest: string): Promise<void> {
      const registry = federation.fontaine.attestationRegistry;
      const events = await registry.queryFilter(registry.filters.SignedBatchAnchored(root), 0, "latest");
      expect(events).to.have.length(1);
      expect((await registry.signedBatch(root)).signer).to.equal(signer);
      const verified = await request("/v1/verify", { method: "POST", json: { digest } });
      expect((verified.body as { verdict: string }).verdict).to.equal("VALID");
    }

    it("should broadcast the same transaction again when the API's own record is taken off", async () => {
      const leaves = leavesOf(5);
      const { tree, body } = await signBatch(federation.supplier.key, federation.selfSchema, leaves);
      const snapshot = await node.rpc<string>("evm_snapshot");
      const accepted = await request("/v1/batches", { method: "POST", json: body });
      expect(accepted.status, accepted.text).to.equal(202);
      const first = await recorded(tree.root);

      await reorgTo(snapshot);
      const again = await recordedAgain(tree.root, first);
      // The same signed bytes (same nonce, same hash): never a second transaction.
      expect(again.txHash).to.equal(first.txHash);
      await expectRecordedOnce(tree.root, federation.supplier.key.address, leaves[3]!.digest);
    });

    it("should send a batch itself when the record someone else made is taken off", async () => {
      const leaves = leavesOf(4);
      const { tree, typedData, signature, body } = await signBatch(
        federation.certifier.key,
        federation.certifiedSchema,
        leaves,
      );
      const snapshot = await node.rpc<string>("evm_snapshot");
      const receipt = await anchorElsewhere(typedData, federation.certifier.key.address, signature);
      await eventually(
        async () => (stack.service.indexer.status().cursorBlock ?? 0) >= receipt.blockNumber,
        30_000,
        `indexer past block ${receipt.blockNumber}`,
      );
      const accepted = await request("/v1/batches", { method: "POST", json: body });
      expect(accepted.status, accepted.text).to.equal(202);
      const first = accepted.body as SignedBatchState;
      expect([first.state, first.txHash]).to.deep.equal(["recorded", receipt.hash.toLowerCase()]);

      await reorgTo(snapshot);
      const again = await recordedAgain(tree.root, first);
      expect(again.txHash).to.not.equal(first.txHash);
      await expectRecordedOnce(tree.root, federation.certifier.key.address, leaves[2]!.digest);
    });
  });
});
