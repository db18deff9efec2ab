import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, id } from "ethers";
import { KeyStatus, OrgKind, metadataDigest, reasonCode } from "../../sdk";
import { DAY, ORG, T0, fontaineFixture } from "../helpers/fontaine";

describe("Federation", function () {
  describe("deployment", function () {
    it("should give the admin the admin and governor roles", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { federation } = contracts;
      expect(await federation.hasRole(await federation.DEFAULT_ADMIN_ROLE(), signers.governor.address)).to.equal(true);
      expect(await federation.hasRole(await federation.GOVERNOR_ROLE(), signers.governor.address)).to.equal(true);
      expect(await federation.GOVERNOR_ROLE()).to.equal(id("GOVERNOR_ROLE"));
      expect(await federation.RELAYER_ROLE()).to.equal(id("RELAYER_ROLE"));
    });

    it("should refuse a zero admin", async function () {
      const { contracts } = await loadFixture(fontaineFixture);
      const factory = await ethers.getContractFactory("Federation");
      await expect(factory.deploy(ZeroAddress)).to.be.revertedWithCustomError(contracts.federation, "ZeroValue");
    });
  });

  describe("organisations", function () {
    it("should admit an organisation with its kind, time and metadata", async function () {
      const { contracts } = await loadFixture(fontaineFixture);
      const org = id("org:new");
      const digest = metadataDigest({ name: "Nouvelle coopérative" });
      await expect(contracts.federation.admit(org, OrgKind.SUPPLIER, digest))
        .to.emit(contracts.federation, "OrganisationAdmitted")
        .withArgs(org, OrgKind.SUPPLIER, digest);
      const record = await contracts.federation.organisation(org);
      expect(record.kind).to.equal(OrgKind.SUPPLIER);
      expect(record.active).to.equal(true);
      expect(record.admittedAt).to.equal(T0);
      expect(record.metadataDigest).to.equal(digest);
    });

    it("should refuse admission by a non-governor", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      await expect(contracts.federation.connect(signers.outsider).admit(id("x"), OrgKind.MEMBER, ZeroHash))
        .to.be.revertedWithCustomError(contracts.federation, "AccessControlUnauthorizedAccount")
        .withArgs(signers.outsider.address, id("GOVERNOR_ROLE"));
    });

    it("should refuse every governor action by a non-governor", async function () {
      const { contracts, signers, schemas } = await loadFixture(fontaineFixture);
      const federation = contracts.federation.connect(signers.outsider);
      const calls = [
        federation.setMetadata(ORG.supplier, ZeroHash),
        federation.suspend(ORG.supplier, ZeroHash),
        federation.reinstate(ORG.supplier),
        federation.accredit(ORG.certifier2, schemas.socialAudit, 0),
        federation.withdrawAccreditation(ORG.certifier, schemas.socialAudit, ZeroHash),
      ];
      for (const call of calls) {
        await expect(call)
          .to.be.revertedWithCustomError(federation, "AccessControlUnauthorizedAccount")
          .withArgs(signers.outsider.address, id("GOVERNOR_ROLE"));
      }
    });

    it("should refuse a zero id, the NONE kind and a taken id", async function () {
      const { contracts } = await loadFixture(fontaineFixture);
      const { federation } = contracts;
      await expect(federation.admit(ZeroHash, OrgKind.MEMBER, ZeroHash)).to.be.revertedWithCustomError(
        federation,
        "ZeroValue",
      );
      await expect(federation.admit(id("x"), OrgKind.NONE, ZeroHash)).to.be.revertedWithCustomError(
        federation,
        "InvalidKind",
      );
      await expect(federation.admit(ORG.supplier, OrgKind.MEMBER, ZeroHash))
        .to.be.revertedWithCustomError(federation, "OrganisationExists")
        .withArgs(ORG.supplier);
    });

    it("should update metadata of a known organisation only", async function () {
      const { contracts } = await loadFixture(fontaineFixture);
      const digest = metadataDigest({ name: "Coop" });
      await expect(contracts.federation.setMetadata(ORG.supplier, digest))
        .to.emit(contracts.federation, "OrganisationMetadataUpdated")
        .withArgs(ORG.supplier, digest);
      expect((await contracts.federation.organisation(ORG.supplier)).metadataDigest).to.equal(digest);
      await expect(contracts.federation.setMetadata(id("nobody"), digest))
        .to.be.revertedWithCustomError(contracts.federation, "UnknownOrganisation")
        .withArgs(id("nobody"));
    });

    it("should suspend and reinstate, refusing repeated transitions", async function () {
      const { contracts } = await loadFixture(fontaineFixture);
      const { federation } = contracts;
      const reason = reasonCode("DISPUTE");
      await expect(federation.suspend(ORG.supplier, reason))
        .to.emit(federation, "OrganisationSuspended")
        .withArgs(ORG.supplier, reason);
      expect((await federation.organisation(ORG.supplier)).active).to.equal(false);
      await expect(federation.suspend(ORG.supplier, reason))
        .to.be.revertedWithCustomError(federation, "OrganisationAlreadySuspended")
        .withArgs(ORG.supplier);
      await expect(federation.reinstate(ORG.supplier))
        .to.emit(federation, "OrganisationReinstated")
        .withArgs(ORG.supplier);
      await expect(federation.reinstate(ORG.supplier))
        .to.be.revertedWithCustomError(federation, "OrganisationNotSuspended")
        .withArgs(ORG.supplier);
      await expect(federation.suspend(id("nobody"), reason)).to.be.revertedWithCustomError(
        federation,
        "UnknownOrganisation",
      );
    });
  });

  describe("keys", function () {
    it("should add a key valid from now", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const key = signers.spare[0]!.address;
      await expect(contracts.federation.addKey(ORG.member, key))
        .to.emit(contracts.federation, "KeyAdded")
        .withArgs(ORG.member, key, T0);
      const record = await contracts.federation.keyRecord(key);
      expect([record.org, record.validFrom, record.validUntil, record.compromisedFrom]).to.deep.equal([
        ORG.member,
        BigInt(T0),
        0n,
        0n,
      ]);
    });

    it("should refuse a zero key, an unknown organisation and a key already registered", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { federation } = contracts;
      await expect(federation.addKey(ORG.member, ZeroAddress)).to.be.revertedWithCustomError(federation, "ZeroValue");
      await expect(federation.addKey(id("nobody"), signers.spare[0]!.address)).to.be.revertedWithCustomError(
        federation,
        "UnknownOrganisation",
      );
      await expect(federation.addKey(ORG.member, signers.supplierKey.address))
        .to.be.revertedWithCustomError(federation, "KeyExists")
        .withArgs(signers.supplierKey.address);
      await expect(federation.connect(signers.outsider).addKey(ORG.member, signers.spare[0]!.address)).to.be.reverted;
    });

    it("should retire a key by the governor or by the key itself, once", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { federation, clock } = contracts;
      await expect(federation.retireKey(signers.supplierKey.address))
        .to.emit(federation, "KeyRetired")
        .withArgs(ORG.supplier, signers.supplierKey.address, T0 + 1);
      await expect(federation.connect(signers.supplierKey2).retireKey(signers.supplierKey2.address)).to.emit(
        federation,
        "KeyRetired",
      );
      await expect(federation.retireKey(signers.supplierKey.address))
        .to.be.revertedWithCustomError(federation, "KeyAlreadyRetired")
        .withArgs(signers.supplierKey.address);
      await clock.setTime(T0 + 1);
      expect((await federation.signerAt(signers.supplierKey.address, T0)).status).to.equal(KeyStatus.VALID);
      expect((await federation.signerAt(signers.supplierKey.address, T0 + 1)).status).to.equal(KeyStatus.INACTIVE);
    });

    it("should refuse retirement by someone else and of an unknown key", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { federation } = contracts;
      await expect(federation.connect(signers.outsider).retireKey(signers.supplierKey.address))
        .to.be.revertedWithCustomError(federation, "NotGovernorOrKey")
        .withArgs(signers.outsider.address, signers.supplierKey.address);
      await expect(federation.retireKey(signers.outsider.address))
        .to.be.revertedWithCustomError(federation, "UnknownKey")
        .withArgs(signers.outsider.address);
    });

    it("should mark a key compromised from a past time, and only move the mark earlier", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { federation, clock } = contracts;
      const key = signers.supplierKey.address;
      await clock.setTime(T0 + 10 * DAY);
      await expect(federation.connect(signers.supplierKey).markCompromised(key, T0 + 5 * DAY))
        .to.emit(federation, "KeyCompromised")
        .withArgs(ORG.supplier, key, T0 + 5 * DAY);
      await expect(federation.markCompromised(key, T0 + 6 * DAY))
        .to.be.revertedWithCustomError(federation, "InvalidCompromiseTime")
        .withArgs(key, T0 + 6 * DAY);
      await expect(federation.markCompromised(key, T0 + 5 * DAY)).to.be.revertedWithCustomError(
        federation,
        "InvalidCompromiseTime",
      );
      await expect(federation.markCompromised(key, T0 + 2 * DAY)).to.emit(federation, "KeyCompromised");
      expect((await federation.keyRecord(key)).compromisedFrom).to.equal(T0 + 2 * DAY);
      expect((await federation.signerAt(key, T0 + DAY)).status).to.equal(KeyStatus.VALID);
      expect((await federation.signerAt(key, T0 + 2 * DAY)).status).to.equal(KeyStatus.COMPROMISED);
    });

    it("should refuse a zero or future compromise time and other callers", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { federation } = contracts;
      const key = signers.supplierKey.address;
      await expect(federation.markCompromised(key, 0)).to.be.revertedWithCustomError(
        federation,
        "InvalidCompromiseTime",
      );
      await expect(federation.markCompromised(key, T0 + 1)).to.be.revertedWithCustomError(
        federation,
        "InvalidCompromiseTime",
      );
      await expect(federation.connect(signers.supplierKey2).markCompromised(key, T0)).to.be.revertedWithCustomError(
        federation,
        "NotGovernorOrKey",
      );
    });
  });

  describe("signer status", function () {
    it("should report UNKNOWN, VALID, INACTIVE, COMPROMISED and ORGANISATION_SUSPENDED", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { federation, clock } = contracts;
      const key = signers.supplierKey.address;
      const unknown = await federation.signerAt(signers.outsider.address, T0);
      expect([unknown.org, unknown.kind, unknown.status]).to.deep.equal([ZeroHash, 0n, BigInt(KeyStatus.UNKNOWN)]);
      const valid = await federation.signerAt(key, T0);
      expect([valid.org, valid.kind, valid.status]).to.deep.equal([
        ORG.supplier,
        BigInt(OrgKind.SUPPLIER),
        BigInt(KeyStatus.VALID),
      ]);
      expect((await federation.signerAt(key, T0 - 1)).status).to.equal(KeyStatus.INACTIVE);
      await federation.suspend(ORG.supplier, ZeroHash);
      expect((await federation.signerAt(key, T0)).status).to.equal(KeyStatus.ORGANISATION_SUSPENDED);
      await clock.setTime(T0 + DAY);
      await federation.markCompromised(key, T0 + DAY);
      expect((await federation.signerAt(key, T0 + DAY)).status).to.equal(KeyStatus.COMPROMISED);
    });

    it("should answer isKeyValidAt per organisation, interval and compromise", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { federation, clock } = contracts;
      const key = signers.supplierKey.address;
      expect(await federation.isKeyValidAt(ORG.supplier, key, T0)).to.equal(true);
      expect(await federation.isKeyValidAt(ORG.member, key, T0)).to.equal(false);
      expect(await federation.isKeyValidAt(ZeroHash, signers.outsider.address, T0)).to.equal(false);
      expect(await federation.isKeyValidAt(ORG.supplier, key, T0 - 1)).to.equal(false);
      await clock.setTime(T0 + DAY);
      await federation.markCompromised(key, T0 + DAY);
      expect(await federation.isKeyValidAt(ORG.supplier, key, T0 + DAY)).to.equal(false);
      expect(await federation.isKeyValidAt(ORG.supplier, key, T0 + DAY - 1)).to.equal(true);
    });
  });

  describe("accreditation", function () {
    it("should accredit a certifier with an expiry and answer isAccreditedAt", async function () {
      const { contracts } = await loadFixture(fontaineFixture);
      const { federation } = contracts;
      const schema = id("schema:x");
      await expect(federation.accredit(ORG.certifier2, schema, T0 + DAY))
        .to.emit(federation, "AccreditationGranted")
        .withArgs(ORG.certifier2, schema, T0, T0 + DAY);
      const record = await federation.accreditation(ORG.certifier2, schema);
      expect([record.validFrom, record.validUntil, record.withdrawn]).to.deep.equal([
        BigInt(T0),
        BigInt(T0 + DAY),
        false,
      ]);
      expect(await federation.isAccreditedAt(ORG.certifier2, schema, T0)).to.equal(true);
      expect(await federation.isAccreditedAt(ORG.certifier2, schema, T0 - 1)).to.equal(false);
      expect(await federation.isAccreditedAt(ORG.certifier2, schema, T0 + DAY)).to.equal(false);
      expect(await federation.isAccreditedAt(ORG.certifier, schema, T0)).to.equal(false);
    });

    it("should refuse a zero schema, unknown or non-certifier organisations and a past end", async function () {
      const { contracts } = await loadFixture(fontaineFixture);
      const { federation } = contracts;
      await expect(federation.accredit(ORG.certifier, ZeroHash, 0)).to.be.revertedWithCustomError(
        federation,
        "ZeroValue",
      );
      await expect(federation.accredit(id("nobody"), id("s"), 0)).to.be.revertedWithCustomError(
        federation,
        "UnknownOrganisation",
      );
      await expect(federation.accredit(ORG.supplier, id("s"), 0))
        .to.be.revertedWithCustomError(federation, "NotCertifier")
        .withArgs(ORG.supplier);
      await expect(federation.accredit(ORG.certifier, id("s"), T0))
        .to.be.revertedWithCustomError(federation, "InvalidAccreditationEnd")
        .withArgs(T0);
    });

    it("should withdraw an accreditation so that it never counted, once", async function () {
      const { contracts, schemas } = await loadFixture(fontaineFixture);
      const { federation } = contracts;
      const reason = reasonCode("AUDIT_FRAUD");
      await expect(federation.withdrawAccreditation(ORG.certifier, schemas.socialAudit, reason))
        .to.emit(federation, "AccreditationWithdrawn")
        .withArgs(ORG.certifier, schemas.socialAudit, reason);
      expect(await federation.isAccreditedAt(ORG.certifier, schemas.socialAudit, T0)).to.equal(false);
      await expect(federation.withdrawAccreditation(ORG.certifier, schemas.socialAudit, reason))
        .to.be.revertedWithCustomError(federation, "NotAccredited")
        .withArgs(ORG.certifier, schemas.socialAudit);
      await expect(federation.withdrawAccreditation(ORG.certifier2, schemas.socialAudit, reason))
        .to.be.revertedWithCustomError(federation, "NotAccredited")
        .withArgs(ORG.certifier2, schemas.socialAudit);
      await federation.accredit(ORG.certifier, schemas.socialAudit, 0);
      expect(await federation.isAccreditedAt(ORG.certifier, schemas.socialAudit, T0)).to.equal(true);
    });
  });
});
