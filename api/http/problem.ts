import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { BaseError, isDatabaseUnavailable } from "../../sdk/server";
import {
  HttpError,
  MalformedBodyError,
  NotFoundError,
  PayloadTooLargeError,
  UnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "../errors";

/** Base of every problem `type` URI; the suffix is the error's stable code. */
export const PROBLEM_TYPE_BASE = "urn:fontaine:problem:";

function fromBodyParser(error: { type?: string; limit?: number }, bodyLimit: number): HttpError | undefined {
  switch (error.type) {
    case "entity.too.large":
      return new PayloadTooLargeError(error.limit ?? bodyLimit);
    case "entity.parse.failed":
      return new MalformedBodyError();
    case "encoding.unsupported":
    case "charset.unsupported":
      return new UnsupportedMediaTypeError(["application/json; charset=utf-8"]);
    default:
      return undefined;
  }
}

/** Maps any thrown value to an HTTP error; unknown errors become a bare 500 (details only in logs). */
export function toHttpError(error: unknown, bodyLimit: number): HttpError {
  if (error instanceof HttpError) return error;
  const parserError = fromBodyParser(error as { type?: string }, bodyLimit);
  if (parserError) return parserError;
  if (error instanceof BaseError && error.retryable) return new UnavailableError("a dependency is unavailable; retry");
  if (isDatabaseUnavailable(error)) return new UnavailableError("the database is unavailable; retry shortly");
  return new HttpError(500, "internal", "Internal error", "the server failed to process the request");
}

/** Writes an RFC 9457 problem document. */
export function sendProblem(res: Response, error: HttpError, instance?: string): void {
  const body: Record<string, unknown> = {
    type: `${PROBLEM_TYPE_BASE}${error.code}`,
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
  };
  if (instance) body.instance = instance;
  if (error instanceof ValidationError) body.issues = error.issues;
  if (error.status === 405 && Array.isArray(error.details.allow))
    res.setHeader("Allow", error.details.allow.join(", "));
  if (error.status === 503 && !res.getHeader("Retry-After")) res.setHeader("Retry-After", "5");
  res.status(error.status).type("application/problem+json").send(JSON.stringify(body));
}

/** Final error middleware: logs unexpected errors, answers with a problem document, never a stack trace. */
export function problemHandler(logger: Logger, bodyLimit: number) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const httpError = toHttpError(error, bodyLimit);
    if (httpError.status >= 500) logger.error({ err: error, path: req.path }, "request failed");
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, httpError);
  };
}

/** 404 for unknown paths, as a problem document. */
export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(new NotFoundError(`route ${req.method} ${req.path.slice(0, 200)}`, "route-not-found"));
}
