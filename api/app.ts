import express, { type Express, type Request } from "express";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { ApiConfig } from "./config";
import { renderDocsPage } from "./http/docs.page";
import {
  corsAllowlist,
  fastJsonBody,
  rateLimiter,
  requestTimeout,
  sameOriginWrites,
  staticHelmet,
} from "./http/middleware";
import { httpMetrics } from "./http/metrics";
import { webPages } from "./http/web-pages";
import { buildOpenApiDocument } from "./http/openapi";
import { notFoundHandler, problemHandler } from "./http/problem";
import { rpcProxyRoutes } from "./routes/rpc-proxy.route";
import { systemRoutes } from "./routes/system.route";
import { attachSession, mountRoutes, type RouteDefinition, type SessionInfo } from "./http/route";

/** One readiness probe (database, chain, indexer…); `/readyz` fails when any probe is not ok. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: string; lagBlocks?: number }>;
}

/** Everything the HTTP app needs; the app itself owns no connections and never listens. */
export interface AppDeps {
  config: ApiConfig;
  logger: Logger;
  metrics: Registry;
  readiness: ReadinessCheck[];
  /** Feature routes (`api/routes/*.route.ts`), mounted in order. */
  routes: RouteDefinition[];
  /** Resolves the session cookie of a request, when signed in. */
  resolveSession?: (req: Request) => Promise<SessionInfo | undefined>;
  version?: string;
}

const READINESS_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck) {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check.check(),
      new Promise<{ ok: false; detail: string }>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, detail: "timed out" }), READINESS_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : "failed" };
  } finally {
    clearTimeout(timer);
  }
}

async function readiness(checks: ReadinessCheck[]) {
  const results = await Promise.all(checks.map(async (check) => [check.name, await runCheck(check)] as const));
  return { ready: results.every(([, result]) => result.ok), checks: Object.fromEntries(results) };
}

/** Builds the provenance API's Express app. */
export function createApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const app = express();
  app.set("trust proxy", config.trustProxy);
  app.set("query parser", "simple");
  app.set("etag", false);

  const routes: RouteDefinition[] = [
    ...systemRoutes({
      metrics: deps.metrics,
      readiness: () => readiness(deps.readiness),
      openApiJson: () => openApiJson,
      docsPage: () => docsPage,
    }),
    ...deps.routes,
    ...rpcProxyRoutes(config),
  ];
  const openApi = buildOpenApiDocument(routes, { version: deps.version ?? "1.0.0" });
  const openApiJson = JSON.stringify(openApi);
  const docsPage = renderDocsPage(openApi);

  app.use(staticHelmet());
  app.use(httpMetrics(deps.metrics));
  app.use(requestTimeout(config.limits.requestTimeoutMs));
  app.use(corsAllowlist(config.cors.origins));
  app.use(sameOriginWrites(new URL(config.siwe.origin).origin, config.cors.origins));
  // Disclosure bundles (import, verify) are documents, and signed batches carry thousands of leaves: they get the
  // upload limit, not the small JSON one.
  app.use(
    ["/v1/bundles", "/v1/batches"],
    express.json({ limit: config.limits.uploadBytes, strict: true, type: "application/json" }),
  );
  app.use(fastJsonBody(config.limits.bodyBytes));
  app.use(express.json({ limit: config.limits.bodyBytes, strict: true, type: "application/json" }));

  if (deps.resolveSession) {
    const resolveSession = deps.resolveSession;
    app.use(async (req, _res, next) => {
      // No cookie, no session: most API calls (scripts, verification) skip the lookup.
      if (req.headers.cookie === undefined) return next();
      const session = await resolveSession(req);
      if (session) attachSession(req, session);
      next();
    });
  }

  mountRoutes(app, routes, {
    uploadBytes: config.limits.uploadBytes,
    limiters: {
      read: rateLimiter("read", config.rateLimit.read, config.rateLimit.windowMs),
      write: rateLimiter("write", config.rateLimit.write, config.rateLimit.windowMs),
    },
  });

  const liveViewUrl = config.liveViewUrl;
  if (liveViewUrl) {
    // The live view needs the telemetry service's stream: the navigation's "live" link leads there.
    app.get(["/live", "/live/"], (_req, res) => res.redirect(302, liveViewUrl));
  }
  app.use(webPages());
  app.use(notFoundHandler);
  app.use(problemHandler(logger, config.limits.bodyBytes));
  return app;
}
