import { deploymentSchema, type Deployment } from "../../sdk/deployment";
import { defineRoute, type RouteDefinition } from "../http/route";

/**
 * `GET /v1/deployment`: the deployment file this API runs against (chain id, genesis hash, contract addresses). Public:
 * the browser pages verify a disclosure bundle against the chain themselves and must not take the contract addresses
 * from the bundle they are checking.
 */
export function deploymentRoutes(deployment: Deployment): RouteDefinition[] {
  return [
    defineRoute(
      {
        method: "get",
        path: "/v1/deployment",
        operationId: "getDeployment",
        summary: "The deployment file: chain id, genesis hash and contract addresses (for verifying bundles)",
        tags: ["chain"],
        limit: "read",
        responses: { 200: { description: "The deployment file", schema: deploymentSchema } },
      },
      ({ res }) => {
        res.json(deployment);
      },
    ),
  ];
}
