import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash } from "ethers";
import { KeyStatus, lotCommitment, lotRegistryDomain, newLotId, newSalt, reasonCode } from "../../sdk";
import { DEADLINE, ORG, T0, fontaineFixture, malleate, signCommit, signFlag } from "../helpers/fontaine";

const RECALL = reasonCode("RECALL");
const DISPUTE = reasonCode("DISPUTE");

describe("LotRegistry", function () {
  describe("deployment", function () {
    it("should point at its Federation and refuse a zero one", async function () {
      const { contracts } = await loadFixture(fontaineFixture);
      expect(await contracts.lots.federation()).to.equal(await contracts.federation.getAddress());
      const factory = await ethers.getContractFactory("LotRegistry");
      await expect(factory.deploy(ZeroAddress)).to.be.revertedWithCustomError(contracts.lots, "ZeroValue");
    });
  });

  describe("committing", function () {
    it("should make the first committer's organisation the owner and append versions", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { lots } = contracts;
      const lotId = newLotId();
      const first = lotCommitment({ product: "callets 70%", quantityKg: 25 }, newSalt());
      await expect(lots.connect(signers.memberKey).commit(lotId, first))
        .to.emit(lots, "LotCommitted")
        .withArgs(lotId, ORG.member, 1, first, signers.memberKey.address);
      const second = lotCommitment({ product: "callets 70%", quantityKg: 24 }, newSalt());
      await expect(lots.connect(signers.memberKey).commit(lotId, second))
        .to.emit(lots, "LotCommitted")
        .withArgs(lotId, ORG.member, 2, second, signers.memberKey.address);
      const record = await lots.lot(lotId);
      expect([record.owner, record.versions, record.flagged, record.updatedAt]).to.deep.equal([
        ORG.member,
        2n,
        false,
        BigInt(T0),
      ]);
    });

    it("should refuse other organisations, certifiers, unusable keys and zero values", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { lots, federation } = contracts;
      const lotId = newLotId();
      await lots.connect(signers.supplierKey).commit(lotId, newSalt());
      await expect(lots.connect(signers.supplier2Key).commit(lotId, newSalt()))
        .to.be.revertedWithCustomError(lots, "NotLotOwner")
        .withArgs(lotId, ORG.supplier2);
      await expect(lots.connect(signers.certifierKey).commit(newLotId(), newSalt()))
        .to.be.revertedWithCustomError(lots, "CannotOwnLots")
        .withArgs(ORG.certifier);
      await expect(lots.connect(signers.outsider).commit(newLotId(), newSalt()))
        .to.be.revertedWithCustomError(lots, "KeyNotUsable")
        .withArgs(signers.outsider.address, KeyStatus.UNKNOWN);
      await federation.suspend(ORG.supplier, RECALL);
      await expect(lots.connect(signers.supplierKey).commit(lotId, newSalt()))
        .to.be.revertedWithCustomError(lots, "KeyNotUsable")
        .withArgs(signers.supplierKey.address, KeyStatus.ORGANISATION_SUSPENDED);
      await expect(lots.connect(signers.memberKey).commit(ZeroHash, newSalt())).to.be.revertedWithCustomError(
        lots,
        "ZeroValue",
      );
      await expect(lots.connect(signers.memberKey).commit(newLotId(), ZeroHash)).to.be.revertedWithCustomError(
        lots,
        "ZeroValue",
      );
    });

    it("should let another key of the owner organisation amend", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const lotId = newLotId();
      await contracts.lots.connect(signers.supplierKey).commit(lotId, newSalt());
      await contracts.lots.connect(signers.supplierKey2).commit(lotId, newSalt());
      expect((await contracts.lots.lot(lotId)).versions).to.equal(2);
    });
  });

  describe("committing by signature", function () {
    it("should commit a signed version submitted by a relayer and consume the nonce", async function () {
      const { contracts, signers, domains } = await loadFixture(fontaineFixture);
      const { lots } = contracts;
      const lotId = newLotId();
      const commitment = newSalt();
      const signature = await signCommit(signers.supplierKey, domains.lots, lotId, commitment, 11n);
      const submit = () =>
        lots
          .connect(signers.relayer)
          .commitBySig(lotId, commitment, 11n, DEADLINE, signers.supplierKey.address, signature);
      await expect(submit())
        .to.emit(lots, "LotCommitted")
        .withArgs(lotId, ORG.supplier, 1, commitment, signers.supplierKey.address);
      expect(await lots.isNonceUsed(signers.supplierKey.address, 11n)).to.equal(true);
      await expect(submit())
        .to.be.revertedWithCustomError(lots, "NonceAlreadyUsed")
        .withArgs(signers.supplierKey.address, 11n);
      expect((await lots.lot(lotId)).versions).to.equal(1);
    });

    it("should refuse late, malleated, foreign-domain and foreign-signer signatures without consuming the nonce", async function () {
      const { contracts, signers, domains } = await loadFixture(fontaineFixture);
      const { lots } = contracts;
      const signer = signers.supplierKey.address;
      const lotId = newLotId();
      const commitment = newSalt();
      const late = await signCommit(signers.supplierKey, domains.lots, lotId, commitment, 1n, BigInt(T0 - 1));
      await expect(lots.commitBySig(lotId, commitment, 1n, BigInt(T0 - 1), signer, late)).to.be.revertedWithCustomError(
        lots,
        "DeadlinePassed",
      );
      const good = await signCommit(signers.supplierKey, domains.lots, lotId, commitment, 1n);
      await expect(
        lots.commitBySig(lotId, commitment, 1n, DEADLINE, signer, malleate(good)),
      ).to.be.revertedWithCustomError(lots, "InvalidSignatureS");
      const otherChain = await signCommit(
        signers.supplierKey,
        lotRegistryDomain(5, domains.lots.verifyingContract),
        lotId,
        commitment,
        1n,
      );
      await expect(lots.commitBySig(lotId, commitment, 1n, DEADLINE, signer, otherChain))
        .to.be.revertedWithCustomError(lots, "InvalidSignature")
        .withArgs(signer);
      const registryDomain = await signCommit(
        signers.supplierKey,
        lotRegistryDomain(domains.lots.chainId, domains.registry.verifyingContract),
        lotId,
        commitment,
        1n,
      );
      await expect(
        lots.commitBySig(lotId, commitment, 1n, DEADLINE, signer, registryDomain),
      ).to.be.revertedWithCustomError(lots, "InvalidSignature");
      expect(await lots.isNonceUsed(signer, 1n)).to.equal(false);
      await lots.commitBySig(lotId, commitment, 1n, DEADLINE, signer, good);
    });
  });

  describe("flagging", function () {
    it("should let the owner flag and the governor unflag", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { lots } = contracts;
      const lotId = newLotId();
      await lots.connect(signers.supplierKey).commit(lotId, newSalt());
      await expect(lots.connect(signers.supplierKey2).flag(lotId, RECALL))
        .to.emit(lots, "LotFlagged")
        .withArgs(lotId, signers.supplierKey2.address, RECALL);
      expect((await lots.lot(lotId)).flagged).to.equal(true);
      await expect(lots.flag(lotId, RECALL)).to.be.revertedWithCustomError(lots, "LotAlreadyFlagged").withArgs(lotId);
      await expect(lots.connect(signers.supplierKey).unflag(lotId, RECALL)).to.be.revertedWithCustomError(
        lots,
        "MissingRole",
      );
      await expect(lots.unflag(lotId, RECALL)).to.emit(lots, "LotUnflagged").withArgs(lotId, RECALL);
      await expect(lots.unflag(lotId, RECALL)).to.be.revertedWithCustomError(lots, "LotNotFlagged").withArgs(lotId);
      await expect(lots.flag(lotId, RECALL))
        .to.emit(lots, "LotFlagged")
        .withArgs(lotId, signers.governor.address, RECALL);
    });

    it("should refuse unknown lots, other organisations and unusable keys", async function () {
      const { contracts, signers } = await loadFixture(fontaineFixture);
      const { lots } = contracts;
      const lotId = newLotId();
      await expect(lots.flag(lotId, RECALL)).to.be.revertedWithCustomError(lots, "UnknownLot").withArgs(lotId);
      await expect(lots.unflag(lotId, RECALL)).to.be.revertedWithCustomError(lots, "UnknownLot").withArgs(lotId);
      await lots.connect(signers.supplierKey).commit(lotId, newSalt());
      await expect(lots.connect(signers.memberKey).flag(lotId, RECALL))
        .to.be.revertedWithCustomError(lots, "NotLotOwner")
        .withArgs(lotId, ORG.member);
      await expect(lots.connect(signers.outsider).flag(lotId, RECALL)).to.be.revertedWithCustomError(
        lots,
        "KeyNotUsable",
      );
    });
  });
  describe("flagging by signature", function () {
    async function supplierLot() {
      const fixture = await loadFixture(fontaineFixture);
      const lotId = newLotId();
      await fixture.contracts.lots.connect(fixture.signers.supplierKey).commit(lotId, newSalt());
      return { ...fixture, lotId };
    }

    it("should flag with an owner key's signature submitted by a relayer and consume the nonce", async function () {
      const { contracts, signers, domains, lotId } = await supplierLot();
      const { lots } = contracts;
      const signer = signers.supplierKey2.address;
      const signature = await signFlag(signers.supplierKey2, domains.lots, lotId, DISPUTE, 21n);
      await expect(lots.connect(signers.relayer).flagBySig(lotId, DISPUTE, 21n, DEADLINE, signer, signature))
        .to.emit(lots, "LotFlagged")
        .withArgs(lotId, signer, DISPUTE);
      expect((await lots.lot(lotId)).flagged).to.equal(true);
      expect(await lots.isNonceUsed(signer, 21n)).to.equal(true);
      // Replayed after the governor cleared the flag: the nonce is spent.
      await lots.unflag(lotId, DISPUTE);
      await expect(lots.flagBySig(lotId, DISPUTE, 21n, DEADLINE, signer, signature))
        .to.be.revertedWithCustomError(lots, "NonceAlreadyUsed")
        .withArgs(signer, 21n);
      expect((await lots.lot(lotId)).flagged).to.equal(false);
    });

    it("should let a key of a suspended owner flag (a protective action)", async function () {
      const { contracts, signers, domains, lotId } = await supplierLot();
      await contracts.federation.suspend(ORG.supplier, RECALL);
      const signature = await signFlag(signers.supplierKey, domains.lots, lotId, RECALL, 1n);
      await expect(
        contracts.lots.flagBySig(lotId, RECALL, 1n, DEADLINE, signers.supplierKey.address, signature),
      ).to.emit(contracts.lots, "LotFlagged");
    });

    it("should refuse an already flagged lot and an unknown lot without consuming the nonce", async function () {
      const { contracts, signers, domains, lotId } = await supplierLot();
      const { lots } = contracts;
      const signer = signers.supplierKey.address;
      await lots.flag(lotId, RECALL);
      const signature = await signFlag(signers.supplierKey, domains.lots, lotId, DISPUTE, 2n);
      await expect(lots.flagBySig(lotId, DISPUTE, 2n, DEADLINE, signer, signature))
        .to.be.revertedWithCustomError(lots, "LotAlreadyFlagged")
        .withArgs(lotId);
      const unknown = newLotId();
      const unknownSignature = await signFlag(signers.supplierKey, domains.lots, unknown, RECALL, 2n);
      await expect(lots.flagBySig(unknown, RECALL, 2n, DEADLINE, signer, unknownSignature))
        .to.be.revertedWithCustomError(lots, "UnknownLot")
        .withArgs(unknown);
      expect(await lots.isNonceUsed(signer, 2n)).to.equal(false);
    });

    it("should refuse another organisation's key, the governor's signature, a compromised key and outsiders", async function () {
      const { contracts, signers, domains, lotId } = await supplierLot();
      const { lots, federation } = contracts;
      const other = await signFlag(signers.supplier2Key, domains.lots, lotId, RECALL, 3n);
      await expect(lots.flagBySig(lotId, RECALL, 3n, DEADLINE, signers.supplier2Key.address, other))
        .to.be.revertedWithCustomError(lots, "NotLotOwner")
        .withArgs(lotId, ORG.supplier2);
      const governor = await signFlag(signers.governor, domains.lots, lotId, RECALL, 3n);
      await expect(lots.flagBySig(lotId, RECALL, 3n, DEADLINE, signers.governor.address, governor))
        .to.be.revertedWithCustomError(lots, "KeyNotUsable")
        .withArgs(signers.governor.address, KeyStatus.UNKNOWN);
      const outsider = await signFlag(signers.outsider, domains.lots, lotId, RECALL, 3n);
      await expect(
        lots.flagBySig(lotId, RECALL, 3n, DEADLINE, signers.outsider.address, outsider),
      ).to.be.revertedWithCustomError(lots, "KeyNotUsable");
      await federation.markCompromised(signers.supplierKey.address, T0 - 10);
      const compromised = await signFlag(signers.supplierKey, domains.lots, lotId, RECALL, 3n);
      await expect(lots.flagBySig(lotId, RECALL, 3n, DEADLINE, signers.supplierKey.address, compromised))
        .to.be.revertedWithCustomError(lots, "KeyNotUsable")
        .withArgs(signers.supplierKey.address, KeyStatus.COMPROMISED);
      expect((await lots.lot(lotId)).flagged).to.equal(false);
    });

    it("should refuse a wrong signer, a passed deadline and a signature over another reason or lot", async function () {
      const { contracts, signers, domains, lotId } = await supplierLot();
      const { lots } = contracts;
      const signer = signers.supplierKey.address;
      const bySomeoneElse = await signFlag(signers.supplierKey2, domains.lots, lotId, RECALL, 4n);
      await expect(lots.flagBySig(lotId, RECALL, 4n, DEADLINE, signer, bySomeoneElse))
        .to.be.revertedWithCustomError(lots, "InvalidSignature")
        .withArgs(signer);
      const late = await signFlag(signers.supplierKey, domains.lots, lotId, RECALL, 4n, BigInt(T0 - 1));
      await expect(lots.flagBySig(lotId, RECALL, 4n, BigInt(T0 - 1), signer, late))
        .to.be.revertedWithCustomError(lots, "DeadlinePassed")
        .withArgs(T0 - 1);
      const good = await signFlag(signers.supplierKey, domains.lots, lotId, RECALL, 4n);
      await expect(lots.flagBySig(lotId, DISPUTE, 4n, DEADLINE, signer, good)).to.be.revertedWithCustomError(
        lots,
        "InvalidSignature",
      );
      await expect(lots.flagBySig(newLotId(), RECALL, 4n, DEADLINE, signer, good)).to.be.revertedWithCustomError(
        lots,
        "InvalidSignature",
      );
      // A Commit signature over the same words is not a Flag signature (distinct type hash).
      const commit = await signCommit(signers.supplierKey, domains.lots, lotId, RECALL, 4n);
      await expect(lots.flagBySig(lotId, RECALL, 4n, DEADLINE, signer, commit)).to.be.revertedWithCustomError(
        lots,
        "InvalidSignature",
      );
      expect(await lots.isNonceUsed(signer, 4n)).to.equal(false);
      await expect(lots.flagBySig(lotId, RECALL, 4n, DEADLINE, signer, good)).to.emit(lots, "LotFlagged");
    });
  });
});
