import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Express } from "express";
import { expect } from "chai";
import type { ResponseChecker } from "./openapi";

/** A running app on a random loopback port, with a fetch that checks every response against OpenAPI. */
export interface TestServer {
  url: string;
  server: Server;
  request(path: string, init?: RequestInit & { json?: unknown }): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
  /** The raw body (downloads). */
  bytes: Uint8Array;
}

/** Listens on port 0 (never a fixed port: other suites run at the same time). */
export async function listen(app: Express, checker?: ResponseChecker): Promise<TestServer> {
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let cookie: string | undefined;
  return {
    url,
    server,
    async request(path, init = {}) {
      const headers = new Headers(init.headers);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set("content-type", "application/json");
        body = JSON.stringify(init.json);
      }
      if (cookie && !headers.has("cookie")) headers.set("cookie", cookie);
      const response = await fetch(url + path, { ...init, headers, body });
      const setCookie = response.headers.get("set-cookie");
      if (setCookie) cookie = setCookie.split(";")[0];
      const bytes = new Uint8Array(await response.arrayBuffer());
      const text = new TextDecoder().decode(bytes);
      const type = response.headers.get("content-type") ?? "";
      const parsed: unknown = /json/.test(type) && text ? JSON.parse(text) : text;
      checker?.check(init.method ?? "GET", path, response.status, type || null, parsed);
      return { status: response.status, headers: response.headers, body: parsed, text, bytes };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Asserts a problem document with the given status and stable code. */
export function expectProblem(response: TestResponse, status: number, code: string): void {
  expect(response.status, response.text).to.equal(status);
  expect(response.headers.get("content-type")).to.match(/^application\/problem\+json/);
  const body = response.body as { type: string; code: string; status: number; title: string };
  expect(body.code).to.equal(code);
  expect(body.type).to.equal(`urn:fontaine:problem:${code}`);
  expect(body.status).to.equal(status);
  expect(response.text).not.to.match(/\s+at\s+\S+\s\(|\/work\/|node_modules|\.ts:\d+/);
}
