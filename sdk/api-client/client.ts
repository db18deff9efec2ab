import type { z } from "zod";
import type {
  acceptedSchema,
  attestationSchema,
  documentSchema,
  listAttestationsQuerySchema,
  loginRequestSchema,
  nonceResponseSchema,
  organisationSchema,
  prepareAttestationResponseSchema,
  prepareAttestationSchema,
  prepareEndorsementResponseSchema,
  prepareRevocationResponseSchema,
  Problem,
  readinessSchema,
  relayJobSchema,
  schemaSchema,
  sessionSchema,
  submitAttestationSchema,
  submitEndorsementSchema,
  submitRevocationSchema,
  verifyResponseSchema,
} from "./contract";

type In<S extends z.ZodType> = z.input<S>;
type Out<S extends z.ZodType> = z.output<S>;
type Page<T> = { items: T[]; nextCursor: string | null };

/** Every operation the client calls: checked against /openapi.json by the API tests. */
export const CLIENT_OPERATIONS = {
  getReadiness: { method: "GET", path: "/readyz" },
  getNonce: { method: "GET", path: "/v1/auth/nonce" },
  login: { method: "POST", path: "/v1/auth/login" },
  getSession: { method: "GET", path: "/v1/auth/session" },
  logout: { method: "POST", path: "/v1/auth/logout" },
  listOrganisations: { method: "GET", path: "/v1/organisations" },
  getOrganisation: { method: "GET", path: "/v1/organisations/{id}" },
  listSchemas: { method: "GET", path: "/v1/schemas" },
  getSchema: { method: "GET", path: "/v1/schemas/{id}" },
  prepareAttestation: { method: "POST", path: "/v1/attestations/prepare" },
  submitAttestation: { method: "POST", path: "/v1/attestations" },
  listAttestations: { method: "GET", path: "/v1/attestations" },
  getAttestation: { method: "GET", path: "/v1/attestations/{uid}" },
  prepareEndorsement: { method: "POST", path: "/v1/attestations/{uid}/endorsement/prepare" },
  submitEndorsement: { method: "POST", path: "/v1/attestations/{uid}/endorsement" },
  prepareRevocation: { method: "POST", path: "/v1/attestations/{uid}/revocation/prepare" },
  submitRevocation: { method: "POST", path: "/v1/attestations/{uid}/revocation" },
  verify: { method: "POST", path: "/v1/verify" },
  getRelayJob: { method: "GET", path: "/v1/relay/jobs/{id}" },
  uploadDocument: { method: "POST", path: "/v1/documents" },
  listDocuments: { method: "GET", path: "/v1/documents" },
  getDocument: { method: "GET", path: "/v1/documents/{id}" },
  getDocumentContent: { method: "GET", path: "/v1/documents/{id}/content" },
} as const;

/** An API error answer, carrying its RFC 9457 problem document. */
export class ApiProblemError extends Error {
  override readonly name = "ApiProblemError";
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.code}: ${problem.detail ?? problem.title}`);
  }
}

/** Options of the client. */
export interface ApiClientOptions {
  /** e.g. `https://fontaine.example` or `` (same origin in browsers). */
  baseUrl: string;
  /** Defaults to the global fetch; browsers send the session cookie with `credentials: "include"`. */
  fetch?: typeof fetch;
}

