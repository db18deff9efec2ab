import { expect } from "chai";
import { Wallet, ZeroHash, verifyTypedData } from "ethers";
import {
  DOMAIN,
  attestationRegistryDomain,
  buildAttestTypedData,
  buildCommitTypedData,
  buildFlagTypedData,
  buildEndorseTypedData,
  buildRevokeTypedData,
  ethersTypes,
  lotRegistryDomain,
  newSalt,
  reasonCode,
  typedDataDigest,
  type AnyTypedData,
} from "../../sdk";

const REGISTRY = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";

describe("sdk/eip712", function () {
  const domain = attestationRegistryDomain(31337n, REGISTRY);
  const attest = () => ({
    schema: newSalt(),
    subject: newSalt(),
    digest: newSalt(),
    expiry: 0,
    nonce: 12345678901234567890n,
    deadline: "1800000000",
  });

  it("should build the domains with checksummed addresses and numeric chain ids", function () {
    expect(domain).to.deep.equal({
      name: DOMAIN.attestationRegistry.name,
      version: "1",
      chainId: 31337,
      verifyingContract: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
    });
    expect(lotRegistryDomain(1, REGISTRY).name).to.equal("Fontaine LotRegistry");
  });

  it("should return JSON-ready typed data for eth_signTypedData_v4 with EIP712Domain", function () {
    const typed = buildAttestTypedData(domain, attest());
    const json = JSON.parse(JSON.stringify(typed));
    expect(json).to.deep.equal(typed);
    expect(typed.types.EIP712Domain.map((field) => field.name)).to.deep.equal([
      "name",
      "version",
      "chainId",
      "verifyingContract",
    ]);
    expect(typed.primaryType).to.equal("Attest");
    expect(typed.message.ref).to.equal(ZeroHash);
    expect(typed.message.nonce).to.equal("12345678901234567890");
  });

  it("should produce typed data a wallet signs and anyone recovers", async function () {
    const wallet = Wallet.createRandom();
    const all: AnyTypedData[] = [
      buildAttestTypedData(domain, attest()),
      buildEndorseTypedData(domain, { uid: newSalt(), nonce: 1, deadline: 2 }),
      buildRevokeTypedData(domain, { uid: newSalt(), reason: reasonCode("DISPUTE"), nonce: 1, deadline: 2 }),
      buildCommitTypedData(lotRegistryDomain(31337, REGISTRY), {
        lotId: newSalt(),
        commitment: newSalt(),
        nonce: 3,
        deadline: 4,
      }),
      buildFlagTypedData(lotRegistryDomain(31337, REGISTRY), {
        lotId: newSalt(),
        reason: reasonCode("RECALL"),
        nonce: 5,
        deadline: 6,
      }),
    ];
    for (const typed of all) {
      const signature = await wallet.signTypedData(typed.domain, ethersTypes(typed), typed.message);
      expect(verifyTypedData(typed.domain, ethersTypes(typed), typed.message, signature)).to.equal(wallet.address);
    }
  });

  it("should bind the digest to the chain id and the contract", function () {
    const fields = attest();
    const digests = new Set([
      typedDataDigest(buildAttestTypedData(domain, fields)),
      typedDataDigest(buildAttestTypedData(attestationRegistryDomain(1, REGISTRY), fields)),
      typedDataDigest(buildAttestTypedData(lotRegistryDomain(31337, REGISTRY), fields)),
      typedDataDigest(
        buildAttestTypedData(attestationRegistryDomain(31337, "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"), fields),
      ),
    ]);
    expect(digests.size).to.equal(4);
  });

  it("should refuse malformed fields and out-of-range numbers", function () {
    expect(() => buildAttestTypedData(domain, { ...attest(), schema: "0x12" })).to.throw(/schema/);
    expect(() => buildAttestTypedData(domain, { ...attest(), expiry: 2n ** 64n })).to.throw(RangeError, /expiry/);
    expect(() => buildAttestTypedData(domain, { ...attest(), nonce: -1 })).to.throw(RangeError, /nonce/);
    expect(() => buildAttestTypedData(domain, { ...attest(), deadline: "soon" })).to.throw(RangeError, /deadline/);
    expect(() => buildEndorseTypedData(domain, { uid: "0x", nonce: 1, deadline: 1 })).to.throw(/uid/);
    expect(() => buildRevokeTypedData(domain, { uid: newSalt(), reason: "x", nonce: 1, deadline: 1 })).to.throw(
      /reason/,
    );
    expect(() => buildCommitTypedData(domain, { lotId: newSalt(), commitment: "0x", nonce: 1, deadline: 1 })).to.throw(
      /commitment/,
    );
    expect(() => buildFlagTypedData(domain, { lotId: newSalt(), reason: "RECALL", nonce: 1, deadline: 1 })).to.throw(
      /reason/,
    );
    expect(() => attestationRegistryDomain(1, "0x1234")).to.throw();
  });
});
