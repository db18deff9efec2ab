import { createHash } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { rateLimit, type RateLimitInfo } from "express-rate-limit";
import helmet, { type HelmetOptions } from "helmet";
import { ForbiddenError, RateLimitedError, RequestTimeoutError } from "../errors";
import { sendProblem } from "./problem";

/**
 * CORS for an explicit allowlist of origins (credentials allowed, since sessions are cookies).
 * Unknown origins get no CORS headers, so browsers keep the response from them.
 */
export function corsAllowlist(origins: string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Access-Control-Allow-Credentials", "true");
      res.setHeader("Access-Control-Expose-Headers", "RateLimit, RateLimit-Policy, Location");
      res.vary("Origin");
      if (req.method === "OPTIONS") {
        res.setHeader("Access-Control-Allow-Methods", "GET, POST, DELETE");
        res.setHeader("Access-Control-Allow-Headers", "Content-Type");
        res.setHeader("Access-Control-Max-Age", "600");
        res.status(204).end();
        return;
      }
    } else if (origin) {
      res.vary("Origin");
    }
    next();
  };
}

/**
 * Refuses state-changing requests sent by a browser from a foreign origin (cross-site request
 * forgery defence on top of SameSite=Strict cookies). Requests without Origin (curl, servers) pass.
 */
export function sameOriginWrites(ownOrigin: string, origins: string[]): RequestHandler {
  const allowed = new Set([ownOrigin, ...origins]);
  return (req, _res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    const origin = req.headers.origin;
    if (origin && origin !== "null" && !allowed.has(origin)) return next(new ForbiddenError("foreign origin"));
    if (origin === "null") return next(new ForbiddenError("opaque origin"));
    next();
  };
}

/** Answers 503 `request-timeout` when a handler has not answered in time (the handler's result is discarded). */
export function requestTimeout(ms: number): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    const timer = setTimeout(() => {
      if (!res.headersSent) sendProblem(res, new RequestTimeoutError());
    }, ms);
    timer.unref();
    // "close" follows "finish" on every response, and also comes when the client goes away first.
    res.once("close", () => clearTimeout(timer));
    next();
  };
}

/**
 * IETF draft-8 `RateLimit`/`RateLimit-Policy` headers, 429 as a problem document with `Retry-After`. The headers are
 * express-rate-limit's `standardHeaders: "draft-8"` ones, written here so that each client's partition key (a
 * SHA-256 of its key) is hashed once instead of on every request.
 */
export function rateLimiter(name: string, limit: number, windowMs: number): RequestHandler {
  const windowSeconds = Math.ceil(windowMs / 1000);
  const partitionKeys = new Map<string, string>();
  const partitionKey = (key: string) => {
    let hashed = partitionKeys.get(key);
    if (hashed === undefined) {
      if (partitionKeys.size >= 10_000) partitionKeys.clear();
      hashed = Buffer.from(createHash("sha256").update(key).digest("hex").slice(0, 12)).toString("base64");
      partitionKeys.set(key, hashed);
    }
    return hashed;
  };
  /** Sets the headers of this request's count; the seconds until its window resets. */
  const setHeaders = (req: Request, res: Response): number | undefined => {
    const info = (req as Request & { rateLimit?: RateLimitInfo }).rateLimit;
    if (!info || res.headersSent) return undefined;
    const resetSeconds = info.resetTime
      ? Math.max(0, Math.ceil((info.resetTime.getTime() - Date.now()) / 1000))
      : windowSeconds;
    res.append("RateLimit", `"${name}"; r=${info.remaining}; t=${resetSeconds}`);
    res.append("RateLimit-Policy", `"${name}"; q=${info.limit}; w=${windowSeconds}; pk=:${partitionKey(info.key)}:`);
    return resetSeconds;
  };
  const limiter = rateLimit({
    windowMs,
    limit,
    standardHeaders: false,
    legacyHeaders: false,
    handler: (req, res) => {
      const resetSeconds = setHeaders(req, res);
      if (resetSeconds !== undefined) res.setHeader("Retry-After", String(resetSeconds));
      sendProblem(res, new RateLimitedError());
    },
  });
  return (req, res, next) =>
    limiter(req, res, (error?: unknown) => {
      if (error === undefined) setHeaders(req, res);
      next(error);
    });
}

/**
 * helmet's headers, computed once: with static options (ours: no per-request CSP nonce) helmet sets the same
 * headers on every response, through a dozen middleware functions per request; this replays what it did.
 */
export function staticHelmet(options?: HelmetOptions): RequestHandler {
  const operations: Array<[name: string, value: string | undefined]> = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => operations.push([name, String(value)]),
    removeHeader: (name: string) => operations.push([name, undefined]),
  };
  let done = false;
  helmet(options)({} as Request, recorder as unknown as Response, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  if (!done) throw new Error("helmet did not set its headers synchronously");
  return (_req, res, next) => {
    for (const [name, value] of operations) {
      if (value === undefined) res.removeHeader(name);
      else res.setHeader(name, value);
    }
    next();
  };
}

const JSON_WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

/** A body-parser error as express.json reports it (the problem handler maps these by `type`). */
function bodyError(message: string, type: string, status = 400): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, type });
}

/**
 * JSON bodies of the usual shape (`Content-Type: application/json` or `…; charset=utf-8`, a Content-Length within
 * `limit`, no Content-Encoding) read and parsed without express.json's per-request machinery (type-is,
 * content-type, raw-body, iconv): the same `req.body` and the same errors (strict JSON: an object or an array;
 * a UTF-8 BOM is skipped). Every other request goes on untouched to express.json, mounted after this.
 */
export function fastJsonBody(limit: number): RequestHandler {
  return (req, _res, next) => {
    const headers = req.headers;
    const type = headers["content-type"];
    const length = headers["content-length"];
    if (
      (type !== "application/json" && type !== "application/json; charset=utf-8") ||
      length === undefined ||
      !/^[1-9][0-9]{0,9}$/.test(length) ||
      Number(length) > limit ||
      headers["transfer-encoding"] !== undefined ||
      (headers["content-encoding"] !== undefined && headers["content-encoding"] !== "identity") ||
      Reflect.has(req, "body") ||
      req.readableEnded
    ) {
      next();
      return;
    }
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      req.removeListener("data", onData);
      req.removeListener("end", onEnd);
      req.removeListener("error", onError);
      req.removeListener("close", onClose);
      next(error);
    };
    const onData = (chunk: Buffer) => chunks.push(chunk);
    const onError = (error: Error) => settle(Object.assign(error, { type: "request.aborted" }));
    const onClose = () => settle(bodyError("request aborted", "request.aborted"));
    const onEnd = () => {
      let text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8");
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      let start = 0;
      while (start < text.length && JSON_WHITESPACE.has(text[start]!)) start++;
      if (text[start] !== "{" && text[start] !== "[") {
        settle(bodyError("Unexpected token in JSON (strict mode: an object or an array)", "entity.parse.failed"));
        return;
      }
      try {
        (req as Request & { body?: unknown }).body = JSON.parse(text) as unknown;
      } catch (error) {
        settle(bodyError(error instanceof Error ? error.message : "invalid JSON", "entity.parse.failed"));
        return;
      }
      settle();
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
    req.once("close", onClose);
  };
}
