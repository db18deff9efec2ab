import { expect } from "chai";
import type { HDNodeWallet } from "ethers";
import { claimDigest, newSalt } from "../../sdk/hashing";
import type { TypedData } from "../../sdk/eip712";
import { deployFederation, startAnvil, type AnvilNode, type Federation } from "./helpers/chain";
import { startPrivatePostgres, type PrivatePostgres } from "./helpers/postgres-server";
import { signTyped } from "./helpers/signing";
import { eventually, startStack, type ApiStack } from "./helpers/stack";

describe("api: two instances on one PostgreSQL database (a server of its own)", function () {
  this.timeout(300_000);
  let node: AnvilNode;
  let federation: Federation;
  let postgres: PrivatePostgres | null;
  const stacks: ApiStack[] = [];

  before(async function () {
    postgres = await startPrivatePostgres();
    if (!postgres) this.skip();
    node = await startAnvil();
    federation = await deployFederation(node);
  });
  after(async () => {
    for (const stack of stacks) await stack.stop({ dropSchema: false }).catch(() => undefined);
    await node?.stop();
    postgres?.destroy();
  });

  const start = async () => {
    const stack = await startStack({
      deployment: federation.fontaine.deployment,
      rpcUrl: node.url,
      suite: "instances",
      env: { DATABASE_URL: postgres!.url, DATABASE_SCHEMA: "api_instances" },
    });
    stacks.push(stack);
    return stack;
  };

  async function attestThrough(stack: ApiStack, wallet: HDNodeWallet): Promise<string> {
    const digest = claimDigest({ claim: "instances", at: Date.now(), r: Math.random() }, newSalt());
    const prepared = await stack.server.request("/v1/attestations/prepare", {
      method: "POST",
      json: { schema: federation.selfSchema, subject: federation.supplier.id, digest, signer: wallet.address },
    });
    const { typedData, uid } = prepared.body as { typedData: TypedData<"Attest">; uid: string };
    const submitted = await stack.server.request("/v1/attestations", {
      method: "POST",
      json: { message: typedData.message, signer: wallet.address, signature: await signTyped(wallet, typedData) },
    });
    expect(submitted.status, submitted.text).to.equal(202);
    return uid;
  }

  const valid = (stack: ApiStack, uid: string) =>
    eventually(
      async () =>
        ((await stack.server.request(`/v1/attestations/${uid}`)).body as { status?: string }).status === "VALID",
      60_000,
      `attestation ${uid} recorded`,
    );

  it("should let one instance relay and index while the other serves, and hand over when the leader stops", async () => {
    const first = await start();
    await eventually(async () => first.service.leadership?.isLeader(), 20_000, "the first instance leading");
    const second = await start();
    // The second stays on standby (the lock is held), yet is ready and accepts signed work.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(second.service.leadership?.isLeader()).to.equal(false);
    const ready = await second.server.request("/readyz");
    expect(ready.status, JSON.stringify(ready.body)).to.equal(200);
    expect(JSON.stringify(ready.body)).to.contain("standby");

    const viaSecond = await Promise.all([0, 1, 2].map(() => attestThrough(second, federation.supplier.key)));
    for (const uid of viaSecond) await valid(second, uid);

    await first.stop({ dropSchema: false });
    stacks.splice(stacks.indexOf(first), 1);
    await eventually(async () => second.service.leadership?.isLeader(), 20_000, "the second instance taking over");
    const afterHandover = await attestThrough(second, federation.supplier.key);
    await valid(second, afterHandover);

    // Every attestation recorded exactly once: never two relayers at the same time.
    const registry = federation.fontaine.attestationRegistry;
    for (const uid of [...viaSecond, afterHandover]) {
      expect(await registry.queryFilter(registry.filters.Attested(uid))).to.have.length(1);
    }
  });
});
