/**
 * Reads against the chain itself (no index needed): find attestations by document digest, read statuses.
 * Works with any ethers v6 provider, in Node and browsers.
 */
import { Contract, Interface, type Provider, type TransactionReceipt, type TransactionResponse } from "ethers";
import type { Deployment } from "./deployment";
import { assertBytes32, type Hex } from "./hashing";
import { statusName, type StatusName } from "./status";

/** The fragments of AttestationRegistry the sdk reads (checked against the compiled ABI by the sdk tests). */
export const ATTESTATION_REGISTRY_READ_ABI = [
  "event Attested(bytes32 indexed uid, bytes32 indexed subject, bytes32 indexed digest, bytes32 schema, bytes32 attester, address signer, uint64 expiry, bytes32 ref, uint256 nonce, uint40 expiresAt)",
  "function statusOf(bytes32 uid) view returns (uint8 status, bool endorsed)",
] as const;

const registryInterface = new Interface(ATTESTATION_REGISTRY_READ_ABI);

/** One `Attested` event, decoded. */
export interface AttestedEvent {
  uid: Hex;
  subject: Hex;
  digest: Hex;
  schema: Hex;
  attester: Hex;
  signer: Hex;
  expiry: bigint;
  ref: Hex;
  nonce: bigint;
  expiresAt: bigint;
  blockNumber: number;
  transactionHash: Hex;
  logIndex: number;
}

/** Options of `findAttestationsByDigest`. */
export interface FindOptions {
  /** First block to scan (default: the deployment block). */
  fromBlock?: number;
  /** Last block to scan (default: latest). */
  toBlock?: number;
  /** Blocks per `eth_getLogs` call (default 10 000); ranges a node refuses are split in halves. */
  blockRange?: number;
}

/** All single attestations anchoring `digest`, oldest first, found with `eth_getLogs` on the digest topic. */
export async function findAttestationsByDigest(
  provider: Provider,
  deployment: Deployment,
  digest: string,
  options: FindOptions = {},
): Promise<AttestedEvent[]> {
  assertBytes32(digest, "digest");
  const event = registryInterface.getEvent("Attested");
  if (!event) throw new Error("Attested fragment missing");
  const topics = [event.topicHash, null, null, digest.toLowerCase()];
  const address = deployment.contracts.AttestationRegistry.address;
  const from = options.fromBlock ?? deployment.deploymentBlock;
  const to = options.toBlock ?? (await provider.getBlockNumber());
  const step = Math.max(1, options.blockRange ?? 10_000);
  const found: AttestedEvent[] = [];
  for (let start = from; start <= to; start += step) {
    const logs = await getLogsSplitting(provider, address, topics, start, Math.min(to, start + step - 1));
    for (const log of logs) {
      const parsed = registryInterface.parseLog(log);
      if (!parsed) continue;
      const args = parsed.args;
      found.push({
        uid: args.getValue("uid") as Hex,
        subject: args.getValue("subject") as Hex,
        digest: args.getValue("digest") as Hex,
        schema: args.getValue("schema") as Hex,
        attester: args.getValue("attester") as Hex,
        signer: args.getValue("signer") as Hex,
        expiry: args.getValue("expiry") as bigint,
        ref: args.getValue("ref") as Hex,
        nonce: args.getValue("nonce") as bigint,
        expiresAt: args.getValue("expiresAt") as bigint,
        blockNumber: log.blockNumber,
        transactionHash: log.transactionHash as Hex,
        logIndex: log.index,
      });
    }
  }
  return found;
}

/** The on-chain status of a single attestation, by name. */
export async function readStatus(
  provider: Provider,
  deployment: Deployment,
  uid: string,
): Promise<{ status: StatusName; endorsed: boolean }> {
  assertBytes32(uid, "uid");
  const registry = new Contract(deployment.contracts.AttestationRegistry.address, registryInterface, provider);
  const statusOf = registry.getFunction("statusOf");
  const [status, endorsed] = (await statusOf.staticCall(uid)) as [bigint, boolean];
  return { status: statusName(status), endorsed };
}

/** `eth_getLogs` over a range, halving the range whenever the node refuses it (range or result caps). */
export async function getLogsSplitting(
  provider: Provider,
  address: string,
  topics: (string | string[] | null)[],
  fromBlock: number,
  toBlock: number,
): ReturnType<Provider["getLogs"]> {
  try {
    return await provider.getLogs({ address, topics, fromBlock, toBlock });
  } catch (error) {
    // Nodes cap the range or result size of eth_getLogs; halve until it fits, give up on a single block.
    if (fromBlock >= toBlock) throw error;
    const middle = Math.floor((fromBlock + toBlock) / 2);
    const left = await getLogsSplitting(provider, address, topics, fromBlock, middle);
    const right = await getLogsSplitting(provider, address, topics, middle + 1, toBlock);
    return [...left, ...right];
  }
}

/** Options of {@link waitForReceipt}. */
export interface WaitForReceiptOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** Time between receipt look-ups (default 50 ms). */
  pollMs?: number;
}

/**
 * Waits until `hash` is mined by polling `eth_getTransactionReceipt`, and throws if it reverted or the
 * timeout passes. Unlike ethers' `wait()`, it does not depend on block events: with a node that mines
 * right after answering (anvil's automine), the block that holds the transaction can be the very first
 * one ethers' block poller records, and then no "new block" event ever comes.
 */
export async function waitForReceipt(
  provider: Provider,
  hash: string,
  options: WaitForReceiptOptions = {},
): Promise<TransactionReceipt> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const receipt = await provider.getTransactionReceipt(hash);
    if (receipt) {
      if (receipt.status !== 1) throw new Error(`transaction ${hash} reverted (block ${receipt.blockNumber})`);
      return receipt;
    }
    if (Date.now() > deadline) throw new Error(`transaction ${hash} not mined after ${options.timeoutMs ?? 60_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
  }
}

/** Sends (awaits) a transaction and waits for its receipt with {@link waitForReceipt}. */
export async function mined(
  pending: Promise<TransactionResponse> | TransactionResponse,
  options?: WaitForReceiptOptions,
): Promise<TransactionReceipt> {
  const transaction = await pending;
  return waitForReceipt(transaction.provider, transaction.hash, options);
}

/**
 * A readable message for an error met while talking to a chain. Ethers puts the whole transaction (its hex call
 * data, kilobytes for a deployment) in `message`: for its errors this keeps the short message and the node's own
 * reason, at most `maxLength` characters; other errors keep their message.
 */
export function chainErrorMessage(error: unknown, maxLength = 300): string {
  if (!(error instanceof Error)) return String(error);
  const details = error as Error & { shortMessage?: unknown; info?: { error?: { message?: unknown } } };
  if (typeof details.shortMessage !== "string") return error.message;
  const reason = details.info?.error?.message;
  const line =
    typeof reason === "string" && !details.shortMessage.includes(reason)
      ? `${details.shortMessage} — node says: ${reason}`
      : details.shortMessage;
  return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line;
}
