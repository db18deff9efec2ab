/**
 * The deployment file `deployments/<network>.json`: what a client needs to talk to one Fontaine chain.
 *
 * Parsing is pure (Node and browsers); reading the file from disk is the caller's job (e.g. `JSON.parse` of
 * `readFileSync`). Services refuse to start when the chain id or genesis hash of their node differs from it.
 */
import { getAddress, isAddress, isHexString, keccak256, toUtf8Bytes } from "ethers";
import { z } from "zod";
import { canonicalJson, type Hex } from "./hashing";

/** Names of the deployed contracts. */
export const CONTRACT_NAMES = ["Federation", "AttestationRegistry", "LotRegistry"] as const;
/** A deployed contract's name. */
export type ContractName = (typeof CONTRACT_NAMES)[number];

const address = z
  .string()
  .refine((value) => isAddress(value), "must be a 0x-prefixed 20-byte address")
  .transform((value) => getAddress(value) as Hex);
const bytes32 = z
  .string()
  .refine((value) => isHexString(value, 32), "must be a 0x-prefixed 32-byte hex string")
  .transform((value) => value.toLowerCase() as Hex);

const deployedContract = z.strictObject({
  address,
  /** keccak256 of the canonical JSON of the contract's ABI (`abiDigest`). */
  abiDigest: bytes32,
  /** Transaction that created it. */
  transactionHash: bytes32,
  /** Block that created it. */
  block: z.number().int().nonnegative(),
});

/** zod schema of a deployment file. */
export const deploymentSchema = z.strictObject({
  /** Format version of this file. */
  version: z.literal(1),
  /** Hardhat network name it was deployed with. */
  network: z.string().min(1),
  chainId: z.number().int().positive(),
  /** Hash of block 0: tells two chains with the same id apart (e.g. a reset dev node). */
  genesisHash: bytes32,
  /** First block to scan for events (the Federation's creation block). */
  deploymentBlock: z.number().int().nonnegative(),
  /** ISO 8601 time of the deployment. */
  deployedAt: z.iso.datetime(),
  deployer: address,
  governor: address,
  relayer: address.nullable(),
  contracts: z.strictObject({
    Federation: deployedContract,
    AttestationRegistry: deployedContract,
    LotRegistry: deployedContract,
  }),
});

/** A parsed deployment file. */
export type Deployment = z.output<typeof deploymentSchema>;

/** Raised when a deployment file is invalid or belongs to another chain. */
export class DeploymentError extends Error {
  override readonly name = "DeploymentError";
}

/** Parse and validate a deployment file's JSON value; throws DeploymentError with the offending field paths. */
export function parseDeployment(value: unknown): Deployment {
  const result = deploymentSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new DeploymentError(`invalid deployment file: ${issues.join("; ")}`);
  }
  return result.data;
}

/** Throw DeploymentError unless the node's chain id and genesis hash are the deployment's. */
export function assertSameChain(deployment: Deployment, node: { chainId: number | bigint; genesisHash: string }): void {
  if (BigInt(node.chainId) !== BigInt(deployment.chainId)) {
    throw new DeploymentError(`chain id mismatch: node is ${node.chainId}, deployment is ${deployment.chainId}`);
  }
  if (node.genesisHash.toLowerCase() !== deployment.genesisHash) {
    throw new DeploymentError(
      `genesis hash mismatch: node is ${node.genesisHash}, deployment is ${deployment.genesisHash} (chain reset?)`,
    );
  }
}

/** keccak256 of the canonical JSON of an ABI: changes whenever the interface changes. */
export function abiDigest(abi: readonly unknown[]): Hex {
  return keccak256(toUtf8Bytes(canonicalJson(abi))) as Hex;
}
