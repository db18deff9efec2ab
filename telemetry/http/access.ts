import crypto from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { AccessToken } from "../config";

/** Who is calling: a member organisation, or the federation (null) which sees every fountain. */
export interface Principal {
  organisationId: string | null;
  /** Short, non-secret id of the token (for logs, connection caps and acknowledgements). */
  tokenId: string;
  name?: string;
}

/** Token checks shared by the stream and the HTTP endpoints. */
export interface AccessControl {
  authenticate(token: string | undefined): Principal | undefined;
  /** True when `origin` may open the stream of a request addressed to `host`. */
  originAllowed(origin: string | undefined, host: string | undefined): boolean;
  /** True when the principal may see the fountain's data. */
  canSee(principal: Principal, organisationId: string): boolean;
}

function digest(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** Builds the access control from the configured tokens and allowed origins. */
export function createAccessControl(tokens: readonly AccessToken[], allowedOrigins: readonly string[]): AccessControl {
  // Looking tokens up by their digest keeps comparisons independent of how much of a guess matches.
  const byDigest = new Map<string, Principal>();
  for (const token of tokens) {
    const hash = digest(token.token);
    byDigest.set(hash, {
      organisationId: token.federation ? null : (token.organisationId ?? null),
      tokenId: hash.slice(0, 12),
      ...(token.name ? { name: token.name } : {}),
    });
  }
  const origins = new Set(allowedOrigins.map((origin) => new URL(origin).origin));
  return {
    authenticate(token) {
      if (!token) return undefined;
      return byDigest.get(digest(token));
    },
    originAllowed(origin, host) {
      // Non-browser clients send no Origin; their token is what protects the stream.
      if (origin === undefined) return true;
      let parsed: URL;
      try {
        parsed = new URL(origin);
      } catch {
        return false;
      }
      if (origins.has(parsed.origin)) return true;
      return host !== undefined && parsed.host === host;
    },
    canSee(principal, organisationId) {
      return principal.organisationId === null || principal.organisationId === organisationId;
    },
  };
}

/** The bearer token of an HTTP request (`Authorization: Bearer <token>`). */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (!value) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(value);
  return match?.[1];
}