/** A typed client of the provenance API (Node and browsers). */
export function createApiClient(options: ApiClientOptions) {
  const doFetch = options.fetch ?? fetch;

  async function call<T>(
    operation: keyof typeof CLIENT_OPERATIONS,
    params: Record<string, string> = {},
    init: { query?: Record<string, string | number | undefined>; json?: unknown; form?: FormData; raw?: boolean } = {},
  ): Promise<T> {
    const { method, path } = CLIENT_OPERATIONS[operation];
    let url = options.baseUrl + path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ""));
    const query = Object.entries(init.query ?? {}).filter(([, value]) => value !== undefined);
    if (query.length) url += "?" + new URLSearchParams(query.map(([key, value]) => [key, String(value)])).toString();
    const response = await doFetch(url, {
      method,
      credentials: "include",
      headers: init.json !== undefined ? { "content-type": "application/json" } : undefined,
      body: init.form ?? (init.json !== undefined ? JSON.stringify(init.json) : undefined),
    });
    // Downloads: the bytes as a Blob carrying the response's media type.
    if (init.raw && response.ok) return (await response.blob()) as T;
    const text = await response.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok && !(operation === "getReadiness" && response.status === 503)) {
      throw new ApiProblemError(body as Problem);
    }
    return body as T;
  }

  const withFile = (fields: Record<string, unknown>, file: Blob, name: string) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) form.set(key, String(value));
    form.set("file", file, name);
    return form;
  };

  return {
    readiness: () => call<Out<typeof readinessSchema>>("getReadiness"),
    nonce: () => call<Out<typeof nonceResponseSchema>>("getNonce"),
    login: (body: In<typeof loginRequestSchema>) => call<Out<typeof sessionSchema>>("login", {}, { json: body }),
    session: () => call<Out<typeof sessionSchema>>("getSession"),
    logout: () => call<void>("logout"),
    organisations: (query: { cursor?: string; limit?: number } = {}) =>
      call<Page<Out<typeof organisationSchema>>>("listOrganisations", {}, { query }),
    organisation: (id: string) => call<Out<typeof organisationSchema>>("getOrganisation", { id }),
    schemas: (query: { cursor?: string; limit?: number } = {}) =>
      call<Page<Out<typeof schemaSchema>>>("listSchemas", {}, { query }),
    schema: (id: string) => call<Out<typeof schemaSchema>>("getSchema", { id }),
    /** Typed data to sign; pass `file` to have the API hash a document (its bytes are not kept). */
    prepareAttestation: (body: In<typeof prepareAttestationSchema>, file?: { blob: Blob; name: string }) =>
      call<Out<typeof prepareAttestationResponseSchema>>(
        "prepareAttestation",
        {},
        file ? { form: withFile(body, file.blob, file.name) } : { json: body },
      ),
    submitAttestation: (body: In<typeof submitAttestationSchema>) =>
      call<Out<typeof acceptedSchema>>("submitAttestation", {}, { json: body }),
    attestations: (query: Partial<In<typeof listAttestationsQuerySchema>> = {}) =>
      call<Page<Out<typeof attestationSchema>>>("listAttestations", {}, { query: query as Record<string, string> }),
    attestation: (uid: string) => call<Out<typeof attestationSchema>>("getAttestation", { uid }),
    prepareEndorsement: (uid: string, validForSeconds?: number) =>
      call<Out<typeof prepareEndorsementResponseSchema>>("prepareEndorsement", { uid }, { json: { validForSeconds } }),
    submitEndorsement: (uid: string, body: In<typeof submitEndorsementSchema>) =>
      call<Out<typeof acceptedSchema>>("submitEndorsement", { uid }, { json: body }),
    prepareRevocation: (uid: string, reason: string, validForSeconds?: number) =>
      call<Out<typeof prepareRevocationResponseSchema>>(
        "prepareRevocation",
        { uid },
        { json: { reason, validForSeconds } },
      ),
    submitRevocation: (uid: string, body: In<typeof submitRevocationSchema>) =>
      call<Out<typeof acceptedSchema>>("submitRevocation", { uid }, { json: body }),
    /** Verdict for a digest, or for a file hashed by the API. */
    verify: (input: { digest: string } | { file: Blob; name: string }) =>
      call<Out<typeof verifyResponseSchema>>(
        "verify",
        {},
        "digest" in input ? { json: { digest: input.digest } } : { form: withFile({}, input.file, input.name) },
      ),
    relayJob: (id: number) => call<Out<typeof relayJobSchema>>("getRelayJob", { id: String(id) }),
    /** Keeps a document privately for your organisation (the same bytes again return the stored one). */
    uploadDocument: (file: { blob: Blob; name: string }, fields: { lotId?: string } = {}) =>
      call<Out<typeof documentSchema>>("uploadDocument", {}, { form: withFile(fields, file.blob, file.name) }),
    documents: (query: { lotId?: string; cursor?: string; limit?: number } = {}) =>
      call<Page<Out<typeof documentSchema>>>("listDocuments", {}, { query }),
    document: (id: string) => call<Out<typeof documentSchema>>("getDocument", { id }),
    documentContent: (id: string) => call<Blob>("getDocumentContent", { id }, { raw: true }),
  };
}

/** The typed API client. */
export type ApiClient = ReturnType<typeof createApiClient>;
