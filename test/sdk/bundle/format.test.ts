import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Interface } from "ethers";
import {
  BUNDLE_MESSAGES,
  BUNDLE_READ_ABI,
  BundleBuildError,
  BundleFormatError,
  DEPLOYLESS_READS_BYTECODE,
  buildBundle,
  createLotRecord,
  discloseLot,
  finding,
  findingText,
  LOCALES,
  REVOCATION_REASON_LABELS,
  microsToQuantity,
  parseBundle,
  quantityToMicros,
  sealLotRecord,
  upstreamLotIds,
  type Bundle,
} from "../../../sdk/bundle";
import { newLotId, newSalt, REVOCATION_REASONS } from "../../../sdk";

const ROOT = path.resolve(__dirname, "../../..");
const valid = JSON.parse(readFileSync(path.join(ROOT, "test/vectors/bundles/three-tier-valid.json"), "utf8"))
  .bundle as Bundle;

function expectFormatError(value: unknown, fragment: string): void {
  try {
    parseBundle(value);
  } catch (error) {
    expect(error).to.be.instanceOf(BundleFormatError);
    expect((error as Error).message).to.contain(fragment);
    return;
  }
  expect.fail("parseBundle accepted an invalid bundle");
}

describe("sdk/bundle format v1", () => {
  it("should parse a bundle and keep its text (a second parse is identical)", () => {
    const parsed = parseBundle(valid);
    expect(parseBundle(JSON.parse(JSON.stringify(parsed)))).to.deep.equal(parsed);
  });

  it("should refuse other formats and versions with a clear message", () => {
    expectFormatError({ ...valid, version: 3 }, "unsupported bundle version 3: this verifier reads version 1, 2");
    expectFormatError({ ...valid, format: "something" }, 'format must be "fontaine.bundle"');
    expectFormatError([], "expected a JSON object");
  });

  it("should name the offending field paths", () => {
    const bad = JSON.parse(JSON.stringify(valid));
    bad.lots[0].record.quantity = "1e3";
    bad.lots[0].record.extra = true;
    bad.attestations[0].uid = "0x12";
    try {
      parseBundle(bad);
      expect.fail("accepted");
    } catch (error) {
      const issues = (error as BundleFormatError).issues.join("\n");
      expect(issues).to.contain("lots.0.record.quantity: must be a decimal string");
      expect(issues).to.contain("lots.0.record");
      expect(issues).to.contain("attestations.0.uid: must be a 0x-prefixed 32-byte hex string");
    }
  });

  it("should refuse uppercase hex inside the hashed record (one record, one text)", () => {
    expect(() =>
      createLotRecord({
        lotId: newLotId(),
        owner: newSalt(),
        product: "x",
        quantity: "1",
        unit: "kg",
        parents: [{ lotId: "0xAB".padEnd(66, "C"), quantity: "1", unit: "kg" }],
      }),
    ).to.not.throw();
    const bad = JSON.parse(JSON.stringify(valid));
    bad.lots[0].record.lotId = bad.lots[0].record.lotId.toUpperCase().replace("0X", "0x");
    expectFormatError(bad, "lowercase");
  });

  it("should compare quantities exactly", () => {
    expect(quantityToMicros("12.5")).to.equal(12_500_000n);
    expect(quantityToMicros("0.000001")).to.equal(1n);
    expect(microsToQuantity(1_100_000_000n)).to.equal("1100");
    expect(microsToQuantity(quantityToMicros("0.1") + quantityToMicros("0.2"))).to.equal("0.3");
    expect(() => createLotRecord({ owner: newSalt(), product: "x", quantity: "0", unit: "kg" })).to.throw(
      BundleFormatError,
      "greater than zero",
    );
  });

  it("should refuse two different disclosures of the same lot version when building", () => {
    const record = createLotRecord({ owner: newSalt(), product: "x", quantity: "1", unit: "kg" });
    const one = discloseLot({ sealed: sealLotRecord(record), version: 1 });
    const two = discloseLot({ sealed: sealLotRecord(record), version: 1 });
    expect(() => buildBundle({ chain: valid.chain, subject: record.lotId, lots: [one, two] })).to.throw(
      BundleBuildError,
      "two different disclosures",
    );
    expect(() => buildBundle({ chain: valid.chain, subject: newLotId(), lots: [one] })).to.throw(
      BundleBuildError,
      "not among the disclosed lots",
    );
  });

  it("should trace a lot's upstream", () => {
    const subject = valid.subject;
    const upstream = upstreamLotIds(valid, subject);
    expect(upstream).to.have.length(3);
    expect(upstream).to.not.include(subject);
  });

  it("should have every reason in French, Dutch and English with the same placeholders", () => {
    for (const [code, definition] of Object.entries(BUNDLE_MESSAGES)) {
      const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      for (const locale of LOCALES) {
        expect(definition[locale], `${code} ${locale}`).to.be.a("string").and.not.equal("");
        expect(placeholders(definition[locale]), `${code} ${locale}`).to.deep.equal(placeholders(definition.en));
      }
    }
    const entry = finding("link.exceeds-parent", {
      lotId: "A",
      parentLotId: "P",
      quantity: "9",
      unit: "kg",
      parentQuantity: "8",
    });
    expect(findingText(entry)).to.equal("Le lot A prélève 9 kg du lot parent P, qui ne contenait que 8 kg.");
    expect(findingText(entry, "nl")).to.equal("Lot A neemt 9 kg uit ouderlot P, dat maar 8 kg bevatte.");
    expect(entry.message).to.equal("Lot A takes 9 kg from parent lot P, which only held 8 kg.");
  });

  it("should say why an attestation was revoked when the reason is known, in words for the offered codes", () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    for (const [code, definition] of Object.entries(BUNDLE_MESSAGES)) {
      if (!("withReason" in definition)) continue;
      for (const locale of LOCALES) {
        expect(placeholders(definition.withReason[locale]), `${code} ${locale}`).to.deep.equal(["reason", "uid"]);
      }
    }
    for (const code of REVOCATION_REASONS) {
      for (const locale of LOCALES)
        expect(REVOCATION_REASON_LABELS[code][locale], code).to.be.a("string").and.not.equal("");
    }
    const plain = finding("attestation.revoked", { uid: "U", status: "REVOKED" });
    expect(plain.message).to.equal("Attestation U was revoked (or its certifier lost the accreditation).");
    const audit = finding("attestation.revoked", { uid: "U", status: "REVOKED", reason: "AUDIT_FAILED" });
    expect(audit.message).to.equal("Attestation U was revoked by its attester: audit failed.");
    expect(findingText(audit)).to.equal("L'attestation U a été retirée par son auteur : audit échoué.");
    expect(findingText(audit, "nl")).to.equal("Attest U is ingetrokken door de opsteller: audit mislukt.");
    const other = finding("attestation.revoked", { uid: "U", status: "REVOKED", reason: "LAB_CLOSED" });
    expect(findingText(other)).to.equal("L'attestation U a été retirée par son auteur : LAB_CLOSED.");
  });

  it("should read the chain with fragments that exist in the compiled contracts", () => {
    const compiled = (name: string) =>
      new Interface(
        JSON.parse(readFileSync(path.join(ROOT, `artifacts/contracts/${name}.sol/${name}.json`), "utf8")).abi,
      );
    for (const name of ["LotRegistry", "AttestationRegistry", "Federation"] as const) {
      const full = compiled(name);
      const ours = new Interface(BUNDLE_READ_ABI[name]);
      ours.forEachFunction((fragment) => {
        expect(full.getFunction(fragment.selector)?.format("minimal"), fragment.format("minimal")).to.equal(
          fragment.format("minimal"),
        );
      });
      ours.forEachEvent((fragment) => {
        expect(full.getEvent(fragment.topicHash)?.format("minimal"), fragment.format("minimal")).to.equal(
          fragment.format("minimal"),
        );
      });
    }
  });

  it("should ship the bytecode its DeploylessReads.sol source compiles to", async function () {
    this.timeout(60_000);
    // solc ships no types; only its compile function is used.
    const solcModule = "solc";
    const solc = ((await import(solcModule)) as { default: { compile(input: string): string } }).default;
    const output = JSON.parse(
      solc.compile(
        JSON.stringify({
          language: "Solidity",
          sources: {
            "DeploylessReads.sol": { content: readFileSync(path.join(ROOT, "sdk/bundle/DeploylessReads.sol"), "utf8") },
          },
          settings: {
            optimizer: { enabled: true, runs: 200 },
            evmVersion: "cancun",
            outputSelection: { "*": { "*": ["evm.bytecode.object"] } },
          },
        }),
      ),
    );
    expect(`0x${output.contracts["DeploylessReads.sol"].DeploylessReads.evm.bytecode.object}`).to.equal(
      DEPLOYLESS_READS_BYTECODE,
    );
  });
});
