/**
 * Deploys the three Fontaine contracts with any ethers signer and describes the result as a deployment file.
 * Used by `npm run deploy`, the contract tests, the gas benchmark and the embedded stack; never deploys test contracts.
 */
import { getAddress, isAddress, type ContractTransactionResponse, type Signer } from "ethers";
import { waitForReceipt } from "../../sdk/chain";
import { abiDigest, parseDeployment, type Deployment } from "../../sdk/deployment";
import {
  AttestationRegistry__factory,
  Federation__factory,
  LotRegistry__factory,
  type AttestationRegistry,
  type Federation,
  type LotRegistry,
} from "../../typechain-types";

/** Options of `deployFontaine`. */
export interface DeployOptions {
  /** Account that governs (admin + governor roles); default the deployer, which then keeps both roles. */
  governor?: string;
  /** Account that receives the relayer role (may anchor batches); default none. */
  relayer?: string;
  /** Network name recorded in the deployment file (default "unknown"). */
  network?: string;
}

/** The deployed contracts, connected to the deployer, and the deployment file describing them. */
export interface FontaineDeployment {
  federation: Federation;
  attestationRegistry: AttestationRegistry;
  lotRegistry: LotRegistry;
  deployment: Deployment;
}

/** Raised when deployment options are invalid. */
export class DeployError extends Error {
  override readonly name = "DeployError";
}

/** Deploy Federation, AttestationRegistry and LotRegistry, wire the roles, and describe the deployment. */
export async function deployFontaine(signer: Signer, options: DeployOptions = {}): Promise<FontaineDeployment> {
  const provider = signer.provider;
  if (!provider) throw new DeployError("the deployer signer has no provider");
  const deployer = getAddress(await signer.getAddress());
  const governor = optionalAddress(options.governor, "governor") ?? deployer;
  const relayer = optionalAddress(options.relayer, "relayer");

  const federation = await new Federation__factory(signer).deploy(deployer);
  const federationReceipt = await receiptOf(federation.deploymentTransaction());
  const federationAddress = await federation.getAddress();
  const attestationRegistry = await new AttestationRegistry__factory(signer).deploy(federationAddress);
  const registryReceipt = await receiptOf(attestationRegistry.deploymentTransaction());
  const lotRegistry = await new LotRegistry__factory(signer).deploy(federationAddress);
  const lotReceipt = await receiptOf(lotRegistry.deploymentTransaction());

  if (relayer) await confirm(federation.grantRole(await federation.RELAYER_ROLE(), relayer));
  if (governor !== deployer) {
    // Hand governance over, then drop the deployer's roles so it keeps no power over the federation.
    const governorRole = await federation.GOVERNOR_ROLE();
    const adminRole = await federation.DEFAULT_ADMIN_ROLE();
    await confirm(federation.grantRole(governorRole, governor));
    await confirm(federation.grantRole(adminRole, governor));
    await confirm(federation.renounceRole(governorRole, deployer));
    await confirm(federation.renounceRole(adminRole, deployer));
  }

  const network = await provider.getNetwork();
  const genesis = await provider.getBlock(0);
  if (!genesis?.hash) throw new DeployError("the node did not return block 0");
  const deployment = parseDeployment({
    version: 1,
    network: options.network ?? "unknown",
    chainId: Number(network.chainId),
    genesisHash: genesis.hash,
    deploymentBlock: federationReceipt.blockNumber,
    deployedAt: new Date().toISOString(),
    deployer,
    governor,
    relayer: relayer ?? null,
    contracts: {
      Federation: described(federationAddress, Federation__factory.abi, federationReceipt),
      AttestationRegistry: described(
        await attestationRegistry.getAddress(),
        AttestationRegistry__factory.abi,
        registryReceipt,
      ),
      LotRegistry: described(await lotRegistry.getAddress(), LotRegistry__factory.abi, lotReceipt),
    },
  });
  return { federation, attestationRegistry, lotRegistry, deployment };
}

function described(address: string, abi: readonly unknown[], receipt: { hash: string; blockNumber: number }) {
  return { address, abiDigest: abiDigest(abi), transactionHash: receipt.hash, block: receipt.blockNumber };
}

function optionalAddress(value: string | undefined, what: string): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (!isAddress(value)) throw new DeployError(`${what} address "${value}" is not a valid address`);
  return getAddress(value);
}

async function receiptOf(transaction: ContractTransactionResponse | null) {
  if (!transaction) throw new DeployError("deployment transaction missing");
  return waitForReceipt(transaction.provider, transaction.hash, { timeoutMs: 600_000, pollMs: 200 });
}

async function confirm(pending: Promise<ContractTransactionResponse>): Promise<void> {
  await receiptOf(await pending);
}
