import {
  idParamsSchema,
  organisationProfileSchema,
  organisationSchema,
  pageQuerySchema,
  pageSchema,
  schemaSchema,
} from "../../sdk/api-client/contract";
import type { FederationView } from "../federation/federation.view";
import { defineRoute, type RouteDefinition } from "../http/route";

/** Public federation data: organisations (with keys) and schemas. */
export function federationRoutes(view: FederationView): RouteDefinition[] {
  return [
    defineRoute(
      {
        method: "get",
        path: "/v1/organisations",
        operationId: "listOrganisations",
        summary: "Organisations of the federation with their signing keys",
        tags: ["federation"],
        query: pageQuerySchema,
        limit: "read",
        responses: { 200: { description: "A page", schema: pageSchema(organisationSchema) } },
      },
      async ({ query, res }) => {
        res.json(await view.listOrganisations(query));
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/organisations/:id",
        operationId: "getOrganisation",
        summary: "One organisation",
        tags: ["federation"],
        params: idParamsSchema,
        limit: "read",
        responses: { 200: { description: "The organisation", schema: organisationSchema } },
      },
      async ({ params, res }) => {
        res.json(await view.getOrganisation(params.id));
      },
    ),
    defineRoute(
      {
        method: "put",
        path: "/v1/organisations/:id/profile",
        operationId: "publishOrganisationProfile",
        summary: "Publish an organisation's public profile (its digest must be the one recorded on chain)",
        description:
          "Anyone may publish the profile: it is stored only when `metadataDigest(profile)` (canonical JSON, " +
          "see docs/architecture) equals the organisation's metadata digest recorded by the Federation contract, " +
          "so names shown by the API and the pages can be checked by anyone.",
        tags: ["federation"],
        params: idParamsSchema,
        body: organisationProfileSchema,
        limit: "write",
        responses: {
          200: { description: "The organisation with its profile", schema: organisationSchema },
          422: { description: "The profile's digest is not the recorded one (`profile-digest-mismatch`)" },
        },
      },
      async ({ params, body, res }) => {
        res.json(await view.publishProfile(params.id, body));
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/schemas",
        operationId: "listSchemas",
        summary: "Attestation schemas approved by the governor",
        tags: ["federation"],
        query: pageQuerySchema,
        limit: "read",
        responses: { 200: { description: "A page", schema: pageSchema(schemaSchema) } },
      },
      async ({ query, res }) => {
        res.json(await view.listSchemas(query));
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/schemas/:id",
        operationId: "getSchema",
        summary: "One schema with its definition (FR/NL/EN labels)",
        tags: ["federation"],
        params: idParamsSchema,
        limit: "read",
        responses: { 200: { description: "The schema", schema: schemaSchema } },
      },
      async ({ params, res }) => {
        res.json(await view.getSchema(params.id));
      },
    ),
  ];
}
