import { z } from "zod";
import { bundleVerdictSchema, importedBundleListSchema, importedBundleSchema } from "../../sdk/api-client/contract";
import type { LotService } from "../lots/lots.service";
import { defineRoute, type RouteDefinition } from "../http/route";

// The bundle body is parsed by the sdk (`parseBundle`) so its format errors are the sdk's, with their paths.
const anyBundle = z.unknown();

/** Importing a supplier's bundle (signed in) and verifying any bundle (public). */
export function bundleRoutes(service: LotService): RouteDefinition[] {
  return [
    defineRoute(
      {
        method: "post",
        path: "/v1/bundles",
        operationId: "importBundle",
        summary: "Import a supplier's disclosure bundle; verified first, its lots become usable as parents",
        tags: ["bundles"],
        body: anyBundle,
        auth: true,
        limit: "write",
        responses: { 201: { description: "Imported", schema: importedBundleSchema } },
      },
      async ({ body, session, res }) => {
        res.status(201).json(await service.importBundle(session, body));
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/bundles",
        operationId: "listImportedBundles",
        summary: "The bundles your organisation imported, newest first, with the lots each made usable as parents",
        tags: ["bundles"],
        auth: true,
        limit: "read",
        responses: { 200: { description: "The imports", schema: importedBundleListSchema } },
      },
      async ({ session, res }) => {
        res.json(await service.listImported(session));
      },
    ),
    defineRoute(
      {
        method: "post",
        path: "/v1/bundles/verify",
        operationId: "verifyBundle",
        summary: "Verify a disclosure bundle against the chain: the verdict tree with a reason for every failure",
        tags: ["bundles"],
        body: anyBundle,
        limit: "write",
        responses: { 200: { description: "The verdict", schema: bundleVerdictSchema } },
      },
      async ({ body, res }) => {
        res.json(await service.verify(body));
      },
    ),
  ];
}
