import {
  lotDownstreamSchema,
  lotFlagAcceptedSchema,
  lotParamsSchema,
  lotUpstreamSchema,
  prepareLotFlagResponseSchema,
  prepareLotFlagSchema,
  submitLotFlagSchema,
} from "../../sdk/api-client/contract";
import type { LotService } from "../lots/lots.service";
import { defineRoute, type RouteDefinition } from "../http/route";

/**
 * Flags (recall, dispute) and tracing of the signed-in organisation's lots, answered only from what it holds (its
 * lots and the bundles it imported). Any other organisation gets 404, as on the other lot routes.
 */
export function lotFlagRoutes(service: LotService): RouteDefinition[] {
  return [
    defineRoute(
      {
        method: "post",
        path: "/v1/lots/:lotId/flag/prepare",
        operationId: "prepareLotFlag",
        summary: "The Flag typed data (recall or dispute of one of your lots) for a key of your organisation to sign",
        description:
          "Nonce and deadline are filled in. 409 `already-flagged` when the lot is flagged, `flag-pending` while a flag " +
          "sent earlier is being recorded.",
        tags: ["lots"],
        params: lotParamsSchema,
        body: prepareLotFlagSchema,
        auth: true,
        limit: "write",
        responses: { 200: { description: "Typed data to sign", schema: prepareLotFlagResponseSchema } },
      },
      async ({ params, body, session, res }) => {
        res.json(await service.prepareFlag(session, params.lotId, body));
      },
    ),
    defineRoute(
      {
        method: "post",
        path: "/v1/lots/:lotId/flag",
        operationId: "flagLot",
        summary: "Flag one of your lots (recall or dispute) with a signed Flag; relayed to the chain",
        description:
          "The signature is checked against the chain before it is queued: 409 `already-flagged`, `flag-pending`, " +
          "`already-submitted` (this signature was sent before), `lot-not-recorded`; 422 `deadline-passed`; " +
          "401/403 for a signature that is not from a valid key of the lot's owner. Once the flag is recorded, every " +
          "bundle verdict with this lot upstream fails with the reason.",
        tags: ["lots"],
        params: lotParamsSchema,
        body: submitLotFlagSchema,
        auth: true,
        limit: "write",
        responses: { 202: { description: "Queued for the chain", schema: lotFlagAcceptedSchema } },
      },
      async ({ params, body, session, res }) => {
        res.status(202).json(await service.submitFlag(session, params.lotId, body));
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/lots/:lotId/upstream",
        operationId: "traceLotUpstream",
        summary: "What one of your lots (or a lot you imported) depends on: upstream lots, quantities, attestations",
        description:
          "Answered only from your own lots and the bundles you imported; statuses (flags, attestation statuses, " +
          "commitments) are read from the chain now, as `POST /v1/bundles/verify` does.",
        tags: ["lots"],
        params: lotParamsSchema,
        auth: true,
        limit: "read",
        responses: { 200: { description: "The upstream tree", schema: lotUpstreamSchema } },
      },
      async ({ params, session, res }) => {
        res.json(await service.upstream(session, params.lotId));
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/lots/:lotId/downstream",
        operationId: "traceLotDownstream",
        summary: "Which of your lots used this lot (yours or a supplier's lot you imported), directly or indirectly",
        tags: ["lots"],
        params: lotParamsSchema,
        auth: true,
        limit: "read",
        responses: { 200: { description: "Your lots that use it, nearest first", schema: lotDownstreamSchema } },
      },
      async ({ params, session, res }) => {
        res.json(await service.downstream(session, params.lotId));
      },
    ),
  ];
}
