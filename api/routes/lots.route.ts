import {
  bundleQuerySchema,
  bundleSchema,
  lotAcceptedSchema,
  lotListSchema,
  lotParamsSchema,
  lotSchema,
  prepareLotResponseSchema,
  prepareLotSchema,
  submitLotSchema,
} from "../../sdk/api-client/contract";
import type { DocumentService } from "../documents/documents.service";
import type { LotService } from "../lots/lots.service";
import { defineRoute, type RouteDefinition } from "../http/route";

/** Private lots of the signed-in organisation: prepare, submit, read, bundle. Other organisations get 404. */
export function lotRoutes(service: LotService, documents?: Pick<DocumentService, "withDocuments">): RouteDefinition[] {
  return [
    defineRoute(
      {
        method: "post",
        path: "/v1/lots/prepare",
        operationId: "prepareLot",
        summary: "A new lot record (random id, fresh salt) and the Commit typed data for your key to sign",
        description:
          "Parents must be your own lots or lots of a bundle you imported; what your lots take from a parent never exceeds it.",
        tags: ["lots"],
        body: prepareLotSchema,
        auth: true,
        limit: "write",
        responses: { 200: { description: "Record, salt and typed data", schema: prepareLotResponseSchema } },
      },
      async ({ body, session, res }) => {
        res.json(await service.prepareLot(session, body));
      },
    ),
    defineRoute(
      {
        method: "post",
        path: "/v1/lots/:lotId/prepare",
        operationId: "prepareLotAmendment",
        summary: "An amended record of one of your lots (same id, fresh salt) and its Commit typed data",
        description:
          "Submitted like a new lot with `POST /v1/lots`; it is committed on chain as the lot's next version.",
        tags: ["lots"],
        params: lotParamsSchema,
        body: prepareLotSchema,
        auth: true,
        limit: "write",
        responses: { 200: { description: "Record, salt and typed data", schema: prepareLotResponseSchema } },
      },
      async ({ params, body, session, res }) => {
        res.json(await service.prepareLot(session, body, params.lotId));
      },
    ),
    defineRoute(
      {
        method: "post",
        path: "/v1/lots",
        operationId: "submitLot",
        summary: "Store a signed lot record privately and relay its commitment on chain",
        tags: ["lots"],
        body: submitLotSchema,
        auth: true,
        limit: "write",
        responses: { 202: { description: "Stored and queued for the chain", schema: lotAcceptedSchema } },
      },
      async ({ body, session, res }) => {
        const result = await service.submitLot(session, body);
        res.status(202).location(`/v1/lots/${result.lotId}`).json(result);
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/lots",
        operationId: "listLots",
        summary: "Your organisation's lots (latest version of each)",
        tags: ["lots"],
        auth: true,
        limit: "read",
        responses: { 200: { description: "Your lots", schema: lotListSchema } },
      },
      async ({ session, res }) => {
        res.json(await service.listLots(session));
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/lots/:lotId",
        operationId: "getLot",
        summary: "One of your lots (404 for any other organisation's lot)",
        tags: ["lots"],
        params: lotParamsSchema,
        auth: true,
        limit: "read",
        responses: { 200: { description: "The lot", schema: lotSchema } },
      },
      async ({ params, session, res }) => {
        res.json(await service.getLot(session, params.lotId));
      },
    ),
    defineRoute(
      {
        method: "post",
        path: "/v1/lots/:lotId/bundle",
        operationId: "bundleLot",
        summary:
          "The lot's disclosure bundle (format v1): it, its upstream lots and the bundles imported from suppliers",
        description:
          "`?documents=true` also discloses the evidence documents (from your documents and imported bundles) whose " +
          "digest a disclosed attestation references; 422 `bundle-too-large` when they exceed UPLOAD_LIMIT_BYTES.",
        tags: ["lots"],
        params: lotParamsSchema,
        query: bundleQuerySchema,
        auth: true,
        limit: "write",
        responses: { 200: { description: "The bundle", schema: bundleSchema } },
      },
      async ({ params, query, session, res }) => {
        const bundle = await service.bundleOf(session, params.lotId);
        res.json(query.documents && documents ? await documents.withDocuments(session, bundle) : bundle);
      },
    ),
  ];
}
