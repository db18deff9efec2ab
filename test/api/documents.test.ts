import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { testConfig } from "./helpers/config";
import { fileDigest } from "../../sdk/hashing";
import type { TypedData } from "../../sdk/eip712";
import { deployFederation, startAnvil, type AnvilNode, type Federation } from "./helpers/chain";
import { expectProblem, listen, type TestResponse, type TestServer } from "./helpers/http";
import { createLot, signedIn } from "./helpers/lots";
import { signTyped } from "./helpers/signing";
import { eventually, startStack, type ApiStack } from "./helpers/stack";

type Json = Record<string, unknown>;
type StoredDocument = {
  id: string;
  digest: string;
  fileName: string;
  mediaType: string;
  size: number;
  createdAt: string;
  lotId: string | null;
};
type Page = { items: StoredDocument[]; nextCursor: string | null };
type Verdict = {
  ok: boolean;
  documents: { digest: string; name: string; outcome: string; attestations: string[]; findings: { code: string }[] }[];
};

/** A small PDF-looking file whose bytes cover every value 0–255 (any re-encoding would show). */
function pdfBytes(label: string, size = 4096): Uint8Array<ArrayBuffer> {
  const head = Buffer.from(`%PDF-1.7\n% ${label}\n`);
  const body = Buffer.alloc(size - head.length);
  for (let i = 0; i < body.length; i++) body[i] = i % 256;
  return new Uint8Array(Buffer.concat([head, body]));
}

function form(
  bytes: Uint8Array<ArrayBuffer>,
  name: string,
  fields: Record<string, string> = {},
  type = "application/pdf",
): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  data.set("file", new Blob([bytes], { type }), name);
  return data;
}

