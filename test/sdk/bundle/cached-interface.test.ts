import { expect } from "chai";
import { Interface, ParamType, Wallet, hexlify, randomBytes } from "ethers";
import { BUNDLE_READ_ABI, CachedInterface } from "../../../sdk/bundle/ethers-chain-reader";

/** Random arguments for an ABI type (the read ABIs use elementary types, arrays of them and bytes). */
function sample(param: ParamType): unknown {
  if (param.isTuple()) return param.components.map((component) => sample(component));
  if (param.isArray()) {
    return Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => sample(param.arrayChildren));
  }
  const type = param.type;
  if (type === "bytes32") return hexlify(randomBytes(32));
  if (type === "address") return Wallet.createRandom().address;
  if (type === "bytes") return hexlify(randomBytes(65));
  if (type === "bool") return Math.random() < 0.5;
  const uint = /^uint(\d+)?$/.exec(type);
  if (uint) {
    const bits = Number(uint[1] ?? 256);
    const edge = [0n, (1n << BigInt(bits)) - 1n, BigInt(Math.floor(Math.random() * 1e9))];
    return edge[Math.floor(Math.random() * edge.length)];
  }
  throw new Error(`no sample for ${type}`);
}

describe("sdk/bundle CachedInterface (the reader's ABI codec)", () => {
  for (const [contract, abi] of Object.entries(BUNDLE_READ_ABI)) {
    it(`should encode every ${contract} read exactly as ethers' Interface does`, () => {
      const reference = new Interface(abi);
      const cached = new CachedInterface(new Interface(abi));
      let checked = 0;
      reference.forEachFunction((fragment) => {
        for (let run = 0; run < 50; run++) {
          const args = fragment.inputs.map((input) => sample(input));
          expect(cached.encodeFunctionData(fragment.name, args)).to.equal(reference.encodeFunctionData(fragment, args));
          checked += 1;
        }
      });
      expect(checked).to.be.greaterThan(0);
    });
  }

  it("should leave out-of-range numbers to ethers' own checks", () => {
    const cached = new CachedInterface(new Interface(["function f(uint8 x) view returns (bool)"]));
    expect(() => cached.encodeFunctionData("f", [256n])).to.throw();
    expect(() => cached.encodeFunctionData("f", [-1n])).to.throw();
  });
});
