import { expect } from "chai";
import { z } from "zod";
import { createApp } from "../../api/app";
import { createMetricsRegistry } from "../../api/http/metrics";
import { defineRoute } from "../../api/http/route";
import { openApiDatabase } from "../../api/db/database";
import { silentLogger } from "../../sdk/server";
import { bytes32, address, text } from "../../sdk/api-client/fields";
import { testConfig } from "./helpers/config";
import { expectProblem, listen, type TestServer } from "./helpers/http";
import { ResponseChecker, validateOpenApiDocument } from "./helpers/openapi";

// A route shaped like the real write routes, to exercise the HTTP envelope in isolation.
const probeRoute = defineRoute(
  {
    method: "post",
    path: "/v1/probe/:id",
    operationId: "probe",
    summary: "probe",
    tags: ["test"],
    params: z.strictObject({ id: bytes32 }),
    body: z.strictObject({ who: address, note: text(20), items: z.array(bytes32).max(3) }),
    upload: true,
    limit: "write",
    responses: { 200: { description: "ok", schema: z.object({ id: z.string(), who: z.string(), size: z.number() }) } },
  },
  ({ params, body, file, res }) => {
    res.json({ id: params.id, who: body.who, size: file?.bytes.length ?? 0 });
  },
);

describe("api http envelope", () => {
  let server: TestServer;
  let closeDb: () => Promise<void>;
  const id = "0x" + "AB".repeat(32);
  const who = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

  async function start(overrides: Record<string, string>): Promise<TestServer> {
    const config = testConfig({ BODY_LIMIT_BYTES: "1024", UPLOAD_LIMIT_BYTES: "2048", ...overrides });
    const app = createApp({
      config,
      logger: silentLogger(),
      metrics: createMetricsRegistry(),
      readiness: [{ name: "database", check: async () => (await database.ping(), { ok: true }) }],
      routes: [probeRoute],
    });
    const first = await listen(app);
    const document = (await first.request("/openapi.json")).body;
    await first.close();
    return listen(app, new ResponseChecker(document as never));
  }
  let database: Awaited<ReturnType<typeof openApiDatabase>>;

  before(async () => {
    database = await openApiDatabase({ dataDir: "memory://" });
    closeDb = database.close;
    server = await start({});
  });
  after(async () => {
    await server.close();
    await closeDb();
  });

  it("should publish a valid OpenAPI 3.1 document generated from the route schemas", async () => {
    const response = await server.request("/openapi.json");
    const result = await validateOpenApiDocument(response.body);
    expect(result.valid, JSON.stringify(result.errors)).to.equal(true);
    const document = response.body as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).to.equal("3.1.0");
    expect(document.paths).to.include.keys([
      "/healthz",
      "/readyz",
      "/metrics",
      "/openapi.json",
      "/docs",
      "/v1/probe/{id}",
    ]);
  });

  it("should answer probes, metrics and docs", async () => {
    expect((await server.request("/healthz")).body).to.deep.equal({ status: "ok" });
    const ready = await server.request("/readyz");
    expect(ready.status).to.equal(200);
    expect(ready.body).to.deep.include({ status: "ready" });
    const metrics = await server.request("/metrics");
    expect(metrics.text).to.contain("fontaine_api_http_requests_total");
    const docs = await server.request("/docs");
    expect(docs.text)
      .to.contain("/v1/probe/{id}")
      .and.not.to.match(/<script/);
  });

  it("should send the live view link to the telemetry service when LIVE_VIEW_URL is set, and not otherwise", async () => {
    // Without it, /live/ is whatever the built pages hold (or a 404): never a redirect.
    expect((await fetch(`${server.url}/live/`, { redirect: "manual" })).status).not.to.equal(302);
    const withLive = await start({ LIVE_VIEW_URL: "http://localhost:8090/live/" });
    try {
      for (const path of ["/live", "/live/"]) {
        const response = await fetch(withLive.url + path, { redirect: "manual" });
        expect(response.status).to.equal(302);
        expect(response.headers.get("location")).to.equal("http://localhost:8090/live/");
      }
    } finally {
      await withLive.close();
    }
  });

  it("should set helmet headers and no x-powered-by", async () => {
    const response = await server.request("/healthz");
    expect(response.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(response.headers.get("content-security-policy")).to.be.a("string");
    expect(response.headers.get("x-powered-by")).to.equal(null);
  });

  it("should accept a valid body and normalise hex and addresses", async () => {
    const response = await server.request(`/v1/probe/${id}`, {
      method: "POST",
      json: { who: who.toLowerCase(), note: "hi", items: [] },
    });
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ id: id.toLowerCase(), who, size: 0 });
  });

  it("should answer 415 for a wrong content type", async () => {
    const response = await server.request(`/v1/probe/${id}`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "hello",
    });
    expectProblem(response, 415, "unsupported-media-type");
  });

  it("should answer 413 above the body limit", async () => {
    const response = await server.request(`/v1/probe/${id}`, {
      method: "POST",
      json: { who, note: "x".repeat(2000), items: [] },
    });
    expectProblem(response, 413, "payload-too-large");
  });

  it("should answer 400 for malformed JSON", async () => {
    const response = await server.request(`/v1/probe/${id}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"who": ',
    });
    expectProblem(response, 400, "malformed-json");
  });

  const invalid: Array<[string, unknown, string]> = [
    ["unknown fields", { who, note: "a", items: [], extra: 1 }, "body.extra"],
    ["__proto__", JSON.parse(`{"who":"${who}","note":"a","items":[],"__proto__":{"admin":true}}`), "body.__proto__"],
    ["bad hex", { who, note: "a", items: ["0x12"] }, "body.items[0]"],
    ["a bad checksum", { who: who.replace("a", "A"), note: "a", items: [] }, "body.who"],
    ["NUL bytes", { who, note: "a\u0000b", items: [] }, "body.note"],
    ["huge arrays", { who, note: "a", items: Array(4).fill(id) }, "body.items"],
  ];
  for (const [what, body, path] of invalid) {
    it(`should answer 400 with the field path for ${what}`, async () => {
      const response = await server.request(`/v1/probe/${id}`, { method: "POST", json: body });
      expectProblem(response, 400, "invalid-request");
      const issues = (response.body as { issues: Array<{ path: string }> }).issues;
      expect(issues.map((issue) => issue.path)).to.include(path);
    });
  }

  it("should validate path parameters", async () => {
    const response = await server.request(`/v1/probe/0x1234`, { method: "POST", json: { who, note: "", items: [] } });
    expectProblem(response, 400, "invalid-request");
    expect((response.body as { issues: Array<{ path: string }> }).issues[0]?.path).to.equal("params.id");
  });

  it("should accept a multipart upload and refuse one over the limit", async () => {
    const form = new FormData();
    form.set("who", who);
    form.set("note", "file");
    form.set("file", new Blob([new Uint8Array(100)]), "doc.pdf");
    // Multipart text fields arrive as strings; arrays are not expressible, so the probe needs items.
    const small = await server.request(`/v1/probe/${id}`, { method: "POST", body: form });
    expect(small.status).to.equal(400);
    const big = new FormData();
    big.set("file", new Blob([new Uint8Array(4096)]), "big.pdf");
    expectProblem(await server.request(`/v1/probe/${id}`, { method: "POST", body: big }), 413, "payload-too-large");
  });

  it("should answer 404 problems for unknown routes", async () => {
    expectProblem(await server.request("/v1/nothing-here"), 404, "route-not-found");
  });

  it("should refuse writes from a foreign browser origin", async () => {
    const response = await server.request(`/v1/probe/${id}`, {
      method: "POST",
      headers: { origin: "https://evil.example" },
      json: { who, note: "", items: [] },
    });
    expectProblem(response, 403, "forbidden");
  });

  it("should rate limit with RateLimit headers and 429 problems", async () => {
    const limited = await start({ RATE_LIMIT_WRITE: "5" });
    let last;
    for (let i = 0; i < 8; i++) {
      last = await limited.request(`/v1/probe/${id}`, { method: "POST", json: { who, note: "", items: [] } });
      if (last.status === 429) break;
    }
    await limited.close();
    expect(last?.headers.get("ratelimit")).to.match(/^"write"; r=0; t=\d+$/);
    expect(last?.headers.get("ratelimit-policy")).to.match(/q=5/);
    expectProblem(last!, 429, "rate-limited");
  });
});
