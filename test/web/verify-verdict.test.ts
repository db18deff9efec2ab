import { expect } from "chai";
import {
  badgeOf,
  digestFromHash,
  failureOfStatus,
  outcomeOf,
  parseDigest,
  schemaLabel,
  shortId,
  summarise,
  withdrawalReason,
  type VerifiedAttestation,
} from "../../web/verify/verdict";
import { REVOCATION_REASONS } from "../../sdk/hashing";
import { createTranslator, languages, translate } from "../../web/shared/i18n/i18n";

const digest = `0x${"ab".repeat(32)}`;

function attestation(overrides: Partial<VerifiedAttestation>): VerifiedAttestation {
  return {
    uid: `0x${"01".repeat(32)}`,
    schema: `0x${"02".repeat(32)}`,
    subject: `0x${"03".repeat(32)}`,
    digest,
    attester: `0x${"04".repeat(32)}`,
    signer: `0x${"05".repeat(20)}`,
    expiresAt: 0,
    relay: { status: "anchored", error: null },
    status: "VALID",
    endorsed: false,
    endorsement: null,
    blockNumber: 10,
    ...overrides,
  };
}

describe("web/verify verdict", () => {
  it("should say why a document was withdrawn in the reader's words, an unknown code as its text", () => {
    const fr = createTranslator("fr");
    expect(withdrawalReason("AUDIT_FAILED", fr)).to.equal("Audit échoué");
    expect(withdrawalReason("AUDIT_FAILED", createTranslator("nl"))).to.equal("Audit mislukt");
    expect(withdrawalReason("AUDIT_FAILED", createTranslator("en"))).to.equal("Audit failed");
    expect(withdrawalReason("LAB_CLOSED", fr)).to.equal("LAB_CLOSED");
    expect(withdrawalReason("", fr)).to.equal(null);
    expect(withdrawalReason(undefined, fr)).to.equal(null);
    expect(
      translate("fr", "verify.explain.revokedBecause", { reason: withdrawalReason("AUDIT_FAILED", fr)! }),
    ).to.equal("Son auteur l’a retiré : Audit échoué. Il ne vaut plus, partout.");
    // Every reason the pages offer (the sdk's list) has its words in every language.
    for (const language of languages) {
      const t = createTranslator(language);
      for (const code of REVOCATION_REASONS)
        expect(withdrawalReason(code, t), `${language} ${code}`).to.not.equal(code);
    }
  });

  it("should read a pending relay as being recorded and a failed one as not recorded, never as unknown", () => {
    expect(outcomeOf(attestation({ status: "UNKNOWN", relay: { status: "queued", error: null } }))).to.equal("pending");
    expect(outcomeOf(attestation({ status: "UNKNOWN", relay: { status: "failed", error: "x" } }))).to.equal("failed");
    expect(outcomeOf(attestation({ status: "KEY_COMPROMISED" }))).to.equal("keyCompromised");
  });

  it("should headline the best attestation and say unknown only when nothing exists", () => {
    expect(summarise({ digest, verdict: "UNKNOWN", attestations: [], checkedAtBlock: 1 }).headline).to.equal("unknown");
    const revoked = attestation({ uid: `0x${"aa".repeat(32)}`, status: "REVOKED", blockNumber: 20 });
    const valid = attestation({ uid: `0x${"bb".repeat(32)}`, status: "VALID", blockNumber: 5 });
    const summary = summarise({ digest, verdict: "VALID", attestations: [revoked, valid], checkedAtBlock: 30 });
    expect(summary.headline).to.equal("valid");
    expect(summary.attestations.map((item) => item.uid)).to.deep.equal([valid.uid, revoked.uid]);
    expect(summarise({ digest, verdict: "NOT_VALID", attestations: [revoked], checkedAtBlock: 30 }).headline).to.equal(
      "revoked",
    );
  });

  it("should colour outcomes (with the badge's icon and word) by severity", () => {
    expect(badgeOf("valid")).to.equal("ok");
    expect(badgeOf("expired")).to.equal("warning");
    expect(badgeOf("pending")).to.equal("unknown");
    expect(badgeOf("revoked")).to.equal("alarm");
    expect(badgeOf("suspended")).to.equal("alarm");
  });

  it("should accept pasted fingerprints with spaces, upper case or no 0x, and refuse anything else", () => {
    expect(parseDigest(`  0X${"AB".repeat(32)} `)).to.equal(digest);
    expect(parseDigest("ab".repeat(32))).to.equal(digest);
    expect(parseDigest(`0x${"ab".repeat(16)} ${"ab".repeat(16)}`)).to.equal(digest);
    expect(parseDigest("0x1234")).to.equal(null);
    expect(parseDigest(`0x${"zz".repeat(32)}`)).to.equal(null);
    expect(parseDigest(`0x${"ab".repeat(33)}`)).to.equal(null);
  });

  it("should read a share link's fragment", () => {
    expect(digestFromHash(`#digest=${digest}`)).to.equal(digest);
    expect(digestFromHash("#digest=nonsense")).to.equal(null);
    expect(digestFromHash("")).to.equal(null);
  });

  it("should pick the schema label in the reader's language, then French, then its name", () => {
    const definition = { name: "social-audit", labels: { fr: "Audit social", nl: "Sociale audit" } };
    expect(schemaLabel(definition, "nl")).to.equal("Sociale audit");
    expect(schemaLabel(definition, "en")).to.equal("Audit social");
    expect(schemaLabel({ name: "social-audit" }, "en")).to.equal("social-audit");
    expect(schemaLabel(null, "fr")).to.equal(null);
  });

  it("should tell failures apart and shorten ids", () => {
    expect(failureOfStatus(429)).to.equal("rateLimited");
    expect(failureOfStatus(413)).to.equal("tooLarge");
    expect(failureOfStatus(400)).to.equal("badInput");
    expect(failureOfStatus(503)).to.equal("server");
    expect(shortId(digest)).to.equal("0xabab…abab");
  });
});
