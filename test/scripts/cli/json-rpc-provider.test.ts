import { expect } from "chai";
import { JsonRpcProvider, isError } from "ethers";
import { NodeJsonRpcProvider } from "../../../scripts/cli/json-rpc-provider";
import { startFontaineChain, type FontaineChain } from "../../sdk/bundle/helpers/chain";

describe("scripts/cli NodeJsonRpcProvider (the command line's JSON-RPC transport)", function () {
  this.timeout(120_000);
  let chain: FontaineChain;
  let provider: NodeJsonRpcProvider;

  before(async () => {
    chain = await startFontaineChain();
    provider = new NodeJsonRpcProvider(chain.url, chain.chainId, {
      staticNetwork: true,
      polling: false,
      cacheTimeout: -1,
      batchStallTime: 0,
    });
  });

  after(async () => {
    provider?.destroy();
    await chain?.stop();
  });

  it("should answer each of 250 calls of one tick (several batches) with its own result", async () => {
    const latest = await chain.provider.getBlockNumber();
    const blocks = Array.from({ length: 250 }, (_, index) => index % (latest + 1));
    const answers = (await Promise.all(
      blocks.map((block) => provider.send("eth_getBlockByNumber", [`0x${block.toString(16)}`, false])),
    )) as { number: string; hash: string }[];
    const reference = new JsonRpcProvider(chain.url, chain.chainId, { staticNetwork: true });
    try {
      for (const [index, block] of blocks.entries()) {
        expect(Number(answers[index]!.number)).to.equal(block);
        expect(answers[index]!.hash).to.equal((await reference.getBlock(block))!.hash);
      }
    } finally {
      reference.destroy();
    }
  });

  it("should turn a node's JSON-RPC error into ethers' error, as ethers' own provider does", async () => {
    const lotRegistry = chain.fontaine.deployment.contracts.LotRegistry.address;
    const call = { to: lotRegistry, data: "0xdeadbeef" }; // no such function: the registry reverts
    const ours = await provider.call(call).catch((error: unknown) => error);
    const reference = new JsonRpcProvider(chain.url, chain.chainId, { staticNetwork: true });
    try {
      const theirs = await reference.call(call).catch((error: unknown) => error);
      expect(isError(theirs, "CALL_EXCEPTION")).to.equal(true);
      expect(isError(ours, "CALL_EXCEPTION")).to.equal(true);
      const unknown = await provider.send("fontaine_noSuchMethod", []).catch((error: unknown) => error);
      expect(unknown).to.be.an("error");
      expect((unknown as Error).message).to.match(/method|not (found|supported)/i);
    } finally {
      reference.destroy();
    }
  });

  it("should refuse calls once destroyed", async () => {
    const destroyed = new NodeJsonRpcProvider(chain.url, chain.chainId, { staticNetwork: true });
    destroyed.destroy();
    const error = await destroyed.send("eth_chainId", []).catch((caught: unknown) => caught);
    expect(isError(error, "UNSUPPORTED_OPERATION")).to.equal(true);
  });
});
