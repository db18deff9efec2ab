import type { NextFunction, Request, RequestHandler, Response, Router } from "express";
import multer from "multer";
import { z } from "zod";
import { PayloadTooLargeError, UnauthenticatedError, UnsupportedMediaTypeError, ValidationError } from "../errors";
import type { FieldIssue } from "../errors";

/** One response of a route, as published in the OpenAPI document. */
export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
}

/** Everything the OpenAPI document says about a route; the same schemas validate requests. */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: "get" | "post" | "put" | "delete";
  /** Express path (`/v1/attestations/:uid`). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /**
   * Also accept `multipart/form-data` with one `file` part; the other parts are validated by `body`.
   * `"only"`: multipart is the only accepted body (the route needs the file).
   */
  upload?: boolean | "only";
  /** Largest `file` part this route accepts (default: the app's UPLOAD_LIMIT_BYTES); 413 above. */
  uploadBytes?: number;
  /** Needs a signed-in session. */
  auth?: boolean;
  /** Which rate-limit bucket applies (`none` for probes and documents). */
  limit: "read" | "write" | "none";
  responses: Record<number, ResponseSpec>;
}

/** A file received by an upload route, held in memory (bounded by the route's upload limit). */
export interface UploadedFile {
  name: string;
  mediaType: string;
  bytes: Buffer;
}

/** A signed-in session, attached to the request by the session middleware. */
export interface SessionInfo {
  address: string;
  chainId: number;
  organisationId: string | null;
  tokenHash: string;
  expiresAt: Date;
}

/** What a handler receives: validated inputs plus the raw request and response. */
export interface RouteInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  file?: UploadedFile;
  session?: SessionInfo;
  req: Request;
  res: Response;
}

/** A route: its spec (for validation and OpenAPI) and its thin handler. */
export interface RouteDefinition {
  spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>;
  handler: (input: RouteInput<z.ZodType, z.ZodType, z.ZodType>) => Promise<void> | void;
}

/** Declares a route; inputs given to the handler are typed from the spec's schemas. */
export function defineRoute<
  P extends z.ZodType = z.ZodObject<Record<string, never>>,
  Q extends z.ZodType = z.ZodObject<Record<string, never>>,
  B extends z.ZodType = z.ZodUndefined,
>(spec: RouteSpec<P, Q, B>, handler: (input: RouteInput<P, Q, B>) => Promise<void> | void): RouteDefinition {
  return { spec, handler } as unknown as RouteDefinition;
}

function issuePath(path: PropertyKey[], prefix: string): string {
  const parts = path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
  return `${prefix}${parts}`;
}

/** Converts zod issues into field paths (`body.message.digest`, `query.limit`, `body.__proto__`). */
export function toFieldIssues(error: z.ZodError, prefix: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues.slice(0, 20)) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        issues.push({ path: issuePath([...issue.path, key], prefix), message: "unknown field" });
    } else {
      issues.push({ path: issuePath(issue.path, prefix), message: issue.message });
    }
  }
  return issues;
}

/** Parses a value with a schema, throwing a ValidationError with field paths under `prefix`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(toFieldIssues(result.error, prefix));
  return result.data;
}

/**
 * Answers 200 with JSON already serialised to bytes (cached responses): the headers `res.json` would send, without
 * its per-request work (serialising, encoding, content-type parsing, freshness checks that cannot apply without
 * an ETag).
 */
export function sendJsonBytes(res: Response, body: Buffer): void {
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", body.length);
  res.end(body);
}

const SESSION_KEY = Symbol.for("fontaine.session");

/** Attaches a session to a request (used by the session middleware). */
export function attachSession(req: Request, session: SessionInfo): void {
  (req as unknown as Record<symbol, SessionInfo>)[SESSION_KEY] = session;
}

/** The request's session, when signed in. */
export function sessionOf(req: Request): SessionInfo | undefined {
  return (req as unknown as Record<symbol, SessionInfo | undefined>)[SESSION_KEY];
}

function expressJsonMediaType(req: Request, hasBody: boolean): boolean {
  // The usual header needs no parsing (req.is answers false without a body, hence `hasBody`).
  const type = req.headers["content-type"];
  if (hasBody && (type === "application/json" || type === "application/json; charset=utf-8")) return true;
  return req.is("application/json") === "application/json";
}

/** Mounts route definitions on a router: content-type check, upload parsing, validation, auth, handler. */
export function mountRoutes(
  router: Router,
  routes: RouteDefinition[],
  options: { uploadBytes: number; limiters: Record<"read" | "write", RequestHandler> },
): void {
  const uploaders = new Map<number, RequestHandler>();
  const uploader = (limit: number) => {
    let upload = uploaders.get(limit);
    if (!upload) {
      upload = multer({
        storage: multer.memoryStorage(),
        // Browsers send file names as raw UTF-8 (not latin1, multer's default).
        defParamCharset: "utf8",
        limits: { fileSize: limit, files: 1, fields: 20, fieldSize: 4096, parts: 21 },
      }).single("file");
      uploaders.set(limit, upload);
    }
    return upload;
  };

  for (const { spec, handler } of routes) {
    const middleware: Array<(req: Request, res: Response, next: NextFunction) => void> = [];
    if (spec.limit !== "none") middleware.push(options.limiters[spec.limit]);
    // Before any upload is read: an anonymous request never makes the API buffer a file.
    if (spec.auth) middleware.push((req, _res, next) => next(sessionOf(req) ? undefined : new UnauthenticatedError()));
    const hasBody = spec.method !== "get" && spec.method !== "delete";
    if (hasBody) {
      middleware.push((req, _res, next) => {
        const hasContent = req.headers["content-length"] !== "0" && req.headers["content-length"] !== undefined;
        const chunked = req.headers["transfer-encoding"] !== undefined;
        if (!hasContent && !chunked && spec.body === undefined) return next();
        if (expressJsonMediaType(req, hasContent || chunked) && spec.upload !== "only") return next();
        if (spec.upload && req.is("multipart/form-data")) {
          const limit = spec.uploadBytes ?? options.uploadBytes;
          return uploader(limit)(req, _res, (error: unknown) => {
            if (error instanceof multer.MulterError) {
              if (error.code === "LIMIT_FILE_SIZE") return next(new PayloadTooLargeError(limit));
              return next(
                new ValidationError([{ path: `body.${error.field ?? "file"}`, message: error.message }], error.message),
              );
            }
            next(error);
          });
        }
        const accepted =
          spec.upload === "only"
            ? ["multipart/form-data"]
            : spec.upload
              ? ["application/json", "multipart/form-data"]
              : ["application/json"];
        next(new UnsupportedMediaTypeError(accepted));
      });
    }
    router[spec.method](spec.path, ...middleware, async (req: Request, res: Response) => {
      const session = sessionOf(req);
      if (spec.auth && !session) throw new UnauthenticatedError();
      const params = spec.params ? parseOrThrow(spec.params, req.params, "params") : {};
      const query = spec.query ? parseOrThrow(spec.query, req.query ?? {}, "query") : {};
      const rawBody: unknown = (req as Request & { body?: unknown }).body;
      const body = spec.body ? parseOrThrow(spec.body, rawBody ?? {}, "body") : undefined;
      const file = (req as Request & { file?: Express.Multer.File }).file;
      await handler({
        params,
        query,
        body,
        file: file ? { name: file.originalname, mediaType: file.mimetype, bytes: file.buffer } : undefined,
        session,
        req,
        res,
      });
    });
  }
}
