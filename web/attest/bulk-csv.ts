// Pure helpers of the attest page's bulk mode: read a CSV list of documents to certify, with a problem per line in
// words the page can show, and the attestation requests of the good lines. No DOM here (tested in
// test/web/bulk-csv.test.ts).
import { expiryOfDate } from "./attest-flow";

/** Most lines one list may hold (one signature; the API takes as many leaves). */
export const MAX_BULK_ROWS = 10_000;

/** What can be wrong with one line. */
export type RowProblem =
  | "subjectMissing"
  | "subjectInvalid"
  | "documentMissing"
  | "digestInvalid"
  | "fileNotDropped"
  | "expiryInvalid"
  | "expiryPast"
  | "duplicate";

/** What can be wrong with the list as a whole. */
export type ListProblem = "empty" | "missingColumns" | "tooMany";

/** One line of the list, read. */
export interface BulkRow {
  /** Line number in the file (the header is line 1). */
  line: number;
  subject: string;
  /** The document fingerprint: the `digest` column, or the fingerprint of the dropped `file`. */
  digest: string;
  /** The `file` column (empty when the line gives a digest). */
  file: string;
  /** The `expiry` column as written (YYYY-MM-DD, or empty for the schema's default). */
  expiryDate: string;
  /** Unix seconds (0 = the schema's default validity). */
  expiry: number;
  problems: RowProblem[];
}

/** The list read: its lines, or why it cannot be read at all. */
export interface BulkList {
  rows: BulkRow[];
  problem?: ListProblem;
}

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/** Column names accepted in the header line (English, French, Dutch), by column. */
const COLUMN_NAMES: Record<"subject" | "digest" | "file" | "expiry", string[]> = {
  subject: ["subject", "sujet", "onderwerp"],
  digest: ["digest", "empreinte", "vingerafdruk", "fingerprint"],
  file: ["file", "fichier", "bestand", "filename"],
  expiry: ["expiry", "expiration", "vervaldatum", "valid until", "valable jusqu'au", "geldig tot"],
};

/**
 * Splits CSV text into lines of fields (RFC 4180: double-quoted fields may hold the separator, quotes doubled,
 * line breaks). The separator is the first of `;`, `,` or tab found in the header line (spreadsheets in French
 * and Dutch write `;`). Blank lines are dropped; a BOM is ignored.
 */
export function parseCsv(text: string): string[][] {
  const source = text.replace(/^\uFEFF/, "");
  const firstLine = source.split(/\r?\n/, 1)[0] ?? "";
  const separator = [";", ",", "\t"].find((candidate) => firstLine.includes(candidate)) ?? ",";
  const lines: string[][] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < source.length; index++) {
    const char = source[index]!;
    if (quoted) {
      if (char === '"' && source[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"' && field === "") {
      quoted = true;
    } else if (char === separator) {
      fields.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && source[index + 1] === "\n") index++;
      fields.push(field);
      lines.push(fields);
      fields = [];
      field = "";
    } else {
      field += char;
    }
  }
  if (field !== "" || fields.length > 0) {
    fields.push(field);
    lines.push(fields);
  }
  return lines.filter((line) => line.some((value) => value.trim() !== ""));
}

/**
 * Reads a list of documents to certify. `fingerprints` maps the names of the documents dropped with the list to
 * their `fileDigest`; `now` is unix seconds (expiries must be later).
 */
