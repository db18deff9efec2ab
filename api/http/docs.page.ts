import type { OpenApiDocument } from "./openapi";

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters: Array<{ name: string; in: string; required: boolean; schema: unknown; description?: string }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
  security?: unknown[];
};

function schemaBlock(schema: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;
}

function renderOperation(method: string, path: string, operation: Operation): string {
  const parameters = operation.parameters.length
    ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>${operation.parameters
        .map(
          (parameter) =>
            `<tr><td><code>${escapeHtml(parameter.name)}</code></td><td>${parameter.in}</td><td>${
              parameter.required ? "yes" : "no"
            }</td><td><code>${escapeHtml(JSON.stringify(parameter.schema))}</code></td></tr>`,
        )
        .join("")}</table>`
    : "";
  const body = operation.requestBody
    ? `<h4>Request body</h4>${Object.entries(operation.requestBody.content)
        .map(([type, content]) => `<p><code>${escapeHtml(type)}</code></p>${schemaBlock(content.schema)}`)
        .join("")}`
    : "";
  const responses = Object.entries(operation.responses)
    .map(
      ([status, response]) =>
        `<details><summary><strong>${escapeHtml(status)}</strong> ${escapeHtml(response.description)}</summary>${Object.entries(
          response.content ?? {},
        )
          .map(([type, content]) => `<p><code>${escapeHtml(type)}</code></p>${schemaBlock(content.schema)}`)
          .join("")}</details>`,
    )
    .join("");
  return `<section id="${escapeHtml(operation.operationId)}">
<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code>${
    operation.security ? ' <span class="auth">session</span>' : ""
  }</h3>
<p>${escapeHtml(operation.summary)}</p>${operation.description ? `<p>${escapeHtml(operation.description)}</p>` : ""}
${parameters}${body}<h4>Responses</h4>${responses}</section>`;
}

/** Renders the OpenAPI document as a self-contained HTML page (no scripts, no CDN). */
export function renderDocsPage(document: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods as Record<string, Operation>)) {
      const tag = operation.tags[0] ?? "other";
      const list = byTag.get(tag) ?? [];
      list.push(renderOperation(method, path, operation));
      byTag.set(tag, list);
    }
  }
  const sections = [...byTag.entries()]
    .map(([tag, operations]) => `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${operations.join("\n")}`)
    .join("\n");
  const toc = [...byTag.keys()].map((tag) => `<a href="#tag-${escapeHtml(tag)}">${escapeHtml(tag)}</a>`).join(" · ");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h3{margin-top:2rem;border-top:1px solid #ddd;padding-top:1rem}
.method{display:inline-block;min-width:4rem;padding:0 .4rem;border-radius:4px;color:#fff;font-size:.85em;text-align:center}
.get{background:#2b7a0b}.post{background:#1c5fb0}.delete{background:#b0261c}.put{background:#9a6a00}
.auth{font-size:.75em;border:1px solid #999;border-radius:4px;padding:0 .3rem}
pre{background:#f6f6f6;padding:.6rem;overflow:auto;font-size:.85em}table{border-collapse:collapse}td,th{padding:.2rem .5rem;border:1px solid #ddd;text-align:left}
</style></head><body>
<h1>${escapeHtml(document.info.title)} <small>${escapeHtml(document.info.version)}</small></h1>
<p>${escapeHtml(document.info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escapeHtml(document.openapi)}). ${toc}</p>
${sections}
</body></html>`;
}
