import { verifyRequestSchema, verifyResponseSchema } from "../../sdk/api-client/contract";
import type { AttestationService } from "../attestations/attestations.service";
import { ValidationError } from "../errors";
import { defineRoute, sendJsonBytes, type RouteDefinition } from "../http/route";

/** Verification of a document by digest or upload. */
export function verifyRoutes(service: AttestationService): RouteDefinition[] {
  return [
    defineRoute(
      {
        method: "post",
        path: "/v1/verify",
        operationId: "verify",
        summary: "Every attestation anchored for a digest (or an uploaded file) with its status read from the chain",
        tags: ["verify"],
        body: verifyRequestSchema,
        upload: true,
        limit: "read",
        responses: { 200: { description: "Verdict", schema: verifyResponseSchema } },
      },
      async ({ body, file, res }) => {
        const digest = file ? service.digestOfFile(file.bytes) : body.digest;
        if (!digest) throw new ValidationError([{ path: "body.digest", message: "give a digest or upload a file" }]);
        // Serialised once per block with the verdict: the cached JSON bytes are sent as is.
        sendJsonBytes(res, await service.verifyJson(digest));
      },
    ),
  ];
}
