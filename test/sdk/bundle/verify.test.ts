import { mined } from "../../../sdk/chain";
import { expect } from "chai";
import { ZeroHash } from "ethers";
import type { Hex } from "../../../sdk";
import { fileDigest, reasonCode } from "../../../sdk/hashing";
import {
  buildBundle,
  bundleChainOf,
  createEthersChainReader,
  findingText,
  parseBundle,
  verdictFindings,
  verifyBundle,
  type Bundle,
  type BundleVerdict,
  type ChainReader,
} from "../../../sdk/bundle";
import {
  admitOrg,
  attestBatch,
  commitLot,
  endorseAttestation,
  flagLot,
  revokeAttestation,
  startFontaineChain,
  type FontaineChain,
} from "./helpers/chain";
import { threeTierScenario, type ThreeTierScenario } from "./helpers/scenario";

function codes(verdict: BundleVerdict, severity?: "fail" | "warn"): string[] {
  return verdictFindings(verdict)
    .filter((entry) => !severity || entry.finding.severity === severity)
    .map((entry) => entry.finding.code);
}

function tamper(bundle: Bundle, change: (copy: Bundle) => void): Bundle {
  const copy = JSON.parse(JSON.stringify(bundle)) as Bundle;
  change(copy);
  return parseBundle(copy);
}

function flipLastByte(hex: string): Hex {
  const last = parseInt(hex.slice(-2), 16) ^ 0x01;
  return `${hex.slice(0, -2)}${last.toString(16).padStart(2, "0")}` as Hex;
}

