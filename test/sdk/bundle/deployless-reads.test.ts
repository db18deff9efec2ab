import { expect } from "chai";
import { AbiCoder, concat, getAddress, hexlify, randomBytes } from "ethers";
import {
  DEPLOYLESS_READS_BYTECODE,
  decodeDeploylessReads,
  decodeResults,
  encodeCalls,
  encodeDeploylessReads,
  type StaticCall,
} from "../../../sdk/bundle/deployless-reads";

const coder = AbiCoder.defaultAbiCoder();

function randomAddress(): string {
  const address = getAddress(hexlify(randomBytes(20)));
  const pick = Math.random();
  return pick < 0.4 ? address : pick < 0.8 ? address.toLowerCase() : `0x${address.slice(2).toUpperCase()}`;
}

function randomData(): string {
  const length = [0, 4, 36, 68, 100, 31, 33, 197][Math.floor(Math.random() * 8)]!;
  const hex = hexlify(randomBytes(length));
  return Math.random() < 0.2 ? `0x${hex.slice(2).toUpperCase()}` : hex;
}

/** What the AbiCoder gives, or the error it raises. */
function outcome<T>(work: () => T): { value?: T; error?: boolean } {
  try {
    return { value: work() };
  } catch {
    return { error: true };
  }
}

function referenceDecode(output: string): { ok: boolean; data: string }[] {
  const [succeeded, results] = coder.decode(["bool[]", "bytes[]"], output) as unknown as [boolean[], string[]];
  return succeeded.map((ok, index) => ({ ok, data: results[index]! }));
}

describe("sdk/bundle DeploylessReads codec (word by word, as the AbiCoder)", () => {
  it("should encode calls exactly as AbiCoder.encode(address[], bytes[]) does", () => {
    for (let run = 0; run < 200; run++) {
      const calls: StaticCall[] = Array.from({ length: Math.floor(Math.random() * 160) }, () => ({
        to: randomAddress(),
        data: randomData(),
      }));
      const expected = concat([
        DEPLOYLESS_READS_BYTECODE,
        coder.encode(["address[]", "bytes[]"], [calls.map((call) => call.to), calls.map((call) => call.data)]),
      ]);
      expect(encodeDeploylessReads(calls)).to.equal(expected);
      expect(encodeCalls(calls), "encoded word by word").to.not.equal(null);
    }
  });

  it("should refuse what the AbiCoder refuses (a mixed-case address with a wrong checksum, odd hex)", () => {
    const address = getAddress(hexlify(randomBytes(20)));
    const letter = [...address].findIndex((char, index) => index > 1 && /[a-fA-F]/.test(char));
    const flipped =
      address[letter] === address[letter]!.toUpperCase()
        ? address[letter]!.toLowerCase()
        : address[letter]!.toUpperCase();
    const wrongChecksum = `${address.slice(0, letter)}${flipped}${address.slice(letter + 1)}`;
    expect(() => getAddress(wrongChecksum)).to.throw();
    for (const call of [
      { to: wrongChecksum, data: "0x" },
      { to: address, data: "0x123" },
      { to: "0x1234", data: "0x" },
    ]) {
      const ours = outcome(() => encodeDeploylessReads([call]));
      const theirs = outcome(() => coder.encode(["address[]", "bytes[]"], [[call.to], [call.data]]));
      expect(Boolean(ours.error), JSON.stringify(call)).to.equal(Boolean(theirs.error));
    }
  });

  it("should decode results exactly as AbiCoder.decode(bool[], bytes[]) does", () => {
    for (let run = 0; run < 200; run++) {
      const count = Math.floor(Math.random() * 160);
      const succeeded = Array.from({ length: count }, () => Math.random() < 0.8);
      const results = Array.from({ length: count }, () => randomData().toLowerCase());
      const output = coder.encode(["bool[]", "bytes[]"], [succeeded, results]);
      expect(decodeDeploylessReads(output)).to.deep.equal(referenceDecode(output));
      expect(decodeResults(output), "decoded word by word").to.not.equal(null);
    }
  });

  it("should give the AbiCoder's answer or error for outputs Solidity would not write", () => {
    const output = coder.encode(
      ["bool[]", "bytes[]"],
      [
        [true, false, true],
        ["0x1234", "0x", `0x${"ab".repeat(40)}`],
      ],
    );
    const hex = output.slice(2);
    const variants = [
      "0x",
      `0x${hex.slice(0, hex.length - 64)}`, // cut short
      `${output}${"00".repeat(32)}`, // a trailing word
      `0x${hex.slice(0, 64 * 3)}${"0".repeat(63)}2${hex.slice(64 * 4)}`, // a flag of 2
      `0x${hex.slice(0, 64 * 8)}${"0".repeat(62)}ff${hex.slice(64 * 9)}`, // a wrong element offset
      `0x${hex.slice(0, -2)}01`, // dirty padding
      `0x${"f".repeat(64)}${hex.slice(64)}`, // a huge head offset
    ];
    for (const variant of variants) {
      const ours = outcome(() => decodeDeploylessReads(variant));
      const theirs = outcome(() => referenceDecode(variant));
      expect(Boolean(ours.error), variant).to.equal(Boolean(theirs.error));
      if (!theirs.error) expect(ours.value, variant).to.deep.equal(theirs.value);
    }
  });
});
