/**
 * The few digests bundle verification computes hundreds of times, written as direct word concatenation: the generic
 * builders (`TypedDataEncoder`, `AbiCoder`, `StandardMerkleTree.verify`) parse types on every call and cost
 * milliseconds each. Same formulas as `sdk/uid.ts`, `sdk/eip712.ts` and `sdk/merkle.ts` (the bundle tests check
 * equality with them on random inputs). Pure, Node and browsers.
 */
import { concat, keccak256 } from "ethers";
import { domainSeparator, typeHash, type Eip712Domain } from "../eip712";
import { HASH_TAGS, type Hex } from "../hashing";
import type { AttestationRequestFields } from "./format";

const ATTEST_TYPEHASH = typeHash("Attest");
const COMMIT_TYPEHASH = typeHash("Commit");
const separators = new Map<string, Hex>();

function word(value: bigint | string): string {
  const hex = typeof value === "bigint" ? value.toString(16) : value.toLowerCase().replace(/^0x/, "");
  return hex.padStart(64, "0");
}

function hashWords(...words: string[]): Hex {
  return keccak256(`0x${words.join("")}`) as Hex;
}

function separatorOf(domain: Eip712Domain): Hex {
  const key = `${domain.name}|${domain.version}|${domain.chainId}|${domain.verifyingContract.toLowerCase()}`;
  let separator = separators.get(key);
  if (!separator) {
    separator = domainSeparator(domain);
    separators.set(key, separator);
  }
  return separator;
}

function typedDigest(domain: Eip712Domain, structHash: Hex): Hex {
  return keccak256(concat(["0x1901", separatorOf(domain), structHash])) as Hex;
}

/**
 * `attestationUid` of a request signed by `signer`; `hash` is keccak256 of 0x-hex (ethers' by default, the API passes
 * a faster one).
 */
export function fastAttestationUid(
  request: Readonly<Record<keyof AttestationRequestFields, string>>,
  signer: string,
  hash: (hex: string) => string = keccak256,
): Hex {
  const words = [
    word(HASH_TAGS.attestationUid),
    word(request.schema),
    word(request.subject),
    word(request.digest),
    word(signer),
    word(BigInt(request.expiry)),
    word(request.ref),
    word(BigInt(request.nonce)),
  ];
  return hash(`0x${words.join("")}`) as Hex;
}

/** `typedDataDigest(buildAttestTypedData(domain, { ...request, deadline }))`. */
export function fastAttestDigest(domain: Eip712Domain, request: AttestationRequestFields, deadline: string): Hex {
  const structHash = hashWords(
    word(ATTEST_TYPEHASH),
    word(request.schema),
    word(request.subject),
    word(request.digest),
    word(BigInt(request.expiry)),
    word(request.ref),
    word(BigInt(request.nonce)),
    word(BigInt(deadline)),
  );
  return typedDigest(domain, structHash);
}

/** `typedDataDigest(buildCommitTypedData(domain, { lotId, commitment, nonce, deadline }))`. */
export function fastCommitDigest(
  domain: Eip712Domain,
  lotId: string,
  commitment: string,
  nonce: string,
  deadline: string,
): Hex {
  const structHash = hashWords(
    word(COMMIT_TYPEHASH),
    word(lotId),
    word(commitment),
    word(BigInt(nonce)),
    word(BigInt(deadline)),
  );
  return typedDigest(domain, structHash);
}

/** `leafHash({ attestDigest, signer })`: the batch leaf the contract checks proofs against and names in `LeafRevoked`. */
export function fastBatchLeaf(attestDigest: string, signer: string): Hex {
  return keccak256(hashWords(word(attestDigest), word(signer))) as Hex;
}

/**
 * Parent hashes of sorted pairs already computed: the proofs of one batch's leaves share their upper levels (80
 * leaves of one tree need about 80 distinct parents, not 480). A pure memo, emptied when it grows large.
 */
const parentOfPair = new Map<string, Hex>();
const PARENT_MEMO_LIMIT = 10_000;

/** Whether `proof` leads from `leaf` to `root` (OpenZeppelin's sorted-pair Merkle proof, parents memoised). */
function provesLeaf(root: string, leaf: string, proof: readonly string[]): boolean {
  let node = leaf;
  for (const sibling of proof) {
    const [low, high] = BigInt(node) < BigInt(sibling) ? [word(node), word(sibling)] : [word(sibling), word(node)];
    const pair = low + high;
    let parent = parentOfPair.get(pair);
    if (parent === undefined) {
      parent = hashWords(pair);
      if (parentOfPair.size >= PARENT_MEMO_LIMIT) parentOfPair.clear();
      parentOfPair.set(pair, parent);
    }
    node = parent;
  }
  return node.toLowerCase() === root.toLowerCase();
}

/** `verifyBatchProof(root, { attestDigest, signer }, proof)`: OpenZeppelin's sorted-pair Merkle proof. */
export function fastVerifyBatchProof(
  root: string,
  attestDigest: string,
  signer: string,
  proof: readonly string[],
): boolean {
  return provesLeaf(root, fastBatchLeaf(attestDigest, signer), proof);
}

/** `signedLeafHash(uid)`: the leaf of a signed batch (one signature over the root), named in `LeafRevoked`. */
export function fastSignedLeaf(uid: string): Hex {
  return keccak256(hashWords(word(HASH_TAGS.signedBatchLeaf), word(uid))).toLowerCase() as Hex;
}

/** `verifySignedBatchProof(root, uid, proof)`: the same sorted-pair proof, from a signed-batch leaf. */
export function fastVerifySignedBatchProof(root: string, uid: string, proof: readonly string[]): boolean {
  return provesLeaf(root, fastSignedLeaf(uid), proof);
}
