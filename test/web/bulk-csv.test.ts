import { expect } from "chai";
import {
  bulkRefusalOf,
  bulkTemplate,
  MAX_BULK_ROWS,
  parseCsv,
  randomLeafNonce,
  readBulkList,
} from "../../web/attest/bulk-csv";

const NOW = Date.UTC(2026, 10, 28) / 1000;
const id = (byte: string) => `0x${byte.repeat(32)}`;

describe("web/attest bulk list (CSV)", () => {
  it("should split CSV with commas, semicolons, quotes, CRLF, a BOM and blank lines", () => {
    expect(parseCsv('\uFEFFa;b\r\n"x;1";"say ""hi"""\r\n\r\n3;4\n')).to.deep.equal([
      ["a", "b"],
      ["x;1", 'say "hi"'],
      ["3", "4"],
    ]);
    expect(parseCsv("a,b\n1,2")).to.deep.equal([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("should read subjects, digests or dropped files and expiries, with a problem per line", () => {
    const fingerprints = new Map([["audit-7.pdf", id("cd")]]);
    const text = [
      "Sujet;Empreinte;Fichier;Expiry",
      `${id("aa")};${id("AB")};;2030-12-31`,
      `${id("aa")};;audit-7.pdf;`,
      `;${id("ab")};;`,
      `0x12;${id("ab")};;`,
      `${id("aa")};0xzz;;`,
      `${id("aa")};;missing.pdf;`,
      `${id("aa")};;;`,
      `${id("aa")};${id("ef")};;31/12/2030`,
      `${id("aa")};${id("ef")};;2030-02-31`,
      `${id("aa")};${id("ef")};;2020-01-01`,
      `${id("aa")};${id("ab")};;2030-12-31`,
    ].join("\n");
    const { rows, problem } = readBulkList(text, fingerprints, NOW);
    expect(problem).to.equal(undefined);
    expect(rows.map((row) => [row.line, row.problems])).to.deep.equal([
      [2, []],
      [3, []],
      [4, ["subjectMissing"]],
      [5, ["subjectInvalid"]],
      [6, ["digestInvalid"]],
      [7, ["fileNotDropped"]],
      [8, ["documentMissing"]],
      [9, ["expiryInvalid"]],
      [10, ["expiryInvalid"]],
      [11, ["expiryPast"]],
      [12, ["duplicate"]],
    ]);
    expect(rows[0]).to.deep.include({ digest: id("ab"), expiry: Date.UTC(2030, 11, 31, 23, 59, 59) / 1000 });
    expect(rows[1]).to.deep.include({ digest: id("cd"), file: "audit-7.pdf", expiry: 0 });
  });

  it("should refuse lists without the needed columns, empty lists and lists that are too long", () => {
    expect(readBulkList("subject,expiry\n0x1,", new Map(), NOW).problem).to.equal("missingColumns");
    expect(readBulkList("subject,digest\n", new Map(), NOW).problem).to.equal("empty");
    const long = ["subject,digest", ...Array.from({ length: MAX_BULK_ROWS + 1 }, () => `${id("aa")},${id("bb")}`)];
    expect(readBulkList(long.join("\n"), new Map(), NOW).problem).to.equal("tooMany");
  });

  it("should give a template listing active suppliers and members by full id that reads back once filled in", () => {
    const template = bulkTemplate([
      { id: id("A1"), kind: "supplier", active: true, profile: { name: 'Cacao "Sud"; coop' } },
      { id: id("b2"), kind: "member", active: true, profile: null },
      { id: id("c3"), kind: "certifier", active: true, profile: { name: "AuditCert" } },
      { id: id("d4"), kind: "supplier", active: false, profile: { name: "Suspended" } },
    ]);
    expect(template.startsWith("\uFEFFsubject;name;file;digest;expiry\r\n")).to.equal(true);
    const lines = parseCsv(template);
    expect(lines).to.deep.equal([
      ["subject", "name", "file", "digest", "expiry"],
      [id("b2"), "", "", "", ""],
      [id("a1"), 'Cacao "Sud"; coop', "", "", ""],
    ]);
    // Untouched lines ask for their document; filled-in ones are read, the name column ignored.
    expect(readBulkList(template, new Map(), NOW).rows.map((row) => row.problems)).to.deep.equal([
      ["documentMissing"],
      ["documentMissing"],
    ]);
    const filled = template.replace(
      `${id("a1")};"Cacao ""Sud""; coop";;;`,
      `${id("a1")};"Cacao ""Sud""; coop";;${id("e5")};2030-12-31`,
    );
    const row = readBulkList(filled, new Map(), NOW).rows[1]!;
    expect(row).to.deep.include({ subject: id("a1"), digest: id("e5"), expiryDate: "2030-12-31", problems: [] });
  });

  it("should draw distinct 128-bit nonces and map refusals to reasons", () => {
    const nonces = new Set(Array.from({ length: 100 }, () => randomLeafNonce()));
    expect(nonces.size).to.equal(100);
    for (const nonce of nonces) expect(BigInt(nonce) < 2n ** 128n).to.equal(true);
    expect(bulkRefusalOf(409, "already-submitted")).to.equal("alreadyRecorded");
    expect(bulkRefusalOf(403, "forbidden")).to.equal("notAllowed");
    expect(bulkRefusalOf(422, "deadline-passed")).to.equal("expiredSignature");
    expect(bulkRefusalOf(503, undefined)).to.equal("unavailable");
    expect(bulkRefusalOf(422, "root-mismatch")).to.equal("invalid");
  });
});
