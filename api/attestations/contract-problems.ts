import {
  ConflictError,
  ForbiddenError,
  HttpError,
  InvalidSignatureError,
  NotFoundError,
  UnprocessableError,
} from "../errors";
import type { DecodedRevert } from "../relayer/contract-errors";

/** Maps a decoded contract revert of a simulated submission to the HTTP error the client gets. */
export function problemForRevert(revert: DecodedRevert): HttpError {
  const details = { contractError: revert.name };
  switch (revert.name) {
    case "AlreadyAttested":
      return new ConflictError("already-attested", "this signed attestation is already anchored", details);
    case "AlreadyEndorsed":
      return new ConflictError("already-endorsed", "this attestation is already endorsed", details);
    case "AlreadyRevoked":
      return new ConflictError("already-revoked", "this attestation is already revoked", details);
    case "NonceAlreadyUsed":
      return new ConflictError("nonce-used", "this signature's nonce was already used or cancelled", details);
    case "DeadlinePassed":
      return new UnprocessableError(
        "deadline-passed",
        "the signature's deadline has passed: prepare and sign again",
        details,
      );
    case "InvalidSignature":
    case "InvalidSignatureLength":
    case "InvalidSignatureS":
    case "ECDSAInvalidSignature":
    case "ECDSAInvalidSignatureLength":
    case "ECDSAInvalidSignatureS":
      return new InvalidSignatureError(
        "the signature does not match the signer for this chain and contract (or is malformed)",
      );
    case "KeyNotUsable":
      return new ForbiddenError("the signing key is not a valid key of an active organisation");
    case "NotCertifier":
    case "NotAccredited":
    case "SelfDeclarationNotAllowed":
      return new ForbiddenError("the signer's organisation may not sign this (role or accreditation)");
    case "NotAttester":
      return new ForbiddenError("only the attesting organisation may revoke this attestation");
    case "SelfEndorsement":
      return new ForbiddenError("an organisation cannot endorse its own attestation");
    case "UnknownSchema":
      return new UnprocessableError("unknown-schema", "the schema is not registered", details);
    case "SchemaIsDeprecated":
      return new UnprocessableError("schema-deprecated", "the schema is deprecated: use its replacement", details);
    case "InvalidExpiry":
      return new UnprocessableError("invalid-expiry", "the expiry is in the past or out of range", details);
    case "UnknownAttestation":
      return new NotFoundError("attestation", "attestation-not-found");
    default:
      return new UnprocessableError("rejected-by-contract", `the contract refused it (${revert.name})`, details);
  }
}

/**
 * Refuses a signature whose deadline is not ahead of the wall clock before any chain read: on a node
 * that mines only on demand the latest block can be minutes old, so the contract simulation alone
 * would accept a deadline that has already passed and the relayer would then fail on chain.
 */
export function assertDeadlineAhead(deadline: string | number | bigint, now = Date.now()): void {
  if (BigInt(deadline) <= BigInt(Math.floor(now / 1000))) {
    throw new UnprocessableError("deadline-passed", "the signature's deadline has passed: prepare and sign again", {
      deadline: String(deadline),
    });
  }
}
