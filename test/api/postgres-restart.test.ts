import { expect } from "chai";
import type { HDNodeWallet } from "ethers";
import { claimDigest, newSalt } from "../../sdk/hashing";
import type { TypedData } from "../../sdk/eip712";
import { deployFederation, startAnvil, type AnvilNode, type Federation } from "./helpers/chain";
import { startPrivatePostgres, type PrivatePostgres } from "./helpers/postgres-server";
import { signTyped } from "./helpers/signing";
import { eventually, startStack, type ApiStack } from "./helpers/stack";

describe("api across a PostgreSQL server restart (a server of its own)", function () {
  this.timeout(300_000);
  let node: AnvilNode;
  let federation: Federation;
  let postgres: PrivatePostgres | null;
  let stack: ApiStack | undefined;

  before(async function () {
    postgres = await startPrivatePostgres();
    // Without the server binaries (a machine with no PostgreSQL installed) there is nothing to restart.
    if (!postgres) this.skip();
    node = await startAnvil();
    federation = await deployFederation(node);
    stack = await startStack({
      deployment: federation.fontaine.deployment,
      rpcUrl: node.url,
      suite: "pgrestart",
      env: { DATABASE_URL: postgres.url, DATABASE_SCHEMA: "api_pg_restart", INDEXER_MAX_BACKOFF_MS: "500" },
    });
  });
  after(async () => {
    await stack?.stop({ dropSchema: false }).catch(() => undefined);
    await node?.stop();
    postgres?.destroy();
  });

  async function signed(wallet: HDNodeWallet) {
    const digest = claimDigest({ claim: "restart", at: Date.now() }, newSalt());
    const prepared = await stack!.server.request("/v1/attestations/prepare", {
      method: "POST",
      json: { schema: federation.selfSchema, subject: federation.supplier.id, digest, signer: wallet.address },
    });
    expect(prepared.status, prepared.text).to.equal(200);
    const { typedData, uid } = prepared.body as { typedData: TypedData<"Attest">; uid: string };
    return {
      uid,
      body: { message: typedData.message, signer: wallet.address, signature: await signTyped(wallet, typedData) },
    };
  }

  const submit = (body: unknown) => stack!.server.request("/v1/attestations", { method: "POST", json: body });
  const statusOf = async (uid: string) =>
    ((await stack!.server.request(`/v1/attestations/${uid}`)).body as { status?: string }).status;

  it("should refuse writes it cannot store while the server is down, report it, and carry on after it restarts", async () => {
    const before = await signed(federation.supplier.key);
    expect((await submit(before.body)).status).to.equal(202);
    await eventually(async () => (await statusOf(before.uid)) === "VALID", 30_000, "anchored before the restart");
    // Prepared before the outage (preparing reads the database too).
    const during = await signed(federation.supplier.key);

    postgres!.stop();
    const refused = await submit(during.body);
    // Never a 202 for a job that could not be stored: the caller must retry.
    expect(refused.status).to.equal(503);
    expect(refused.headers.get("content-type")).to.contain("application/problem+json");
    expect(refused.text).not.to.match(/ECONNREFUSED|at \w+ \(|\/work\//);
    const ready = await eventually(
      async () => {
        const response = await stack!.server.request("/readyz");
        return response.status === 503 ? response : undefined;
      },
      30_000,
      "readyz failing on the database",
    );
    expect(JSON.stringify(ready.body)).to.match(/"database":\{"ok":false/);
    expect((await stack!.server.request("/healthz")).status).to.equal(200);

    postgres!.start();
    await eventually(
      async () => (await stack!.server.request("/readyz")).status === 200,
      60_000,
      "ready again after the restart",
    );
    // The same signed payload, retried, now goes through; and what was recorded before is still there.
    expect((await submit(during.body)).status).to.equal(202);
    await eventually(async () => (await statusOf(during.uid)) === "VALID", 60_000, "anchored after the restart");
    expect(await statusOf(before.uid)).to.equal("VALID");
    const after = await signed(federation.supplier.key);
    expect((await submit(after.body)).status).to.equal(202);
    await eventually(async () => (await statusOf(after.uid)) === "VALID", 60_000, "relayer and indexer running");
  });
});
