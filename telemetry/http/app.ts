import fs from "node:fs";
import path from "node:path";
import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import { z } from "zod";
import type { FountainView } from "../../sdk/telemetry/protocol";
import { exportFountainCsv } from "../history/export";
import type { HistoryStore } from "../history/store";
import { alertMessage, gapMessage, readingMessage } from "../hub/messages";
import type { FountainDescription } from "../model";
import { bearerToken, type AccessControl, type Principal } from "./access";
import type { TelemetryMetrics } from "./metrics";
import { HttpProblem, forbidden, invalid, notFound, problemHandler, unauthorized } from "./problem";

/** Readiness of the service's dependencies. */
export interface Readiness {
  ready: boolean;
  checks: { database: "ok" | "unavailable"; source: string };
}

/** Everything the HTTP endpoints need from the service. */
export interface HttpDeps {
  logger: Logger;
  access: AccessControl;
  history: HistoryStore;
  metrics: TelemetryMetrics;
  fountains(): FountainView[];
  fountain(fountainId: string): FountainDescription | undefined;
  readiness(): Promise<Readiness>;
  acknowledge(
    principal: Principal,
    alertId: string,
    by: string | undefined,
  ): Promise<{ ok: boolean; error?: string; state?: string }>;
  /** Built web pages (`web/dist`); the live view is served when `<webDir>/live/index.html` exists. */
  webDir?: string;
  clock?: () => number;
}

const MAX_HISTORY_SPAN_MS = 31 * 86_400_000;
const MAX_EXPORT_SPAN_MS = 93 * 86_400_000;

const timeParam = z.union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{1,15}$/)]).optional();
const periodQuery = z.object({
  from: timeParam,
  to: timeParam,
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
});
const ackBody = z.strictObject({ by: z.string().max(64).optional() });

function toMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

/** Parses `from`/`to` (ISO 8601 or ms) with a default span ending now, bounded by `maxSpan`. */
function period(req: Request, defaultSpanMs: number, maxSpanMs: number, now: number) {
  const parsed = periodQuery.safeParse(req.query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${issue?.path.join(".") ?? "query"}: ${issue?.message ?? "invalid"}`, issue?.path.join("."));
  }
  const to = toMs(parsed.data.to) ?? now;
  const from = toMs(parsed.data.from) ?? to - defaultSpanMs;
  if (!(from < to)) throw invalid("from must be before to", "from");
  if (to - from > maxSpanMs) throw invalid(`the period may span at most ${maxSpanMs / 86_400_000} days`, "to");
  return { from, to, limit: parsed.data.limit };
}

/**
 * Builds the telemetry HTTP app: probes, metrics, fountains, history, export and acknowledgement,
 * and the live view pages. It never listens; `server.ts` does.
 */
export function createHttpApp(deps: HttpDeps): express.Express {
  const { access, history, logger } = deps;
  const clock = deps.clock ?? Date.now;
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { "connect-src": ["'self'", "ws:", "wss:"] },
      },
    }),
  );

  const principals = new WeakMap<Request, Principal>();
  function authenticated(req: Request, _res: Response, next: NextFunction): void {
    const principal = access.authenticate(bearerToken(req.headers));
    if (!principal) throw unauthorized();
    principals.set(req, principal);
    next();
  }
  const principalOf = (req: Request) => principals.get(req) as Principal;

  /** The fountain of the path, or 404 (also for another organisation's fountain: no existence leak). */
  function visibleFountain(req: Request): FountainDescription {
    const fountain = deps.fountain(String(req.params.id));
    if (!fountain || !access.canSee(principalOf(req), fountain.organisationId)) throw notFound("fountain");
    return fountain;
  }

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.get("/readyz", async (_req, res) => {
    const readiness = await deps.readiness();
    res
      .status(readiness.ready ? 200 : 503)
      .json({ status: readiness.ready ? "ready" : "not-ready", ...readiness.checks });
  });

  app.get("/metrics", authenticated, async (req, res) => {
    if (principalOf(req).organisationId !== null) throw forbidden("metrics need a federation token");
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.get("/v1/fountains", authenticated, (req, res) => {
    const principal = principalOf(req);
    res.set("Cache-Control", "no-store");
    res.json({
      organisationId: principal.organisationId,
      fountains: deps.fountains().filter((f) => access.canSee(principal, f.organisationId)),
    });
  });

  app.get("/v1/fountains/:id/history", authenticated, async (req, res) => {
    const fountain = visibleFountain(req);
    const { from, to, limit } = period(req, 15 * 60_000, MAX_HISTORY_SPAN_MS, clock());
    const result = await history.fountainHistory(fountain.fountainId, from, to, limit ?? 20_000);
    res.set("Cache-Control", "no-store");
    res.json({
      fountainId: fountain.fountainId,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      readings: result.readings.map(({ seq, ...reading }) => {
        const { type: _type, fountainId: _fountainId, ...rest } = readingMessage(seq, reading);
        return rest;
      }),
      truncated: result.truncated,
      minutes: result.minutes.map((m) => ({
        sensor: m.sensor,
        minute: new Date(m.minute).toISOString(),
        unit: m.unit,
        samples: m.samples,
        goodSamples: m.goodSamples,
        min: m.min,
        avg: m.avg,
        max: m.max,
      })),
      alerts: result.alerts.map(({ seq, ...transition }) => alertMessage(seq, transition)),
      gaps: result.gaps.map(({ seq, ...gap }) => gapMessage(seq, gap)),
    });
  });

  app.get("/v1/fountains/:id/export.csv", authenticated, async (req, res) => {
    const fountain = visibleFountain(req);
    const { from, to } = period(req, 86_400_000, MAX_EXPORT_SPAN_MS, clock());
    const csv = await exportFountainCsv(history, fountain, from, to);
    const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, "");
    const safeId = fountain.fountainId.replace(/[^A-Za-z0-9_-]/g, "_");
    res.set("Cache-Control", "no-store");
    res.set("Content-Disposition", `attachment; filename="fontaine-${safeId}-${stamp(from)}-${stamp(to)}.csv"`);
    res.type("text/csv; charset=utf-8").send("\uFEFF" + csv);
  });

  app.post(
    "/v1/alerts/:id/ack",
    authenticated,
    (req, _res, next) => {
      if (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0" && !req.is("json")) {
        throw new HttpProblem(415, "unsupported-media-type", "Unsupported Media Type", "send application/json");
      }
      next();
    },
    express.json({ limit: "1kb", strict: true }),
    async (req, res) => {
      const body = ackBody.safeParse(req.body ?? {});
      if (!body.success) throw invalid(body.error.issues[0]?.message ?? "invalid body", "by");
      const result = await deps.acknowledge(principalOf(req), String(req.params.id), body.data.by);
      if (!result.ok) {
        if (result.error === "not-active") {
          throw new HttpProblem(409, "not-active", "Conflict", "this alert is no longer active");
        }
        throw notFound("alert");
      }
      res.json({ alertId: String(req.params.id), state: result.state ?? "acknowledged" });
    },
  );

  const webDir = deps.webDir;
  if (webDir && fs.existsSync(path.join(webDir, "live", "index.html"))) {
    app.get("/", (_req, res) => res.redirect(302, "/live/"));
    app.use(express.static(webDir, { index: "index.html", redirect: true, maxAge: 0 }));
  } else {
    app.get(["/", "/live/"], () => {
      throw new HttpProblem(
        404,
        "live-view-not-built",
        "Not Found",
        "the live view is not built: run npm run build:web",
      );
    });
  }

  app.use((_req, _res, next) => next(notFound("resource")));
  app.use(problemHandler(logger));
  return app;
}
