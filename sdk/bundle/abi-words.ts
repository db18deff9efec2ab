/**
 * Decoding of ABI values held in fixed 32-byte words (uintN, bool, address, bytesN and tuples of them): everything the
 * bundle reader's view calls return and its events carry. ethers' AbiCoder builds coder objects, readers and byte
 * copies on every call, which showed in cold verifications (a fresh `fontaine verify-bundle` process decodes hundreds
 * of results once each). The values are ethers' own (`Result`, bigint, checksummed address, lower-case bytes);
 * test/sdk/bundle/abi-words.test.ts compares them with ethers' decoder for every read and event of the reader.
 * Anything else (dynamic types, short data, an address word with high bits set) returns null: the caller then asks
 * ethers, which decodes it or raises its usual error. Pure, Node and browsers.
 */
import { Result, getAddress, type ParamType } from "ethers";

/** Decodes the word at index `at` (and following ones for a tuple) of `hex` (no 0x prefix). */
type WordReader = (hex: string, at: number) => unknown;

interface StaticCodec {
  words: number;
  read: WordReader;
}

/** Thrown inside a decoder for a value ethers would refuse or read differently; turned into null. */
const UNDECODABLE = Symbol("undecodable");

const ZERO_HIGH_BYTES = "0".repeat(24);

// Addresses as read → their checksummed form: the answers of one verification name the same few keys over and over
// (a lot's committer, the recovered signer of each signature), and each checksum is a keccak. Bounded.
const checksummedAddresses = new Map<string, string>();

/** `getAddress(address)` (checksummed; throws as it does for an invalid address), memoised. */
export function checksummedAddress(address: string): string {
  let known = checksummedAddresses.get(address);
  if (known === undefined) {
    known = getAddress(address);
    if (checksummedAddresses.size >= 1024) checksummedAddresses.clear();
    checksummedAddresses.set(address, known);
  }
  return known;
}

function codecOf(param: ParamType): StaticCodec | null {
  if (param.isTuple()) {
    const components = param.components.map(codecOf);
    if (components.some((codec) => codec === null)) return null;
    const codecs = components as StaticCodec[];
    const names = param.components.map((component) => component.name || null);
    return {
      words: codecs.reduce((total, codec) => total + codec.words, 0),
      read: (hex, at) => Result.fromItems(readAll(codecs, hex, at), names),
    };
  }
  if (param.isArray()) return null;
  const type = param.type;
  if (type === "bool") return { words: 1, read: (hex, at) => !/^0*$/.test(word(hex, at)) };
  if (type === "address") {
    return {
      words: 1,
      read: (hex, at) => {
        const value = word(hex, at);
        if (!value.startsWith(ZERO_HIGH_BYTES)) throw UNDECODABLE;
        return checksummedAddress(`0x${value.slice(24)}`);
      },
    };
  }
  const fixed = /^bytes([1-9]|[12][0-9]|3[0-2])$/.exec(type);
  if (fixed) {
    const digits = Number(fixed[1]) * 2;
    return { words: 1, read: (hex, at) => `0x${word(hex, at).slice(0, digits).toLowerCase()}` };
  }
  const unsigned = /^uint(\d*)$/.exec(type);
  if (unsigned) {
    const bits = Number(unsigned[1] || 256);
    if (bits % 8 !== 0 || bits < 8 || bits > 256) return null;
    const mask = (1n << BigInt(bits)) - 1n;
    return { words: 1, read: (hex, at) => BigInt(`0x${word(hex, at)}`) & mask };
  }
  return null;
}

function word(hex: string, at: number): string {
  return hex.slice(at * 64, at * 64 + 64);
}

function readAll(codecs: readonly StaticCodec[], hex: string, at: number): unknown[] {
  const values: unknown[] = [];
  let position = at;
  for (const codec of codecs) {
    values.push(codec.read(hex, position));
    position += codec.words;
  }
  return values;
}

/** A decoder of `params` (a function's outputs) from ABI data, or null when one of them is not word-sized. */
export function staticResultDecoder(params: readonly ParamType[]): ((data: string) => Result | null) | null {
  const codecs = params.map(codecOf);
  if (codecs.some((codec) => codec === null)) return null;
  const known = codecs as StaticCodec[];
  const words = known.reduce((total, codec) => total + codec.words, 0);
  const names = params.map((param) => param.name || null);
  return (data) => {
    if (!/^0x[0-9a-fA-F]*$/.test(data) || data.length < 2 + words * 64 || (data.length - 2) % 64 !== 0) return null;
    try {
      return Result.fromItems(readAll(known, data.slice(2), 0), names);
    } catch (error) {
      if (error === UNDECODABLE) return null;
      throw error;
    }
  };
}

/**
 * A decoder of an event's arguments from a log (topics without the event's own topic, and data), or null when one of
 * its inputs is not word-sized (an indexed string or array is only a hash in the log).
 */
export function staticEventDecoder(
  inputs: readonly ParamType[],
): ((topics: readonly string[], data: string) => Result | null) | null {
  const codecs = inputs.map(codecOf);
  if (codecs.some((codec) => codec === null)) return null;
  const known = codecs as StaticCodec[];
  const indexedCount = inputs.filter((input) => input.indexed).length;
  const dataWords = known.reduce((total, codec, index) => total + (inputs[index]!.indexed ? 0 : codec.words), 0);
  const names = inputs.map((input) => input.name || null);
  return (topics, data) => {
    if (topics.length < indexedCount || topics.some((topic) => !/^0x[0-9a-fA-F]{64}$/.test(topic))) return null;
    if (!/^0x[0-9a-fA-F]*$/.test(data) || data.length < 2 + dataWords * 64 || (data.length - 2) % 64 !== 0) return null;
    const body = data.slice(2);
    try {
      let topic = 0;
      let position = 0;
      const values = known.map((codec, index) => {
        if (inputs[index]!.indexed) return codec.read(topics[topic++]!.slice(2), 0);
        const value = codec.read(body, position);
        position += codec.words;
        return value;
      });
      return Result.fromItems(values, names);
    } catch (error) {
      if (error === UNDECODABLE) return null;
      throw error;
    }
  };
}
