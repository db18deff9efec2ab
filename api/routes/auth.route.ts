import { loginRequestSchema, nonceResponseSchema, sessionSchema } from "../../sdk/api-client/contract";
import type { AuthService } from "../auth/auth.service";
import { SESSION_COOKIE } from "../auth/auth.service";
import { defineRoute, type RouteDefinition } from "../http/route";

/** Sign-In with Ethereum: nonce, login, logout, current session. */
export function authRoutes(auth: AuthService): RouteDefinition[] {
  return [
    defineRoute(
      {
        method: "get",
        path: "/v1/auth/nonce",
        operationId: "getNonce",
        summary: "A fresh single-use nonce for a Sign-In with Ethereum message",
        tags: ["auth"],
        limit: "write",
        responses: { 200: { description: "Nonce and the values the message must carry", schema: nonceResponseSchema } },
      },
      async ({ res }) => {
        res.setHeader("Cache-Control", "no-store");
        res.json(await auth.issueNonce());
      },
    ),
    defineRoute(
      {
        method: "post",
        path: "/v1/auth/login",
        operationId: "login",
        summary: "Sign in with a signed EIP-4361 message (EOA or ERC-1271 wallet)",
        description:
          "Sets the httpOnly, SameSite=Strict session cookie. The nonce is consumed only when sign-in succeeds.",
        tags: ["auth"],
        limit: "write",
        body: loginRequestSchema,
        responses: { 200: { description: "Signed in", schema: sessionSchema } },
      },
      async ({ body, res }) => {
        const session = await auth.login(body.message, body.signature);
        res.cookie(SESSION_COOKIE, session.token, auth.cookieOptions(session.expiresAt));
        res.json({
          address: session.address,
          chainId: session.chainId,
          organisation: session.organisation,
          expiresAt: session.expiresAt.toISOString(),
        });
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/auth/session",
        operationId: "getSession",
        summary: "Who is signed in",
        tags: ["auth"],
        auth: true,
        limit: "read",
        responses: { 200: { description: "The current session", schema: sessionSchema } },
      },
      async ({ session, res }) => {
        const organisation = await auth.organisationOfKey(session!.address);
        res.json({
          address: session!.address,
          chainId: session!.chainId,
          organisation,
          expiresAt: session!.expiresAt.toISOString(),
        });
      },
    ),
    defineRoute(
      {
        method: "post",
        path: "/v1/auth/logout",
        operationId: "logout",
        summary: "End the session",
        tags: ["auth"],
        auth: true,
        limit: "write",
        responses: { 204: { description: "Signed out" } },
      },
      async ({ session, res }) => {
        await auth.logout(session!);
        res.clearCookie(SESSION_COOKIE, { path: "/" });
        res.status(204).end();
      },
    ),
  ];
}
