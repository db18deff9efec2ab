import { BaseError, type ErrorDetails } from "../sdk/server";

/** An error that maps to an HTTP problem document: status plus stable `code` (the problem `type` suffix). */
export class HttpError extends BaseError {
  override name: string = "HttpError";
  readonly status: number;
  readonly title: string;

  constructor(status: number, code: string, title: string, detail: string, details?: ErrorDetails) {
    super(detail, { code, details });
    this.status = status;
    this.title = title;
  }
}

/** One invalid input field, by path. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Input did not match the schema (400 with field paths). */
export class ValidationError extends HttpError {
  override name = "ValidationError" as const;
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[], detail = "the request is invalid") {
    super(400, "invalid-request", "Invalid request", detail, { issues });
    this.issues = issues;
  }
}

/** Body is not valid JSON. */
export class MalformedBodyError extends HttpError {
  override name = "MalformedBodyError" as const;
  constructor() {
    super(400, "malformed-json", "Malformed JSON", "the request body is not valid JSON");
  }
}

/** Body larger than the configured limit. */
export class PayloadTooLargeError extends HttpError {
  override name = "PayloadTooLargeError" as const;
  constructor(limit: number) {
    super(413, "payload-too-large", "Payload too large", `the request body exceeds ${limit} bytes`, { limit });
  }
}

/** Content type the route does not accept. */
export class UnsupportedMediaTypeError extends HttpError {
  override name = "UnsupportedMediaTypeError" as const;
  constructor(accepted: string[]) {
    super(415, "unsupported-media-type", "Unsupported media type", `send ${accepted.join(" or ")}`, { accepted });
  }
}

/** No valid session. */
export class UnauthenticatedError extends HttpError {
  override name = "UnauthenticatedError" as const;
  constructor(detail = "sign in first") {
    super(401, "unauthenticated", "Authentication required", detail);
  }
}

/** Sign-in attempt refused (bad signature, nonce, domain…). */
export class SignInError extends HttpError {
  override name = "SignInError" as const;
  constructor(detail: string) {
    super(401, "sign-in-failed", "Sign-in failed", detail);
  }
}

/** Signed payload does not come from an authorised key (wrong signer, chain, contract, key validity). */
export class InvalidSignatureError extends HttpError {
  override name = "InvalidSignatureError" as const;
  constructor(detail: string) {
    super(401, "invalid-signature", "Invalid signature", detail);
  }
}

/** Authenticated, but the role or organisation does not allow the operation. */
export class ForbiddenError extends HttpError {
  override name = "ForbiddenError" as const;
  constructor(detail: string) {
    super(403, "forbidden", "Forbidden", detail);
  }
}

/** Unknown object — also answered for other organisations' private objects, so existence never leaks. */
export class NotFoundError extends HttpError {
  override name = "NotFoundError" as const;
  constructor(what: string, code = "not-found") {
    super(404, code, "Not found", `${what} not found`);
  }
}

/** The same payload was already anchored or is already queued under another submission. */
export class ConflictError extends HttpError {
  override name = "ConflictError" as const;
  constructor(code: string, detail: string, details?: ErrorDetails) {
    super(409, code, "Conflict", detail, details);
  }
}

/** Well-formed but semantically impossible (deadline passed, schema rule, expired…). */
export class UnprocessableError extends HttpError {
  override name = "UnprocessableError" as const;
  constructor(code: string, detail: string, details?: ErrorDetails) {
    super(422, code, "Unprocessable request", detail, details);
  }
}

/** Too many requests from this client. */
export class RateLimitedError extends HttpError {
  override name = "RateLimitedError" as const;
  constructor() {
    super(429, "rate-limited", "Too many requests", "slow down and retry after the delay in RateLimit headers");
  }
}

/** A dependency (chain, database) is not available right now. */
export class UnavailableError extends HttpError {
  override name = "UnavailableError" as const;
  constructor(detail: string) {
    super(503, "unavailable", "Service unavailable", detail);
  }
}

/** The request took longer than the configured timeout. */
export class RequestTimeoutError extends HttpError {
  override name = "RequestTimeoutError" as const;
  constructor() {
    super(503, "request-timeout", "Request timed out", "the request took too long; retry later");
  }
}
