/**
 * Many view calls in one `eth_call`: the creation code of `DeploylessReads.sol` (never deployed) followed by the
 * ABI-encoded targets and calldata runs every static call and returns all results. A 50-lot, 100-attestation bundle
 * then costs a handful of node round trips instead of hundreds of JSON-RPC requests. Pure, Node and browsers.
 * The two arrays are encoded and decoded word by word (ethers' AbiCoder builds a coder and a `Result` per element,
 * which showed for 150-call chunks in a fresh page); test/sdk/bundle/deployless-reads.test.ts compares both ways with
 * the AbiCoder, which still handles anything else (it raises its usual error for a malformed answer).
 */
import { AbiCoder, concat, getAddress } from "ethers";
import type { Hex } from "../hashing";

/** solc 0.8.29 (optimizer 200 runs, cancun) output for sdk/bundle/DeploylessReads.sol; a test recompiles and compares. */
export const DEPLOYLESS_READS_BYTECODE =
  "0x608060405234801561000f575f5ffd5b506040516104d93803806104d983398101604081905261002e9161031c565b5f82516001600160401b03811115610048576100486101cb565b604051908082528060200260200182016040528015610071578160200160208202803683370190505b5090505f83516001600160401b0381111561008e5761008e6101cb565b6040519080825280602002602001820160405280156100c157816020015b60608152602001906001900390816100ac5790505b5090505f5b845181101561019d578481815181106100e1576100e16103ec565b60200260200101516001600160a01b0316848281518110610104576101046103ec565b60200260200101516040516101199190610400565b5f60405180830381855afa9150503d805f8114610151576040519150601f19603f3d011682016040523d82523d5f602084013e610156565b606091505b50848381518110610169576101696103ec565b60200260200101848481518110610182576101826103ec565b602090810291909101019190915290151590526001016100c6565b505f82826040516020016101b2929190610416565b6040516020818303038152906040529050805160208201f35b634e487b7160e01b5f52604160045260245ffd5b604051601f8201601f191681016001600160401b0381118282101715610207576102076101cb565b604052919050565b5f6001600160401b03821115610227576102276101cb565b5060051b60200190565b5f82601f830112610240575f5ffd5b815161025361024e8261020f565b6101df565b8082825260208201915060208360051b860101925085831115610274575f5ffd5b602085015b838110156103125780516001600160401b03811115610296575f5ffd5b8601603f810188136102a6575f5ffd5b60208101516001600160401b038111156102c2576102c26101cb565b6102d5601f8201601f19166020016101df565b8181526040838301018a10156102e9575f5ffd5b8160408401602083015e5f60208383010152808652505050602083019250602081019050610279565b5095945050505050565b5f5f6040838503121561032d575f5ffd5b82516001600160401b03811115610342575f5ffd5b8301601f81018513610352575f5ffd5b805161036061024e8261020f565b8082825260208201915060208360051b850101925087831115610381575f5ffd5b6020840193505b828410156103b75783516001600160a01b03811681146103a6575f5ffd5b825260209384019390910190610388565b6020870151909550925050506001600160401b038111156103d6575f5ffd5b6103e285828601610231565b9150509250929050565b634e487b7160e01b5f52603260045260245ffd5b5f82518060208501845e5f920191825250919050565b604080825283519082018190525f9060208501906060840190835b818110156104515783511515835260209384019390920191600101610431565b50508381036020850152809150845180825260208201925060208160051b830101602087015f5b838110156104ca57601f19858403018652815180518085528060208301602087015e5f602082870101526020601f19601f83011686010194505050602082019150602086019550600181019050610478565b50909897505050505050505056fe" as Hex;

/** One static call. */
export interface StaticCall {
  to: string;
  data: string;
}

/** The `data` of an `eth_call` (without `to`) making all `calls`. */
export function encodeDeploylessReads(calls: readonly StaticCall[]): Hex {
  const args = encodeCalls(calls);
  if (args !== null) return `${DEPLOYLESS_READS_BYTECODE}${args}` as Hex;
  const encoded = AbiCoder.defaultAbiCoder().encode(
    ["address[]", "bytes[]"],
    [calls.map((call) => call.to), calls.map((call) => call.data)],
  );
  return concat([DEPLOYLESS_READS_BYTECODE, encoded]) as Hex;
}