describe("sdk/bundle verifyBundle against a real chain (anvil)", function () {
  this.timeout(120_000);
  let chain: FontaineChain;
  let reader: ChainReader;
  let scenario: ThreeTierScenario;

  before(async () => {
    chain = await startFontaineChain();
    reader = createEthersChainReader({ provider: chain.provider, deployment: chain.fontaine.deployment });
    scenario = await threeTierScenario(chain);
  });

  after(async () => {
    await chain?.stop();
  });

  describe("three tiers, split and merge", () => {
    it("should verify a member's bundle down to the cooperative's lots", async () => {
      const verdict = await verifyBundle(scenario.bundles.A1, reader);
      expect(codes(verdict), JSON.stringify(verdictFindings(verdict), null, 1)).to.deep.equal([]);
      expect(verdict.ok).to.equal(true);
      expect(verdict.outcome).to.equal("pass");
      const { A1, M1, C1, C2 } = scenario.lots;
      expect(verdict.lots.map((lot) => lot.lotId)).to.deep.equal([A1.lotId, M1.lotId, C1.lotId, C2.lotId]);
      expect(verdict.tree.lotId).to.equal(A1.lotId);
      expect(verdict.tree.parents.map((node) => node.lotId)).to.deep.equal([M1.lotId]);
      expect(verdict.tree.parents[0]!.parents.map((node) => node.lotId)).to.deep.equal([C1.lotId, C2.lotId]);
      expect(verdict.attestations).to.have.length(5);
      expect(verdict.attestations.every((attestation) => attestation.status === "VALID")).to.equal(true);
      expect(verdict.attestations.filter((attestation) => attestation.kind === "batch")).to.have.length(2);
    });

    it("should keep a member's bundle free of the other member's and the maker's other lots", () => {
      const disclosed = scenario.bundles.A1.lots.map((lot) => lot.lotId);
      expect(disclosed).to.not.include(scenario.lots.B1.lotId);
      expect(disclosed).to.not.include(scenario.lots.M2.lotId);
      expect(scenario.bundles.B1.lots.map((lot) => lot.lotId)).to.not.include(scenario.lots.A1.lotId);
    });

    it("should accept both splits of one parent when they fit in it (and the builder never adds unrelated lots)", async () => {
      const { A1, B1 } = scenario.lots;
      const built = buildBundle({
        chain: bundleChainOf(chain.fontaine.deployment),
        subject: A1.lotId,
        lots: [A1.lot, B1.lot],
        upstream: [scenario.bundles.M1],
      });
      expect(built.lots.map((lot) => lot.lotId)).to.not.include(B1.lotId);
      const both = tamper(built, (copy) => {
        copy.lots.push(B1.lot);
      });
      const verdict = await verifyBundle(both, reader);
      // B1 is not upstream of A1: disclosed but unlinked, yet its 300 kg count against M1 with A1's 200 kg.
      expect(codes(verdict, "fail")).to.deep.equal([]);
      expect(codes(verdict, "warn")).to.deep.equal(["lot.unlinked"]);
      expect(verdict.lots.at(-1)!.lotId).to.equal(B1.lotId);
    });

    it("should verify the maker's split of C1 and the merge into M1 in one bundle", async () => {
      const verdict = await verifyBundle(scenario.bundles.M2, reader);
      expect(verdict.ok).to.equal(true);
      expect(verdict.lots.map((lot) => lot.lotId)).to.deep.equal([scenario.lots.M2.lotId, scenario.lots.C1.lotId]);
    });
  });

  describe("quantities", () => {
    it("should reject a lot that takes more than its parent held, naming both and the quantities", async () => {
      const { memberA } = scenario.orgs;
      const greedy = await commitLot(chain, memberA, {
        product: "Too much chocolate",
        quantity: "900",
        unit: "kg",
        parents: [{ lotId: scenario.lots.M1.lotId, quantity: "900", unit: "kg" }],
      });
      const bundle = buildBundle({
        chain: bundleChainOf(chain.fontaine.deployment),
        subject: greedy.lotId,
        lots: [greedy.lot],
        upstream: [scenario.bundles.M1],
      });
      const verdict = await verifyBundle(bundle, reader);
      expect(verdict.ok).to.equal(false);
      expect(codes(verdict, "fail")).to.deep.equal(["link.exceeds-parent"]);
      const [found] = verdictFindings(verdict);
      expect(found!.finding.params).to.include({
        lotId: greedy.lotId,
        parentLotId: scenario.lots.M1.lotId,
        quantity: "900",
        parentQuantity: "800",
      });
      expect(found!.finding.message).to.equal(
        `Lot ${greedy.lotId} takes 900 kg from parent lot ${scenario.lots.M1.lotId}, which only held 800 kg.`,
      );
      expect(verdict.lots[0]!.parents[0]!.outcome).to.equal("fail");
    });

    it("should reject a parent overdrawn across everything disclosed, even when each link fits", async () => {
      const { maker, memberA } = scenario.orgs;
      const M3 = await commitLot(chain, maker, {
        product: "Cocoa nibs",
        quantity: "450",
        unit: "kg",
        parents: [{ lotId: scenario.lots.C1.lotId, quantity: "500", unit: "kg" }],
      });
      const mixed = await commitLot(chain, memberA, {
        product: "Mixed fondue",
        quantity: "150",
        unit: "kg",
        parents: [
          { lotId: scenario.lots.M1.lotId, quantity: "100", unit: "kg" },
          { lotId: M3.lotId, quantity: "50", unit: "kg" },
        ],
      });
      const bundleM3 = buildBundle({
        chain: bundleChainOf(chain.fontaine.deployment),
        subject: M3.lotId,
        lots: [M3.lot],
        upstream: [scenario.bundles.C1],
      });
      const bundle = buildBundle({
        chain: bundleChainOf(chain.fontaine.deployment),
        subject: mixed.lotId,
        lots: [mixed.lot],
        upstream: [scenario.bundles.M1, bundleM3],
      });
      const verdict = await verifyBundle(bundle, reader);
      expect(codes(verdict, "fail")).to.deep.equal(["lot.overdrawn"]);
      const c1 = verdict.lots.find((lot) => lot.lotId === scenario.lots.C1.lotId)!;
      expect(c1.findings[0]!.params).to.include({ taken: "1100", quantity: "1000", unit: "kg" });
      expect(verdict.tree.upstreamOutcome).to.equal("fail");
    });

    it("should reject a link whose unit differs from the parent's", async () => {
      const litres = await commitLot(chain, scenario.orgs.memberB, {
        product: "Liquid chocolate",
        quantity: "100",
        unit: "l",
        parents: [{ lotId: scenario.lots.M1.lotId, quantity: "100", unit: "l" }],
      });
      const bundle = buildBundle({
        chain: bundleChainOf(chain.fontaine.deployment),
        subject: litres.lotId,
        lots: [litres.lot],
        upstream: [scenario.bundles.M1],
      });
      const verdict = await verifyBundle(bundle, reader);
      expect(codes(verdict, "fail")).to.deep.equal(["link.unit-mismatch"]);
      expect(verdictFindings(verdict)[0]!.finding.params).to.include({ unit: "l", parentUnit: "kg" });
    });
  });

  describe("tampering (each alteration detected and named)", () => {
    it("should name an altered record", async () => {
      const { M1 } = scenario.lots;
      const bundle = tamper(scenario.bundles.A1, (copy) => {
        copy.lots.find((lot) => lot.lotId === M1.lotId)!.record.product = "Organic couverture";
      });
      const verdict = await verifyBundle(bundle, reader);
      expect(codes(verdict, "fail")).to.deep.equal(["lot.commitment-mismatch"]);
      expect(verdictFindings(verdict)[0]!.where).to.equal(`lot ${M1.lotId}`);
    });

    it("should name an altered quantity in a record", async () => {
      const bundle = tamper(scenario.bundles.A1, (copy) => {
        copy.lots.find((lot) => lot.lotId === scenario.lots.C2.lotId)!.record.quantity = "5000";
      });
      expect(codes(await verifyBundle(bundle, reader), "fail")).to.deep.equal(["lot.commitment-mismatch"]);
    });

    it("should name an altered salt", async () => {
      const { C1 } = scenario.lots;
      const bundle = tamper(scenario.bundles.A1, (copy) => {
        const lot = copy.lots.find((entry) => entry.lotId === C1.lotId)!;
        lot.salt = flipLastByte(lot.salt);
      });
      const verdict = await verifyBundle(bundle, reader);
      expect(codes(verdict, "fail")).to.deep.equal(["lot.commitment-mismatch"]);
      expect(verdictFindings(verdict)[0]!.finding.params.lotId).to.equal(C1.lotId);
    });

    it("should name an altered Merkle proof", async () => {
      const leaf = scenario.attestations.batchOnC2[0]!;
      const bundle = tamper(scenario.bundles.A1, (copy) => {
        const attestation = copy.attestations.find((entry) => entry.uid === leaf.uid)!;
        attestation.batch!.proof[0] = flipLastByte(attestation.batch!.proof[0]!);
      });
      const verdict = await verifyBundle(bundle, reader);
      expect(codes(verdict, "fail")).to.deep.equal(["attestation.proof-invalid"]);
      expect(verdictFindings(verdict)[0]!.where).to.equal(`attestation ${leaf.uid}`);
    });

    it("should name an altered owner's signature on a lot", async () => {
      const { M1 } = scenario.lots;
      const bundle = tamper(scenario.bundles.A1, (copy) => {
        const lot = copy.lots.find((entry) => entry.lotId === M1.lotId)!;
        lot.commit!.signature =
          `${lot.commit!.signature.slice(0, 10)}${"ab".repeat(4)}${lot.commit!.signature.slice(18)}` as Hex;
      });
      const verdict = await verifyBundle(bundle, reader);
      expect(codes(verdict, "fail")).to.deep.equal(["lot.signature-invalid"]);
      expect(verdictFindings(verdict)[0]!.finding.params.lotId).to.equal(M1.lotId);
    });

    it("should name an altered attestation signature", async () => {
      const { makerAudit } = scenario.attestations;
      const bundle = tamper(scenario.bundles.A1, (copy) => {
        const attestation = copy.attestations.find((entry) => entry.uid === makerAudit.uid)!;
        attestation.signed!.signature =
          `${attestation.signed!.signature.slice(0, 10)}${"cd".repeat(4)}${attestation.signed!.signature.slice(18)}` as Hex;
      });
      expect(codes(await verifyBundle(bundle, reader), "fail")).to.deep.equal(["attestation.signature-invalid"]);
    });

    it("should name an altered attestation request and an altered disclosed claim", async () => {
      const { coopFairTrade } = scenario.attestations;
      const altered = tamper(scenario.bundles.A1, (copy) => {
        copy.attestations.find((entry) => entry.uid === coopFairTrade.uid)!.request.expiry = "4102444800";
      });
      expect(codes(await verifyBundle(altered, reader), "fail")).to.deep.equal([
        "attestation.uid-mismatch",
        "attestation.signature-invalid",
      ]);
      const claim = tamper(scenario.bundles.A1, (copy) => {
        copy.attestations.find((entry) => entry.uid === coopFairTrade.uid)!.claim!.value = { certificate: "FT-9999" };
      });
      expect(codes(await verifyBundle(claim, reader), "fail")).to.deep.equal(["attestation.claim-mismatch"]);
    });

    it("should name an altered document and warn about one no disclosed attestation references", async () => {
      const bytes = new TextEncoder().encode("%PDF-1.7 audit of the cooperative");
      const document = {
        digest: fileDigest(bytes),
        name: "audit.pdf",
        mediaType: "application/pdf",
        contentBase64: Buffer.from(bytes).toString("base64"),
      };
      const unreferenced = tamper(scenario.bundles.A1, (copy) => {
        copy.documents = [document];
      });
      const verdict = await verifyBundle(unreferenced, reader);
      expect(verdict.ok).to.equal(true);
      expect(codes(verdict)).to.deep.equal(["document.not-referenced"]);
      expect(verdict.documents[0]).to.include({ name: "audit.pdf", outcome: "warn" });
      expect(verdict.documents[0]!.attestations).to.deep.equal([]);
      const altered = tamper(unreferenced, (copy) => {
        copy.documents![0]!.contentBase64 = Buffer.from("%PDF-1.7 audit of another cooperative").toString("base64");
      });
      const alteredVerdict = await verifyBundle(altered, reader);
      expect(alteredVerdict.ok).to.equal(false);
      expect(codes(alteredVerdict, "fail")).to.deep.equal(["document.digest-mismatch"]);
      expect(verdictFindings(alteredVerdict).find((entry) => entry.finding.severity === "fail")!.where).to.equal(
        "document audit.pdf",
      );
    });

    it("should name a record disclosed under another lot's id", async () => {
      const { C1, C2 } = scenario.lots;
      const bundle = tamper(scenario.bundles.A1, (copy) => {
        const c1 = copy.lots.find((entry) => entry.lotId === C1.lotId)!;
        const c2 = copy.lots.find((entry) => entry.lotId === C2.lotId)!;
        c2.record = c1.record;
        c2.salt = c1.salt;
      });
      const fails = codes(await verifyBundle(bundle, reader), "fail");
      expect(fails).to.include("lot.id-mismatch");
      expect(fails).to.include("lot.commitment-mismatch");
    });

    it("should refuse a bundle made for another chain", async () => {
      const bundle = tamper(scenario.bundles.A1, (copy) => {
        copy.chain.chainId = 1;
      });
      const verdict = await verifyBundle(bundle, reader);
      expect(verdict.ok).to.equal(false);
      expect(verdict.findings.map((entry) => entry.code)).to.deep.equal(["chain.mismatch"]);
    });

    it("should warn, not fail, when a supplier did not disclose a parent", async () => {
      const bundle = tamper(scenario.bundles.A1, (copy) => {
        copy.lots = copy.lots.filter((lot) => lot.lotId !== scenario.lots.C2.lotId);
      });
      const verdict = await verifyBundle(bundle, reader);
      expect(verdict.ok).to.equal(true);
      expect(codes(verdict, "warn")).to.include("link.parent-not-disclosed");
      expect(verdict.tree.parents[0]!.parents[1]).to.include({ lotId: scenario.lots.C2.lotId, note: "not-disclosed" });
    });

    it("should fail a lot listing itself among its parents (cycle) and a lot never committed", async () => {
      const bundle = tamper(scenario.bundles.C1, (copy) => {
        copy.lots[0]!.record.parents.push({ lotId: copy.lots[0]!.lotId, quantity: "1", unit: "kg" });
      });
      const fails = codes(await verifyBundle(bundle, reader), "fail");
      expect(fails).to.include("link.cycle");
      expect(fails).to.include("lot.commitment-mismatch");
      const unknown = tamper(scenario.bundles.C1, (copy) => {
        copy.lots[0]!.lotId = ZeroHash.replace(/0$/, "1") as Hex;
        copy.subject = copy.lots[0]!.lotId;
      });
      expect(codes(await verifyBundle(unknown, reader), "fail")).to.include.members([
        "lot.id-mismatch",
        "lot.not-on-chain",
      ]);
    });
  });

  describe("chain state changes upstream", () => {
    let local: ThreeTierScenario;
    before(async () => {
      local = await threeTierScenario(chain);
    });

    it("should report a live endorsement by another accredited certifier", async () => {
      const before = await verifyBundle(local.bundles.M2, reader);
      expect(before.attestations.find((entry) => entry.uid === local.attestations.makerAudit.uid)!.endorsed).to.equal(
        false,
      );
      const second = await admitOrg(chain, "second-audit-body", "CERTIFIER");
      await endorseAttestation(chain, second, local.attestations.makerAudit.uid);
      const after = await verifyBundle(local.bundles.M2, reader);
      const audit = after.attestations.find((entry) => entry.uid === local.attestations.makerAudit.uid)!;
      expect(audit).to.include({ status: "VALID", endorsed: true, kind: "single" });
      expect(after.ok).to.equal(true);
    });

    it("should turn red when an upstream attestation is revoked, saying which and why", async () => {
      expect((await verifyBundle(local.bundles.A1, reader)).ok).to.equal(true);
      await revokeAttestation(chain, local.orgs.coop, local.attestations.coopChildLabour.uid);
      const verdict = await verifyBundle(local.bundles.A1, reader);
      expect(verdict.ok).to.equal(false);
      expect(codes(verdict, "fail")).to.deep.equal(["attestation.revoked"]);
      const revoked = verdict.attestations.find((entry) => entry.uid === local.attestations.coopChildLabour.uid)!;
      expect(revoked.status).to.equal("REVOKED");
      // Why: the reason code its attester signed (revokeAttestation signs AUDIT_FAILED), in words.
      expect(revoked.findings[0]!.params).to.include({ reason: "AUDIT_FAILED" });
      expect(findingText(revoked.findings[0]!, "fr")).to.match(/retirée par son auteur : audit échoué\.$/);
      expect(revoked.findings[0]!.message).to.match(/: audit failed\.$/);
      // The same reason through a fresh reader that sends view calls through DeploylessReads.
      const deployless = createEthersChainReader({
        provider: chain.provider,
        deployment: chain.fontaine.deployment,
        deploylessReads: true,
      });
      expect(await verifyBundle(local.bundles.A1, deployless)).to.deep.equal(verdict);
      expect(revoked.lotIds).to.deep.equal([local.lots.C1.lotId]);
      const c1 = verdict.lots.find((lot) => lot.lotId === local.lots.C1.lotId)!;
      expect(c1.outcome).to.equal("fail");
      expect(verdict.tree.upstreamOutcome).to.equal("fail");
      expect(verdict.lots.find((lot) => lot.lotId === local.lots.C2.lotId)!.outcome).to.equal("pass");
    });

    it("should turn red when a revoked batch leaf is upstream", async () => {
      const [leaf] = await attestBatch(chain, local.orgs.coop, [
        { schema: chain.schemas.childLabour, subject: local.orgs.coop.id, claim: { period: "2026-Q4" } },
      ]);
      const lot = await commitLot(chain, local.orgs.coop, {
        product: "Beans",
        quantity: "10",
        unit: "kg",
        attestations: [leaf!.uid],
      });
      const bundle = buildBundle({
        chain: bundleChainOf(chain.fontaine.deployment),
        subject: lot.lotId,
        lots: [lot.lot],
        attestations: [leaf!],
      });
      expect((await verifyBundle(bundle, reader)).ok).to.equal(true);
      await chain.rpc("anvil_setBalance", [local.orgs.coop.key.address, "0xDE0B6B3A7640000"]);
      const registry = chain.fontaine.attestationRegistry.connect(local.orgs.coop.key.connect(chain.provider));
      const { typedDataDigest, buildAttestTypedData, attestationRegistryDomain } = await import("../../../sdk");
      const domain = attestationRegistryDomain(
        chain.chainId,
        chain.fontaine.deployment.contracts.AttestationRegistry.address,
      );
      const digest = typedDataDigest(
        buildAttestTypedData(domain, { ...leaf!.request, deadline: leaf!.signed!.deadline }),
      );
      await mined(
        registry.revokeLeaf(leaf!.batch!.root, digest, leaf!.signer, leaf!.batch!.proof, reasonCode("LAB_CLOSED")),
      );
      const verdict = await verifyBundle(bundle, reader);
      expect(codes(verdict, "fail")).to.deep.equal(["attestation.revoked"]);
      expect(verdict.attestations[0]!.kind).to.equal("batch");
      // A code the pages do not offer is said as its text.
      expect(verdict.attestations[0]!.findings[0]!.params).to.include({ reason: "LAB_CLOSED" });
      expect(findingText(verdict.attestations[0]!.findings[0]!, "nl")).to.match(/door de opsteller: LAB_CLOSED\.$/);
    });

    it("should turn red when an upstream lot is recalled, with the recall reason", async () => {
      await flagLot(chain, local.lots.C2.lotId, "SALMONELLA");
      const verdict = await verifyBundle(local.bundles.B1, reader);
      const fails = verdictFindings(verdict).filter((entry) => entry.finding.code === "lot.flagged");
      expect(fails).to.have.length(1);
      expect(fails[0]!.finding.params).to.include({ lotId: local.lots.C2.lotId, reason: "SALMONELLA" });
      expect(verdict.tree.upstreamOutcome).to.equal("fail");
      expect(verdict.lots.find((lot) => lot.lotId === local.lots.C2.lotId)!.flagged).to.equal(true);
    });

    it("should warn when the disclosed version of a lot was amended since", async () => {
      const { sealLotRecord, createLotRecord, lotCommitTypedData } = await import("../../../sdk/bundle");
      const { ethersTypes, newSalt } = await import("../../../sdk");
      const A1 = local.lots.A1;
      const amended = sealLotRecord(createLotRecord({ ...A1.sealed.record, quantity: "190" }));
      const nonce = BigInt(newSalt());
      const typed = lotCommitTypedData(chain.fontaine.deployment, {
        lotId: A1.lotId,
        commitment: amended.commitment,
        nonce,
        deadline: 4_000_000_000n,
      });
      const signature = await local.orgs.memberA.key.signTypedData(typed.domain, ethersTypes(typed), typed.message);
      await mined(
        chain.fontaine.lotRegistry
          .connect(chain.relayer)
          .commitBySig(A1.lotId, amended.commitment, nonce, 4_000_000_000n, local.orgs.memberA.key.address, signature),
      );
      const verdict = await verifyBundle(local.bundles.A1, reader);
      expect(codes(verdict, "warn")).to.include("lot.superseded");
      expect(verdict.lots[0]!.chainVersions).to.equal(2);
    });

    it("should fail a lot whose key was later declared compromised from before the commitment", async () => {
      const M2 = local.lots.M2;
      const committedAt = (await chain.provider.getBlock("latest"))!.timestamp - 3600;
      await mined(
        chain.fontaine.federation.connect(chain.governor).markCompromised(local.orgs.maker.key.address, committedAt),
      );
      const verdict = await verifyBundle(local.bundles.M2, reader);
      const found = verdictFindings(verdict).find((entry) => entry.finding.code === "lot.key-not-valid");
      expect(found?.finding.params).to.include({ lotId: M2.lotId, keyStatus: "COMPROMISED" });
    });
  });

  describe("reading through DeploylessReads (one eth_call for many view calls)", () => {
    it("should give exactly the verdicts of one call per read", async () => {
      const deployless = createEthersChainReader({
        provider: chain.provider,
        deployment: chain.fontaine.deployment,
        deploylessReads: true,
      });
      const tampered = tamper(scenario.bundles.A1, (copy) => {
        const lot = copy.lots.find((entry) => entry.lotId === scenario.lots.C1.lotId)!;
        lot.salt = flipLastByte(lot.salt);
      });
      for (const bundle of [scenario.bundles.A1, scenario.bundles.B1, tampered]) {
        expect(await verifyBundle(bundle, deployless)).to.deep.equal(await verifyBundle(bundle, reader));
      }
    });
  });

  describe("large bundles", () => {
    it("should verify a bundle of 57 lots", async () => {
      const { coop, maker, memberA } = scenario.orgs;
      const beans = [];
      for (let index = 0; index < 55; index++) {
        beans.push(await commitLot(chain, coop, { product: `Beans ${index}`, quantity: "10", unit: "kg" }));
      }
      const chainInfo = bundleChainOf(chain.fontaine.deployment);
      const merged = await commitLot(chain, maker, {
        product: "Blend",
        quantity: "500",
        unit: "kg",
        parents: beans.map((lot) => ({ lotId: lot.lotId, quantity: "9.5", unit: "kg" as const })),
      });
      const upstream = buildBundle({
        chain: chainInfo,
        subject: merged.lotId,
        lots: [merged.lot, ...beans.map((lot) => lot.lot)],
      });
      const member = await commitLot(chain, memberA, {
        product: "Fondue",
        quantity: "100",
        unit: "kg",
        parents: [{ lotId: merged.lotId, quantity: "100", unit: "kg" }],
      });
      const bundle = buildBundle({ chain: chainInfo, subject: member.lotId, lots: [member.lot], upstream: [upstream] });
      const verdict = await verifyBundle(bundle, reader);
      expect(verdict.ok).to.equal(true);
      expect(verdict.counts.lots).to.equal(57);
      expect(verdict.tree.parents[0]!.parents).to.have.length(55);
    });
  });
});
