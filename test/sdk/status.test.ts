import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  ATTESTATION_POLICY_NAMES,
  KEY_STATUS_NAMES,
  ORG_KIND_NAMES,
  STATUS_NAMES,
  Status,
  enumName,
  statusName,
} from "../../sdk";

function solidityEnum(source: string, name: string): string[] {
  const match = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(source);
  if (!match?.[1]) throw new Error(`enum ${name} not found`);
  return match[1]
    .split(",")
    .map((member) => member.trim())
    .filter(Boolean);
}

describe("sdk/status", function () {
  const common = readFileSync(path.join(__dirname, "..", "..", "contracts", "Common.sol"), "utf8");

  it("should list every enum exactly as contracts/Common.sol declares it", function () {
    expect([...STATUS_NAMES]).to.deep.equal(solidityEnum(common, "Status"));
    expect([...KEY_STATUS_NAMES]).to.deep.equal(solidityEnum(common, "KeyStatus"));
    expect([...ORG_KIND_NAMES]).to.deep.equal(solidityEnum(common, "OrgKind"));
    expect([...ATTESTATION_POLICY_NAMES]).to.deep.equal(solidityEnum(common, "AttestationPolicy"));
  });

  it("should map values to names and back", function () {
    expect(statusName(1n)).to.equal("VALID");
    expect(Status.KEY_COMPROMISED).to.equal(5);
    expect(enumName(ORG_KIND_NAMES, 2)).to.equal("CERTIFIER");
    expect(() => statusName(6)).to.throw(RangeError);
  });
});
