import { z } from "zod";
import type { ApiConfig } from "../config";
import { UnavailableError } from "../errors";
import { defineRoute, type RouteDefinition } from "../http/route";

/**
 * Read-only chain methods a browser may ask through the API (bundle verification in the verify page reads the
 * chain itself, so its verdict does not rest on the API's index). Nothing that writes, signs or opens filters.
 */
export const RPC_PROXY_METHODS = [
  "eth_call",
  "eth_getLogs",
  "eth_chainId",
  "eth_blockNumber",
  "eth_getBlockByNumber",
  "eth_getCode",
] as const;

const MAX_PARAMS = 4;
const RPC_TIMEOUT_MS = 10_000;

/** One JSON-RPC 2.0 request (no batches: each call is counted by the rate limiter). */
export const rpcProxyRequestSchema = z.strictObject({
  jsonrpc: z.literal("2.0"),
  id: z.union([z.number().int(), z.string().max(64)]),
  method: z.enum(RPC_PROXY_METHODS),
  params: z.array(z.unknown()).max(MAX_PARAMS).default([]),
});

/** The node's JSON-RPC answer, passed through. */
export const rpcProxyResponseSchema = z.object({
  jsonrpc: z.literal("2.0"),
  id: z.union([z.number(), z.string(), z.null()]),
  result: z.unknown().optional(),
  error: z.object({ code: z.number(), message: z.string(), data: z.unknown().optional() }).optional(),
});

/** `POST /v1/rpc`: forwards an allow-listed read-only JSON-RPC call to the configured node (RPC_URL, HTTP only). */
export function rpcProxyRoutes(config: Pick<ApiConfig, "rpcUrl">): RouteDefinition[] {
  const httpNode = /^https?:/.test(config.rpcUrl);
  return [
    defineRoute(
      {
        method: "post",
        path: "/v1/rpc",
        operationId: "rpcProxy",
        summary: "Read-only JSON-RPC proxy to the chain node (eth_call, eth_getLogs, eth_chainId, blocks, code)",
        tags: ["chain"],
        body: rpcProxyRequestSchema,
        limit: "read",
        responses: { 200: { description: "The node's JSON-RPC answer", schema: rpcProxyResponseSchema } },
      },
      async ({ body, res }) => {
        if (!httpNode) throw new UnavailableError("the chain node is not reachable over HTTP from this service");
        let answer: unknown;
        try {
          const response = await fetch(config.rpcUrl, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
          });
          answer = await response.json();
        } catch {
          // The node's address stays out of the message (it may carry credentials).
          throw new UnavailableError("the chain node did not answer");
        }
        const parsed = rpcProxyResponseSchema.safeParse(answer);
        if (!parsed.success) throw new UnavailableError("the chain node answered something else than JSON-RPC");
        res.json(parsed.data);
      },
    ),
  ];
}
