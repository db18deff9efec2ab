import crypto from "node:crypto";
import { and, eq, gt, isNull, lt } from "drizzle-orm";
import type { Request } from "express";
import { generateNonce, SiweMessage } from "siwe";
import type { ApiConfig } from "../config";
import type { Chain } from "../chain/chain";
import type { ApiDatabase } from "../db/database";
import { sessions, siweNonces } from "../db/schema";
import { SignInError } from "../errors";
import type { SessionInfo } from "../http/route";
import { KEY_STATUS_NAMES, ORG_KIND_NAMES, enumName } from "../../sdk/status";

/** Name of the session cookie. */
export const SESSION_COOKIE = "fontaine_session";

const ZERO_ORG = "0x" + "0".repeat(64);

function sha256(value: string): string {
  return crypto.createHash("sha256").update(value).digest("hex");
}

function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}

/** The organisation behind a key, as the Federation contract sees it now. */
export interface KeyOrganisation {
  id: string;
  kind: "supplier" | "certifier" | "member";
  active: boolean;
}

/**
 * Sign-In with Ethereum (EIP-4361): single-use server nonces with expiry, domain/URI/chain id
 * checks, EOA and ERC-1271 signatures (through the chain), sessions stored by token hash.
 */
export function createAuthService(deps: { config: ApiConfig; db: ApiDatabase; chain: Chain }) {
  const { config, db, chain } = deps;

  async function organisationOfKey(address: string): Promise<KeyOrganisation | null> {
    const now = Math.floor(Date.now() / 1000);
    const signer = (await chain.contracts.Federation.getFunction("signerAt").staticCall(address, now)) as {
      org: string;
      kind: bigint;
      status: bigint;
    };
    if (signer.org === ZERO_ORG) return null;
    const kind = enumName(ORG_KIND_NAMES, signer.kind);
    if (kind === "NONE") return null;
    const status = enumName(KEY_STATUS_NAMES, signer.status);
    return {
      id: signer.org.toLowerCase(),
      kind: kind.toLowerCase() as KeyOrganisation["kind"],
      active: status === "VALID",
    };
  }

  return {
    organisationOfKey,

    /** Issues a fresh single-use nonce. */
    async issueNonce() {
      const nonce = generateNonce();
      const expiresAt = new Date(Date.now() + config.siwe.nonceTtlSeconds * 1000);
      await db.insert(siweNonces).values({ nonce, expiresAt });
      // Expired nonces are useless: drop them opportunistically so the table stays small.
      await db.delete(siweNonces).where(lt(siweNonces.expiresAt, new Date(Date.now() - 3600_000)));
      return {
        nonce,
        expiresAt: expiresAt.toISOString(),
        domain: config.siwe.domain,
        uri: config.siwe.origin,
        chainId: chain.chainId,
      };
    },

    /** Verifies a signed SIWE message and opens a session; the nonce is consumed only on success. */
    async login(messageText: string, signature: string) {
      let message: SiweMessage;
      try {
        message = new SiweMessage(messageText);
      } catch {
        throw new SignInError("the message is not a valid Sign-In with Ethereum message");
      }
      if (message.domain !== config.siwe.domain) throw new SignInError("the message is for another domain");
      let uriOrigin: string;
      try {
        uriOrigin = new URL(message.uri).origin;
      } catch {
        throw new SignInError("the message URI is invalid");
      }
      if (uriOrigin !== new URL(config.siwe.origin).origin) throw new SignInError("the message is for another site");
      if (message.chainId !== chain.chainId) throw new SignInError(`the message is for chain ${message.chainId}`);
      const [stored] = await db.select().from(siweNonces).where(eq(siweNonces.nonce, message.nonce)).limit(1);
      if (!stored) throw new SignInError("unknown nonce: ask for a new one");
      if (stored.consumedAt) throw new SignInError("this nonce was already used: ask for a new one");
      if (stored.expiresAt.getTime() <= Date.now()) throw new SignInError("the nonce expired: ask for a new one");

      const result = await message.verify(
        { signature, domain: config.siwe.domain, nonce: message.nonce, time: new Date().toISOString() },
        { provider: chain.provider as never, suppressExceptions: true },
      );
      if (!result.success) {
        const reason = typeof result.error?.type === "string" ? result.error.type : "invalid signature";
        throw new SignInError(reason.replace(/\.$/, "").toLowerCase());
      }

      const organisation = await organisationOfKey(message.address);
      // Consume atomically: of two concurrent logins with the same nonce, only one wins.
      const consumed = await db
        .update(siweNonces)
        .set({ consumedAt: new Date() })
        .where(
          and(eq(siweNonces.nonce, message.nonce), isNull(siweNonces.consumedAt), gt(siweNonces.expiresAt, new Date())),
        )
        .returning({ nonce: siweNonces.nonce });
      if (consumed.length === 0) throw new SignInError("this nonce was already used: ask for a new one");

      const token = crypto.randomBytes(32).toString("base64url");
      const ttlMs = config.session.ttlSeconds * 1000;
      const messageExpiry = message.expirationTime ? new Date(message.expirationTime).getTime() : Infinity;
      const expiresAt = new Date(Math.min(Date.now() + ttlMs, messageExpiry));
      await db.insert(sessions).values({
        tokenHash: sha256(token),
        address: message.address,
        chainId: chain.chainId,
        organisationId: organisation?.id ?? null,
        expiresAt,
      });
      return { token, address: message.address, chainId: chain.chainId, organisation, expiresAt };
    },

    /** Ends a session. */
    async logout(session: SessionInfo) {
      await db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.tokenHash, session.tokenHash));
    },

    /** The session of a request's cookie, if live. */
    async resolveSession(req: Request): Promise<SessionInfo | undefined> {
      const token = readCookie(req, SESSION_COOKIE);
      if (!token || token.length > 100) return undefined;
      const tokenHash = sha256(token);
      const [row] = await db.select().from(sessions).where(eq(sessions.tokenHash, tokenHash)).limit(1);
      if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) return undefined;
      return {
        address: row.address,
        chainId: row.chainId,
        organisationId: row.organisationId,
        tokenHash,
        expiresAt: row.expiresAt,
      };
    },

    /** Cookie attributes for the session token. */
    cookieOptions(expiresAt: Date) {
      return {
        httpOnly: true,
        sameSite: "strict" as const,
        secure: config.session.secureCookie,
        path: "/",
        expires: expiresAt,
      };
    },
  };
}

/** The auth service. */
export type AuthService = ReturnType<typeof createAuthService>;
