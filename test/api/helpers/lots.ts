import { expect } from "chai";
import type { HDNodeWallet } from "ethers";
import { SiweMessage } from "siwe";
import type { TypedData } from "../../../sdk/eip712";
import { listen, type TestServer } from "./http";
import { signTyped } from "./signing";
import { eventually, type ApiStack } from "./stack";

type Json = Record<string, unknown>;

/** The API under test: its service, and the OpenAPI checker when the test has one. */
export type ServiceUnderTest = Pick<ApiStack, "service"> & Partial<Pick<ApiStack, "checker">>;

/** A client signed in (SIWE) as `wallet`, its session cookie kept. */
export async function signedIn(stack: ServiceUnderTest, wallet: HDNodeWallet): Promise<TestServer> {
  const http = await listen(stack.service.app, stack.checker);
  const nonce = (await http.request("/v1/auth/nonce")).body as Json;
  const message = new SiweMessage({
    domain: nonce.domain as string,
    address: wallet.address,
    statement: "Sign in to Fontaine",
    uri: nonce.uri as string,
    version: "1",
    chainId: nonce.chainId as number,
    nonce: nonce.nonce as string,
    issuedAt: new Date().toISOString(),
  }).prepareMessage();
  const signature = await wallet.signMessage(message);
  const login = await http.request("/v1/auth/login", { method: "POST", json: { message, signature } });
  expect(login.status, login.text).to.equal(200);
  return http;
}

/** Prepares, signs and submits a lot; waits until its commitment is on chain. Returns its id. */
export async function createLot(
  stack: ServiceUnderTest,
  http: TestServer,
  wallet: HDNodeWallet,
  fields: Json,
): Promise<string> {
  const prepared = await http.request("/v1/lots/prepare", { method: "POST", json: fields });
  expect(prepared.status, prepared.text).to.equal(200);
  const { typedData, record, salt } = prepared.body as { typedData: TypedData<"Commit">; record: Json; salt: string };
  const signature = await signTyped(wallet, typedData);
  const submitted = await http.request("/v1/lots", {
    method: "POST",
    json: { record, salt, message: typedData.message, signer: wallet.address, signature },
  });
  expect(submitted.status, submitted.text).to.equal(202);
  const lotId = record.lotId as string;
  const registry = stack.service.chain.contracts.LotRegistry;
  await eventually(
    async () => {
      const lot = (await registry.getFunction("lot").staticCall(lotId)) as { versions: bigint };
      return lot.versions >= 1n;
    },
    30_000,
    `lot ${lotId} on chain`,
  );
  return lotId;
}

/** The lot's bundle from its owner, imported by `into`. */
export async function passBundle(owner: TestServer, lotId: string, into: TestServer): Promise<unknown> {
  const bundled = await owner.request(`/v1/lots/${lotId}/bundle`, { method: "POST" });
  expect(bundled.status, bundled.text).to.equal(200);
  const imported = await into.request("/v1/bundles", { method: "POST", json: bundled.body });
  expect(imported.status, imported.text).to.equal(201);
  return bundled.body;
}

/** Prepares, signs and submits a flag of `lotId`; returns the submit response and what was sent. */
export async function flagLot(
  http: TestServer,
  wallet: HDNodeWallet,
  lotId: string,
  reason: string,
  note?: string,
): Promise<{ status: number; text: string; body: unknown; sent: Json }> {
  const prepared = await http.request(`/v1/lots/${lotId}/flag/prepare`, { method: "POST", json: { reason, note } });
  expect(prepared.status, prepared.text).to.equal(200);
  const { typedData } = prepared.body as { typedData: TypedData<"Flag"> };
  const signature = await signTyped(wallet, typedData);
  const sent = { reason, nonce: typedData.message.nonce, deadline: typedData.message.deadline, signature, note };
  const response = await http.request(`/v1/lots/${lotId}/flag`, { method: "POST", json: sent });
  return { ...response, sent };
}