export function readBulkList(text: string, fingerprints: ReadonlyMap<string, string>, now: number): BulkList {
  const lines = parseCsv(text);
  if (lines.length < 2) return { rows: [], problem: "empty" };
  const header = lines[0]!.map((name) => name.trim().toLowerCase());
  const column = (names: string[]) => header.findIndex((name) => names.includes(name));
  const columns = {
    subject: column(COLUMN_NAMES.subject),
    digest: column(COLUMN_NAMES.digest),
    file: column(COLUMN_NAMES.file),
    expiry: column(COLUMN_NAMES.expiry),
  };
  if (columns.subject < 0 || (columns.digest < 0 && columns.file < 0)) return { rows: [], problem: "missingColumns" };
  if (lines.length - 1 > MAX_BULK_ROWS) return { rows: [], problem: "tooMany" };
  const seen = new Set<string>();
  const rows = lines.slice(1).map((fields, index): BulkRow => {
    const value = (at: number) => (at >= 0 ? (fields[at] ?? "").trim() : "");
    const subject = value(columns.subject);
    const givenDigest = value(columns.digest);
    const file = givenDigest ? "" : value(columns.file);
    const expiryDate = value(columns.expiry);
    const problems: RowProblem[] = [];
    if (!subject) problems.push("subjectMissing");
    else if (!BYTES32.test(subject)) problems.push("subjectInvalid");
    let digest = "";
    if (givenDigest) {
      if (BYTES32.test(givenDigest)) digest = givenDigest.toLowerCase();
      else problems.push("digestInvalid");
    } else if (file) {
      const found = fingerprints.get(file);
      if (found) digest = found.toLowerCase();
      else problems.push("fileNotDropped");
    } else {
      problems.push("documentMissing");
    }
    const parsed = expiryOfDate(expiryDate);
    // A date that does not exist (2030-02-31) rolls over in Date.UTC: refused rather than moved.
    const expiry =
      parsed > 0 && new Date(parsed * 1000).toISOString().slice(0, 10) !== expiryDate ? Number.NaN : parsed;
    if (Number.isNaN(expiry)) problems.push("expiryInvalid");
    else if (expiry !== 0 && expiry <= now) problems.push("expiryPast");
    const key = `${subject.toLowerCase()}|${digest}|${expiry}`;
    if (problems.length === 0) {
      if (seen.has(key)) problems.push("duplicate");
      seen.add(key);
    }
    return {
      line: index + 2,
      subject: subject.toLowerCase(),
      digest,
      file,
      expiryDate,
      expiry: Number.isNaN(expiry) ? 0 : expiry,
      problems,
    };
  });
  return { rows };
}

/** An organisation a certifier may certify, as the template lists it. */
export interface TemplateOrganisation {
  id: string;
  kind: string;
  active: boolean;
  profile: { name: string } | null;
}

/** One CSV field, quoted when it holds the separator, a quote or a line break (RFC 4180). */
function csvField(value: string, separator: string): string {
  return value.includes(separator) || /["\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * A list to fill in: the header, then one line per active supplier or member with its full id (what the `subject`
 * column needs, which the pages show shortened) and its published name (a column the reader ignores). `;`-separated,
 * as spreadsheets in Belgium expect; a UTF-8 byte-order mark so they read the accents right.
 */
export function bulkTemplate(organisations: readonly TemplateOrganisation[]): string {
  const separator = ";";
  const lines = [["subject", "name", "file", "digest", "expiry"]];
  const listed = organisations
    .filter((organisation) => organisation.active && organisation.kind !== "certifier")
    .map((organisation) => ({ id: organisation.id.toLowerCase(), name: organisation.profile?.name ?? "" }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  for (const organisation of listed) lines.push([organisation.id, organisation.name, "", "", ""]);
  return (
    "\uFEFF" +
    lines.map((fields) => fields.map((field) => csvField(field, separator)).join(separator)).join("\r\n") +
    "\r\n"
  );
}

/** A random 128-bit nonce as a decimal string: it makes each line's uid unique. */
export function randomLeafNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return BigInt("0x" + [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("")).toString(10);
}

/** Where a signed list stands for the person who signed it (`GET /v1/batches/:root`'s state). */
export type BulkState = "stored" | "recording" | "recorded" | "failed";

/** Why the API refused a signed list, in words the page can show. */
export type BulkRefusal = "notAllowed" | "alreadyRecorded" | "expiredSignature" | "invalid" | "unavailable";

/** Maps a problem document of the batch endpoints to a reason. */
export function bulkRefusalOf(status: number, code: string | undefined): BulkRefusal {
  if (status === 409) return "alreadyRecorded";
  if (status === 401 || status === 403) return "notAllowed";
  if (code === "deadline-passed") return "expiredSignature";
  if (status >= 500 || status === 429) return "unavailable";
  return "invalid";
}
