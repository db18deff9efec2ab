/**
 * `npm run deploy -- --network hardhat|localhost|besu`: deploy Fontaine and write deployments/<network>.json.
 * Env: GOVERNOR_ADDRESS (default: the deployer), RELAYER_ADDRESS (default: none).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import hre from "hardhat";
import { deployFontaine } from "./deploy/fontaine";

async function main(): Promise<void> {
  const [deployer] = await hre.ethers.getSigners();
  if (!deployer) throw new Error(`network "${hre.network.name}" has no deployer account (set BESU_DEPLOYER_KEY?)`);
  const { deployment } = await deployFontaine(deployer, {
    governor: process.env.GOVERNOR_ADDRESS,
    relayer: process.env.RELAYER_ADDRESS,
    network: hre.network.name,
  });
  const file = path.join(__dirname, "..", "deployments", `${hre.network.name}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(deployment, null, 2)}\n`);
  console.log(
    `Fontaine deployed on ${hre.network.name} (chain ${deployment.chainId}) → ${path.relative(process.cwd(), file)}`,
  );
  for (const [name, contract] of Object.entries(deployment.contracts))
    console.log(`  ${name.padEnd(20)} ${contract.address}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
