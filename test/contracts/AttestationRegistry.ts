import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, id } from "ethers";
import {
  AttestationPolicy,
  KeyStatus,
  Status,
  attestationRegistryDomain,
  batchProof,
  buildBatchTree,
  leafHash,
  reasonCode,
  schemaDefinitionBytes,
  schemaId,
  statusName,
  type BatchLeaf,
  type Hex,
} from "../../sdk";
import type { TestERC1271Wallet } from "../../typechain-types";
import {
  DAY,
  DEADLINE,
  ORG,
  T0,
  attestAs,
  expectStatus,
  fontaineFixture,
  malleate,
  request,
  signAttest,
  signEndorse,
  signRevoke,
  uidOf,
  type RequestFields,
} from "../helpers/fontaine";

const REASON = reasonCode("AUDIT_FAILED");
const WALLET_MODE = { GOOD: 0, WRONG_MAGIC: 1, REVERTING: 2, GAS_BURNING: 3, RETURN_BOMB: 4 } as const;

async function walletFixture() {
  const fixture = await fontaineFixture();
  const { federation } = fixture.contracts;
  const factory = await ethers.getContractFactory("TestERC1271Wallet");
  const wallet = (await factory.deploy(
    fixture.signers.supplierKey2.address,
    WALLET_MODE.GOOD,
  )) as unknown as TestERC1271Wallet;
  await federation.addKey(ORG.supplier2, await wallet.getAddress());
  return { ...fixture, wallet };
}

async function endorsedFixture() {
  const fixture = await fontaineFixture();
  const { registry } = fixture.contracts;
  const fields = request(fixture.schemas.childLabour, ORG.supplier);
  const uid = await attestAs(registry, fixture.signers.supplierKey, fields);
  await registry.connect(fixture.signers.certifierKey).endorse(uid);
  return { ...fixture, fields, uid };
}

