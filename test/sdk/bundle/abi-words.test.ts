import { expect } from "chai";
import { AbiCoder, Interface, Result, ZeroHash, getAddress, hexlify, randomBytes, type ParamType } from "ethers";
import { checksummedAddress, staticEventDecoder, staticResultDecoder } from "../../../sdk/bundle/abi-words";
import { BUNDLE_READ_ABI, CachedInterface } from "../../../sdk/bundle/ethers-chain-reader";

const RUNS = 200;

/** A random 32-byte word, often with the shapes that matter: zero, all ones, small numbers, dirty high bits. */
function randomWord(): string {
  const pick = Math.random();
  if (pick < 0.15) return "0".repeat(64);
  if (pick < 0.25) return "f".repeat(64);
  if (pick < 0.45)
    return BigInt(Math.floor(Math.random() * 2 ** 40))
      .toString(16)
      .padStart(64, "0");
  if (pick < 0.6) return `${"0".repeat(24)}${hexlify(randomBytes(20)).slice(2)}`; // a clean address word
  const hex = hexlify(randomBytes(32)).slice(2);
  return Math.random() < 0.5 ? hex : hex.toUpperCase();
}

function wordsOf(params: readonly ParamType[]): number {
  return params.reduce((total, param) => total + (param.isTuple() ? wordsOf(param.components) : 1), 0);
}

