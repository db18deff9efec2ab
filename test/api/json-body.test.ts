import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { expect } from "chai";
import express, { type ErrorRequestHandler } from "express";
import { fastJsonBody } from "../../api/http/middleware";

const LIMIT = 256;

/** An app echoing what its body parsers made of a request: `req.body`, or the error's status and type. */
function echoApp(fast: boolean): express.Express {
  const app = express();
  if (fast) app.use(fastJsonBody(LIMIT));
  app.use(express.json({ limit: LIMIT, strict: true, type: "application/json" }));
  app.post("/echo", (req, res) => {
    res.json({ parsed: Reflect.has(req, "body"), body: (req as { body?: unknown }).body ?? null });
  });
  const errors: ErrorRequestHandler = (error: { status?: number; type?: string }, _req, res, _next) => {
    res.status(error.status ?? 500).json({ type: error.type ?? "unknown" });
  };
  app.use(errors);
  return app;
}

describe("api/http fastJsonBody: the same answers as express.json", () => {
  const servers: Server[] = [];
  let urls: { fast: string; reference: string };

  before(async () => {
    const start = (app: express.Express) =>
      new Promise<string>((resolve) => {
        const server = app.listen(0, "127.0.0.1", () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        );
        servers.push(server);
      });
    urls = { fast: await start(echoApp(true)), reference: await start(echoApp(false)) };
  });
  after(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  const cases: Array<[string, Buffer | string, string | undefined]> = [
    ["an object", '{"a":1,"b":[true,null]}', "application/json"],
    ["an array", "[1,2,3]", "application/json"],
    ["leading whitespace", ' \n\t\r{"a":1}', "application/json"],
    ["a UTF-8 byte order mark", Buffer.concat([bom, Buffer.from('{"a":1}')]), "application/json"],
    ["an explicit UTF-8 charset", '{"a":"é"}', "application/json; charset=utf-8"],
    ["another spelling of the type (express.json's path)", '{"a":1}', "application/json;charset=UTF-8"],
    ["a Latin-1 charset (415)", '{"a":1}', "application/json; charset=latin1"],
    ["a string (strict mode: 400)", '"text"', "application/json"],
    ["null (strict mode: 400)", "null", "application/json"],
    ["truncated JSON (400)", '{"a":', "application/json"],
    ["trailing garbage (400)", '{"a":1}x', "application/json"],
    ["a __proto__ key", '{"__proto__":{"polluted":true},"a":1}', "application/json"],
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), "application/json"],
    ["a body at the limit", `{"a":"${"x".repeat(LIMIT - 8)}"}`, "application/json"],
    ["a body over the limit (413)", `{"a":"${"x".repeat(LIMIT)}"}`, "application/json"],
    ["an empty body", "", "application/json"],
    ["no content type", '{"a":1}', undefined],
    ["another content type", '{"a":1}', "text/plain"],
  ];
  for (const [what, body, type] of cases) {
    it(`should answer ${what} as express.json does`, async () => {
      const send = async (url: string) => {
        const response = await fetch(`${url}/echo`, {
          method: "POST",
          headers: type === undefined ? {} : { "content-type": type },
          body: typeof body === "string" ? body : new Uint8Array(body),
        });
        return { status: response.status, body: await response.text() };
      };
      const [fast, reference] = [await send(urls.fast), await send(urls.reference)];
      expect(fast).to.deep.equal(reference);
    });
  }

  it("should leave a body parsed by an earlier parser alone", async () => {
    const app = express();
    app.use(express.json({ limit: LIMIT * 4 }));
    app.use(fastJsonBody(LIMIT));
    app.post("/echo", (req, res) => {
      res.json((req as { body?: unknown }).body ?? null);
    });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
    });
    try {
      const big = { a: "x".repeat(LIMIT * 2) };
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/echo`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(big),
      });
      expect(await response.json()).to.deep.equal(big);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