/** The results of `encodeDeploylessReads`'s call: per call, whether it succeeded and what it returned. */
export function decodeDeploylessReads(output: string): { ok: boolean; data: Hex }[] {
  const decoded = decodeResults(output);
  if (decoded !== null) return decoded;
  const [succeeded, results] = AbiCoder.defaultAbiCoder().decode(["bool[]", "bytes[]"], output) as unknown as [
    boolean[],
    string[],
  ];
  return succeeded.map((ok, index) => ({ ok, data: results[index]! as Hex }));
}

const HEX_BYTES = /^0x(?:[0-9a-fA-F]{2})*$/;
/** Address words of addresses already checked (the targets repeat: a few contracts and wallets). */
const addressWords = new Map<string, string>();

function uintWord(value: number): string {
  return value.toString(16).padStart(64, "0");
}

/** The address's word, checked as the AbiCoder checks it (`getAddress`: checksum of mixed-case addresses), or null. */
function addressWord(address: string): string | null {
  let known = addressWords.get(address);
  if (known === undefined) {
    try {
      known = getAddress(address).slice(2).toLowerCase().padStart(64, "0");
    } catch {
      return null;
    }
    if (addressWords.size > 1_000) addressWords.clear();
    addressWords.set(address, known);
  }
  return known;
}

/** `abi.encode(address[] targets, bytes[] data)` without 0x, or null to leave an unusual input to the AbiCoder. */
export function encodeCalls(calls: readonly StaticCall[]): string | null {
  const count = calls.length;
  const targets: string[] = [uintWord(count)];
  const offsets: string[] = [];
  const bodies: string[] = [];
  let offset = count * 32; // element offsets count from the first offset word
  for (const call of calls) {
    const target = typeof call.to === "string" ? addressWord(call.to) : null;
    if (target === null || typeof call.data !== "string" || !HEX_BYTES.test(call.data)) return null;
    targets.push(target);
    const hex = call.data.slice(2).toLowerCase();
    const padded = hex.padEnd(Math.ceil(hex.length / 64) * 64, "0");
    offsets.push(uintWord(offset));
    bodies.push(uintWord(hex.length / 2) + padded);
    offset += 32 + padded.length / 2;
  }
  const targetsBytes = 32 * (count + 1);
  return (
    uintWord(64) + uintWord(64 + targetsBytes) + targets.join("") + uintWord(count) + offsets.join("") + bodies.join("")
  );
}

/**
 * `abi.decode(output, (bool[], bytes[]))` when `output` is laid out exactly as Solidity's `abi.encode` writes it
 * (DeploylessReads returns that), or null to leave anything else to the AbiCoder.
 */
export function decodeResults(output: string): { ok: boolean; data: Hex }[] | null {
  if (!HEX_BYTES.test(output) || (output.length - 2) % 64 !== 0) return null;
  const hex = output.slice(2).toLowerCase();
  const words = hex.length / 64;
  const word = (index: number): string => hex.slice(index * 64, index * 64 + 64);
  const small = (index: number): number | null => {
    if (index >= words) return null;
    const value = word(index);
    return /^0{48}[0-9a-f]{16}$/.test(value) ? Number.parseInt(value.slice(48), 16) : null;
  };
  const count = small(2);
  if (small(0) !== 64 || count === null || count > words) return null;
  const flagsEnd = 3 + count; // head (2 words), bool[] length, the flags
  if (small(1) !== flagsEnd * 32 || small(flagsEnd) !== count) return null;
  const results: { ok: boolean; data: Hex }[] = [];
  const tail = flagsEnd + 1; // first word of the bytes[] element offsets
  let expected = count * 32;
  for (let index = 0; index < count; index++) {
    const flag = small(3 + index);
    const offset = small(tail + index);
    if ((flag !== 0 && flag !== 1) || offset !== expected) return null;
    const at = tail + offset / 32;
    const length = small(at);
    if (length === null) return null;
    const padded = Math.ceil(length / 32);
    if (at + 1 + padded > words) return null;
    const body = hex.slice((at + 1) * 64, (at + 1) * 64 + padded * 64);
    // Solidity pads with zeros: anything else is not its encoding.
    if (!/^0*$/.test(body.slice(length * 2))) return null;
    results.push({ ok: flag === 1, data: `0x${body.slice(0, length * 2)}` as Hex });
    expected += 32 + padded * 32;
  }
  if (tail + expected / 32 !== words) return null;
  return results;
}
