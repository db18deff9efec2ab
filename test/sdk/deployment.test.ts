import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { DeploymentError, abiDigest, parseDeployment } from "../../sdk";

const HASH = "0x" + "ab".repeat(32);
const ADDRESS = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

function sample(): Record<string, unknown> {
  const contract = { address: ADDRESS, abiDigest: HASH, transactionHash: HASH, block: 1 };
  return {
    version: 1,
    network: "localhost",
    chainId: 31337,
    genesisHash: HASH,
    deploymentBlock: 1,
    deployedAt: "2026-11-28T03:00:00.000Z",
    deployer: ADDRESS,
    governor: ADDRESS,
    relayer: null,
    contracts: { Federation: contract, AttestationRegistry: contract, LotRegistry: contract },
  };
}

describe("sdk/deployment", function () {
  it("should parse a valid file and checksum its addresses", function () {
    const deployment = parseDeployment(sample());
    expect(deployment.contracts.Federation.address).to.equal("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    expect(deployment.relayer).to.equal(null);
  });

  it("should name every offending field", function () {
    const bad = sample();
    bad.chainId = 0;
    bad.genesisHash = "0x12";
    (bad.contracts as Record<string, Record<string, unknown>>).LotRegistry!.address = "nope";
    bad.extra = true;
    let message = "";
    try {
      parseDeployment(bad);
    } catch (error) {
      expect(error).to.be.instanceOf(DeploymentError);
      message = (error as Error).message;
    }
    for (const field of ["chainId", "genesisHash", "contracts.LotRegistry.address", "(root)"]) {
      expect(message).to.contain(field);
    }
    expect(() => parseDeployment(null)).to.throw(DeploymentError);
  });

  it("should digest ABIs canonically (key order does not matter)", function () {
    expect(abiDigest([{ type: "function", name: "f" }])).to.equal(abiDigest([{ name: "f", type: "function" }]));
    expect(abiDigest([{ type: "function", name: "f" }])).to.not.equal(abiDigest([{ type: "function", name: "g" }]));
  });

  it("should validate committed deployment files", function () {
    const folder = path.join(__dirname, "..", "..", "deployments");
    for (const file of ["localhost.json", "besu.json"]) {
      let text: string;
      try {
        text = readFileSync(path.join(folder, file), "utf8");
      } catch {
        continue;
      }
      expect(() => parseDeployment(JSON.parse(text)), file).to.not.throw();
    }
  });
});
