import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroHash, id } from "ethers";
import { deployFontaine, DeployError } from "../../scripts/deploy/fontaine";
import {
  AttestationPolicy,
  abiDigest,
  attestationUid,
  findAttestationsByDigest,
  newLotId,
  newSalt,
  OrgKind,
  parseDeployment,
  readStatus,
  schemaDefinitionBytes,
  assertSameChain,
  ATTESTATION_REGISTRY_READ_ABI,
} from "../../sdk";
import { Interface } from "ethers";
import { AttestationRegistry__factory } from "../../typechain-types";

describe("deployFontaine", function () {
  it("should deploy the production contracts, wire the roles and describe the deployment", async function () {
    const [deployer, governor, relayer] = await ethers.getSigners();
    const { federation, attestationRegistry, lotRegistry, deployment } = await deployFontaine(deployer!, {
      governor: governor!.address,
      relayer: relayer!.address,
      network: "hardhat",
    });
    expect(parseDeployment(JSON.parse(JSON.stringify(deployment)))).to.deep.equal(deployment);
    expect(deployment.chainId).to.equal(31337);
    expect(deployment.genesisHash).to.equal((await ethers.provider.getBlock(0))!.hash);
    expect(deployment.contracts.AttestationRegistry.abiDigest).to.equal(abiDigest(AttestationRegistry__factory.abi));
    expect(deployment.deploymentBlock).to.equal(deployment.contracts.Federation.block);
    expect(await attestationRegistry.federation()).to.equal(await federation.getAddress());
    expect(await lotRegistry.federation()).to.equal(await federation.getAddress());
    const roles = {
      governor: await federation.GOVERNOR_ROLE(),
      admin: await federation.DEFAULT_ADMIN_ROLE(),
      relayer: await federation.RELAYER_ROLE(),
    };
    expect(await federation.hasRole(roles.governor, governor!.address)).to.equal(true);
    expect(await federation.hasRole(roles.admin, governor!.address)).to.equal(true);
    expect(await federation.hasRole(roles.relayer, relayer!.address)).to.equal(true);
    expect(await federation.hasRole(roles.governor, deployer!.address)).to.equal(false);
    expect(await federation.hasRole(roles.admin, deployer!.address)).to.equal(false);
    assertSameChain(deployment, { chainId: 31337, genesisHash: deployment.genesisHash });
    expect(() => assertSameChain(deployment, { chainId: 1, genesisHash: deployment.genesisHash })).to.throw(
      /chain id mismatch/,
    );
    expect(() => assertSameChain(deployment, { chainId: 31337, genesisHash: ZeroHash })).to.throw(/genesis hash/);
  });

  it("should refuse an invalid governor address", async function () {
    const [deployer] = await ethers.getSigners();
    const error = await deployFontaine(deployer!, { governor: "0x1234" }).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(DeployError);
    expect((error as Error).message).to.match(/governor address "0x1234"/);
  });

  it("should run on the block clock: attest, find by digest, expire, commit a lot", async function () {
    const [deployer, supplierKey] = await ethers.getSigners();
    const { federation, attestationRegistry, lotRegistry, deployment } = await deployFontaine(deployer!);
    const org = id("org:coop");
    await federation.admit(org, OrgKind.SUPPLIER, ZeroHash);
    await federation.addKey(org, supplierKey!.address);
    const definition = schemaDefinitionBytes({ name: "fair-trade-purchase" });
    await attestationRegistry.registerSchema(definition, AttestationPolicy.SELF_DECLARATION, 3600);
    const schema = (await attestationRegistry.queryFilter(attestationRegistry.filters.SchemaRegistered()))[0]!.args
      .schema;
    const digest = newSalt();
    const fields = { schema, subject: org, digest, expiry: 0n, ref: ZeroHash, nonce: 1n };
    await attestationRegistry.connect(supplierKey!).attest(fields);
    const uid = attestationUid({ ...fields, signer: supplierKey!.address });

    const found = await findAttestationsByDigest(ethers.provider, deployment, digest, { blockRange: 2 });
    expect(found.map((event) => [event.uid, event.schema, event.attester, event.signer])).to.deep.equal([
      [uid, schema, org, supplierKey!.address],
    ]);
    expect(await findAttestationsByDigest(ethers.provider, deployment, newSalt())).to.deep.equal([]);
    expect(await readStatus(ethers.provider, deployment, uid)).to.deep.equal({ status: "VALID", endorsed: false });
    await time.increase(3600);
    expect(await readStatus(ethers.provider, deployment, uid)).to.deep.equal({ status: "EXPIRED", endorsed: false });

    const lotId = newLotId();
    await lotRegistry.connect(supplierKey!).commit(lotId, newSalt());
    expect((await lotRegistry.lot(lotId)).updatedAt).to.equal((await ethers.provider.getBlock("latest"))!.timestamp);
  });

  it("should read the chain with sdk fragments identical to the compiled ABI", function () {
    const sdkInterface = new Interface(ATTESTATION_REGISTRY_READ_ABI);
    const compiled = AttestationRegistry__factory.createInterface();
    const attested = compiled.getEvent("Attested")!;
    expect(sdkInterface.getEvent("Attested")!.format("full")).to.equal(attested.format("full"));
    expect(sdkInterface.getFunction("statusOf")!.selector).to.equal(compiled.getFunction("statusOf").selector);
  });
});