/** A multipart body written by hand: lets a test send an RFC 2231 `filename*` (undici never writes one). */
function rawMultipart(
  bytes: Uint8Array,
  dispositionParams: string,
  type: string,
): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const boundary = `fontaine${crypto.randomBytes(8).toString("hex")}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; ${dispositionParams}\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body: new Uint8Array(body), contentType: `multipart/form-data; boundary=${boundary}` };
}

function expectDocument(response: TestResponse, status: number): StoredDocument {
  expect(response.status, response.text).to.equal(status);
  return response.body as StoredDocument;
}

/** Storage that a second API process can open again: a PGlite folder, or a named PostgreSQL schema. */
function persistentStorage(): { env: Record<string, string>; cleanup(): void } {
  if (process.env.DATABASE_URL) {
    return {
      env: {
        DATABASE_URL: process.env.DATABASE_URL,
        DATABASE_SCHEMA: `api_documents_${process.pid}_${Date.now() % 100000}`,
      },
      cleanup: () => undefined,
    };
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-documents-"));
  return { env: { DATA_DIR: folder }, cleanup: () => fs.rmSync(folder, { recursive: true, force: true }) };
}

const LIMIT = 256 * 1024;
/** Bundles (import, verify) up to 320 KiB: a bundle carrying a document of LIMIT bytes (base64: 4/3) is above it. */
const UPLOAD_LIMIT = 320 * 1024;

describe("api private documents (anvil + real database)", function () {
  this.timeout(240_000);
  let node: AnvilNode;
  let federation: Federation;
  let storage: ReturnType<typeof persistentStorage>;
  let stack: ApiStack;
  let supplier: TestServer;
  let other: TestServer;
  let member: TestServer;
  let anonymous: TestServer;
  let audit: { bytes: Uint8Array<ArrayBuffer>; name: string; document: StoredDocument };

  async function start(): Promise<void> {
    stack = await startStack({
      deployment: federation.fontaine.deployment,
      rpcUrl: node.url,
      suite: "documents",
      env: { ...storage.env, DOCUMENT_LIMIT_BYTES: String(LIMIT), UPLOAD_LIMIT_BYTES: String(UPLOAD_LIMIT) },
    });
    supplier = await signedIn(stack, federation.supplier.key);
    other = await signedIn(stack, federation.otherSupplier.key);
    member = await signedIn(stack, federation.member.key);
    anonymous = await listen(stack.service.app, stack.checker);
  }

  async function closeClients(): Promise<void> {
    for (const http of [supplier, other, member, anonymous]) await http?.close();
  }

  async function list(http: TestServer, query = ""): Promise<Page> {
    const response = await http.request(`/v1/documents${query}`);
    expect(response.status, response.text).to.equal(200);
    return response.body as Page;
  }

  before(async () => {
    node = await startAnvil();
    federation = await deployFederation(node);
    storage = persistentStorage();
    await start();
  });

  after(async () => {
    await closeClients();
    await stack?.stop();
    await node?.stop();
    storage?.cleanup();
  });

  it("should cap documents at 10 MiB unless DOCUMENT_LIMIT_BYTES says otherwise", () => {
    expect(testConfig().limits.documentBytes).to.equal(10 * 1024 * 1024);
    expect(testConfig({ DOCUMENT_LIMIT_BYTES: "1000" }).limits.documentBytes).to.equal(1000);
  });

  it("should keep an uploaded document for its organisation and give back the exact bytes", async () => {
    const bytes = pdfBytes("audit 2026");
    const name = 'Audit 2026 — coopérative "Sud".pdf';
    const uploaded = await supplier.request("/v1/documents", { method: "POST", body: form(bytes, name) });
    const document = expectDocument(uploaded, 201);
    expect(document).to.include({
      digest: fileDigest(bytes).toLowerCase(),
      fileName: name,
      mediaType: "application/pdf",
      size: bytes.length,
      lotId: null,
    });
    expect(uploaded.headers.get("location")).to.equal(`/v1/documents/${document.id}`);
    audit = { bytes, name, document };

    expect((await list(supplier)).items.map((item) => item.id)).to.include(document.id);
    expect(expectDocument(await supplier.request(`/v1/documents/${document.id}`), 200)).to.deep.equal(document);

    const download = await supplier.request(`/v1/documents/${document.id}/content`);
    expect(download.status).to.equal(200);
    expect(Buffer.from(download.bytes).equals(Buffer.from(bytes))).to.equal(true);
    expect(download.headers.get("content-type")).to.equal("application/pdf");
    expect(download.headers.get("content-length")).to.equal(String(bytes.length));
    const disposition = download.headers.get("content-disposition") ?? "";
    expect(disposition).to.match(/^attachment; /);
    const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
    expect(decodeURIComponent(encoded ?? "")).to.equal(name);
    expect(download.headers.get("cache-control")).to.equal("private, no-store");
    expect(download.headers.get("content-security-policy")).to.contain("sandbox");
    expect(download.headers.get("x-content-type-options")).to.equal("nosniff");
  });

  it("should return the stored document when the same bytes come again (per organisation)", async () => {
    const again = await supplier.request("/v1/documents", {
      method: "POST",
      body: form(audit.bytes, "renamed.pdf", {}, "application/octet-stream"),
    });
    expect(expectDocument(again, 200)).to.deep.equal(audit.document);
    const mine = (await list(supplier)).items.filter((item) => item.digest === audit.document.digest);
    expect(mine).to.have.length(1);
    // Another organisation holding the same file keeps its own copy, under another id.
    const theirs = expectDocument(
      await other.request("/v1/documents", { method: "POST", body: form(audit.bytes, "copy.pdf") }),
      201,
    );
    expect(theirs.id).to.not.equal(audit.document.id);
    expect(theirs.digest).to.equal(audit.document.digest);
  });

  it("should answer 404 to any other organisation and 401 without a session", async () => {
    const { id } = audit.document;
    for (const route of [`/v1/documents/${id}`, `/v1/documents/${id}/content`]) {
      expectProblem(await other.request(route), 404, "document-not-found");
      expectProblem(await member.request(route), 404, "document-not-found");
      expectProblem(await anonymous.request(route), 401, "unauthenticated");
    }
    expect((await list(member)).items).to.deep.equal([]);
    expect((await list(other)).items.map((item) => item.id)).to.not.include(id);
    expectProblem(await anonymous.request("/v1/documents"), 401, "unauthenticated");
    expectProblem(
      await anonymous.request("/v1/documents", { method: "POST", body: form(pdfBytes("anonymous"), "a.pdf") }),
      401,
      "unauthenticated",
    );
    expectProblem(await supplier.request(`/v1/documents/${crypto.randomUUID()}`), 404, "document-not-found");
    expectProblem(await supplier.request("/v1/documents/42"), 400, "invalid-request");
  });

  it("should refuse a document above DOCUMENT_LIMIT_BYTES with 413 and store nothing", async () => {
    const before = (await list(supplier, "?limit=200")).items.length;
    const atLimit = pdfBytes("at the limit", LIMIT);
    expectDocument(await supplier.request("/v1/documents", { method: "POST", body: form(atLimit, "max.pdf") }), 201);
    const tooLarge = pdfBytes("one byte too many", LIMIT + 1);
    const refused = await supplier.request("/v1/documents", { method: "POST", body: form(tooLarge, "big.pdf") });
    expectProblem(refused, 413, "payload-too-large");
    expect((refused.body as { detail: string }).detail).to.contain(String(LIMIT));
    // Prepare hashes files up to UPLOAD_LIMIT_BYTES, but keeps a copy only within the document limit.
    const prepared = await supplier.request("/v1/attestations/prepare", {
      method: "POST",
      body: form(tooLarge, "big.pdf", {
        schema: federation.selfSchema,
        subject: federation.supplier.id,
        store: "true",
      }),
    });
    expectProblem(prepared, 413, "payload-too-large");
    expect((await list(supplier, "?limit=200")).items.length).to.equal(before + 1);
  });

  it("should refuse what is not a document upload, naming the field", async () => {
    expectProblem(
      await supplier.request("/v1/documents", { method: "POST", json: { lotId: audit.document.digest } }),
      415,
      "unsupported-media-type",
    );
    const noFile = new FormData();
    noFile.set("lotId", `0x${"11".repeat(32)}`);
    const missing = await supplier.request("/v1/documents", { method: "POST", body: noFile });
    expectProblem(missing, 400, "invalid-request");
    expect((missing.body as { issues: { path: string }[] }).issues[0]?.path).to.equal("body.file");
    const empty = await supplier.request("/v1/documents", { method: "POST", body: form(new Uint8Array(0), "e.pdf") });
    expectProblem(empty, 400, "invalid-request");
    expect((empty.body as { issues: { path: string }[] }).issues[0]?.path).to.equal("body.file");
    const unknownField = await supplier.request("/v1/documents", {
      method: "POST",
      body: form(pdfBytes("x"), "x.pdf", { owner: federation.member.id }),
    });
    expectProblem(unknownField, 400, "invalid-request");
    expect((unknownField.body as { issues: { path: string }[] }).issues[0]?.path).to.equal("body.owner");
    const badLot = await supplier.request("/v1/documents", {
      method: "POST",
      body: form(pdfBytes("x"), "x.pdf", { lotId: "lot-1" }),
    });
    expectProblem(badLot, 400, "invalid-request");
    expectProblem(
      await supplier.request("/v1/documents", {
        method: "POST",
        body: form(pdfBytes("x"), "x.pdf", { lotId: `0x${"22".repeat(32)}` }),
      }),
      404,
      "lot-not-found",
    );
    expectProblem(await supplier.request("/v1/documents?cursor=bm90LWEtY3Vyc29y"), 400, "invalid-request");
  });

  it("should serve a hostile file name and media type without header injection or rendering", async () => {
    const bytes = new TextEncoder().encode("<script>alert(document.cookie)</script>");
    const { body, contentType } = rawMultipart(
      bytes,
      "filename*=UTF-8''..%2F..%2Fevil%0D%0AX-Injected%3A%201%0D%0A%E2%80%AEfdp.html",
      "text/html",
    );
    const uploaded = expectDocument(
      await supplier.request("/v1/documents", { method: "POST", headers: { "content-type": contentType }, body }),
      201,
    );
    expect(uploaded.fileName).to.equal("evilX-Injected: 1fdp.html");
    expect(uploaded.mediaType).to.equal("text/html");
    const download = await supplier.request(`/v1/documents/${uploaded.id}/content`);
    expect(download.headers.get("x-injected")).to.equal(null);
    expect(download.headers.get("content-disposition")).to.match(/^attachment; filename="evilX-Injected: 1fdp\.html"$/);
    expect(download.headers.get("content-security-policy")).to.equal("default-src 'none'; sandbox");
    expect(Buffer.from(download.bytes).equals(Buffer.from(bytes))).to.equal(true);

    const odd = rawMultipart(pdfBytes("odd type"), 'filename="odd.bin"', "application/x~odd");
    const stored = expectDocument(
      await supplier.request("/v1/documents", {
        method: "POST",
        headers: { "content-type": odd.contentType },
        body: odd.body,
      }),
      201,
    );
    expect(stored.mediaType).to.equal("application/octet-stream");
  });

  describe("lots and bundles", () => {
    let uid: string;
    let supplierLot: string;
    let evidence: { bytes: Uint8Array; document: StoredDocument };

    /** The supplier's attestation about a file, hashed and kept by prepare (`store=true`), once anchored. */
    async function attestFile(
      bytes: Uint8Array<ArrayBuffer>,
      name: string,
    ): Promise<{ uid: string; document: StoredDocument }> {
      const prepared = await supplier.request("/v1/attestations/prepare", {
        method: "POST",
        body: form(bytes, name, {
          schema: federation.selfSchema,
          subject: federation.supplier.id,
          signer: federation.supplier.key.address,
          store: "true",
        }),
      });
      expect(prepared.status, prepared.text).to.equal(200);
      const body = prepared.body as {
        typedData: TypedData<"Attest">;
        uid: string;
        digest: string;
        document: StoredDocument;
      };
      expect(body.digest).to.equal(fileDigest(bytes).toLowerCase());
      expect(body.document).to.include({ digest: body.digest, fileName: name, size: bytes.length });
      const signature = await signTyped(federation.supplier.key, body.typedData);
      const submitted = await supplier.request("/v1/attestations", {
        method: "POST",
        json: { message: body.typedData.message, signer: federation.supplier.key.address, signature },
      });
      expect(submitted.status, submitted.text).to.equal(202);
      await eventually(
        async () => {
          const attestation = (await anonymous.request(`/v1/attestations/${body.uid}`)).body as {
            relay: { status: string } | null;
          };
          return attestation.relay?.status === "anchored";
        },
        30_000,
        "attestation anchored",
      );
      return { uid: body.uid, document: body.document };
    }

    before(async () => {
      // The supplier's audit report: hashed for the attestation and kept privately in the same request.
      const bytes = pdfBytes("living wage audit");
      expectProblem(
        await anonymous.request("/v1/attestations/prepare", {
          method: "POST",
          body: form(bytes, "audit.pdf", {
            schema: federation.selfSchema,
            subject: federation.supplier.id,
            store: "true",
          }),
        }),
        401,
        "unauthenticated",
      );
      const attested = await attestFile(bytes, "living-wage-audit.pdf");
      uid = attested.uid;
      evidence = { bytes, document: attested.document };
      supplierLot = await createLot(stack, supplier, federation.supplier.key, {
        product: "Cocoa beans (Forastero)",
        quantity: "1000",
        unit: "kg",
        attestations: [uid],
      });
    });

    it("should keep the prepare endpoint backward compatible and refuse store without a file", async () => {
      const plain = await anonymous.request("/v1/attestations/prepare", {
        method: "POST",
        body: form(pdfBytes("hash only"), "x.pdf", { schema: federation.selfSchema, subject: federation.supplier.id }),
      });
      expect(plain.status, plain.text).to.equal(200);
      expect(plain.body).to.not.have.property("document");
      const withoutFile = await supplier.request("/v1/attestations/prepare", {
        method: "POST",
        json: {
          schema: federation.selfSchema,
          subject: federation.supplier.id,
          digest: evidence.document.digest,
          store: true,
        },
      });
      expectProblem(withoutFile, 400, "invalid-request");
      expect((withoutFile.body as { issues: { path: string }[] }).issues[0]?.path).to.equal("body.store");
    });

    it("should link documents to a lot, filter and page through them", async () => {
      const linked: StoredDocument[] = [];
      for (const label of ["delivery note", "quality sheet", "photo"]) {
        const response = await supplier.request("/v1/documents", {
          method: "POST",
          body: form(pdfBytes(label), `${label}.pdf`, { lotId: supplierLot }),
        });
        linked.push(expectDocument(response, 201));
      }
      expect(linked.every((document) => document.lotId === supplierLot)).to.equal(true);
      const first = await list(supplier, `?lotId=${supplierLot}&limit=2`);
      expect(first.items).to.have.length(2);
      expect(first.nextCursor).to.be.a("string");
      const second = await list(supplier, `?lotId=${supplierLot}&limit=2&cursor=${first.nextCursor}`);
      expect(second.nextCursor).to.equal(null);
      const ids = [...first.items, ...second.items].map((item) => item.id);
      expect(ids).to.deep.equal(linked.map((document) => document.id).reverse());
      // Every document of the organisation, newest first, each exactly once across pages.
      const seen: string[] = [];
      let cursor: string | null = "";
      while (cursor !== null) {
        const page: Page = await list(supplier, `?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      }
      expect(new Set(seen).size).to.equal(seen.length);
      expect(seen).to.include.members([...ids, audit.document.id, evidence.document.id]);
      expectProblem(
        await other.request("/v1/documents", {
          method: "POST",
          body: form(pdfBytes("not their lot"), "x.pdf", { lotId: supplierLot }),
        }),
        404,
        "lot-not-found",
      );
    });

    it("should disclose the referenced documents in a bundle only when asked, and verify them", async () => {
      const plain = await supplier.request(`/v1/lots/${supplierLot}/bundle`, { method: "POST" });
      expect(plain.status, plain.text).to.equal(200);
      expect(plain.body).to.not.have.property("documents");
      const bundled = await supplier.request(`/v1/lots/${supplierLot}/bundle?documents=true`, { method: "POST" });
      expect(bundled.status, bundled.text).to.equal(200);
      const bundle = bundled.body as Json & { documents: { digest: string; name: string; contentBase64: string }[] };
      // Only the document an attestation references: the lot's other documents stay private.
      expect(bundle.documents.map((document) => document.digest)).to.deep.equal([evidence.document.digest]);
      expect(bundle.documents[0]).to.include({ name: "living-wage-audit.pdf", mediaType: "application/pdf" });
      expect(Buffer.from(bundle.documents[0]!.contentBase64, "base64").equals(Buffer.from(evidence.bytes))).to.equal(
        true,
      );
      const verified = await anonymous.request("/v1/bundles/verify", { method: "POST", json: bundle });
      expect(verified.status, verified.text).to.equal(200);
      const verdict = verified.body as Verdict;
      expect(verdict.ok, verified.text).to.equal(true);
      expect(verdict.documents).to.have.length(1);
      expect(verdict.documents[0]).to.include({ digest: evidence.document.digest, outcome: "pass" });
      expect(verdict.documents[0]!.attestations).to.deep.equal([uid]);

      const tamperedBytes = Buffer.from(evidence.bytes);
      const last = tamperedBytes.length - 1;
      tamperedBytes[last] = tamperedBytes[last]! ^ 0x01;
      const tampered = {
        ...bundle,
        documents: [{ ...bundle.documents[0]!, contentBase64: tamperedBytes.toString("base64") }],
      };
      const refused = (await anonymous.request("/v1/bundles/verify", { method: "POST", json: tampered }))
        .body as Verdict;
      expect(refused.ok).to.equal(false);
      expect(refused.documents[0]!.findings.map((finding) => finding.code)).to.deep.equal(["document.digest-mismatch"]);
      expectProblem(await member.request("/v1/bundles", { method: "POST", json: tampered }), 422, "bundle-invalid");
      expectProblem(
        await other.request(`/v1/lots/${supplierLot}/bundle?documents=true`, { method: "POST" }),
        404,
        "lot-not-found",
      );
      expectProblem(
        await supplier.request(`/v1/lots/${supplierLot}/bundle?documents=maybe`, { method: "POST" }),
        400,
        "invalid-request",
      );

      // Downstream: the member imports the bundle; its own lot's bundle carries the supplier's document on,
      // although the member never stored it among its documents.
      const imported = await member.request("/v1/bundles", { method: "POST", json: bundle });
      expect(imported.status, imported.text).to.equal(201);
      const memberLot = await createLot(stack, member, federation.member.key, {
        product: "Fondue chocolate",
        quantity: "200",
        unit: "kg",
        parents: [{ lotId: supplierLot, quantity: "200" }],
      });
      const downstream = await member.request(`/v1/lots/${memberLot}/bundle?documents=true`, { method: "POST" });
      expect(downstream.status, downstream.text).to.equal(200);
      const downstreamBundle = downstream.body as { documents: { digest: string }[] };
      expect(downstreamBundle.documents.map((document) => document.digest)).to.deep.equal([evidence.document.digest]);
      expect((await list(member)).items).to.deep.equal([]);
      const downstreamVerdict = (
        await anonymous.request("/v1/bundles/verify", { method: "POST", json: downstream.body })
      ).body as Verdict;
      expect(downstreamVerdict.ok).to.equal(true);
    });

    it("should refuse documents that would make the bundle larger than imports accept, and still give it without", async () => {
      const large = await attestFile(pdfBytes("full audit with annexes", LIMIT), "annexes.pdf");
      const lot = await createLot(stack, supplier, federation.supplier.key, {
        product: "Cocoa beans (Trinitario)",
        quantity: "500",
        unit: "kg",
        attestations: [large.uid],
      });
      const refused = await supplier.request(`/v1/lots/${lot}/bundle?documents=true`, { method: "POST" });
      expectProblem(refused, 422, "bundle-too-large");
      expect((refused.body as { detail: string }).detail).to.contain(String(UPLOAD_LIMIT));
      const plain = await supplier.request(`/v1/lots/${lot}/bundle`, { method: "POST" });
      expect(plain.status, plain.text).to.equal(200);
    });
  });

  // Mocha runs a suite's own tests before its nested suites: these two must come after "lots and bundles".
  describe("afterwards", () => {
    it("should describe every document route in the OpenAPI document its answers were checked against", () => {
      expect([...stack.checker.covered]).to.include.members([
        "POST /v1/documents",
        "GET /v1/documents",
        "GET /v1/documents/{id}",
        "GET /v1/documents/{id}/content",
        "POST /v1/attestations/prepare",
        "POST /v1/lots/{lotId}/bundle",
      ]);
    });

    it("should still hold every document, byte for byte, after the API restarts on the same data", async () => {
      const before = await list(supplier, "?limit=200");
      await closeClients();
      await stack.stop({ dropSchema: false });
      await start();
      const after = await list(supplier, "?limit=200");
      expect(after).to.deep.equal(before);
      const download = await supplier.request(`/v1/documents/${audit.document.id}/content`);
      expect(download.status).to.equal(200);
      expect(Buffer.from(download.bytes).equals(Buffer.from(audit.bytes))).to.equal(true);
      expectProblem(await other.request(`/v1/documents/${audit.document.id}`), 404, "document-not-found");
    });
  });
});
