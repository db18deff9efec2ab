import { z } from "zod";
import type { Registry } from "prom-client";
import { healthSchema, readinessCheckSchema, readinessSchema } from "../../sdk/api-client/contract";
import { defineRoute, type RouteDefinition } from "../http/route";

/** Probes, metrics and the API's own documentation. */
export function systemRoutes(deps: {
  metrics: Registry;
  readiness: () => Promise<{ ready: boolean; checks: Record<string, z.infer<typeof readinessCheckSchema>> }>;
  openApiJson: () => string;
  docsPage: () => string;
}): RouteDefinition[] {
  return [
    defineRoute(
      {
        method: "get",
        path: "/healthz",
        operationId: "getHealth",
        summary: "Liveness: the process is up",
        tags: ["system"],
        limit: "none",
        responses: { 200: { description: "Up", schema: healthSchema } },
      },
      ({ res }) => {
        res.json({ status: "ok" });
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/readyz",
        operationId: "getReadiness",
        summary: "Readiness: database, chain and indexer lag",
        tags: ["system"],
        limit: "none",
        responses: {
          200: { description: "Ready", schema: readinessSchema },
          503: { description: "Not ready (see the failing checks)", schema: readinessSchema },
        },
      },
      async ({ res }) => {
        const { ready, checks } = await deps.readiness();
        res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not-ready", checks });
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/metrics",
        operationId: "getMetrics",
        summary: "Prometheus metrics",
        tags: ["system"],
        limit: "none",
        responses: { 200: { description: "Prometheus text format", schema: z.string(), contentType: "text/plain" } },
      },
      async ({ res }) => {
        res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/openapi.json",
        operationId: "getOpenApi",
        summary: "This OpenAPI 3.1 document",
        tags: ["system"],
        limit: "none",
        responses: { 200: { description: "OpenAPI document", schema: z.record(z.string(), z.unknown()) } },
      },
      ({ res }) => {
        res.type("application/json").send(deps.openApiJson());
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/docs",
        operationId: "getDocs",
        summary: "Human-readable API documentation",
        tags: ["system"],
        limit: "none",
        responses: { 200: { description: "HTML page", schema: z.string(), contentType: "text/html" } },
      },
      ({ res }) => {
        res.type("text/html").send(deps.docsPage());
      },
    ),
  ];
}
