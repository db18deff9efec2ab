import { z } from "zod";
import {
  documentParamsSchema,
  documentSchema,
  listDocumentsQuerySchema,
  pageSchema,
  uploadDocumentSchema,
} from "../../sdk/api-client/contract";
import type { DocumentService } from "../documents/documents.service";
import { ValidationError } from "../errors";
import { defineRoute, type RouteDefinition } from "../http/route";

/** Private evidence documents of the signed-in organisation: upload, list, read. Other organisations get 404. */
export function documentRoutes(service: DocumentService, limits: { documentBytes: number }): RouteDefinition[] {
  return [
    defineRoute(
      {
        method: "post",
        path: "/v1/documents",
        operationId: "uploadDocument",
        summary: "Keep an evidence document privately (multipart `file`, optionally linked to one of your lots)",
        description:
          `The document is stored in the API's database, readable only by your organisation; only its digest ` +
          `(\`fileDigest\`, what attestations reference) may ever go on chain. At most ${limits.documentBytes} bytes ` +
          "(413 above). The same bytes again answer 200 with the document already stored.",
        tags: ["documents"],
        body: uploadDocumentSchema,
        upload: "only",
        uploadBytes: limits.documentBytes,
        auth: true,
        limit: "write",
        responses: {
          201: { description: "Stored", schema: documentSchema },
          200: { description: "These bytes were already stored: the existing document", schema: documentSchema },
        },
      },
      async ({ body, file, session, res }) => {
        if (!file) throw new ValidationError([{ path: "body.file", message: "send the document as a `file` part" }]);
        const { document, created } = await service.store(session, file, { lotId: body.lotId });
        res
          .status(created ? 201 : 200)
          .location(`/v1/documents/${document.id}`)
          .json(document);
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/documents",
        operationId: "listDocuments",
        summary: "Your organisation's documents, newest first (cursor pagination), optionally of one lot",
        tags: ["documents"],
        query: listDocumentsQuerySchema,
        auth: true,
        limit: "read",
        responses: { 200: { description: "A page", schema: pageSchema(documentSchema) } },
      },
      async ({ query, session, res }) => {
        res.json(await service.list(session, query));
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/documents/:id",
        operationId: "getDocument",
        summary: "One of your documents (404 for any other organisation's)",
        tags: ["documents"],
        params: documentParamsSchema,
        auth: true,
        limit: "read",
        responses: { 200: { description: "The document", schema: documentSchema } },
      },
      async ({ params, session, res }) => {
        res.json(await service.get(session, params.id));
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/documents/:id/content",
        operationId: "getDocumentContent",
        summary: "The bytes of one of your documents, as a download with its file name and media type",
        tags: ["documents"],
        params: documentParamsSchema,
        auth: true,
        limit: "read",
        responses: {
          200: {
            description: "The document's bytes, exactly as uploaded, with the media type it was uploaded with",
            schema: z.unknown().meta({ description: "the document's bytes" }),
            contentType: "*/*",
          },
        },
      },
      async ({ params, session, res }) => {
        const { document, bytes } = await service.content(session, params.id);
        // Always a download, never rendered here: an uploaded HTML or SVG file must not run on the API's origin.
        res.attachment(document.fileName);
        res.setHeader("Content-Type", document.mediaType);
        res.setHeader("Content-Length", bytes.length);
        res.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
        res.setHeader("Cache-Control", "private, no-store");
        res.status(200).end(bytes);
      },
    ),
  ];
}
