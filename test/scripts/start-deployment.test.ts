import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { chainErrorMessage } from "../../sdk/chain";
import { ensureLocalDeployment } from "../../scripts/start/deployment";
import { startAnvil, type AnvilNode } from "../api/helpers/chain";

// `npm start` deploys the contracts on its own chain once; when that fails the person starting it must read one
// clear line, not the kilobytes of call data ethers puts in its error.
describe("npm start's local deployment (anvil)", function () {
  this.timeout(60_000);
  let folder: string;
  const nodes: AnvilNode[] = [];

  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-deploy-"));
  });
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.stop()));
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it("should deploy once, write the file, then find the same contracts again", async () => {
    const node = await startAnvil();
    nodes.push(node);
    const file = path.join(folder, "deployment.json");
    const first = await ensureLocalDeployment({ rpcUrl: node.url, file, log: () => undefined });
    expect(first.created).to.equal(true);
    const again = await ensureLocalDeployment({ rpcUrl: node.url, file, log: () => undefined });
    expect(again.created).to.equal(false);
    expect(again.contracts).to.deep.equal(first.contracts);
  });

  it("should explain a failed deployment in one short line and write no deployment file", async () => {
    // The deployer has no funds on this chain: the node refuses the first transaction.
    const node = await startAnvil({ args: ["--balance", "0"] });
    nodes.push(node);
    const file = path.join(folder, "deployment.json");
    const failure = await ensureLocalDeployment({ rpcUrl: node.url, file, log: () => undefined }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(failure).to.be.instanceOf(Error);
    const message = chainErrorMessage(failure, 600);
    expect(message).to.match(/^deploying the contracts failed: insufficient funds/);
    expect(message).to.not.match(/0x[0-9a-f]{200}/i);
    expect(message.length).to.be.below(600);
    expect(message.split("\n")).to.have.length(1);
    // The full ethers error stays available to whoever debugs it.
    expect(String((failure?.cause as Error).message)).to.match(/0x[0-9a-f]{200}/i);
    expect(fs.existsSync(file)).to.equal(false);
  });

  it("should refuse a deployment file of another chain with the mismatch named, keeping the file", async () => {
    const first = await startAnvil();
    nodes.push(first);
    const file = path.join(folder, "deployment.json");
    await ensureLocalDeployment({ rpcUrl: first.url, file, log: () => undefined });
    const other = await startAnvil({ chainId: 31_998 });
    nodes.push(other);
    const failure = await ensureLocalDeployment({ rpcUrl: other.url, file, log: () => undefined }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).to.equal("chain id mismatch: node is 31998, deployment is 31999");
    expect(fs.existsSync(file)).to.equal(true);
  });
});
