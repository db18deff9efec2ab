import {
  acceptedSchema,
  attestationSchema,
  listAttestationsQuerySchema,
  pageSchema,
  prepareAttestationResponseSchema,
  prepareAttestationSchema,
  prepareEndorsementResponseSchema,
  prepareEndorsementSchema,
  prepareRevocationResponseSchema,
  prepareRevocationSchema,
  relayJobParamsSchema,
  relayJobSchema,
  submitAttestationSchema,
  submitEndorsementSchema,
  submitRevocationSchema,
  uidParamsSchema,
} from "../../sdk/api-client/contract";
import type { AttestationService } from "../attestations/attestations.service";
import type { DocumentService } from "../documents/documents.service";
import { UnauthenticatedError, ValidationError } from "../errors";
import { defineRoute, sendJsonBytes, type RouteDefinition } from "../http/route";

const accepted = { 202: { description: "Stored durably and queued for the chain", schema: acceptedSchema } };

/** Attestations, endorsements and revocations: prepare typed data, submit signatures, read. */
export function attestationRoutes(
  service: AttestationService,
  documents?: Pick<DocumentService, "store">,
): RouteDefinition[] {
  return [
    defineRoute(
      {
        method: "post",
        path: "/v1/attestations/prepare",
        operationId: "prepareAttestation",
        summary: "EIP-712 typed data to sign for a new attestation (nonce and deadline filled in)",
        description:
          "Send JSON with your own digest, or multipart/form-data with a `file` the API hashes (bytes are not kept, " +
          "unless you are signed in and add `store=true`: then the file is also kept among your private documents, " +
          "within DOCUMENT_LIMIT_BYTES, and `document` describes it).",
        tags: ["attestations"],
        body: prepareAttestationSchema,
        upload: true,
        limit: "write",
        responses: {
          200: { description: "Typed data for eth_signTypedData_v4", schema: prepareAttestationResponseSchema },
        },
      },
      async ({ body, file, session, res }) => {
        const prepared = service.prepareAttestation(body, file);
        if (!body.store) {
          res.json(prepared);
          return;
        }
        if (!file || !documents) {
          throw new ValidationError([
            { path: "body.store", message: "store keeps an uploaded file: send it as `file`" },
          ]);
        }
        if (!session) throw new UnauthenticatedError("sign in to keep a copy of the document");
        const { document } = await documents.store(session, file);
        res.json({ ...prepared, document });
      },
    ),
    defineRoute(
      {
        method: "post",
        path: "/v1/attestations",
        operationId: "submitAttestation",
        summary: "Submit a signed attestation; it is relayed on chain",
        description:
          "Signature, key validity, organisation role, schema rules and deadline are checked (by simulating the contract) before anything is queued.",
        tags: ["attestations"],
        body: submitAttestationSchema,
        limit: "write",
        responses: accepted,
      },
      async ({ body, res }) => {
        const result = await service.submitAttestation(body);
        res.status(202).location(`/v1/attestations/${result.uid}`).json(result);
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/attestations",
        operationId: "listAttestations",
        summary: "Anchored attestations, newest first (cursor pagination)",
        description:
          "`status` filters each page after reading statuses from the chain, so a page may hold fewer items.",
        tags: ["attestations"],
        query: listAttestationsQuerySchema,
        limit: "read",
        responses: { 200: { description: "A page", schema: pageSchema(attestationSchema) } },
      },
      async ({ query, res }) => {
        res.json(await service.listAttestations(query));
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/attestations/:uid",
        operationId: "getAttestation",
        summary: "An attestation: record, relay status, effective status (from the chain), endorsement",
        tags: ["attestations"],
        params: uidParamsSchema,
        limit: "read",
        responses: { 200: { description: "The attestation", schema: attestationSchema } },
      },
      async ({ params, res }) => {
        // The JSON bytes are cached with the record while it cannot change: sent as is.
        sendJsonBytes(res, await service.getAttestationJson(params.uid));
      },
    ),
    defineRoute(
      {
        method: "post",
        path: "/v1/attestations/:uid/endorsement/prepare",
        operationId: "prepareEndorsement",
        summary: "EIP-712 typed data for a certifier to endorse an attestation",
        tags: ["attestations"],
        params: uidParamsSchema,
        body: prepareEndorsementSchema,
        limit: "write",
        responses: { 200: { description: "Typed data", schema: prepareEndorsementResponseSchema } },
      },
      ({ params, body, res }) => {
        res.json(service.prepareEndorsement(params.uid, body.validForSeconds));
      },
    ),
    defineRoute(
      {
        method: "post",
        path: "/v1/attestations/:uid/endorsement",
        operationId: "submitEndorsement",
        summary: "Submit a signed endorsement",
        tags: ["attestations"],
        params: uidParamsSchema,
        body: submitEndorsementSchema,
        limit: "write",
        responses: accepted,
      },
      async ({ params, body, res }) => {
        res.status(202).json(await service.submitEndorsement(params.uid, body));
      },
    ),
    defineRoute(
      {
        method: "post",
        path: "/v1/attestations/:uid/revocation/prepare",
        operationId: "prepareRevocation",
        summary: "EIP-712 typed data to revoke an attestation (attester) with a reason code",
        tags: ["attestations"],
        params: uidParamsSchema,
        body: prepareRevocationSchema,
        limit: "write",
        responses: { 200: { description: "Typed data", schema: prepareRevocationResponseSchema } },
      },
      ({ params, body, res }) => {
        res.json(service.prepareRevocation(params.uid, body.reason, body.validForSeconds));
      },
    ),
    defineRoute(
      {
        method: "post",
        path: "/v1/attestations/:uid/revocation",
        operationId: "submitRevocation",
        summary: "Submit a signed revocation",
        tags: ["attestations"],
        params: uidParamsSchema,
        body: submitRevocationSchema,
        limit: "write",
        responses: accepted,
      },
      async ({ params, body, res }) => {
        res.status(202).json(await service.submitRevocation(params.uid, body));
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/v1/relay/jobs/:id",
        operationId: "getRelayJob",
        summary: "A relay job of your organisation (404 for other organisations' jobs)",
        tags: ["attestations"],
        params: relayJobParamsSchema,
        auth: true,
        limit: "read",
        responses: { 200: { description: "The job", schema: relayJobSchema } },
      },
      async ({ params, session, res }) => {
        res.json(await service.getRelayJob(params.id, session!));
      },
    ),
  ];
}
