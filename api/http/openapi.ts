import { z } from "zod";
import { problemSchema } from "../../sdk/api-client/contract";
import type { RouteDefinition } from "./route";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const converted = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  // The OpenAPI document declares the dialect once; per-schema `$schema` would be noise.
  delete converted.$schema;
  return converted;
}

function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

function parameters(schema: z.ZodType | undefined, location: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const objectSchema = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(objectSchema.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === "path" || (objectSchema.required ?? []).includes(name),
    ...(typeof property.description === "string" ? { description: property.description } : {}),
    schema: property,
  }));
}

/** Builds the OpenAPI 3.1 document of the API from the routes' own zod schemas. */
export function buildOpenApiDocument(routes: RouteDefinition[], info: { version: string; serverUrl?: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  const problem = jsonSchema(problemSchema, "output");
  for (const { spec } of routes) {
    const path = openApiPath(spec.path);
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(spec.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? {
              content: {
                [response.contentType ?? "application/json"]: { schema: jsonSchema(response.schema, "output") },
              },
            }
          : {}),
      };
    }
    responses.default = {
      description: "Error (RFC 9457 problem document)",
      content: { "application/problem+json": { schema: problem } },
    };
    let requestBody: unknown;
    if (spec.body) {
      const body = jsonSchema(spec.body, "input");
      const content: Record<string, unknown> = spec.upload === "only" ? {} : { "application/json": { schema: body } };
      if (spec.upload) {
        const properties = { ...((body.properties as Record<string, unknown>) ?? {}) };
        properties.file = { type: "string", contentMediaType: "application/octet-stream" };
        const required = spec.upload === "only" ? { required: ["file"] } : {};
        content["multipart/form-data"] = { schema: { type: "object", properties, ...required } };
      }
      requestBody = { required: true, content };
    }
    paths[path] ??= {};
    paths[path][spec.method] = {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags,
      parameters: [...parameters(spec.params, "path"), ...parameters(spec.query, "query")],
      ...(requestBody ? { requestBody } : {}),
      ...(spec.auth ? { security: [{ session: [] }] } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Fontaine provenance API",
      version: info.version,
      description:
        "Attestations anchored on the federation chain, their verification, and wallet sign-in. " +
        "Errors are RFC 9457 problem documents.",
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "fontaine_session", description: "Set by POST /v1/auth/login" },
      },
    },
    paths,
  };
}

/** The OpenAPI document type produced by buildOpenApiDocument. */
export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
