import { expect } from "chai";
import { Wallet } from "ethers";
import { reasonCode } from "../../sdk/hashing";
import { catalogue, languages } from "../../web/shared/i18n/i18n";
import {
  ENDORSEMENT_FRAGMENTS,
  ENDORSEMENT_REFUSALS,
  endorsementInterface,
  endorsementRefusalKey,
  endorsementRefusalOf,
  withdrawEndorsementCall,
} from "../../web/review/endorsement-withdrawal";
import { ownEndorsements, toEndorse, withdrawable, type ReviewItem } from "../../web/review/review-lists";
import { compiledAbi, expectFragmentsOf } from "./helpers/compiled-abi";

const own = `0x${"0c".repeat(32)}`;
const other = `0x${"0a".repeat(32)}`;
const item = (overrides: Partial<ReviewItem>): ReviewItem => ({
  uid: `0x${"01".repeat(32)}`,
  schema: `0x${"02".repeat(32)}`,
  subject: other,
  attester: other,
  expiresAt: 0,
  status: "VALID",
  endorsed: false,
  endorsement: null,
  ...overrides,
});

describe("web/review lists", () => {
  it("should offer a certifier only other organisations' valid, unendorsed claims", () => {
    const open = item({ uid: "open" });
    const endorsed = item({ uid: "endorsed", endorsed: true });
    const mine = item({ uid: "mine", attester: own });
    const revoked = item({ uid: "revoked", status: "REVOKED" });
    const pending = item({ uid: "pending", attester: null });
    expect(toEndorse([open, endorsed, mine, revoked, pending], own).map((row) => row.uid)).to.deep.equal(["open"]);
  });

  it("should offer an organisation only its own valid claims to withdraw", () => {
    const mine = item({ uid: "mine", attester: own });
    const mineExpired = item({ uid: "expired", attester: own, status: "EXPIRED" });
    const theirs = item({ uid: "theirs" });
    expect(withdrawable([mine, mineExpired, theirs], own).map((row) => row.uid)).to.deep.equal(["mine"]);
  });

  it("should offer a certifier the claims it endorsed and has not withdrawn its endorsement of", () => {
    const endorsement = (certifier: string, withdrawn = false) => ({ certifier, signer: "0x01", withdrawn });
    const mine = item({ uid: "mine", endorsed: true, endorsement: endorsement(own.toUpperCase().replace("0X", "0x")) });
    const withdrawn = item({ uid: "withdrawn", endorsement: endorsement(own, true) });
    const theirs = item({ uid: "theirs", endorsed: true, endorsement: endorsement(other) });
    const revoked = item({ uid: "revoked", status: "REVOKED", endorsement: endorsement(own) });
    const none = item({ uid: "none" });
    expect(ownEndorsements([mine, withdrawn, theirs, revoked, none], own).map((row) => row.uid)).to.deep.equal([
      "mine",
    ]);
  });

  describe("withdrawing an endorsement", () => {
    const registry = Wallet.createRandom().address;
    const uid = `0x${"01".repeat(32)}`;

    it("should use only the function and errors the compiled registry has", () => {
      expectFragmentsOf("AttestationRegistry", ENDORSEMENT_FRAGMENTS);
    });

    it("should encode withdrawEndorsement with the reason code", () => {
      const call = withdrawEndorsementCall(registry, uid, "CERTIFICATE_WITHDRAWN");
      expect(call.to).to.equal(registry);
      expect([...endorsementInterface.decodeFunctionData("withdrawEndorsement", call.data)]).to.deep.equal([
        uid,
        reasonCode("CERTIFICATE_WITHDRAWN"),
      ]);
    });

    it("should read the registry's refusals, with a sentence for each in every language", () => {
      const compiled = compiledAbi("AttestationRegistry");
      const key = Wallet.createRandom().address;
      expect(endorsementRefusalOf(compiled.encodeErrorResult("NotEndorsed", [uid]))).to.equal("notEndorsed");
      expect(endorsementRefusalOf(compiled.encodeErrorResult("NotEndorser", [uid, own]))).to.equal("notEndorser");
      expect(endorsementRefusalOf(compiled.encodeErrorResult("KeyNotUsable", [key, 2]))).to.equal("keyNotUsable");
      expect(endorsementRefusalOf(compiled.encodeErrorResult("AlreadyRevoked", [uid]))).to.equal("unknown");
      expect(endorsementRefusalOf("0x")).to.equal("unknown");
      for (const language of languages) {
        for (const refusal of ENDORSEMENT_REFUSALS) {
          expect(catalogue(language)[endorsementRefusalKey(refusal)], `${language} ${refusal}`).to.be.a("string");
        }
      }
    });
  });
});
