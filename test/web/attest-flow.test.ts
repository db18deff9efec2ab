import { expect } from "chai";
import { expiryOfDate, progressOf, refusalOf, usableSchemas, type SchemaItem } from "../../web/attest/attest-flow";

const schema = (overrides: Partial<SchemaItem>): SchemaItem => ({
  id: `0x${"01".repeat(32)}`,
  attesterRule: "self",
  defaultValidity: 0,
  active: true,
  deprecatedBy: null,
  definition: null,
  ...overrides,
});

describe("web/attest flow", () => {
  it("should offer certifier-only schemas to certifiers only, and never inactive or replaced ones", () => {
    const self = schema({ id: "self" });
    const audit = schema({ id: "audit", attesterRule: "certifier" });
    const old = schema({ id: "old", deprecatedBy: `0x${"02".repeat(32)}` });
    const off = schema({ id: "off", active: false });
    expect(usableSchemas([self, audit, old, off], "supplier").map((item) => item.id)).to.deep.equal(["self"]);
    expect(usableSchemas([self, audit, old, off], "certifier").map((item) => item.id)).to.deep.equal(["self", "audit"]);
  });

  it("should read the expiry as the end of the chosen day, 0 when empty", () => {
    expect(expiryOfDate("")).to.equal(0);
    expect(expiryOfDate("2026-12-31")).to.equal(Date.UTC(2026, 11, 31, 23, 59, 59) / 1000);
    expect(expiryOfDate("31/12/2026")).to.be.NaN;
  });

  it("should tell refusals apart", () => {
    expect(refusalOf(403, "forbidden")).to.equal("notAllowed");
    expect(refusalOf(409, "already-attested")).to.equal("alreadyRecorded");
    expect(refusalOf(422, "deadline-passed")).to.equal("expiredSignature");
    expect(refusalOf(422, "invalid-expiry")).to.equal("invalid");
    expect(refusalOf(503, "request-timeout")).to.equal("unavailable");
  });

  it("should follow a submission until recorded or failed", () => {
    expect(progressOf(undefined)).to.equal("waiting");
    expect(progressOf({ status: "UNKNOWN", relay: { status: "queued" } })).to.equal("waiting");
    expect(progressOf({ status: "VALID", relay: { status: "anchored" } })).to.equal("recorded");
    expect(progressOf({ status: "UNKNOWN", relay: { status: "failed" } })).to.equal("failed");
  });
});
