import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { ValidateFunction } from "ajv";

type Operation = { responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
type Document = { paths: Record<string, Record<string, Operation>> };

/** Validates the OpenAPI document itself with a real OpenAPI 3.1 schema validator. */
export async function validateOpenApiDocument(document: unknown): Promise<{ valid: boolean; errors: unknown }> {
  // The validator is ESM-only; Node 20.19+ can require() it, dynamic import keeps tsx happy.
  const { Validator } =
    (await import("@seriousme/openapi-schema-validator")) as typeof import("@seriousme/openapi-schema-validator");
  const validator = new Validator();
  const result = await validator.validate(document as never);
  return { valid: result.valid, errors: result.errors };
}

function matchPath(template: string, path: string): boolean {
  const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
  return pattern.test(path);
}

/** Checks HTTP responses against the response schemas the OpenAPI document declares. */
export class ResponseChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly cache = new Map<unknown, ValidateFunction>();
  /** Operations for which at least one response was checked (`METHOD template`). */
  readonly covered = new Set<string>();

  constructor(private readonly document: Document) {
    addFormats(this.ajv);
  }

  /** Throws when the response does not match the documented schema for its status and content type. */
  check(method: string, url: string, status: number, contentType: string | null, body: unknown): void {
    const path = new URL(url, "http://localhost").pathname;
    const template = Object.keys(this.document.paths).find((candidate) => matchPath(candidate, path));
    if (!template) {
      if (status === 404 && contentType?.startsWith("application/problem+json")) return;
      throw new Error(`${method} ${path}: not in the OpenAPI document`);
    }
    const operation = this.document.paths[template]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method} ${template}: method not in the OpenAPI document`);
    const response = operation.responses[String(status)] ?? operation.responses.default;
    if (!response) throw new Error(`${method} ${template}: status ${status} not documented`);
    const mediaType = (contentType ?? "").split(";")[0]?.trim() ?? "";
    if (status >= 400 && !operation.responses[String(status)] && mediaType !== "application/problem+json") {
      throw new Error(`${method} ${template}: error ${status} is ${mediaType}, not application/problem+json`);
    }
    // A documented media range (`*/*`, `image/*`) covers every type it matches (document downloads).
    const content =
      response.content?.[mediaType] ?? response.content?.[`${mediaType.split("/")[0]}/*`] ?? response.content?.["*/*"];
    if (!response.content) {
      this.covered.add(`${method.toUpperCase()} ${template}`);
      return;
    }
    if (!content) throw new Error(`${method} ${template} ${status}: content type ${mediaType} not documented`);
    let validate = this.cache.get(content.schema);
    if (!validate) {
      validate = this.ajv.compile(content.schema as object);
      this.cache.set(content.schema, validate);
    }
    if (!validate(body)) {
      throw new Error(`${method} ${template} ${status}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(body)}`);
    }
    this.covered.add(`${method.toUpperCase()} ${template}`);
  }
}
