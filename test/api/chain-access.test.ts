import { expect } from "chai";
import { parseDeployment } from "../../sdk/deployment";
import { deployFederation, startAnvil, type AnvilNode, type Federation } from "./helpers/chain";
import { expectProblem } from "./helpers/http";
import { startStack, type ApiStack } from "./helpers/stack";

// The pages verify bundles against the chain themselves: through this proxy, with the addresses of /v1/deployment
// (never those of a bundle).
describe("api chain access for the pages (POST /v1/rpc, GET /v1/deployment; anvil)", function () {
  this.timeout(120_000);
  let node: AnvilNode;
  let federation: Federation;
  let stack: ApiStack;

  before(async () => {
    node = await startAnvil();
    federation = await deployFederation(node);
    stack = await startStack({
      deployment: federation.fontaine.deployment,
      rpcUrl: node.url,
      suite: "rpcproxy",
      background: false,
    });
  });
  after(async () => {
    await stack?.stop();
    await node?.stop();
  });

  const rpc = (body: unknown) => stack.server.request("/v1/rpc", { method: "POST", json: body });

  it("should forward allow-listed reads to the node", async () => {
    const chainId = await rpc({ jsonrpc: "2.0", id: 1, method: "eth_chainId" });
    expect(chainId.status, chainId.text).to.equal(200);
    expect(chainId.body).to.deep.equal({ jsonrpc: "2.0", id: 1, result: `0x${node.chainId.toString(16)}` });
    const code = await rpc({
      jsonrpc: "2.0",
      id: "code",
      method: "eth_getCode",
      params: [federation.fontaine.deployment.contracts.Federation.address, "latest"],
    });
    expect((code.body as { result: string }).result).to.match(/^0x[0-9a-f]{100,}$/);
  });

  it("should pass the node's own JSON-RPC errors through", async () => {
    const bad = await rpc({ jsonrpc: "2.0", id: 2, method: "eth_getBlockByNumber", params: ["not-a-block", false] });
    expect(bad.status).to.equal(200);
    expect((bad.body as { error: { code: number } }).error.code).to.be.a("number");
  });

  it("should refuse writes, signing, accounts, filters, batches and oversized params with 400", async () => {
    for (const method of [
      "eth_sendRawTransaction",
      "eth_sendTransaction",
      "eth_accounts",
      "eth_newFilter",
      "anvil_mine",
    ]) {
      expectProblem(await rpc({ jsonrpc: "2.0", id: 3, method, params: [] }), 400, "invalid-request");
    }
    expectProblem(await rpc([{ jsonrpc: "2.0", id: 1, method: "eth_chainId" }]), 400, "invalid-request");
    expectProblem(
      await rpc({ jsonrpc: "2.0", id: 4, method: "eth_call", params: [{}, "latest", {}, {}, {}] }),
      400,
      "invalid-request",
    );
    expectProblem(await rpc({ jsonrpc: "2.0", id: 5, method: "eth_chainId", extra: 1 }), 400, "invalid-request");
  });

  it("should answer the deployment the API runs against, publicly, as a valid deployment file", async () => {
    const answer = await stack.server.request("/v1/deployment");
    expect(answer.status, answer.text).to.equal(200);
    const deployment = parseDeployment(answer.body);
    expect(deployment).to.deep.equal(parseDeployment(federation.fontaine.deployment));
    expect(deployment.chainId).to.equal(node.chainId);
    const openApi = (await stack.server.request("/openapi.json")).body as { paths: Record<string, unknown> };
    expect(openApi.paths).to.have.property("/v1/deployment");
  });
});