describe("AttestationRegistry", function () {
  describe("deployment", function () {
    it("should point at its Federation and expose its EIP-712 domain", async function () {
      const { contracts, domains } = await loadFixture(fontaineFixture);
      expect(await contracts.registry.federation()).to.equal(await contracts.federation.getAddress());
      const domain = await contracts.registry.eip712Domain();
      expect([domain.name, domain.version, domain.chainId, domain.verifyingContract]).to.deep.equal([
        domains.registry.name,
        domains.registry.version,
        BigInt(domains.registry.chainId),
        domains.registry.verifyingContract,
      ]);
    });

    it("should refuse a zero Federation", async function () {
      const { contracts } = await loadFixture(fontaineFixture);
      const factory = await ethers.getContractFactory("AttestationRegistry");
      await expect(factory.deploy(ZeroAddress)).to.be.revertedWithCustomError(contracts.registry, "ZeroValue");
    });
  });

  describe("schemas", function () {
    it("should register a schema under the digest of its canonical definition", async function () {
      const { contracts } = await loadFixture(fontaineFixture);
      const definition = {
        name: "living-wage",
        labels: { fr: "Salaire vital", nl: "Leefbaar loon", en: "Living wage" },
      };
      const expected = schemaId(definition);
      await expect(
        contracts.registry.registerSchema(schemaDefinitionBytes(definition), AttestationPolicy.SELF_DECLARATION, DAY),
      )
        .to.emit(contracts.registry, "SchemaRegistered")
        .withArgs(expected, 3, AttestationPolicy.SELF_DECLARATION, DAY, schemaDefinitionBytes(definition));
      const record = await contracts.registry.schemaOf(expected);
      expect([
        record.index,
        record.policy,
        record.defaultValidity,
        record.registeredAt,
        record.deprecatedAt,
      ]).to.deep.equal([3n, BigInt(AttestationPolicy.SELF_DECLARATION), BigInt(DAY), BigInt(T0), 0n]);
    });

    it("should refuse non-governors, empty definitions, the NONE policy, long validities and duplicates", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      const bytes = schemaDefinitionBytes({ name: "x" });
      await expect(registry.connect(signers.outsider).registerSchema(bytes, AttestationPolicy.SELF_DECLARATION, 0))
        .to.be.revertedWithCustomError(registry, "MissingRole")
        .withArgs(signers.outsider.address, id("GOVERNOR_ROLE"));
      await expect(registry.registerSchema("0x", AttestationPolicy.SELF_DECLARATION, 0)).to.be.revertedWithCustomError(
        registry,
        "ZeroValue",
      );
      await expect(registry.registerSchema(bytes, AttestationPolicy.NONE, 0)).to.be.revertedWithCustomError(
        registry,
        "InvalidPolicy",
      );
      const tooLong = 1000 * 365 * DAY + 1;
      await expect(registry.registerSchema(bytes, AttestationPolicy.SELF_DECLARATION, tooLong))
        .to.be.revertedWithCustomError(registry, "InvalidValidity")
        .withArgs(tooLong);
      await registry.registerSchema(bytes, AttestationPolicy.SELF_DECLARATION, 1000 * 365 * DAY);
      await expect(registry.registerSchema(bytes, AttestationPolicy.SELF_DECLARATION, 0))
        .to.be.revertedWithCustomError(registry, "SchemaExists")
        .withArgs(schemaId({ name: "x" }));
    });

    it("should stop at the schema cap", async function () {
      const { contracts } = await loadFixture(fontaineFixture);
      const factory = await ethers.getContractFactory("TestAttestationRegistry");
      const capped = await factory.deploy(contracts.federation, contracts.clock, 1);
      await capped.registerSchema(schemaDefinitionBytes({ n: 1 }), AttestationPolicy.SELF_DECLARATION, 0);
      await expect(
        capped.registerSchema(schemaDefinitionBytes({ n: 2 }), AttestationPolicy.SELF_DECLARATION, 0),
      ).to.be.revertedWithCustomError(capped, "TooManySchemas");
    });

    it("should deprecate a schema in favour of another, or of none", async function () {
      const { contracts, schemas } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      await expect(registry.deprecateSchema(schemas.childLabour, schemas.socialAudit))
        .to.emit(registry, "SchemaDeprecated")
        .withArgs(schemas.childLabour, schemas.socialAudit);
      const record = await registry.schemaOf(schemas.childLabour);
      expect([record.deprecatedAt, record.replacement]).to.deep.equal([BigInt(T0), schemas.socialAudit]);
      await expect(registry.deprecateSchema(schemas.socialAudit, ZeroHash)).to.emit(registry, "SchemaDeprecated");
    });

    it("should refuse deprecating unknown or deprecated schemas, bad replacements and non-governors", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      await expect(registry.deprecateSchema(id("nope"), ZeroHash))
        .to.be.revertedWithCustomError(registry, "UnknownSchema")
        .withArgs(id("nope"));
      await expect(registry.deprecateSchema(schemas.childLabour, schemas.childLabour))
        .to.be.revertedWithCustomError(registry, "InvalidReplacement")
        .withArgs(schemas.childLabour);
      await expect(registry.deprecateSchema(schemas.childLabour, id("nope"))).to.be.revertedWithCustomError(
        registry,
        "InvalidReplacement",
      );
      await expect(
        registry.connect(signers.outsider).deprecateSchema(schemas.childLabour, ZeroHash),
      ).to.be.revertedWithCustomError(registry, "MissingRole");
      await registry.deprecateSchema(schemas.childLabour, ZeroHash);
      await expect(registry.deprecateSchema(schemas.childLabour, ZeroHash))
        .to.be.revertedWithCustomError(registry, "SchemaIsDeprecated")
        .withArgs(schemas.childLabour, ZeroHash);
    });
  });

  describe("attesting", function () {
    it("should record one attestation with a deterministic uid and emit everything else", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      const fields = request(schemas.childLabour, ORG.supplier, { expiry: BigInt(T0 + 30 * DAY) });
      const uid = uidOf(fields, signers.supplierKey.address);
      await expect(registry.connect(signers.supplierKey).attest(fields))
        .to.emit(registry, "Attested")
        .withArgs(
          uid,
          fields.subject,
          fields.digest,
          fields.schema,
          ORG.supplier,
          signers.supplierKey.address,
          fields.expiry,
          ZeroHash,
          fields.nonce,
          T0 + 30 * DAY,
        );
      const record = await registry.attestation(uid);
      expect([record.signer, record.time, record.expiry, record.schema, record.revoked]).to.deep.equal([
        signers.supplierKey.address,
        BigInt(T0),
        BigInt(T0 + 30 * DAY),
        schemas.childLabour,
        false,
      ]);
      await expectStatus(registry, uid, "VALID");
    });

    it("should refuse the same attestation twice", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const fields = request(schemas.childLabour, ORG.supplier);
      const uid = await attestAs(contracts.registry, signers.supplierKey, fields);
      await expect(contracts.registry.connect(signers.supplierKey).attest(fields))
        .to.be.revertedWithCustomError(contracts.registry, "AlreadyAttested")
        .withArgs(uid);
    });

    it("should refuse unknown and deprecated schemas", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      await expect(registry.connect(signers.supplierKey).attest(request(id("nope") as Hex, ORG.supplier)))
        .to.be.revertedWithCustomError(registry, "UnknownSchema")
        .withArgs(id("nope"));
      await registry.deprecateSchema(schemas.childLabour, schemas.socialAudit);
      await expect(registry.connect(signers.supplierKey).attest(request(schemas.childLabour, ORG.supplier)))
        .to.be.revertedWithCustomError(registry, "SchemaIsDeprecated")
        .withArgs(schemas.childLabour, schemas.socialAudit);
    });

    it("should refuse unknown, retired and compromised keys and suspended organisations", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry, federation, clock } = contracts;
      const fields = () => request(schemas.childLabour, ORG.supplier);
      await expect(registry.connect(signers.outsider).attest(fields()))
        .to.be.revertedWithCustomError(registry, "KeyNotUsable")
        .withArgs(signers.outsider.address, KeyStatus.UNKNOWN);
      await federation.suspend(ORG.supplier, ZeroHash);
      await expect(registry.connect(signers.supplierKey).attest(fields()))
        .to.be.revertedWithCustomError(registry, "KeyNotUsable")
        .withArgs(signers.supplierKey.address, KeyStatus.ORGANISATION_SUSPENDED);
      await federation.reinstate(ORG.supplier);
      await federation.retireKey(signers.supplierKey2.address);
      await clock.setTime(T0 + 1);
      await expect(registry.connect(signers.supplierKey2).attest(fields()))
        .to.be.revertedWithCustomError(registry, "KeyNotUsable")
        .withArgs(signers.supplierKey2.address, KeyStatus.INACTIVE);
      await federation.markCompromised(signers.supplierKey.address, T0 + 1);
      await expect(registry.connect(signers.supplierKey).attest(fields()))
        .to.be.revertedWithCustomError(registry, "KeyNotUsable")
        .withArgs(signers.supplierKey.address, KeyStatus.COMPROMISED);
    });

    it("should accept certifier-only schemas from accredited certifiers only, with the default validity", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      await expect(registry.connect(signers.supplierKey).attest(request(schemas.socialAudit, ORG.supplier)))
        .to.be.revertedWithCustomError(registry, "NotCertifier")
        .withArgs(ORG.supplier);
      await expect(registry.connect(signers.certifier2Key).attest(request(schemas.socialAudit, ORG.supplier)))
        .to.be.revertedWithCustomError(registry, "NotAccredited")
        .withArgs(ORG.certifier2, schemas.socialAudit);
      const uid = await attestAs(registry, signers.certifierKey, request(schemas.socialAudit, ORG.supplier));
      expect((await registry.attestation(uid)).expiry).to.equal(T0 + 365 * DAY);
    });

    it("should refuse past and oversized expiries", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      for (const expiry of [BigInt(T0), 1n, 2n ** 40n]) {
        await expect(
          registry.connect(signers.supplierKey).attest(request(schemas.childLabour, ORG.supplier, { expiry })),
        )
          .to.be.revertedWithCustomError(registry, "InvalidExpiry")
          .withArgs(expiry);
      }
      await attestAs(
        registry,
        signers.supplierKey,
        request(schemas.childLabour, ORG.supplier, { expiry: 2n ** 40n - 1n }),
      );
    });

    it("should accept a reference to an existing attestation only", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      const missing = id("missing") as Hex;
      await expect(
        registry.connect(signers.supplierKey).attest(request(schemas.childLabour, ORG.supplier, { ref: missing })),
      )
        .to.be.revertedWithCustomError(registry, "UnknownAttestation")
        .withArgs(missing);
      const first = await attestAs(registry, signers.supplierKey, request(schemas.childLabour, ORG.supplier));
      const second = await attestAs(
        registry,
        signers.supplierKey,
        request(schemas.childLabour, ORG.supplier, { ref: first }),
      );
      await expectStatus(registry, second, "VALID");
    });
  });

  describe("attesting by signature", function () {
    it("should record an attestation signed off chain and submitted by a relayer", async function () {
      const { contracts, schemas, signers, domains } = await loadFixture(fontaineFixture);
      const fields = request(schemas.childLabour, ORG.supplier);
      const { signature } = await signAttest(signers.supplierKey, domains.registry, fields);
      const uid = uidOf(fields, signers.supplierKey.address);
      await expect(
        contracts.registry
          .connect(signers.relayer)
          .attestBySig(fields, signers.supplierKey.address, DEADLINE, signature),
      )
        .to.emit(contracts.registry, "Attested")
        .withArgs(
          uid,
          fields.subject,
          fields.digest,
          fields.schema,
          ORG.supplier,
          signers.supplierKey.address,
          0,
          ZeroHash,
          fields.nonce,
          0,
        );
      expect((await contracts.registry.attestation(uid)).signer).to.equal(signers.supplierKey.address);
    });

    it("should refuse a replayed signature with AlreadyAttested", async function () {
      const { contracts, schemas, signers, domains } = await loadFixture(fontaineFixture);
      const fields = request(schemas.childLabour, ORG.supplier);
      const { signature } = await signAttest(signers.supplierKey, domains.registry, fields);
      const submit = () =>
        contracts.registry
          .connect(signers.relayer)
          .attestBySig(fields, signers.supplierKey.address, DEADLINE, signature);
      await submit();
      await expect(submit())
        .to.be.revertedWithCustomError(contracts.registry, "AlreadyAttested")
        .withArgs(uidOf(fields, signers.supplierKey.address));
    });

    it("should refuse signatures for another chain id or another contract", async function () {
      const { contracts, schemas, signers, domains } = await loadFixture(fontaineFixture);
      const fields = request(schemas.childLabour, ORG.supplier);
      const otherChain = attestationRegistryDomain(1, domains.registry.verifyingContract);
      const otherContract = attestationRegistryDomain(domains.registry.chainId, await contracts.lots.getAddress());
      for (const domain of [otherChain, otherContract]) {
        const { signature } = await signAttest(signers.supplierKey, domain, fields);
        await expect(contracts.registry.attestBySig(fields, signers.supplierKey.address, DEADLINE, signature))
          .to.be.revertedWithCustomError(contracts.registry, "InvalidSignature")
          .withArgs(signers.supplierKey.address);
      }
    });

    it("should refuse a passed deadline, accepting the deadline second itself", async function () {
      const { contracts, schemas, signers, domains } = await loadFixture(fontaineFixture);
      const fields = request(schemas.childLabour, ORG.supplier);
      const deadline = BigInt(T0 + 10);
      const { signature } = await signAttest(signers.supplierKey, domains.registry, fields, deadline);
      await contracts.clock.setTime(T0 + 11);
      await expect(contracts.registry.attestBySig(fields, signers.supplierKey.address, deadline, signature))
        .to.be.revertedWithCustomError(contracts.registry, "DeadlinePassed")
        .withArgs(deadline);
      await contracts.clock.setTime(T0 + 10);
      await contracts.registry.attestBySig(fields, signers.supplierKey.address, deadline, signature);
    });

    it("should refuse high-s malleated, truncated and foreign signatures and tampered fields", async function () {
      const { contracts, schemas, signers, domains } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      const signer = signers.supplierKey.address;
      const fields = request(schemas.childLabour, ORG.supplier);
      const { signature } = await signAttest(signers.supplierKey, domains.registry, fields);
      const malleated = malleate(signature);
      await expect(registry.attestBySig(fields, signer, DEADLINE, malleated))
        .to.be.revertedWithCustomError(registry, "InvalidSignatureS")
        .withArgs(ethers.dataSlice(malleated, 32, 64));
      await expect(registry.attestBySig(fields, signer, DEADLINE, ethers.dataSlice(signature, 0, 64)))
        .to.be.revertedWithCustomError(registry, "InvalidSignatureLength")
        .withArgs(64);
      const foreign = await signAttest(signers.supplier2Key, domains.registry, fields);
      await expect(registry.attestBySig(fields, signer, DEADLINE, foreign.signature))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(signer);
      await expect(registry.attestBySig({ ...fields, digest: id("other") as Hex }, signer, DEADLINE, signature))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(signer);
      // None of the failures used anything up: the genuine signature still goes through.
      await registry.attestBySig(fields, signer, DEADLINE, signature);
    });

    it("should refuse a signature whose nonce the signer cancelled", async function () {
      const { contracts, schemas, signers, domains } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      const fields = request(schemas.childLabour, ORG.supplier);
      const { signature } = await signAttest(signers.supplierKey, domains.registry, fields);
      await expect(registry.connect(signers.supplierKey).cancelNonce(fields.nonce))
        .to.emit(registry, "NonceCancelled")
        .withArgs(signers.supplierKey.address, fields.nonce);
      expect(await registry.isNonceUsed(signers.supplierKey.address, fields.nonce)).to.equal(true);
      await expect(registry.attestBySig(fields, signers.supplierKey.address, DEADLINE, signature))
        .to.be.revertedWithCustomError(registry, "NonceAlreadyUsed")
        .withArgs(signers.supplierKey.address, fields.nonce);
      await expect(registry.connect(signers.supplierKey).cancelNonce(fields.nonce)).to.be.revertedWithCustomError(
        registry,
        "NonceAlreadyUsed",
      );
    });

    it("should refuse a valid signature from a key that may not attest", async function () {
      const { contracts, schemas, signers, domains } = await loadFixture(fontaineFixture);
      const fields = request(schemas.childLabour, ORG.supplier);
      const { signature } = await signAttest(signers.outsider, domains.registry, fields);
      await expect(contracts.registry.attestBySig(fields, signers.outsider.address, DEADLINE, signature))
        .to.be.revertedWithCustomError(contracts.registry, "KeyNotUsable")
        .withArgs(signers.outsider.address, KeyStatus.UNKNOWN);
    });
  });

  describe("ERC-1271 wallets", function () {
    it("should accept a wallet's valid signature and let the wallet attest directly", async function () {
      const { contracts, schemas, signers, domains, wallet } = await loadFixture(walletFixture);
      const walletAddress = await wallet.getAddress();
      const fields = request(schemas.childLabour, ORG.supplier2);
      const { signature } = await signAttest(signers.supplierKey2, domains.registry, fields);
      await contracts.registry.connect(signers.relayer).attestBySig(fields, walletAddress, DEADLINE, signature);
      await expectStatus(contracts.registry, uidOf(fields, walletAddress), "VALID");
      const direct = request(schemas.childLabour, ORG.supplier2);
      await wallet.execute(contracts.registry, contracts.registry.interface.encodeFunctionData("attest", [direct]));
      expect((await contracts.registry.attestation(uidOf(direct, walletAddress))).signer).to.equal(walletAddress);
    });

    it("should reject wrong magic values, reverting, gas-burning and return-bombing wallets at bounded cost", async function () {
      const { contracts, schemas, signers, domains, wallet } = await loadFixture(walletFixture);
      const walletAddress = await wallet.getAddress();
      for (const mode of [
        WALLET_MODE.WRONG_MAGIC,
        WALLET_MODE.REVERTING,
        WALLET_MODE.GAS_BURNING,
        WALLET_MODE.RETURN_BOMB,
      ]) {
        await wallet.setMode(mode);
        const fields = request(schemas.childLabour, ORG.supplier2);
        const { signature } = await signAttest(signers.supplierKey2, domains.registry, fields);
        await expect(
          contracts.registry.connect(signers.relayer).attestBySig(fields, walletAddress, DEADLINE, signature, {
            gasLimit: 1_000_000,
          }),
        )
          .to.be.revertedWithCustomError(contracts.registry, "InvalidSignature")
          .withArgs(walletAddress);
        const estimate = await contracts.registry
          .connect(signers.relayer)
          .attestBySig.estimateGas(request(schemas.childLabour, ORG.supplier2), walletAddress, DEADLINE, signature)
          .catch(() => undefined);
        expect(estimate).to.equal(undefined);
      }
      await wallet.setMode(WALLET_MODE.GOOD);
      const fields = request(schemas.childLabour, ORG.supplier2);
      const wrong = await signAttest(signers.outsider, domains.registry, fields);
      await expect(contracts.registry.attestBySig(fields, walletAddress, DEADLINE, wrong.signature))
        .to.be.revertedWithCustomError(contracts.registry, "InvalidSignature")
        .withArgs(walletAddress);
    });

    it("should keep a gas-burning wallet's cost under the ERC-1271 allowance", async function () {
      const { contracts, schemas, signers, domains, wallet } = await loadFixture(walletFixture);
      await wallet.setMode(WALLET_MODE.GAS_BURNING);
      const fields = request(schemas.childLabour, ORG.supplier2);
      const { signature } = await signAttest(signers.supplierKey2, domains.registry, fields);
      const tx = await contracts.registry
        .connect(signers.relayer)
        .attestBySig(fields, await wallet.getAddress(), DEADLINE, signature, { gasLimit: 5_000_000 })
        .catch((error: unknown) => error);
      expect(tx).to.be.instanceOf(Error);
      const block = await ethers.provider.getBlock("latest", true);
      const receipt = await ethers.provider.getTransactionReceipt(block!.transactions[0]!);
      expect(receipt!.status).to.equal(0);
      expect(Number(receipt!.gasUsed)).to.be.lessThan(300_000);
    });
  });

  describe("endorsing", function () {
    it("should record an accredited certifier's endorsement", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      const uid = await attestAs(registry, signers.supplierKey, request(schemas.childLabour, ORG.supplier));
      await expect(registry.connect(signers.certifierKey).endorse(uid))
        .to.emit(registry, "Endorsed")
        .withArgs(uid, ORG.certifier, signers.certifierKey.address);
      const endorsement = await registry.endorsement(uid);
      expect([endorsement.signer, endorsement.time, endorsement.withdrawn]).to.deep.equal([
        signers.certifierKey.address,
        BigInt(T0),
        false,
      ]);
      await expectStatus(registry, uid, "VALID", true);
    });

    it("should endorse by signature and consume the nonce", async function () {
      const { contracts, schemas, signers, domains } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      const uid = await attestAs(registry, signers.supplierKey, request(schemas.childLabour, ORG.supplier));
      const signature = await signEndorse(signers.certifierKey, domains.registry, uid, 7n);
      const submit = () =>
        registry.connect(signers.relayer).endorseBySig(uid, 7n, DEADLINE, signers.certifierKey.address, signature);
      await expect(submit()).to.emit(registry, "Endorsed");
      expect(await registry.isNonceUsed(signers.certifierKey.address, 7n)).to.equal(true);
      await registry.connect(signers.certifierKey).withdrawEndorsement(uid, REASON);
      // The withdrawn endorsement cannot be revived by replaying the old signature.
      await expect(submit())
        .to.be.revertedWithCustomError(registry, "NonceAlreadyUsed")
        .withArgs(signers.certifierKey.address, 7n);
    });

    it("should refuse bad endorsement signatures and passed deadlines without consuming the nonce", async function () {
      const { contracts, schemas, signers, domains } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      const uid = await attestAs(registry, signers.supplierKey, request(schemas.childLabour, ORG.supplier));
      const bad = await signEndorse(signers.outsider, domains.registry, uid, 1n);
      await expect(
        registry.endorseBySig(uid, 1n, DEADLINE, signers.certifierKey.address, bad),
      ).to.be.revertedWithCustomError(registry, "InvalidSignature");
      const late = await signEndorse(signers.certifierKey, domains.registry, uid, 1n, BigInt(T0 - 1));
      await expect(
        registry.endorseBySig(uid, 1n, BigInt(T0 - 1), signers.certifierKey.address, late),
      ).to.be.revertedWithCustomError(registry, "DeadlinePassed");
      expect(await registry.isNonceUsed(signers.certifierKey.address, 1n)).to.equal(false);
    });

    it("should refuse unknown, revoked and already endorsed attestations", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      await expect(registry.connect(signers.certifierKey).endorse(id("nope")))
        .to.be.revertedWithCustomError(registry, "UnknownAttestation")
        .withArgs(id("nope"));
      const uid = await attestAs(registry, signers.supplierKey, request(schemas.childLabour, ORG.supplier));
      await registry.connect(signers.certifierKey).endorse(uid);
      await expect(registry.connect(signers.certifierKey).endorse(uid))
        .to.be.revertedWithCustomError(registry, "AlreadyEndorsed")
        .withArgs(uid);
      await registry.connect(signers.supplierKey).revoke(uid, REASON);
      await expect(registry.connect(signers.certifierKey).endorse(uid))
        .to.be.revertedWithCustomError(registry, "AlreadyRevoked")
        .withArgs(uid);
    });

    it("should refuse non-certifiers, unaccredited certifiers, unusable keys and self-endorsement", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      const uid = await attestAs(registry, signers.supplierKey, request(schemas.childLabour, ORG.supplier));
      await expect(registry.connect(signers.memberKey).endorse(uid))
        .to.be.revertedWithCustomError(registry, "NotCertifier")
        .withArgs(ORG.member);
      await expect(registry.connect(signers.certifier2Key).endorse(uid))
        .to.be.revertedWithCustomError(registry, "NotAccredited")
        .withArgs(ORG.certifier2, schemas.childLabour);
      await expect(registry.connect(signers.outsider).endorse(uid)).to.be.revertedWithCustomError(
        registry,
        "KeyNotUsable",
      );
      const audit = await attestAs(registry, signers.certifierKey, request(schemas.socialAudit, ORG.supplier));
      await expect(registry.connect(signers.certifierKey).endorse(audit))
        .to.be.revertedWithCustomError(registry, "SelfEndorsement")
        .withArgs(audit);
    });

    it("should let the endorsing certifier withdraw, even while suspended, and then another endorse", async function () {
      const { contracts, signers, uid } = await loadFixture(endorsedFixture);
      const { registry, federation } = contracts;
      await expect(registry.connect(signers.supplierKey).withdrawEndorsement(uid, REASON))
        .to.be.revertedWithCustomError(registry, "NotEndorser")
        .withArgs(uid, ORG.supplier);
      await expect(registry.connect(signers.outsider).withdrawEndorsement(uid, REASON)).to.be.revertedWithCustomError(
        registry,
        "KeyNotUsable",
      );
      await federation.suspend(ORG.certifier, ZeroHash);
      await expect(registry.connect(signers.certifierKey).withdrawEndorsement(uid, REASON))
        .to.emit(registry, "EndorsementWithdrawn")
        .withArgs(uid, ORG.certifier, REASON);
      await expectStatus(registry, uid, "VALID", false);
      await expect(registry.connect(signers.certifierKey).withdrawEndorsement(uid, REASON))
        .to.be.revertedWithCustomError(registry, "NotEndorsed")
        .withArgs(uid);
      await expect(registry.connect(signers.certifierKey).withdrawEndorsement(id("x"), REASON))
        .to.be.revertedWithCustomError(registry, "NotEndorsed")
        .withArgs(id("x"));
      await federation.accredit(ORG.certifier2, (await registry.attestation(uid)).schema, 0);
      await registry.connect(signers.certifier2Key).endorse(uid);
      await expectStatus(registry, uid, "VALID", true);
    });

    it("should stop counting an endorsement when accreditation is withdrawn, the org suspended or the key compromised", async function () {
      const { contracts, signers, uid, fields } = await loadFixture(endorsedFixture);
      const { registry, federation, clock } = contracts;
      await federation.withdrawAccreditation(ORG.certifier, fields.schema, REASON);
      await expectStatus(registry, uid, "VALID", false);
      await federation.accredit(ORG.certifier, fields.schema, 0);
      await expectStatus(registry, uid, "VALID", true);
      await federation.suspend(ORG.certifier, REASON);
      await expectStatus(registry, uid, "VALID", false);
      await federation.reinstate(ORG.certifier);
      await clock.setTime(T0 + DAY);
      await federation.markCompromised(signers.certifierKey.address, T0 + DAY);
      await expectStatus(registry, uid, "VALID", true);
      await federation.markCompromised(signers.certifierKey.address, T0);
      await expectStatus(registry, uid, "VALID", false);
    });
  });

  describe("revoking", function () {
    it("should let any key of the attesting organisation revoke, finally", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      const uid = await attestAs(registry, signers.supplierKey, request(schemas.childLabour, ORG.supplier));
      await expect(registry.connect(signers.supplierKey2).revoke(uid, REASON))
        .to.emit(registry, "Revoked")
        .withArgs(uid, ORG.supplier, REASON);
      expect((await registry.attestation(uid)).revoked).to.equal(true);
      await expectStatus(registry, uid, "REVOKED");
      await expect(registry.connect(signers.supplierKey).revoke(uid, REASON))
        .to.be.revertedWithCustomError(registry, "AlreadyRevoked")
        .withArgs(uid);
    });

    it("should refuse unknown uids, other organisations and compromised keys, but allow suspended ones", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry, federation } = contracts;
      await expect(registry.connect(signers.supplierKey).revoke(id("nope"), REASON))
        .to.be.revertedWithCustomError(registry, "UnknownAttestation")
        .withArgs(id("nope"));
      const uid = await attestAs(registry, signers.supplierKey, request(schemas.childLabour, ORG.supplier));
      await expect(registry.connect(signers.supplier2Key).revoke(uid, REASON))
        .to.be.revertedWithCustomError(registry, "NotAttester")
        .withArgs(uid, ORG.supplier2);
      await federation.markCompromised(signers.supplierKey2.address, T0);
      await expect(registry.connect(signers.supplierKey2).revoke(uid, REASON))
        .to.be.revertedWithCustomError(registry, "KeyNotUsable")
        .withArgs(signers.supplierKey2.address, KeyStatus.COMPROMISED);
      await federation.suspend(ORG.supplier, REASON);
      await registry.connect(signers.supplierKey).revoke(uid, REASON);
      await expectStatus(registry, uid, "REVOKED");
    });

    it("should revoke by signature, consuming the nonce, and refuse late or foreign signatures", async function () {
      const { contracts, schemas, signers, domains } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      const uid = await attestAs(registry, signers.supplierKey, request(schemas.childLabour, ORG.supplier));
      const signer = signers.supplierKey.address;
      const late = await signRevoke(signers.supplierKey, domains.registry, uid, REASON, 3n, BigInt(T0 - 1));
      await expect(registry.revokeBySig(uid, REASON, 3n, BigInt(T0 - 1), signer, late)).to.be.revertedWithCustomError(
        registry,
        "DeadlinePassed",
      );
      const foreign = await signRevoke(signers.supplier2Key, domains.registry, uid, REASON, 3n);
      await expect(registry.revokeBySig(uid, REASON, 3n, DEADLINE, signer, foreign)).to.be.revertedWithCustomError(
        registry,
        "InvalidSignature",
      );
      const signature = await signRevoke(signers.supplierKey, domains.registry, uid, REASON, 3n);
      await expect(registry.connect(signers.relayer).revokeBySig(uid, REASON, 3n, DEADLINE, signer, signature))
        .to.emit(registry, "Revoked")
        .withArgs(uid, ORG.supplier, REASON);
      expect(await registry.isNonceUsed(signer, 3n)).to.equal(true);
    });
  });

  describe("suspending", function () {
    it("should let the governor suspend and lift a suspension", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      const uid = await attestAs(registry, signers.supplierKey, request(schemas.childLabour, ORG.supplier));
      await expect(registry.suspend(uid, REASON)).to.emit(registry, "Suspended").withArgs(uid, REASON);
      expect(await registry.isSuspended(uid)).to.equal(true);
      await expectStatus(registry, uid, "SUSPENDED");
      await expect(registry.suspend(uid, REASON))
        .to.be.revertedWithCustomError(registry, "AlreadySuspended")
        .withArgs(uid);
      await expect(registry.liftSuspension(uid, REASON)).to.emit(registry, "SuspensionLifted").withArgs(uid, REASON);
      await expectStatus(registry, uid, "VALID");
      await expect(registry.liftSuspension(uid, REASON))
        .to.be.revertedWithCustomError(registry, "NotSuspended")
        .withArgs(uid);
    });

    it("should refuse a zero uid and non-governors", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      await expect(registry.suspend(ZeroHash, REASON)).to.be.revertedWithCustomError(registry, "ZeroValue");
      await expect(registry.connect(signers.outsider).suspend(id("x"), REASON)).to.be.revertedWithCustomError(
        registry,
        "MissingRole",
      );
      await expect(registry.connect(signers.outsider).liftSuspension(id("x"), REASON)).to.be.revertedWithCustomError(
        registry,
        "MissingRole",
      );
    });
  });

  describe("status", function () {
    it("should answer UNKNOWN for unknown uids", async function () {
      const { contracts } = await loadFixture(fontaineFixture);
      await expectStatus(contracts.registry, id("nope"), "UNKNOWN");
      const record = await contracts.registry.attestation(id("nope"));
      expect(record.signer).to.equal(ZeroAddress);
    });

    it("should turn EXPIRED at the expiry second", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const uid = await attestAs(
        contracts.registry,
        signers.supplierKey,
        request(schemas.childLabour, ORG.supplier, { expiry: BigInt(T0 + DAY) }),
      );
      await contracts.clock.setTime(T0 + DAY - 1);
      await expectStatus(contracts.registry, uid, "VALID");
      await contracts.clock.setTime(T0 + DAY);
      await expectStatus(contracts.registry, uid, "EXPIRED");
    });

    it("should turn KEY_COMPROMISED when the key is compromised from or before the attestation time only", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry, federation, clock } = contracts;
      const uid = await attestAs(registry, signers.supplierKey, request(schemas.childLabour, ORG.supplier));
      await clock.setTime(T0 + DAY);
      await federation.markCompromised(signers.supplierKey.address, T0 + 1);
      await expectStatus(registry, uid, "VALID");
      await federation.markCompromised(signers.supplierKey.address, T0);
      await expectStatus(registry, uid, "KEY_COMPROMISED");
    });

    it("should keep attestations of a retired key VALID", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const uid = await attestAs(contracts.registry, signers.supplierKey, request(schemas.childLabour, ORG.supplier));
      await contracts.federation.retireKey(signers.supplierKey.address);
      await contracts.clock.setTime(T0 + 100 * DAY);
      await expectStatus(contracts.registry, uid, "VALID");
    });

    it("should read SUSPENDED while the organisation is suspended", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const uid = await attestAs(contracts.registry, signers.supplierKey, request(schemas.childLabour, ORG.supplier));
      await contracts.federation.suspend(ORG.supplier, REASON);
      await expectStatus(contracts.registry, uid, "SUSPENDED");
      await contracts.federation.reinstate(ORG.supplier);
      await expectStatus(contracts.registry, uid, "VALID");
    });

    it("should read REVOKED when the certifier's accreditation for a certifier-only schema is withdrawn", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const uid = await attestAs(contracts.registry, signers.certifierKey, request(schemas.socialAudit, ORG.supplier));
      await expectStatus(contracts.registry, uid, "VALID");
      await contracts.federation.withdrawAccreditation(ORG.certifier, schemas.socialAudit, REASON);
      await expectStatus(contracts.registry, uid, "REVOKED");
    });

    it("should apply the documented precedence: REVOKED over KEY_COMPROMISED over SUSPENDED over EXPIRED", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry, federation, clock } = contracts;
      const uid = await attestAs(
        registry,
        signers.supplierKey,
        request(schemas.childLabour, ORG.supplier, { expiry: BigInt(T0 + DAY) }),
      );
      await clock.setTime(T0 + 2 * DAY);
      await expectStatus(registry, uid, "EXPIRED");
      await registry.suspend(uid, REASON);
      await expectStatus(registry, uid, "SUSPENDED");
      await federation.markCompromised(signers.supplierKey.address, T0);
      await expectStatus(registry, uid, "KEY_COMPROMISED");
      await registry.connect(signers.supplierKey2).revoke(uid, REASON);
      await expectStatus(registry, uid, "REVOKED");
    });
  });

  describe("batches", function () {
    async function batchFixture() {
      const fixture = await fontaineFixture();
      const { signers, schemas, domains } = fixture;
      const items: { fields: RequestFields; signer: string; signature: string; leaf: BatchLeaf }[] = [];
      const add = async (key: typeof signers.supplierKey, fields: RequestFields) => {
        const { signature, digest } = await signAttest(key, domains.registry, fields);
        items.push({ fields, signer: key.address, signature, leaf: { attestDigest: digest, signer: key.address } });
      };
      await add(signers.supplierKey, request(schemas.childLabour, ORG.supplier));
      await add(signers.supplierKey2, request(schemas.childLabour, ORG.supplier, { expiry: BigInt(T0 + DAY) }));
      await add(signers.certifierKey, request(schemas.socialAudit, ORG.supplier));
      await add(signers.supplier2Key, request(schemas.socialAudit, ORG.supplier2));
      await add(signers.outsider, request(schemas.childLabour, ORG.supplier));
      await add(signers.supplier2Key, request(schemas.childLabour, ORG.supplier2, { expiry: BigInt(T0) }));
      await add(signers.supplier2Key, request(schemas.childLabour, ORG.supplier2, { expiry: 2n ** 40n }));
      await add(signers.supplier2Key, request(id("unknown-schema") as Hex, ORG.supplier2));
      const tree = buildBatchTree(items.map((item) => item.leaf));
      await fixture.contracts.registry.connect(signers.relayer).anchorBatch(tree.root, items.length);
      return { ...fixture, items, tree };
    }

    async function leafStatusOf(fixture: Awaited<ReturnType<typeof batchFixture>>, index: number, root?: string) {
      const item = fixture.items[index]!;
      const proof = batchProof(fixture.tree, item.leaf);
      const status = await fixture.contracts.registry.leafStatus(
        root ?? fixture.tree.root,
        item.fields,
        item.signer,
        DEADLINE,
        item.signature,
        proof,
      );
      return statusName(status);
    }

    it("should anchor a root by the relayer or an organisation key, once", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      const root = id("root");
      await expect(registry.connect(signers.relayer).anchorBatch(root, 256))
        .to.emit(registry, "BatchAnchored")
        .withArgs(root, signers.relayer.address, 256);
      const record = await registry.batch(root);
      expect([record.anchorer, record.time, record.count]).to.deep.equal([signers.relayer.address, BigInt(T0), 256n]);
      await expect(registry.connect(signers.memberKey).anchorBatch(id("root2"), 1)).to.emit(registry, "BatchAnchored");
      await expect(registry.connect(signers.relayer).anchorBatch(root, 1))
        .to.be.revertedWithCustomError(registry, "BatchExists")
        .withArgs(root);
    });

    it("should refuse zero roots or counts and callers that are neither relayer nor valid key", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { registry, federation } = contracts;
      await expect(registry.connect(signers.relayer).anchorBatch(ZeroHash, 1)).to.be.revertedWithCustomError(
        registry,
        "ZeroValue",
      );
      await expect(registry.connect(signers.relayer).anchorBatch(id("r"), 0)).to.be.revertedWithCustomError(
        registry,
        "ZeroValue",
      );
      await expect(registry.connect(signers.outsider).anchorBatch(id("r"), 1))
        .to.be.revertedWithCustomError(registry, "NotAnchorer")
        .withArgs(signers.outsider.address);
      await federation.suspend(ORG.member, REASON);
      await expect(registry.connect(signers.memberKey).anchorBatch(id("r"), 1)).to.be.revertedWithCustomError(
        registry,
        "NotAnchorer",
      );
    });

    it("should judge each leaf at anchoring time", async function () {
      const fixture = await loadFixture(batchFixture);
      expect(await leafStatusOf(fixture, 0)).to.equal("VALID");
      expect(await leafStatusOf(fixture, 1)).to.equal("VALID");
      expect(await leafStatusOf(fixture, 2)).to.equal("VALID"); // accredited certifier, certifier-only schema
      expect(await leafStatusOf(fixture, 3)).to.equal("UNKNOWN"); // supplier under a certifier-only schema
      expect(await leafStatusOf(fixture, 4)).to.equal("UNKNOWN"); // unregistered key
      expect(await leafStatusOf(fixture, 5)).to.equal("UNKNOWN"); // expiry not after anchoring
      expect(await leafStatusOf(fixture, 6)).to.equal("UNKNOWN"); // expiry beyond uint40
      expect(await leafStatusOf(fixture, 7)).to.equal("UNKNOWN"); // unknown schema
      expect(await leafStatusOf(fixture, 0, id("other-root"))).to.equal("UNKNOWN");
      await fixture.contracts.clock.setTime(T0 + DAY);
      expect(await leafStatusOf(fixture, 1)).to.equal("EXPIRED");
      await fixture.contracts.clock.setTime(T0 + 365 * DAY);
      expect(await leafStatusOf(fixture, 2)).to.equal("EXPIRED"); // the schema's default validity
    });

    it("should answer UNKNOWN for bad proofs, bad signatures and deadlines before anchoring", async function () {
      const fixture = await loadFixture(batchFixture);
      const { registry } = fixture.contracts;
      const item = fixture.items[0]!;
      const other = fixture.items[1]!;
      const proof = batchProof(fixture.tree, item.leaf);
      expect(
        await registry.leafStatus(fixture.tree.root, item.fields, item.signer, DEADLINE, item.signature, [id("x")]),
      ).to.equal(Status.UNKNOWN);
      expect(
        await registry.leafStatus(fixture.tree.root, item.fields, item.signer, DEADLINE, other.signature, proof),
      ).to.equal(Status.UNKNOWN);
      const early = request(fixture.schemas.childLabour, ORG.supplier);
      const signed = await signAttest(fixture.signers.supplierKey, fixture.domains.registry, early, BigInt(T0 - 1));
      const tree = buildBatchTree([{ attestDigest: signed.digest, signer: fixture.signers.supplierKey.address }]);
      await registry.connect(fixture.signers.relayer).anchorBatch(tree.root, 1);
      expect(
        await registry.leafStatus(
          tree.root,
          early,
          fixture.signers.supplierKey.address,
          BigInt(T0 - 1),
          signed.signature,
          [],
        ),
      ).to.equal(Status.UNKNOWN);
    });

    it("should answer UNKNOWN for keys retired or schemas deprecated before anchoring, VALID when after", async function () {
      const fixture = await loadFixture(fontaineFixture);
      const { registry, federation, clock } = fixture.contracts;
      const { signers, schemas, domains } = fixture;
      const a = request(schemas.childLabour, ORG.supplier);
      const b = request(schemas.childLabour, ORG.supplier);
      const signedA = await signAttest(signers.supplierKey, domains.registry, a);
      const signedB = await signAttest(signers.supplierKey, domains.registry, b);
      const treeA = buildBatchTree([{ attestDigest: signedA.digest, signer: signers.supplierKey.address }]);
      const treeB = buildBatchTree([{ attestDigest: signedB.digest, signer: signers.supplierKey.address }]);
      await registry.connect(signers.relayer).anchorBatch(treeA.root, 1);
      await clock.setTime(T0 + 1);
      await federation.retireKey(signers.supplierKey.address);
      await clock.setTime(T0 + 2);
      await registry.connect(signers.relayer).anchorBatch(treeB.root, 1);
      await clock.setTime(T0 + 3);
      await registry.deprecateSchema(schemas.childLabour, ZeroHash);
      const key = signers.supplierKey.address;
      expect(await registry.leafStatus(treeA.root, a, key, DEADLINE, signedA.signature, [])).to.equal(Status.VALID);
      expect(await registry.leafStatus(treeB.root, b, key, DEADLINE, signedB.signature, [])).to.equal(Status.UNKNOWN);
    });

    it("should answer UNKNOWN when the schema was deprecated before anchoring, even with a valid key", async function () {
      const fixture = await loadFixture(fontaineFixture);
      const { registry } = fixture.contracts;
      const { signers, schemas, domains } = fixture;
      const fields = request(schemas.childLabour, ORG.supplier);
      const signed = await signAttest(signers.supplierKey, domains.registry, fields);
      const tree = buildBatchTree([{ attestDigest: signed.digest, signer: signers.supplierKey.address }]);
      await registry.deprecateSchema(schemas.childLabour, ZeroHash);
      await registry.connect(signers.relayer).anchorBatch(tree.root, 1);
      expect(
        await registry.leafStatus(tree.root, fields, signers.supplierKey.address, DEADLINE, signed.signature, []),
      ).to.equal(Status.UNKNOWN);
    });

    it("should follow revocation, suspension, compromise and withdrawn accreditation", async function () {
      const fixture = await loadFixture(batchFixture);
      const { registry, federation } = fixture.contracts;
      const { signers, tree } = fixture;
      const first = fixture.items[0]!;
      await expect(
        registry
          .connect(signers.supplierKey2)
          .revokeLeaf(tree.root, first.leaf.attestDigest, first.signer, batchProof(tree, first.leaf), REASON),
      )
        .to.emit(registry, "LeafRevoked")
        .withArgs(tree.root, leafHash(first.leaf), ORG.supplier, REASON);
      expect(await registry.isLeafRevoked(leafHash(first.leaf))).to.equal(true);
      expect(await leafStatusOf(fixture, 0)).to.equal("REVOKED");

      const second = fixture.items[1]!;
      const secondUid = uidOf(second.fields, second.signer);
      await registry.suspend(secondUid, REASON);
      expect(await leafStatusOf(fixture, 1)).to.equal("SUSPENDED");
      await registry.liftSuspension(secondUid, REASON);
      await federation.suspend(ORG.supplier, REASON);
      expect(await leafStatusOf(fixture, 1)).to.equal("SUSPENDED");
      await federation.reinstate(ORG.supplier);
      await federation.markCompromised(signers.supplierKey2.address, T0);
      expect(await leafStatusOf(fixture, 1)).to.equal("KEY_COMPROMISED");

      await federation.withdrawAccreditation(ORG.certifier, fixture.schemas.socialAudit, REASON);
      expect(await leafStatusOf(fixture, 2)).to.equal("REVOKED");
    });

    it("should refuse leaf revocation for unknown roots, bad proofs, repeated revocation and other organisations", async function () {
      const fixture = await loadFixture(batchFixture);
      const { registry } = fixture.contracts;
      const { signers, tree } = fixture;
      const item = fixture.items[0]!;
      const proof = batchProof(tree, item.leaf);
      const revoke = (key: typeof signers.supplierKey, root: string, p: string[]) =>
        registry.connect(key).revokeLeaf(root, item.leaf.attestDigest, item.signer, p, REASON);
      await expect(revoke(signers.supplierKey, id("nope"), proof))
        .to.be.revertedWithCustomError(registry, "UnknownBatch")
        .withArgs(id("nope"));
      await expect(revoke(signers.supplierKey, tree.root, [id("x")])).to.be.revertedWithCustomError(
        registry,
        "InvalidProof",
      );
      await expect(revoke(signers.supplier2Key, tree.root, proof))
        .to.be.revertedWithCustomError(registry, "NotAttester")
        .withArgs(leafHash(item.leaf), ORG.supplier2);
      await expect(revoke(signers.outsider, tree.root, proof)).to.be.revertedWithCustomError(registry, "KeyNotUsable");
      await revoke(signers.supplierKey, tree.root, proof);
      await expect(revoke(signers.supplierKey, tree.root, proof))
        .to.be.revertedWithCustomError(registry, "LeafAlreadyRevoked")
        .withArgs(leafHash(item.leaf));
    });
  });

  describe("events", function () {
    it("should let anyone find the uids of a document by its digest topic", async function () {
      const { contracts, schemas, signers } = await loadFixture(fontaineFixture);
      const { registry } = contracts;
      const digest = id("certificate.pdf") as Hex;
      const a = await attestAs(registry, signers.supplierKey, request(schemas.childLabour, ORG.supplier, { digest }));
      await attestAs(registry, signers.supplierKey, request(schemas.childLabour, ORG.supplier));
      const b = await attestAs(registry, signers.certifierKey, request(schemas.socialAudit, ORG.supplier, { digest }));
      const logs = await registry.queryFilter(registry.filters.Attested(undefined, undefined, digest));
      expect(logs.map((log) => log.args.uid)).to.deep.equal([a, b]);
    });
  });
});
