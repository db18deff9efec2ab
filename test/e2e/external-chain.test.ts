import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { DEV_MNEMONIC } from "../../api/config";
import { claimDigest, newSalt } from "../../sdk/hashing";
import { deployFederation, RELAYER_ACCOUNT, startAnvil, type AnvilNode, type Federation } from "../api/helpers/chain";
import { signTyped } from "../api/helpers/signing";
import type { TypedData } from "../../sdk/eip712";
import { freePort, listening, root, startStack, stopStack, type Stack } from "./helpers/npm-start";

async function json(url: string, init?: { method: string; body: unknown }): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: init?.method ?? "GET",
    headers: init ? { "content-type": "application/json" } : {},
    body: init ? JSON.stringify(init.body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("npm start against an external chain (RPC_URL + DEPLOYMENT)", function () {
  this.timeout(600_000);
  let node: AnvilNode;
  let federation: Federation;
  let dataDir: string;
  let deploymentFile: string;
  let stack: Stack | undefined;

  before(async () => {
    // The "external" network: a node this test runs itself, with the contracts deployed the operator's way.
    node = await startAnvil();
    federation = await deployFederation(node);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-external-"));
    deploymentFile = path.join(dataDir, "..", `${path.basename(dataDir)}-deployment.json`);
    fs.writeFileSync(deploymentFile, JSON.stringify(federation.fontaine.deployment, null, 2));
  });

  after(async () => {
    if (stack && stack.process.exitCode === null) await stopStack(stack);
    await node?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(deploymentFile, { force: true });
  });

  async function ports() {
    return {
      API_PORT: String(await freePort()),
      TELEMETRY_PORT: String(await freePort()),
      OPCUA_PORT: String(await freePort()),
      RPC_PORT: String(await freePort()),
    };
  }

  it("should refuse to start without the external chain's deployment file, naming DEPLOYMENT", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/start/start.ts")], {
      cwd: root,
      env: { ...process.env, ...(await ports()), DATA_DIR: dataDir, RPC_URL: node.url, CI: "true" },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).to.equal(1);
    expect(output).to.match(/cannot start: RPC_URL points at an external chain[^\n]*set DEPLOYMENT/);
    expect(fs.existsSync(path.join(dataDir, "deployment.json"))).to.equal(false);
  });

  it("should run the services on that chain without starting a local node or deploying, and relay through it", async () => {
    const env = {
      ...(await ports()),
      DATA_DIR: dataDir,
      RPC_URL: node.url,
      DEPLOYMENT: deploymentFile,
      RELAYER_MNEMONIC: DEV_MNEMONIC,
      RELAYER_ACCOUNT_INDEX: String(RELAYER_ACCOUNT),
    };
    const blockBefore = await node.provider.getBlockNumber();
    stack = await startStack(env, []);
    const api = `http://127.0.0.1:${env.API_PORT}`;
    expect(stack.output.join("")).to.contain(`external chain ${node.url}`);
    expect(await listening(Number(env.RPC_PORT))).to.equal(false);
    expect(fs.existsSync(path.join(dataDir, "chain"))).to.equal(false);
    // No deployment happened: the only blocks are the ones this test adds below.
    expect(await node.provider.getBlockNumber()).to.equal(blockBefore);

    await eventually(async () => (await json(`${api}/readyz`)).status === 200, "API ready on the external chain");
    const organisation = await eventually(async () => {
      const answer = await json(`${api}/v1/organisations/${federation.supplier.id}`);
      return answer.status === 200 ? answer.body : undefined;
    }, "the external chain's organisations indexed");
    expect(organisation).to.deep.include({ id: federation.supplier.id });

    const digest = claimDigest({ claim: "external chain" }, newSalt());
    const prepared = await json(`${api}/v1/attestations/prepare`, {
      method: "POST",
      body: {
        schema: federation.selfSchema,
        subject: federation.supplier.id,
        digest,
        signer: federation.supplier.key.address,
      },
    });
    expect(prepared.status).to.equal(200);
    const typed = (prepared.body as { typedData: TypedData<"Attest"> }).typedData;
    const submitted = await json(`${api}/v1/attestations`, {
      method: "POST",
      body: {
        message: typed.message,
        signer: federation.supplier.key.address,
        signature: await signTyped(federation.supplier.key, typed),
      },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(202);
    const uid = (submitted.body as { uid: string }).uid;
    await eventually(async () => {
      const answer = await json(`${api}/v1/attestations/${uid}`);
      return (answer.body as { status?: string }).status === "VALID";
    }, "the attestation recorded on the external chain");
    const registry = federation.fontaine.attestationRegistry;
    expect(await registry.queryFilter(registry.filters.Attested(uid))).to.have.length(1);

    const stopped = await stopStack(stack);
    expect(stopped.code).to.equal(0);
    expect(stopped.ms).to.be.below(10_000);
  });
});
