import crypto from "node:crypto";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { z } from "zod";
import type { EvidenceDocument, listDocumentsQuerySchema } from "../../sdk/api-client/contract";
import { BundleFormatError, parseBundle, type Bundle, type DisclosedDocument } from "../../sdk/bundle";
import { fileDigest } from "../../sdk/hashing";
import type { ApiDatabase } from "../db/database";
import { documents } from "../db/documents.schema";
import { importedBundles, lotRecords } from "../db/lots.schema";
import { ForbiddenError, NotFoundError, PayloadTooLargeError, UnprocessableError, ValidationError } from "../errors";
import type { SessionInfo, UploadedFile } from "../http/route";

/** Longest stored file name, in UTF-16 code units (the bundle format's limit for a document name). */
const MAX_NAME_LENGTH = 200;
/** Documents a bundle may carry (the bundle format's limit). */
const MAX_BUNDLE_DOCUMENTS = 100;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,47}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,47}$/;
// Control characters, and the bidirectional overrides that make `invoice‮fdp.exe` read as `invoiceexe.pdf`.
// Control characters (\p{Cc}: U+0000–U+001F, U+007F–U+009F) and bidirectional overrides.
const UNSAFE_NAME_CHARACTERS = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * The name a file is stored and served under: its last path segment, without control or bidirectional-override
 * characters, NFC, at most 200 code units (never cutting a character in two); `document` when nothing is left.
 */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base.normalize("NFC").replace(UNSAFE_NAME_CHARACTERS, "").trim();
  let kept = "";
  for (const character of cleaned) {
    if (kept.length + character.length > MAX_NAME_LENGTH) break;
    kept += character;
  }
  return kept.trim() || "document";
}

/** The media type a file is stored and served with: the sender's `type/subtype` when well-formed, else octet-stream. */
export function cleanMediaType(mediaType: string): string {
  const essence = (mediaType.split(";")[0] ?? "").trim().toLowerCase();
  return MEDIA_TYPE.test(essence) ? essence : "application/octet-stream";
}

const metadataColumns = {
  id: documents.id,
  digest: documents.digest,
  fileName: documents.fileName,
  mediaType: documents.mediaType,
  size: documents.size,
  createdAt: documents.createdAt,
  lotId: documents.lotId,
};

type MetadataRow = { [K in keyof typeof metadataColumns]: (typeof documents.$inferSelect)[K] };

function toDocument(row: MetadataRow): EvidenceDocument {
  return { ...row, createdAt: row.createdAt.toISOString() };
}

function encodeCursor(id: string): string {
  return Buffer.from(id).toString("base64url");
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
    throw new ValidationError([{ path: "query.cursor", message: "not a cursor returned by a previous page" }]);
  }
  return id;
}

