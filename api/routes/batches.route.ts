import {
  prepareSignedBatchResponseSchema,
  prepareSignedBatchSchema,
  signedBatchParamsSchema,
  signedBatchSchema,
  submitSignedBatchSchema,
} from "../../sdk/api-client/batches.contract";
import type { SignedBatchService } from "../batches/signed-batches.service";
import { defineRoute, type RouteDefinition } from "../http/route";

/** Signed batches (bulk certification): one signature over the Merkle root of many attestations. */
export function batchRoutes(service: SignedBatchService): RouteDefinition[] {
  return [
    defineRoute(
      {
        method: "post",
        path: "/v1/batches/prepare",
        operationId: "prepareSignedBatch",
        summary: "The SignedBatch typed data (nonce and deadline filled in) for the root of a tree built with the sdk",
        description:
          "Build the tree of your attestation requests with `buildSignedBatch(requests, signer)` from the sdk, send " +
          "its root and size, sign the typed data once, then send it with the leaves to `POST /v1/batches`.",
        tags: ["batches"],
        body: prepareSignedBatchSchema,
        limit: "write",
        responses: { 200: { description: "Typed data to sign", schema: prepareSignedBatchResponseSchema } },
      },
      ({ body, res }) => {
        res.json(service.prepare(body));
      },
    ),
    defineRoute(
      {
        method: "post",
        path: "/v1/batches",
        operationId: "submitSignedBatch",
        summary: "Submit the leaves of a signed batch with the one signature over their root; relayed on chain",
        description:
          "The API rebuilds the tree from the leaves and the signer (422 `root-mismatch` when it does not give the " +
          "signed root), checks the schema (422 `unknown-schema`, `schema-deprecated`), the key and, for certifier-only " +
          "schemas, the accreditation (403), each expiry (400 with the leaf's path), then simulates " +
          "`anchorSignedBatch` (signature, deadline, nonce). 409 `already-submitted` for a batch sent before, " +
          "`already-recorded` for a root another key recorded on chain. A root its own signer already recorded (the " +
          "signature was sent elsewhere) needs only the leaves: stored without a relay, indexed at once when the " +
          "indexer passed its block (state `recorded`). Stored durably before the 202; follow it at `Location`.",
        tags: ["batches"],
        body: submitSignedBatchSchema,
        limit: "write",
        responses: { 202: { description: "Stored and queued for the chain", schema: signedBatchSchema } },
      },
      async ({ body, res }) => {
        const accepted = await service.submit(body);
        res.status(202).location(`/v1/batches/${accepted.root}`).json(accepted);
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/batches/:root",
        operationId: "getSignedBatch",
        summary: "Where a signed batch stands: stored, recording, recorded (on chain and indexed) or failed",
        tags: ["batches"],
        params: signedBatchParamsSchema,
        limit: "read",
        responses: { 200: { description: "The batch", schema: signedBatchSchema } },
      },
      async ({ params, res }) => {
        res.json(await service.state(params.root));
      },
    ),
  ];
}
