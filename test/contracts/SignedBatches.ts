import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroHash, id, type Signer } from "ethers";
import {
  Status,
  attestationRegistryDomain,
  buildBatchTree,
  buildRevokeSignedLeafTypedData,
  buildSignedBatch,
  buildSignedBatchTypedData,
  ethersTypes,
  leafHash,
  reasonCode,
  signedLeafHash,
  statusName,
  type Eip712Domain,
  type Hex,
  type SignedBatchTree,
} from "../../sdk";
import type { TestERC1271Wallet } from "../../typechain-types";
import {
  DAY,
  DEADLINE,
  ORG,
  T0,
  fontaineFixture,
  malleate,
  request,
  signAttest,
  uidOf,
  type Fixture,
  type RequestFields,
} from "../helpers/fontaine";

const REASON = reasonCode("CERTIFICATE_WITHDRAWN");

/** Sign a `SignedBatch` message over `tree`'s root. */
async function signBatch(
  key: Signer,
  domain: Eip712Domain,
  tree: { root: string; count: number },
  nonce: bigint,
  deadline = DEADLINE,
): Promise<string> {
  const typed = buildSignedBatchTypedData(domain, { root: tree.root, count: tree.count, nonce, deadline });
  return key.signTypedData(typed.domain, ethersTypes(typed), typed.message);
}

/** Sign a `RevokeSignedLeaf` message. */
async function signRevokeLeaf(key: Signer, domain: Eip712Domain, uid: string, nonce: bigint, deadline = DEADLINE) {
  const typed = buildRevokeSignedLeafTypedData(domain, { uid, reason: REASON, nonce, deadline });
  return key.signTypedData(typed.domain, ethersTypes(typed), typed.message);
}

interface Anchored {
  fields: RequestFields[];
  tree: SignedBatchTree;
  signer: string;
}

/** Build, sign once and anchor (through the relayer) a signed batch of `fields` by `key`. */
async function anchor(fixture: Fixture, key: Signer, fields: RequestFields[], nonce = 1n): Promise<Anchored> {
  const signer = await key.getAddress();
  const tree = buildSignedBatch(fields, signer);
  const signature = await signBatch(key, fixture.domains.registry, tree, nonce);
  await fixture.contracts.registry
    .connect(fixture.signers.relayer)
    .anchorSignedBatch(tree.root, tree.count, signer, nonce, DEADLINE, signature);
  return { fields, tree, signer };
}

async function statusOfLeaf(fixture: Fixture, batch: Anchored, index: number, root: string = batch.tree.root) {
  const status = await fixture.contracts.registry.signedLeafStatus(
    root,
    batch.fields[index]!,
    batch.tree.leaves[index]!.proof,
  );
  return statusName(status);
}

async function certifierBatchFixture() {
  const fixture = await fontaineFixture();
  const { schemas } = fixture;
  const fields = [
    request(schemas.socialAudit, ORG.supplier),
    request(schemas.socialAudit, ORG.supplier2, { expiry: BigInt(T0 + DAY) }),
    request(schemas.childLabour, ORG.supplier),
    request(schemas.socialAudit, ORG.supplier, { expiry: BigInt(T0) }),
    request(schemas.socialAudit, ORG.supplier, { expiry: 2n ** 40n }),
    request(id("unknown-schema") as Hex, ORG.supplier),
  ];
  const batch = await anchor(fixture, fixture.signers.certifierKey, fields);
  return { ...fixture, batch };
}