/** Private evidence documents of signed-in organisations: store (idempotent by digest), list, read, disclose. */
export function createDocumentService(deps: {
  db: ApiDatabase;
  /** `documentBytes`: largest document stored; `bundleBytes`: largest bundle JSON imports and verification accept. */
  limits: { documentBytes: number; bundleBytes: number };
}) {
  const { db, limits } = deps;

  function organisationOf(session: SessionInfo | undefined): string {
    // Routes declare `auth: true`; a key that belongs to no organisation has no private store.
    if (!session?.organisationId) throw new ForbiddenError("only keys of a federation organisation keep documents");
    return session.organisationId.toLowerCase();
  }

  async function ownDocument(organisationId: string, id: string): Promise<MetadataRow> {
    const [row] = await db
      .select(metadataColumns)
      .from(documents)
      .where(and(eq(documents.id, id), eq(documents.organisationId, organisationId)))
      .limit(1);
    // Another organisation's document answers exactly like an unknown id.
    if (!row) throw new NotFoundError("document", "document-not-found");
    return row;
  }

  return {
    /**
     * Keeps a file privately for the session's organisation. The same bytes again return the stored document
     * (`created: false`), whatever name, media type or lot they come with.
     */
    async store(
      session: SessionInfo | undefined,
      file: UploadedFile,
      options: { lotId?: string } = {},
    ): Promise<{ document: EvidenceDocument; created: boolean }> {
      const organisationId = organisationOf(session);
      if (file.bytes.length > limits.documentBytes) throw new PayloadTooLargeError(limits.documentBytes);
      if (file.bytes.length === 0) throw new ValidationError([{ path: "body.file", message: "the file is empty" }]);
      if (options.lotId) {
        const [lot] = await db
          .select({ lotId: lotRecords.lotId })
          .from(lotRecords)
          .where(and(eq(lotRecords.lotId, options.lotId), eq(lotRecords.organisationId, organisationId)))
          .limit(1);
        if (!lot) throw new NotFoundError("lot", "lot-not-found");
      }
      const digest = fileDigest(file.bytes).toLowerCase();
      const [inserted] = await db
        .insert(documents)
        .values({
          id: crypto.randomUUID(),
          organisationId,
          digest,
          fileName: cleanFileName(file.name),
          mediaType: cleanMediaType(file.mediaType),
          size: file.bytes.length,
          content: file.bytes,
          lotId: options.lotId ?? null,
        })
        .onConflictDoNothing({ target: [documents.organisationId, documents.digest] })
        .returning(metadataColumns);
      if (inserted) return { document: toDocument(inserted), created: true };
      const [existing] = await db
        .select(metadataColumns)
        .from(documents)
        .where(and(eq(documents.organisationId, organisationId), eq(documents.digest, digest)))
        .limit(1);
      if (!existing) throw new Error(`document ${digest} conflicted on insert but is not stored`);
      return { document: toDocument(existing), created: false };
    },

    /** The organisation's documents, newest first, optionally only those linked to one lot. */
    async list(session: SessionInfo | undefined, query: z.output<typeof listDocumentsQuerySchema>) {
      const organisationId = organisationOf(session);
      const conditions = [eq(documents.organisationId, organisationId)];
      if (query.lotId) conditions.push(eq(documents.lotId, query.lotId));
      if (query.cursor) {
        const after = decodeCursor(query.cursor);
        // Compared in the database: timestamps keep microseconds there, JavaScript dates only milliseconds.
        conditions.push(
          sql`(${documents.createdAt}, ${documents.id}) < (select c.created_at, c.id from ${documents} c where c.id = ${after} and c.organisation_id = ${organisationId})`,
        );
      }
      const rows = await db
        .select(metadataColumns)
        .from(documents)
        .where(and(...conditions))
        .orderBy(desc(documents.createdAt), desc(documents.id))
        .limit(query.limit + 1);
      const page = rows.slice(0, query.limit);
      return {
        items: page.map(toDocument),
        nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!.id) : null,
      };
    },

    /** One document's metadata (404 for another organisation's). */
    async get(session: SessionInfo | undefined, id: string): Promise<EvidenceDocument> {
      return toDocument(await ownDocument(organisationOf(session), id));
    },

    /** One document's metadata and bytes (404 for another organisation's). */
    async content(
      session: SessionInfo | undefined,
      id: string,
    ): Promise<{ document: EvidenceDocument; bytes: Buffer }> {
      const organisationId = organisationOf(session);
      const [row] = await db
        .select({ ...metadataColumns, content: documents.content })
        .from(documents)
        .where(and(eq(documents.id, id), eq(documents.organisationId, organisationId)))
        .limit(1);
      if (!row) throw new NotFoundError("document", "document-not-found");
      const { content, ...metadata } = row;
      return { document: toDocument(metadata), bytes: content };
    },

    /**
     * The bundle with the evidence documents its disclosed attestations reference (their `request.digest`), taken
     * from the organisation's documents and from the bundles it imported. Refused (422) when they would make the
     * bundle larger than what imports and verification accept.
     */
    async withDocuments(session: SessionInfo | undefined, bundle: Bundle): Promise<Bundle> {
      const organisationId = organisationOf(session);
      const referenced = [...new Set(bundle.attestations.map((attestation) => attestation.request.digest))];
      if (referenced.length === 0) return bundle;
      const found = new Map<
        string,
        { name: string; mediaType: string; size: number; from: "own" | DisclosedDocument }
      >();
      const own = await db
        .select({
          digest: documents.digest,
          name: documents.fileName,
          mediaType: documents.mediaType,
          size: documents.size,
        })
        .from(documents)
        .where(and(eq(documents.organisationId, organisationId), inArray(documents.digest, referenced)));
      for (const row of own) found.set(row.digest, { ...row, from: "own" });
      const imported = await db
        .select({ bundle: importedBundles.bundle })
        .from(importedBundles)
        .where(eq(importedBundles.organisationId, organisationId));
      for (const { bundle: stored } of imported) {
        // Imported bundles passed verifyBundle, documents included, before they were stored.
        for (const document of (stored as Bundle).documents ?? []) {
          if (!referenced.includes(document.digest) || found.has(document.digest)) continue;
          const size = Math.floor((document.contentBase64.length * 3) / 4);
          found.set(document.digest, { name: document.name, mediaType: document.mediaType, size, from: document });
        }
      }
      if (found.size === 0) return bundle;
      if (found.size > MAX_BUNDLE_DOCUMENTS) {
        throw new UnprocessableError(
          "bundle-too-large",
          `the bundle's attestations reference ${found.size} documents; a bundle carries at most ${MAX_BUNDLE_DOCUMENTS}`,
        );
      }
      // Checked before any content is read: base64 takes 4 bytes for every 3.
      const base64Bytes = [...found.values()].reduce((sum, entry) => sum + Math.ceil(entry.size / 3) * 4, 0);
      const tooLarge = () =>
        new UnprocessableError(
          "bundle-too-large",
          `with its documents the bundle would exceed ${limits.bundleBytes} bytes, the most a bundle import or ` +
            "verification accepts (UPLOAD_LIMIT_BYTES); ask for it without documents",
        );
      if (base64Bytes > limits.bundleBytes) throw tooLarge();
      const ownDigests = [...found].filter(([, entry]) => entry.from === "own").map(([digest]) => digest);
      const contents = new Map<string, Buffer>();
      if (ownDigests.length > 0) {
        const rows = await db
          .select({ digest: documents.digest, content: documents.content })
          .from(documents)
          .where(and(eq(documents.organisationId, organisationId), inArray(documents.digest, ownDigests)));
        for (const row of rows) contents.set(row.digest, row.content);
      }
      const disclosed: DisclosedDocument[] = [];
      for (const digest of referenced) {
        const entry = found.get(digest);
        if (!entry) continue;
        if (entry.from !== "own") disclosed.push(entry.from);
        else {
          const content = contents.get(digest);
          if (content) {
            disclosed.push({
              digest: digest as DisclosedDocument["digest"],
              name: entry.name,
              mediaType: entry.mediaType,
              contentBase64: content.toString("base64"),
            });
          }
        }
      }
      let result: Bundle;
      try {
        result = parseBundle({ ...bundle, documents: disclosed });
      } catch (error) {
        if (error instanceof BundleFormatError) throw new UnprocessableError("bundle-build-failed", error.message);
        throw error;
      }
      if (Buffer.byteLength(JSON.stringify(result)) > limits.bundleBytes) throw tooLarge();
      return result;
    },
  };
}

/** The documents service. */
export type DocumentService = ReturnType<typeof createDocumentService>;
