/**
 * Errors of the disclosure-bundle module. Browser-safe (the base error has no Node imports).
 */
import { BaseError, type ErrorDetails } from "../server/errors";

/** A bundle or lot record is not valid format v1 JSON (wrong shape, unknown version, bad hex); nothing was checked. */
export class BundleFormatError extends BaseError {
  override name = "BundleFormatError" as const;
  /** Field paths and messages of every problem found, e.g. `lots.3.record.quantity: must be a decimal`. */
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[] = [], details?: ErrorDetails) {
    super(issues.length > 0 ? `${message}: ${issues.join("; ")}` : message, {
      code: "invalid-bundle",
      details: { ...details, issues },
      retryable: false,
    });
    this.issues = issues;
  }
}

/** Assembling a bundle failed (a parent or attestation is missing, two disclosures of one lot disagree). */
export class BundleBuildError extends BaseError {
  override name = "BundleBuildError" as const;
  constructor(message: string, details?: ErrorDetails) {
    super(message, { code: "bundle-build-failed", details, retryable: false });
  }
}

/** The chain could not be read while verifying (RPC down, wrong chain): the verdict is unknown, not negative. */
export class ChainReadError extends BaseError {
  override name = "ChainReadError" as const;
  constructor(message: string, options: { cause?: unknown; details?: ErrorDetails; retryable?: boolean } = {}) {
    super(message, {
      code: "chain-unavailable",
      cause: options.cause,
      details: options.details,
      retryable: options.retryable ?? true,
    });
  }
}
