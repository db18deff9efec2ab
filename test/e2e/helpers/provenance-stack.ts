import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { HDNodeWallet } from "ethers";
import { startApiService, type ApiService } from "../../../api/service";
import { silentLogger } from "../../../sdk/server";
import type { TypedData } from "../../../sdk/eip712";
import { deployFederation, freePort, startAnvil, type AnvilNode, type Federation } from "../../api/helpers/chain";
import { testConfig } from "../../api/helpers/config";
import { signTyped } from "../../api/helpers/signing";
import { databaseEnv, eventually } from "../../api/helpers/stack";

/** anvil + deployed contracts + seeded federation + the provenance API serving `web/dist`, on loopback. */
export interface ProvenanceStack {
  node: AnvilNode;
  federation: Federation;
  service: ApiService;
  /** The site's origin, e.g. `http://127.0.0.1:40123` (pages and API share it). */
  url: string;
  /** JSON request to the API from the test process. */
  api<T = unknown>(path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Signs and submits an attestation for `digest` as `signer`, then waits until it is recorded; returns its uid. */
  attest(signer: HDNodeWallet, digest: string, options?: { schema?: string; subject?: string }): Promise<string>;
  /** Revokes `uid` signed by `signer` and waits until the chain says so. */
  revoke(signer: HDNodeWallet, uid: string, reason?: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the whole provenance stack; the site origin is the SIWE origin so the browser's writes are accepted. */
export async function startProvenanceStack(suite: string): Promise<ProvenanceStack> {
  const node = await startAnvil();
  const federation = await deployFederation(node);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = testConfig({
    RPC_URL: node.url,
    SIWE_ORIGIN: url,
    RELAYER_POLL_MS: "50",
    INDEXER_POLL_MS: "50",
    BATCH_MAX_WAIT_MS: "200",
    RATE_LIMIT_READ: "100000",
    RATE_LIMIT_WRITE: "100000",
    ...databaseEnv(`e2e_${suite}`),
  });
  const service = await startApiService({ config, logger: silentLogger(), deployment: federation.fontaine.deployment });
  const server = await new Promise<Server>((resolve) => {
    const listening = service.app.listen(port, "127.0.0.1", () => resolve(listening));
  });
  if ((server.address() as AddressInfo).port !== port) throw new Error("the API did not listen on its port");

  async function api<T>(path: string, body?: unknown) {
    const response = await fetch(url + path, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async function attestation(uid: string) {
    const response = await api<{ status: string; relay: { status: string } | null }>(`/v1/attestations/${uid}`);
    return response.status === 200 ? response.body : undefined;
  }

  return {
    node,
    federation,
    service,
    url,
    api,
    async attest(signer, digest, options = {}) {
      const prepared = await api<{ typedData: TypedData<"Attest"> }>("/v1/attestations/prepare", {
        schema: options.schema ?? federation.selfSchema,
        subject: options.subject ?? federation.supplier.id,
        digest,
        signer: signer.address,
      });
      if (prepared.status !== 200) throw new Error(`prepare failed: ${JSON.stringify(prepared.body)}`);
      const typed = prepared.body.typedData;
      const submitted = await api<{ uid: string }>("/v1/attestations", {
        message: typed.message,
        signer: signer.address,
        signature: await signTyped(signer, typed),
      });
      if (submitted.status !== 202) throw new Error(`submit failed: ${JSON.stringify(submitted.body)}`);
      const uid = submitted.body.uid;
      await eventually(
        async () => (await attestation(uid))?.relay?.status === "anchored",
        30_000,
        `attestation ${uid} recorded`,
      );
      return uid;
    },
    async revoke(signer, uid, reason = "AUDIT_FAILED") {
      const prepared = await api<{ typedData: TypedData<"Revoke"> }>(`/v1/attestations/${uid}/revocation/prepare`, {
        reason,
      });
      const typed = prepared.body.typedData;
      const submitted = await api(`/v1/attestations/${uid}/revocation`, {
        message: typed.message,
        signer: signer.address,
        signature: await signTyped(signer, typed),
      });
      if (submitted.status !== 202) throw new Error(`revocation failed: ${JSON.stringify(submitted.body)}`);
      await eventually(async () => (await attestation(uid))?.status === "REVOKED", 30_000, `${uid} revoked`);
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await service.stop();
      await node.stop();
    },
  };
}
