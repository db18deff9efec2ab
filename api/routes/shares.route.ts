import {
  bundleSchema,
  createShareSchema,
  lotParamsSchema,
  lotShareParamsSchema,
  shareListSchema,
  shareParamsSchema,
  shareSchema,
} from "../../sdk/api-client/contract";
import type { LotService } from "../lots/lots.service";
import { defineRoute, type RouteDefinition } from "../http/route";

/** Share links: a capability to read one lot's bundle until it expires or is revoked. */
export function shareRoutes(service: LotService): RouteDefinition[] {
  return [
    defineRoute(
      {
        method: "post",
        path: "/v1/lots/:lotId/shares",
        operationId: "shareLot",
        summary: "A share link to the lot's bundle, with an expiry (default 30 days)",
        tags: ["shares"],
        params: lotParamsSchema,
        body: createShareSchema,
        auth: true,
        limit: "write",
        responses: { 201: { description: "The link", schema: shareSchema } },
      },
      async ({ params, body, session, res }) => {
        res.status(201).json(await service.createShare(session, params.lotId, body));
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/lots/:lotId/shares",
        operationId: "listLotShares",
        summary: "The lot's share links, newest first: id, dates and state, never the token (owner only)",
        tags: ["shares"],
        params: lotParamsSchema,
        auth: true,
        limit: "read",
        responses: { 200: { description: "The links", schema: shareListSchema } },
      },
      async ({ params, session, res }) => {
        res.json(await service.listShares(session, params.lotId));
      },
    ),
    defineRoute(
      {
        method: "delete",
        path: "/v1/lots/:lotId/shares/:id",
        operationId: "revokeLotShare",
        summary: "Revoke one of the lot's share links by its id (from any device)",
        tags: ["shares"],
        params: lotShareParamsSchema,
        auth: true,
        limit: "write",
        responses: { 204: { description: "Revoked" } },
      },
      async ({ params, session, res }) => {
        await service.revokeShareById(session, params.lotId, params.id);
        res.status(204).end();
      },
    ),
    defineRoute(
      {
        method: "delete",
        path: "/v1/shares/:token",
        operationId: "revokeShare",
        summary: "Revoke one of your share links",
        tags: ["shares"],
        params: shareParamsSchema,
        auth: true,
        limit: "write",
        responses: { 204: { description: "Revoked" } },
      },
      async ({ params, session, res }) => {
        await service.revokeShare(session, params.token);
        res.status(204).end();
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/shared/:token",
        operationId: "getSharedBundle",
        summary: "The bundle behind a share link (public; 410 once expired or revoked)",
        tags: ["shares"],
        params: shareParamsSchema,
        limit: "read",
        responses: { 200: { description: "The bundle", schema: bundleSchema } },
      },
      async ({ params, res }) => {
        res.json(await service.shared(params.token));
      },
    ),
  ];
}