describe("AttestationRegistry signed batches", function () {
  describe("anchoring", function () {
    it("should anchor a root signed once by an organisation key, submitted by anyone", async function () {
      const fixture = await loadFixture(fontaineFixture);
      const { registry } = fixture.contracts;
      const { signers, schemas } = fixture;
      const fields = Array.from({ length: 5 }, () => request(schemas.socialAudit, ORG.supplier));
      const tree = buildSignedBatch(fields, signers.certifierKey.address);
      const signature = await signBatch(signers.certifierKey, fixture.domains.registry, tree, 42n);
      await expect(
        registry
          .connect(signers.outsider)
          .anchorSignedBatch(tree.root, 5, signers.certifierKey.address, 42n, DEADLINE, signature),
      )
        .to.emit(registry, "SignedBatchAnchored")
        .withArgs(tree.root, ORG.certifier, signers.certifierKey.address, 5, 42n);
      const record = await registry.signedBatch(tree.root);
      expect([record.signer, record.time, record.count]).to.deep.equal([signers.certifierKey.address, BigInt(T0), 5n]);
      expect(await registry.isNonceUsed(signers.certifierKey.address, 42n)).to.equal(true);
      expect((await registry.batch(tree.root)).anchorer).to.equal(ethers.ZeroAddress);
    });

    it("should refuse zero roots or counts, passed deadlines, replays and reused nonces", async function () {
      const fixture = await loadFixture(fontaineFixture);
      const { registry } = fixture.contracts;
      const { signers, schemas, domains } = fixture;
      const key = signers.supplierKey;
      const tree = buildSignedBatch([request(schemas.childLabour, ORG.supplier)], key.address);
      const signature = await signBatch(key, domains.registry, tree, 1n);
      const submit = (root: string, count: number, nonce: bigint, deadline: bigint, sig: string) =>
        registry.connect(signers.relayer).anchorSignedBatch(root, count, key.address, nonce, deadline, sig);
      await expect(submit(ZeroHash, 1, 1n, DEADLINE, signature)).to.be.revertedWithCustomError(registry, "ZeroValue");
      await expect(submit(tree.root, 0, 1n, DEADLINE, signature)).to.be.revertedWithCustomError(registry, "ZeroValue");
      const late = await signBatch(key, domains.registry, tree, 1n, BigInt(T0 - 1));
      await expect(submit(tree.root, 1, 1n, BigInt(T0 - 1), late))
        .to.be.revertedWithCustomError(registry, "DeadlinePassed")
        .withArgs(T0 - 1);
      await submit(tree.root, 1, 1n, DEADLINE, signature);
      await expect(submit(tree.root, 1, 1n, DEADLINE, signature))
        .to.be.revertedWithCustomError(registry, "BatchExists")
        .withArgs(tree.root);
      const other = buildSignedBatch([request(schemas.childLabour, ORG.supplier)], key.address);
      const reused = await signBatch(key, domains.registry, other, 1n);
      await expect(submit(other.root, 1, 1n, DEADLINE, reused))
        .to.be.revertedWithCustomError(registry, "NonceAlreadyUsed")
        .withArgs(key.address, 1n);
      await registry.connect(key).cancelNonce(2n);
      const cancelled = await signBatch(key, domains.registry, other, 2n);
      await expect(submit(other.root, 1, 2n, DEADLINE, cancelled)).to.be.revertedWithCustomError(
        registry,
        "NonceAlreadyUsed",
      );
      expect((await registry.signedBatch(other.root)).signer).to.equal(ethers.ZeroAddress);
    });

    it("should refuse signatures of another key, chain, contract, count, or malleated and short ones", async function () {
      const fixture = await loadFixture(fontaineFixture);
      const { registry } = fixture.contracts;
      const { signers, schemas, domains } = fixture;
      const key = signers.supplierKey;
      const tree = buildSignedBatch([request(schemas.childLabour, ORG.supplier)], key.address);
      const submit = (sig: string, count = 1) =>
        registry.connect(signers.relayer).anchorSignedBatch(tree.root, count, key.address, 7n, DEADLINE, sig);
      const good = await signBatch(key, domains.registry, tree, 7n);
      const otherChain = attestationRegistryDomain(1, domains.registry.verifyingContract);
      const otherContract = attestationRegistryDomain(
        domains.registry.chainId,
        await fixture.contracts.lots.getAddress(),
      );
      for (const signature of [
        await signBatch(signers.supplierKey2, domains.registry, tree, 7n),
        await signBatch(key, otherChain, tree, 7n),
        await signBatch(key, otherContract, tree, 7n),
      ]) {
        await expect(submit(signature))
          .to.be.revertedWithCustomError(registry, "InvalidSignature")
          .withArgs(key.address);
      }
      await expect(submit(good, 2)).to.be.revertedWithCustomError(registry, "InvalidSignature");
      await expect(submit(malleate(good))).to.be.revertedWithCustomError(registry, "InvalidSignatureS");
      await expect(submit(good.slice(0, 130)))
        .to.be.revertedWithCustomError(registry, "InvalidSignatureLength")
        .withArgs(64);
      expect(await registry.isNonceUsed(key.address, 7n)).to.equal(false);
    });

    it("should refuse keys that cannot sign now: unregistered, retired, compromised, organisation suspended", async function () {
      const fixture = await loadFixture(fontaineFixture);
      const { registry, federation, clock } = fixture.contracts;
      const { signers, schemas, domains } = fixture;
      const attempt = async (key: Signer) => {
        const address = await key.getAddress();
        const tree = buildSignedBatch([request(schemas.childLabour, ORG.supplier)], address);
        const signature = await signBatch(key, domains.registry, tree, 1n);
        return registry.connect(signers.relayer).anchorSignedBatch(tree.root, 1, address, 1n, DEADLINE, signature);
      };
      await expect(attempt(signers.outsider))
        .to.be.revertedWithCustomError(registry, "KeyNotUsable")
        .withArgs(signers.outsider.address, 0);
      await federation.suspend(ORG.supplier2, REASON);
      await expect(attempt(signers.supplier2Key)).to.be.revertedWithCustomError(registry, "KeyNotUsable");
      await federation.markCompromised(signers.memberKey.address, T0);
      await expect(attempt(signers.memberKey)).to.be.revertedWithCustomError(registry, "KeyNotUsable");
      await federation.retireKey(signers.supplierKey2.address);
      await clock.setTime(T0 + 1);
      await expect(attempt(signers.supplierKey2)).to.be.revertedWithCustomError(registry, "KeyNotUsable");
    });

    it("should accept an ERC-1271 wallet's signature and reject a wallet answering the wrong magic value", async function () {
      const fixture = await loadFixture(fontaineFixture);
      const { registry, federation } = fixture.contracts;
      const { signers, schemas, domains } = fixture;
      const wallet = (await (
        await ethers.getContractFactory("TestERC1271Wallet")
      ).deploy(signers.supplierKey2.address, 0)) as unknown as TestERC1271Wallet;
      const walletAddress = await wallet.getAddress();
      await federation.addKey(ORG.supplier2, walletAddress);
      const fields = [request(schemas.childLabour, ORG.supplier2), request(schemas.childLabour, ORG.supplier2)];
      const tree = buildSignedBatch(fields, walletAddress);
      const signature = await signBatch(signers.supplierKey2, domains.registry, tree, 1n);
      await wallet.setMode(1);
      await expect(
        registry.connect(signers.relayer).anchorSignedBatch(tree.root, 2, walletAddress, 1n, DEADLINE, signature),
      )
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(walletAddress);
      await wallet.setMode(0);
      await expect(
        registry.connect(signers.relayer).anchorSignedBatch(tree.root, 2, walletAddress, 1n, DEADLINE, signature),
      )
        .to.emit(registry, "SignedBatchAnchored")
        .withArgs(tree.root, ORG.supplier2, walletAddress, 2, 1n);
      expect(statusName(await registry.signedLeafStatus(tree.root, fields[1]!, tree.leaves[1]!.proof))).to.equal(
        "VALID",
      );
    });
  });

  describe("leaf status", function () {
    it("should judge each leaf at anchoring time with the batch's signer as attester", async function () {
      const fixture = await loadFixture(certifierBatchFixture);
      const { batch } = fixture;
      expect(await statusOfLeaf(fixture, batch, 0)).to.equal("VALID"); // accredited certifier, certifier-only schema
      expect(await statusOfLeaf(fixture, batch, 1)).to.equal("VALID");
      expect(await statusOfLeaf(fixture, batch, 2)).to.equal("VALID"); // self-declaration schema, certifier key
      expect(await statusOfLeaf(fixture, batch, 3)).to.equal("UNKNOWN"); // expiry not after anchoring
      expect(await statusOfLeaf(fixture, batch, 4)).to.equal("UNKNOWN"); // expiry beyond uint40
      expect(await statusOfLeaf(fixture, batch, 5)).to.equal("UNKNOWN"); // unknown schema
      expect(await statusOfLeaf(fixture, batch, 0, id("other-root"))).to.equal("UNKNOWN");
      await fixture.contracts.clock.setTime(T0 + DAY);
      expect(await statusOfLeaf(fixture, batch, 1)).to.equal("EXPIRED");
      await fixture.contracts.clock.setTime(T0 + 365 * DAY);
      expect(await statusOfLeaf(fixture, batch, 0)).to.equal("EXPIRED"); // the schema's default validity
      expect(await statusOfLeaf(fixture, batch, 2)).to.equal("VALID"); // no default validity
    });

    it("should answer UNKNOWN for bad proofs, requests outside the tree and another signer's uid", async function () {
      const fixture = await loadFixture(certifierBatchFixture);
      const { registry } = fixture.contracts;
      const { batch, schemas } = fixture;
      const root = batch.tree.root;
      expect(await registry.signedLeafStatus(root, batch.fields[0]!, [id("x")])).to.equal(Status.UNKNOWN);
      expect(await registry.signedLeafStatus(root, batch.fields[0]!, batch.tree.leaves[1]!.proof)).to.equal(
        Status.UNKNOWN,
      );
      const outside = request(schemas.socialAudit, ORG.supplier);
      expect(await registry.signedLeafStatus(root, outside, batch.tree.leaves[0]!.proof)).to.equal(Status.UNKNOWN);
      // The same requests in a tree built for another key prove nothing under this root.
      const forged = buildSignedBatch(batch.fields, fixture.signers.supplierKey.address);
      expect(await registry.signedLeafStatus(root, batch.fields[0]!, forged.leaves[0]!.proof)).to.equal(Status.UNKNOWN);
    });

    it("should answer UNKNOWN for a supplier under a certifier-only schema", async function () {
      const fixture = await loadFixture(fontaineFixture);
      const fields = [
        request(fixture.schemas.socialAudit, ORG.supplier2),
        request(fixture.schemas.childLabour, ORG.supplier2),
      ];
      const batch = await anchor(fixture, fixture.signers.supplier2Key, fields);
      expect(await statusOfLeaf(fixture, batch, 0)).to.equal("UNKNOWN");
      expect(await statusOfLeaf(fixture, batch, 1)).to.equal("VALID");
    });

    it("should answer UNKNOWN when the schema was deprecated or the accreditation missing at anchoring", async function () {
      const fixture = await loadFixture(fontaineFixture);
      const { registry, federation, clock } = fixture.contracts;
      const { signers, schemas } = fixture;
      const early = await anchor(fixture, signers.certifierKey, [request(schemas.childLabour, ORG.supplier)], 1n);
      await clock.setTime(T0 + 1);
      await registry.deprecateSchema(schemas.childLabour, ZeroHash);
      const late = await anchor(fixture, signers.certifierKey, [request(schemas.childLabour, ORG.supplier)], 2n);
      expect(await statusOfLeaf(fixture, early, 0)).to.equal("VALID");
      expect(await statusOfLeaf(fixture, late, 0)).to.equal("UNKNOWN");
      const unaccredited = await anchor(fixture, signers.certifier2Key, [request(schemas.socialAudit, ORG.supplier)]);
      expect(await statusOfLeaf(fixture, unaccredited, 0)).to.equal("REVOKED");
      await clock.setTime(T0 + 2);
      await federation.accredit(ORG.certifier2, schemas.socialAudit, 0);
      expect(await statusOfLeaf(fixture, unaccredited, 0)).to.equal("REVOKED"); // accredited only after anchoring
    });

    it("should follow suspension of the uid, organisation suspension, compromise and withdrawn accreditation", async function () {
      const fixture = await loadFixture(certifierBatchFixture);
      const { registry, federation } = fixture.contracts;
      const { batch, signers } = fixture;
      const uid = uidOf(batch.fields[0]!, batch.signer);
      expect(batch.tree.leaves[0]!.uid).to.equal(uid);
      await registry.suspend(uid, REASON);
      expect(await statusOfLeaf(fixture, batch, 0)).to.equal("SUSPENDED");
      await registry.liftSuspension(uid, REASON);
      expect(await statusOfLeaf(fixture, batch, 0)).to.equal("VALID");
      await federation.suspend(ORG.certifier, REASON);
      expect(await statusOfLeaf(fixture, batch, 0)).to.equal("SUSPENDED");
      await federation.reinstate(ORG.certifier);
      await federation.withdrawAccreditation(ORG.certifier, fixture.schemas.socialAudit, REASON);
      expect(await statusOfLeaf(fixture, batch, 0)).to.equal("REVOKED");
      expect(await statusOfLeaf(fixture, batch, 2)).to.equal("VALID"); // another schema, still accredited
      await federation.markCompromised(signers.certifierKey.address, T0);
      expect(await statusOfLeaf(fixture, batch, 2)).to.equal("KEY_COMPROMISED");
    });

    it("should keep signed-batch leaves and per-signature batch leaves apart", async function () {
      const fixture = await loadFixture(fontaineFixture);
      const { registry } = fixture.contracts;
      const { signers, schemas, domains } = fixture;
      const fields = request(schemas.childLabour, ORG.supplier);
      const signed = await signAttest(signers.supplierKey, domains.registry, fields);
      const perSignature = buildBatchTree([{ attestDigest: signed.digest, signer: signers.supplierKey.address }]);
      await registry.connect(signers.relayer).anchorBatch(perSignature.root, 1);
      const once = await anchor(fixture, signers.supplierKey, [fields]);
      const key = signers.supplierKey.address;
      expect(signedLeafHash(uidOf(fields, key))).to.not.equal(leafHash({ attestDigest: signed.digest, signer: key }));
      expect(await registry.signedLeafStatus(perSignature.root, fields, [])).to.equal(Status.UNKNOWN);
      expect(await registry.leafStatus(once.tree.root, fields, key, DEADLINE, signed.signature, [])).to.equal(
        Status.UNKNOWN,
      );
      expect(await registry.signedLeafStatus(once.tree.root, fields, [])).to.equal(Status.VALID);
      expect(await registry.leafStatus(perSignature.root, fields, key, DEADLINE, signed.signature, [])).to.equal(
        Status.VALID,
      );
    });
  });

  describe("revoking a leaf", function () {
    it("should let any key of the signer's organisation revoke one leaf, leaving the others valid", async function () {
      const fixture = await loadFixture(fontaineFixture);
      const { registry, federation } = fixture.contracts;
      const { signers, schemas } = fixture;
      const fields = [request(schemas.childLabour, ORG.supplier), request(schemas.childLabour, ORG.supplier)];
      const batch = await anchor(fixture, signers.supplierKey, fields);
      const leaf = batch.tree.leaves[0]!;
      await federation.suspend(ORG.supplier, REASON); // a protective action: allowed while suspended
      await expect(
        registry.connect(signers.supplierKey2).revokeSignedLeaf(batch.tree.root, fields[0]!, leaf.proof, REASON),
      )
        .to.emit(registry, "LeafRevoked")
        .withArgs(batch.tree.root, leaf.leafHash, ORG.supplier, REASON);
      await federation.reinstate(ORG.supplier);
      expect(await registry.isLeafRevoked(leaf.leafHash)).to.equal(true);
      expect(await statusOfLeaf(fixture, batch, 0)).to.equal("REVOKED");
      expect(await statusOfLeaf(fixture, batch, 1)).to.equal("VALID");
    });

    it("should refuse unknown roots, bad proofs, other organisations, unusable keys and repeated revocation", async function () {
      const fixture = await loadFixture(certifierBatchFixture);
      const { registry } = fixture.contracts;
      const { batch, signers } = fixture;
      const fields = batch.fields[0]!;
      const { proof, leafHash: leaf } = batch.tree.leaves[0]!;
      const revoke = (key: Signer, root: string, p: string[]) =>
        registry.connect(key).revokeSignedLeaf(root, fields, p, REASON);
      await expect(revoke(signers.certifierKey, id("nope"), proof))
        .to.be.revertedWithCustomError(registry, "UnknownBatch")
        .withArgs(id("nope"));
      await expect(revoke(signers.certifierKey, batch.tree.root, [id("x")])).to.be.revertedWithCustomError(
        registry,
        "InvalidProof",
      );
      await expect(revoke(signers.certifier2Key, batch.tree.root, proof))
        .to.be.revertedWithCustomError(registry, "NotAttester")
        .withArgs(leaf, ORG.certifier2);
      await expect(revoke(signers.outsider, batch.tree.root, proof)).to.be.revertedWithCustomError(
        registry,
        "KeyNotUsable",
      );
      await revoke(signers.certifierKey, batch.tree.root, proof);
      await expect(revoke(signers.certifierKey, batch.tree.root, proof))
        .to.be.revertedWithCustomError(registry, "LeafAlreadyRevoked")
        .withArgs(leaf);
    });

    it("should revoke with a RevokeSignedLeaf signature submitted by anyone, once", async function () {
      const fixture = await loadFixture(certifierBatchFixture);
      const { registry } = fixture.contracts;
      const { batch, signers, domains } = fixture;
      const fields = batch.fields[1]!;
      const { proof, uid, leafHash: leaf } = batch.tree.leaves[1]!;
      const key = signers.certifierKey;
      const bySig = (nonce: bigint, deadline: bigint, signer: string, signature: string) =>
        registry
          .connect(signers.relayer)
          .revokeSignedLeafBySig(batch.tree.root, fields, proof, REASON, nonce, deadline, signer, signature);
      const late = await signRevokeLeaf(key, domains.registry, uid, 5n, BigInt(T0 - 1));
      await expect(bySig(5n, BigInt(T0 - 1), key.address, late)).to.be.revertedWithCustomError(
        registry,
        "DeadlinePassed",
      );
      const wrong = await signRevokeLeaf(signers.certifier2Key, domains.registry, uid, 5n);
      await expect(bySig(5n, DEADLINE, key.address, wrong))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(key.address);
      const signature = await signRevokeLeaf(key, domains.registry, uid, 5n);
      await expect(bySig(5n, DEADLINE, key.address, signature))
        .to.emit(registry, "LeafRevoked")
        .withArgs(batch.tree.root, leaf, ORG.certifier, REASON);
      expect(await registry.isNonceUsed(key.address, 5n)).to.equal(true);
      expect(await statusOfLeaf(fixture, batch, 1)).to.equal("REVOKED");
      await expect(bySig(5n, DEADLINE, key.address, signature)).to.be.revertedWithCustomError(
        registry,
        "LeafAlreadyRevoked",
      );
      const other = batch.tree.leaves[0]!;
      const otherSignature = await signRevokeLeaf(key, domains.registry, other.uid, 5n);
      await expect(
        registry
          .connect(signers.relayer)
          .revokeSignedLeafBySig(
            batch.tree.root,
            batch.fields[0]!,
            other.proof,
            REASON,
            5n,
            DEADLINE,
            key.address,
            otherSignature,
          ),
      )
        .to.be.revertedWithCustomError(registry, "NonceAlreadyUsed")
        .withArgs(key.address, 5n);
    });
  });
});
