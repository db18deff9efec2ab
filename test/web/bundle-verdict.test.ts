import { expect } from "chai";
import { BUNDLE_MESSAGES, finding, type BundleVerdict, type FindingCode } from "../../sdk/bundle";
import { catalogue, createTranslator, languages, translate, type MessageKey } from "../../web/shared/i18n/i18n";
import {
  attestationOutcome,
  badgeOfCheck,
  bundleHeadline,
  flagReasonOf,
  lotsById,
  problemsOf,
  reasonKey,
  reasonParams,
  shownOutcome,
  shareFailureOf,
  shareFromHash,
  shareTokenOf,
  problemCode,
} from "../../web/verify/bundle-verdict";

const token = "AhWj-mvfKKh7jP1CU518sKnSRwtZR_aE";
const lotA = `0x${"a1".repeat(32)}`;
const lotB = `0x${"b2".repeat(32)}`;
const uid = `0x${"c3".repeat(32)}`;

describe("web verify: bundles and share links", () => {
  it("should read a share token from the page link, the API address or the bare token", () => {
    expect(shareTokenOf(`https://fontaine.example/verify/#share=${token}`)).to.equal(token);
    expect(shareTokenOf(`  https://fontaine.example/v1/shared/${token}  `)).to.equal(token);
    expect(shareTokenOf(`http://127.0.0.1:8080/v1/shared/${token}/`)).to.equal(token);
    expect(shareTokenOf(token)).to.equal(token);
    expect(shareTokenOf("https://example.org/not-a-link")).to.equal(null);
    expect(shareTokenOf("short")).to.equal(null);
    expect(shareTokenOf(`https://fontaine.example/verify/#share=${"x".repeat(5)}`)).to.equal(null);
    expect(shareFromHash(`#share=${token}`)).to.equal(token);
    expect(shareFromHash(`#digest=0x${"00".repeat(32)}`)).to.equal(null);
  });

  it("should tell a revoked, an expired and an unknown share link apart", () => {
    expect(shareFailureOf(410, "share-revoked")).to.equal("shareRevoked");
    expect(shareFailureOf(410, "share-expired")).to.equal("shareExpired");
    expect(shareFailureOf(404, "share-not-found")).to.equal("shareNotFound");
    expect(shareFailureOf(429, undefined)).to.equal("rateLimited");
    expect(shareFailureOf(503, "unavailable")).to.equal("server");
    expect(problemCode({ type: "urn:fontaine:problem:share-expired" })).to.equal("share-expired");
    expect(problemCode({ code: "share-revoked", type: "x/other" })).to.equal("share-revoked");
    expect(problemCode("text")).to.equal(undefined);
  });

  it("should map outcomes and statuses to words and badges", () => {
    expect(bundleHeadline({ outcome: "pass" })).to.equal("valid");
    expect(bundleHeadline({ outcome: "warn" })).to.equal("warnings");
    expect(bundleHeadline({ outcome: "fail" })).to.equal("invalid");
    expect(badgeOfCheck("pass")).to.equal("ok");
    expect(badgeOfCheck("warn")).to.equal("warning");
    expect(badgeOfCheck("fail")).to.equal("alarm");
    expect(attestationOutcome({ status: "REVOKED" })).to.equal("revoked");
    expect(attestationOutcome({ status: "KEY_COMPROMISED" })).to.equal("keyCompromised");
    expect(attestationOutcome({ status: "UNKNOWN" })).to.equal("failed");
    expect(flagReasonOf("recall")).to.equal("RECALL");
    expect(flagReasonOf("DISPUTE")).to.equal("DISPUTE");
    expect(flagReasonOf("0x12")).to.equal(null);
  });

  it("should name lots by product, shorten ids and translate the flag reason in a reason's parameters", () => {
    const lots = new Map([[lotA, { product: "Fondue" }]]);
    const params = reasonParams(
      finding("link.exceeds-parent", {
        lotId: lotA,
        parentLotId: lotB,
        quantity: "900",
        unit: "kg",
        parentQuantity: "800",
      }),
      lots,
      () => "unused",
    );
    expect(params).to.deep.equal({
      lotId: "« Fondue » (0xa1a1…a1a1)",
      parentLotId: "0xb2b2…b2b2",
      quantity: "900",
      unit: "kg",
      parentQuantity: "800",
    });
    const flagged = reasonParams(finding("lot.flagged", { lotId: lotA, reason: "RECALL" }), lots, (reason) =>
      reason === "RECALL" ? "rappel" : "litige",
    );
    expect(flagged.reason).to.equal("rappel");
    expect(reasonParams(finding("attestation.revoked", { uid }), lots, () => "").uid).to.equal("0xc3c3…c3c3");
    const claims = new Map([[uid, "Diligence"]]);
    expect(reasonParams(finding("attestation.revoked", { uid }), lots, () => "", claims).uid).to.equal(
      "« Diligence » (0xc3c3…c3c3)",
    );
  });

  it("should say why an attestation was withdrawn, in the reader's words for the codes the pages offer", () => {
    const lots = new Map<string, { product: string }>();
    const claims = new Map([[uid, "Diligence"]]);
    const withdrawn = finding("attestation.revoked", { uid, status: "REVOKED", reason: "AUDIT_FAILED" });
    expect(reasonKey(withdrawn)).to.equal("bundle.reason.attestation.revoked.withReason");
    const fr = reasonParams(withdrawn, lots, () => "", claims, createTranslator("fr"));
    expect(translate("fr", reasonKey(withdrawn) as MessageKey, fr)).to.equal(
      "L’attestation « Diligence » (0xc3c3…c3c3) a été retirée par son auteur : Audit échoué. Elle ne vaut plus.",
    );
    const nl = reasonParams(withdrawn, lots, () => "", claims, createTranslator("nl"));
    expect(nl.reason).to.equal("Audit mislukt");
    const other = finding("attestation.revoked", { uid, status: "REVOKED", reason: "LAB_CLOSED" });
    expect(reasonParams(other, lots, () => "", claims, createTranslator("en")).reason).to.equal("LAB_CLOSED");
    // No reason recorded: the general sentence.
    const plain = finding("attestation.revoked", { uid, status: "REVOKED" });
    expect(reasonKey(plain)).to.equal("bundle.reason.attestation.revoked");
    expect(reasonKey(finding("lot.flagged", { lotId: lotA, reason: "RECALL" }))).to.equal("bundle.reason.lot.flagged");
  });

  it("should show a lot made from a failing lot as failing upstream, never as valid", () => {
    expect(shownOutcome({ outcome: "pass", upstreamOutcome: "fail" })).to.deep.equal({
      outcome: "fail",
      fromUpstream: true,
    });
    expect(shownOutcome({ outcome: "fail", upstreamOutcome: "fail" })).to.deep.equal({
      outcome: "fail",
      fromUpstream: false,
    });
    expect(shownOutcome({ outcome: "warn", upstreamOutcome: null })).to.deep.equal({
      outcome: "warn",
      fromUpstream: false,
    });
  });

  it("should list every problem once, failures before remarks", () => {
    const revoked = finding("attestation.revoked", { uid });
    const verdict = {
      findings: [],
      lots: [
        {
          lotId: lotA,
          product: "Fondue",
          findings: [finding("lot.superseded", { lotId: lotA, version: 1, versions: 2 })],
          parents: [],
        },
      ],
      attestations: [{ findings: [revoked] }, { findings: [revoked] }],
      documents: [],
    } as unknown as BundleVerdict;
    expect(problemsOf(verdict).map((entry) => entry.code)).to.deep.equal(["attestation.revoked", "lot.superseded"]);
    expect(lotsById(verdict).get(lotA)).to.deep.equal({ product: "Fondue" });
  });

  it("should have a plain sentence in every language for every reason the sdk can give, with its parameters", () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
    for (const code of Object.keys(BUNDLE_MESSAGES) as FindingCode[]) {
      const sdkParams = new Set(placeholders(BUNDLE_MESSAGES[code].en));
      for (const language of languages) {
        const text = catalogue(language)[`bundle.reason.${code}`];
        expect(text, `${language} bundle.reason.${code}`).to.be.a("string");
        // A reason given with the finding (why an attestation was withdrawn) has its own sentence.
        const withReason = (BUNDLE_MESSAGES[code] as { withReason?: { en: string } }).withReason;
        if (withReason) {
          const sentence = catalogue(language)[`bundle.reason.${code}.withReason`];
          expect(sentence, `${language} bundle.reason.${code}.withReason`).to.be.a("string");
          const sdkWithReason = new Set(placeholders(withReason.en));
          for (const name of placeholders(sentence!))
            expect(sdkWithReason, `${language} ${code} {${name}}`).to.include(name);
          expect(placeholders(sentence!)).to.include("reason");
        }
        for (const name of placeholders(text!)) expect(sdkParams, `${language} ${code} {${name}}`).to.include(name);
        // Plain words: none of the register's technical vocabulary.
        expect(text!.toLowerCase(), `${language} ${code}`).to.not.match(
          /blockchain|merkle|\bhash|nonce|\bgas\b|\btx\b/,
        );
      }
    }
  });
});
