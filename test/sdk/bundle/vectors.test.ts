import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  parseBundle,
  replayChainReader,
  verdictFindings,
  verifyBundle,
  type BundleVerdict,
  type RecordedChainFacts,
} from "../../../sdk/bundle";

const FOLDER = path.resolve(__dirname, "../../vectors/bundles");

interface Vector {
  name: string;
  description: string;
  expectedCodes: string[];
  bundle: unknown;
  chainFacts: RecordedChainFacts;
  expected: BundleVerdict;
}

const vectors = readdirSync(FOLDER)
  .filter((file) => file.endsWith(".json"))
  .map((file) => JSON.parse(readFileSync(path.join(FOLDER, file), "utf8")) as Vector);

describe("sdk/bundle golden vectors (test/vectors/bundles, regenerate with npm run vectors:bundles)", () => {
  it("should hold the cases the issue names", () => {
    expect(vectors.map((vector) => vector.name)).to.include.members([
      "three-tier-valid",
      "exceeds-parent",
      "revoked-attestation",
      "recalled-upstream-lot",
      "tampered-record",
      "tampered-salt",
      "tampered-proof",
      "tampered-lot-signature",
    ]);
  });

  for (const vector of vectors) {
    it(`should give the recorded verdict for ${vector.name}: ${vector.description}`, async () => {
      const verdict = await verifyBundle(parseBundle(vector.bundle), replayChainReader(vector.chainFacts));
      expect(verdict).to.deep.equal(vector.expected);
      expect(verdictFindings(verdict).map((entry) => `${entry.finding.severity} ${entry.finding.code}`)).to.deep.equal(
        vector.expectedCodes,
      );
    });
  }

  it("should agree with the names of the cases", () => {
    const byName = new Map(vectors.map((vector) => [vector.name, vector]));
    expect(byName.get("three-tier-valid")!.expected.ok).to.equal(true);
    expect(byName.get("parent-not-disclosed")!.expectedCodes).to.deep.equal(["warn link.parent-not-disclosed"]);
    expect(byName.get("tampered-record")!.expectedCodes).to.deep.equal(["fail lot.commitment-mismatch"]);
    expect(byName.get("tampered-salt")!.expectedCodes).to.deep.equal(["fail lot.commitment-mismatch"]);
    expect(byName.get("tampered-proof")!.expectedCodes).to.deep.equal(["fail attestation.proof-invalid"]);
    expect(byName.get("tampered-lot-signature")!.expectedCodes).to.deep.equal(["fail lot.signature-invalid"]);
    expect(byName.get("exceeds-parent")!.expectedCodes).to.deep.equal(["fail link.exceeds-parent"]);
    expect(byName.get("revoked-attestation")!.expectedCodes).to.deep.equal(["fail attestation.revoked"]);
    expect(byName.get("recalled-upstream-lot")!.expectedCodes).to.have.members([
      "fail lot.flagged",
      "fail attestation.revoked",
    ]);
  });
});
