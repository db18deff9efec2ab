import { expect } from "chai";
import { mined, waitForReceipt } from "../../sdk/chain";
import { devAccount, startAnvil, type AnvilNode } from "../api/helpers/chain";

describe("sdk/chain waitForReceipt (anvil)", function () {
  this.timeout(60_000);
  let node: AnvilNode;

  before(async () => {
    node = await startAnvil();
  });
  after(async () => {
    await node?.stop();
  });

  it("should wait for a block that is mined later, and time out with the hash when none comes", async () => {
    const sender = devAccount(5, node.provider);
    const recipient = devAccount(6, node.provider).address;
    await node.rpc("evm_setAutomine", [false]);
    try {
      const sent = await sender.sendTransaction({ to: recipient, value: 1n, gasLimit: 21_000 });
      const late = await waitForReceipt(node.provider, sent.hash, { timeoutMs: 300 }).catch((error: Error) => error);
      expect(String(late)).to.contain(`transaction ${sent.hash} not mined after 300 ms`);
      const waiting = waitForReceipt(node.provider, sent.hash, { timeoutMs: 10_000 });
      await node.rpc("evm_mine");
      expect((await waiting).hash).to.equal(sent.hash);
    } finally {
      await node.rpc("evm_setAutomine", [true]);
    }
  });

  it("should throw when the transaction reverted", async () => {
    const sender = devAccount(7, node.provider);
    // A call into an address with code that reverts: deploy a contract whose constructor reverts.
    const failing = mined(sender.sendTransaction({ data: "0x60006000fd", gasLimit: 100_000 }));
    expect(String(await failing.catch((error: Error) => error))).to.match(/reverted \(block \d+\)/);
  });
});
