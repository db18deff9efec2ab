import fs from "node:fs";
import path from "node:path";
import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-ethers";
import "@nomicfoundation/hardhat-chai-matchers";
import "@typechain/hardhat";
import "solidity-coverage";

process.env.HARDHAT_TELEMETRY_DISABLED ??= "1";

/** The only compiler version the contracts use; the npm `solc` package must match it exactly. */
const SOLC_VERSION = "0.8.29";

// Hardhat would download solc; these machines are offline, so use the npm `solc` (solc-js) instead.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  const solcPackageFile = require.resolve("solc/package.json");
  const solcPackage = JSON.parse(fs.readFileSync(solcPackageFile, "utf8")) as { version: string };
  if (solcPackage.version !== SOLC_VERSION) {
    throw new Error(`npm solc is ${solcPackage.version}, contracts need exactly ${SOLC_VERSION}`);
  }
  return {
    compilerPath: path.join(path.dirname(solcPackageFile), "soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: `${SOLC_VERSION}+commit.ab55807c`,
  };
});

const besuUrl = process.env.BESU_RPC_URL ?? "http://127.0.0.1:8545";
const besuKey = process.env.BESU_DEPLOYER_KEY;

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      evmVersion: "cancun",
    },
  },
  networks: {
    hardhat: { hardfork: "cancun", chainId: 31337 },
    localhost: { url: process.env.RPC_URL ?? "http://127.0.0.1:8545" },
    besu: {
      url: besuUrl,
      chainId: process.env.BESU_CHAIN_ID ? Number(process.env.BESU_CHAIN_ID) : undefined,
      accounts: besuKey ? [besuKey] : [],
      gasPrice: 0,
    },
  },
  paths: {
    sources: "./contracts",
    tests: "./test/contracts",
    cache: "./.cache/hardhat",
    artifacts: "./artifacts",
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  mocha: { timeout: 120_000 },
};

export default config;