/** ethers' answer, or the error it raises. */
function ethersDecode(decode: () => Result): { value?: unknown; error?: string } {
  try {
    return { value: plain(decode()) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** A Result as plain arrays and named objects, so deep equality also compares the names. */
function plain(value: unknown): unknown {
  if (!(value instanceof Result)) return value;
  const items = value.toArray().map(plain);
  let named: Record<string, unknown> = {};
  try {
    named = Object.fromEntries(Object.entries(value.toObject()).map(([key, item]) => [key, plain(item)]));
  } catch {
    // Unnamed values: positions only.
  }
  return { items, named };
}

describe("sdk/bundle abi-words (direct decoding of word-sized results and logs)", () => {
  for (const [contract, abi] of Object.entries(BUNDLE_READ_ABI)) {
    it(`should decode every ${contract} read result exactly as ethers' AbiCoder, or leave it to ethers`, () => {
      const reference = new Interface(abi);
      const cached = new CachedInterface(new Interface(abi));
      let direct = 0;
      reference.forEachFunction((fragment) => {
        const decoder = staticResultDecoder(fragment.outputs);
        expect(decoder, `${fragment.name} returns only word-sized values`).to.not.equal(null);
        const words = wordsOf(fragment.outputs);
        for (let run = 0; run < RUNS; run++) {
          // Exact length, and sometimes trailing words ethers ignores too.
          const extra = Math.random() < 0.2 ? 1 : 0;
          const data = `0x${Array.from({ length: words + extra }, randomWord).join("")}`;
          const expected = ethersDecode(() => AbiCoder.defaultAbiCoder().decode(fragment.outputs, data));
          const ours = decoder!(data);
          if (ours !== null) {
            direct += 1;
            expect(plain(ours), `${fragment.name}(${data})`).to.deep.equal(expected.value);
          } else {
            // Declined (an address word with high bits set): ethers refuses it too.
            expect(expected.error, `${fragment.name}(${data}) declined`).to.be.a("string");
          }
          // Through the reader's codec: the same value or the same error as ethers' Interface.
          const viaInterface = ethersDecode(() => reference.decodeFunctionResult(fragment, data));
          const viaCached = ethersDecode(() => cached.decodeFunctionResult(fragment.name, data));
          expect(viaCached.value, fragment.name).to.deep.equal(viaInterface.value);
          expect(Boolean(viaCached.error), fragment.name).to.equal(Boolean(viaInterface.error));
        }
      });
      expect(direct).to.be.greaterThan(0);
    });

    it(`should parse every ${contract} event exactly as ethers' Interface`, () => {
      const reference = new Interface(abi);
      const cached = new CachedInterface(new Interface(abi));
      let checked = 0;
      reference.forEachEvent((fragment) => {
        expect(staticEventDecoder(fragment.inputs), fragment.name).to.not.equal(null);
        const indexed = fragment.inputs.filter((input) => input.indexed);
        const nonIndexed = fragment.inputs.filter((input) => !input.indexed);
        for (let run = 0; run < RUNS; run++) {
          const topics = [fragment.topicHash, ...indexed.map(() => `0x${randomWord()}`)];
          const data = `0x${Array.from({ length: wordsOf(nonIndexed) }, randomWord).join("")}`;
          const expected = ethersDecode(() => reference.decodeEventLog(fragment, data, topics));
          // ethers defers a bad value's error to when it is read: compare what reading the arguments gives.
          const parsed = ethersDecode(() => {
            const log = cached.parseLog({ topics, data });
            expect(log?.name).to.equal(fragment.name);
            return log!.args;
          });
          expect(parsed.value, `${fragment.name} ${topics.join(",")} ${data}`).to.deep.equal(expected.value);
          expect(Boolean(parsed.error), `${fragment.name} ${topics.join(",")} ${data}`).to.equal(
            Boolean(expected.error),
          );
          checked += 1;
        }
      });
      if (contract !== "Federation" && contract !== "ERC1271") expect(checked).to.be.greaterThan(0);
    });
  }

  it("should leave short, odd-length or non-hex data to ethers", () => {
    const decoder = staticResultDecoder(
      new Interface(BUNDLE_READ_ABI.AttestationRegistry).getFunction("statusOf")!.outputs,
    );
    expect(decoder!("0x")).to.equal(null);
    expect(decoder!(`0x${"0".repeat(64)}`)).to.equal(null); // one word of two
    expect(decoder!(`0x${"0".repeat(127)}`)).to.equal(null);
    expect(decoder!(`0x${"z".repeat(128)}`)).to.equal(null);
    expect(plain(decoder!(`0x${"0".repeat(63)}2${"0".repeat(63)}1`))).to.deep.equal({
      items: [2n, true],
      named: { status: 2n, endorsed: true },
    });
  });

  it("should leave logs with missing topics or data to ethers, which refuses them", () => {
    const iface = new Interface(BUNDLE_READ_ABI.LotRegistry);
    const committed = iface.getEvent("LotCommitted")!;
    const decoder = staticEventDecoder(committed.inputs)!;
    expect(decoder([ZeroHash], `0x${"0".repeat(192)}`)).to.equal(null);
    expect(decoder([ZeroHash, ZeroHash], `0x${"0".repeat(128)}`)).to.equal(null);
    const cached = new CachedInterface(iface);
    expect(() => cached.parseLog({ topics: [committed.topicHash, ZeroHash], data: `0x${"0".repeat(192)}` })).to.throw();
  });

  it("should checksum addresses as getAddress does, the same answer when asked again, and refuse a bad checksum", () => {
    for (let run = 0; run < 200; run++) {
      const address = hexlify(randomBytes(20));
      for (const written of [address, address.toUpperCase().replace("0X", "0x"), getAddress(address)]) {
        expect(checksummedAddress(written)).to.equal(getAddress(written));
        expect(checksummedAddress(written)).to.equal(getAddress(written));
      }
    }
    const valid = getAddress(`0x${"ab".repeat(20)}`);
    const wrong = valid.replace(/[a-f]/, (letter) => letter.toUpperCase());
    expect(() => getAddress(wrong)).to.throw();
    expect(() => checksummedAddress(wrong)).to.throw();
    expect(() => checksummedAddress(wrong)).to.throw();
  });

  it("should not decode dynamic values (left to ethers)", () => {
    const iface = new Interface(["function f() view returns (bytes)", "function g() view returns (uint256[])"]);
    expect(staticResultDecoder(iface.getFunction("f")!.outputs)).to.equal(null);
    expect(staticResultDecoder(iface.getFunction("g")!.outputs)).to.equal(null);
  });
});
