import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { BaseError, type ErrorDetails } from "../../sdk/server";

/** Base of every problem `type` URI (the same as the provenance API's); the suffix is the stable code. */
export const PROBLEM_TYPE_BASE = "urn:fontaine:problem:";

/** An error answered as an RFC 9457 problem document. */
export class HttpProblem extends BaseError {
  override name = "HttpProblem" as const;
  constructor(
    readonly status: number,
    code: string,
    readonly title: string,
    detail: string,
    details?: ErrorDetails,
  ) {
    super(detail, { code, details });
  }
}

export const unauthorized = () =>
  new HttpProblem(401, "unauthorized", "Unauthorized", "a valid token is required (Authorization: Bearer <token>)");
export const forbidden = (detail: string) => new HttpProblem(403, "forbidden", "Forbidden", detail);
export const notFound = (what: string) => new HttpProblem(404, "not-found", "Not Found", `${what} not found`);
export const invalid = (detail: string, field?: string) =>
  new HttpProblem(400, "invalid-request", "Bad Request", detail, field ? { field } : undefined);

function fromBodyParser(error: { type?: string; status?: number }): HttpProblem | undefined {
  switch (error.type) {
    case "entity.too.large":
      return new HttpProblem(413, "payload-too-large", "Payload Too Large", "the request body is too large");
    case "entity.parse.failed":
      return new HttpProblem(400, "malformed-body", "Bad Request", "the body is not valid JSON");
    case "encoding.unsupported":
    case "charset.unsupported":
      return new HttpProblem(415, "unsupported-media-type", "Unsupported Media Type", "send application/json");
    default:
      return undefined;
  }
}

/** Writes a problem document. */
export function sendProblem(res: Response, problem: HttpProblem): void {
  const body: Record<string, unknown> = {
    type: `${PROBLEM_TYPE_BASE}${problem.code}`,
    title: problem.title,
    status: problem.status,
    detail: problem.message,
    code: problem.code,
    ...problem.details,
  };
  res.status(problem.status).type("application/problem+json").send(JSON.stringify(body));
}

/** Final error middleware: problem documents only, never a stack trace or a path. */
export function problemHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let problem = error instanceof HttpProblem ? error : fromBodyParser(error as { type?: string });
    if (!problem) {
      logger.error({ err: error, path: req.path }, "request failed");
      problem =
        error instanceof BaseError && error.retryable
          ? new HttpProblem(503, "unavailable", "Service Unavailable", "a dependency is unavailable; retry")
          : new HttpProblem(500, "internal", "Internal Server Error", "the server failed to process the request");
    }
    if (res.headersSent) return;
    sendProblem(res, problem);
  };
}
