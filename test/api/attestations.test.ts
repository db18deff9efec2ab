import { sql } from "drizzle-orm";
import { mined } from "../../sdk/chain";
import { expect } from "chai";
import { Wallet, type HDNodeWallet } from "ethers";
import { attestationRegistryDomain, buildAttestTypedData, type TypedData } from "../../sdk/eip712";
import { claimDigest, newSalt, reasonCode } from "../../sdk/hashing";
import { deployFederation, startAnvil, type AnvilNode, type Federation } from "./helpers/chain";
import { ApiProblemError, CLIENT_OPERATIONS, createApiClient } from "../../sdk/api-client";
import { expectProblem } from "./helpers/http";
import { signTyped } from "./helpers/signing";
import { validateOpenApiDocument } from "./helpers/openapi";
import { eventually, startStack, type ApiStack } from "./helpers/stack";

type Json = Record<string, unknown>;

const sign = signTyped;

describe("api attestations (anvil + real database)", function () {
  this.timeout(240_000);
  let node: AnvilNode;
  let federation: Federation;
  let stack: ApiStack;

  before(async () => {
    node = await startAnvil();
    federation = await deployFederation(node);
    stack = await startStack({ deployment: federation.fontaine.deployment, rpcUrl: node.url, suite: "attest" });
  });
  after(async () => {
    await stack?.stop();
    await node?.stop();
  });

  const request = (path: string, init?: RequestInit & { json?: unknown }) => stack.server.request(path, init);

  async function prepare(body: Json) {
    const response = await request("/v1/attestations/prepare", { method: "POST", json: body });
    expect(response.status, response.text).to.equal(200);
    return response.body as { typedData: TypedData<"Attest">; uid: string | null; digest: string };
  }

  async function attest(wallet: HDNodeWallet, schema = federation.selfSchema, subject = federation.supplier.id) {
    const digest = claimDigest({ claim: "no child labour", year: 2026 }, newSalt());
    const prepared = await prepare({ schema, subject, digest, signer: wallet.address });
    const signature = await sign(wallet, prepared.typedData);
    return { prepared, signature, body: { message: prepared.typedData.message, signer: wallet.address, signature } };
  }

  async function anchored(uid: string) {
    return eventually(
      async () => {
        const response = await request(`/v1/attestations/${uid}`);
        const body = response.body as { status: string; relay: { status: string } | null };
        return response.status === 200 && body.status !== "UNKNOWN" && body.relay?.status === "anchored"
          ? body
          : undefined;
      },
      20_000,
      `attestation ${uid} anchored`,
    );
  }

  it("should publish a valid OpenAPI 3.1 document covering every route", async () => {
    const document = (await request("/openapi.json")).body as { paths: Record<string, unknown> };
    const result = await validateOpenApiDocument(document);
    expect(result.valid, JSON.stringify(result.errors)).to.equal(true);
    expect(Object.keys(document.paths)).to.include.members([
      "/v1/auth/nonce",
      "/v1/auth/login",
      "/v1/auth/logout",
      "/v1/organisations",
      "/v1/organisations/{id}",
      "/v1/schemas",
      "/v1/schemas/{id}",
      "/v1/attestations/prepare",
      "/v1/attestations",
      "/v1/attestations/{uid}",
      "/v1/attestations/{uid}/endorsement/prepare",
      "/v1/attestations/{uid}/endorsement",
      "/v1/attestations/{uid}/revocation/prepare",
      "/v1/attestations/{uid}/revocation",
      "/v1/verify",
    ]);
  });

  it("should have a typed client whose every operation is in the OpenAPI document, and that works", async () => {
    const document = (await request("/openapi.json")).body as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    for (const [operationId, { method, path }] of Object.entries(CLIENT_OPERATIONS)) {
      const operation = document.paths[path]?.[method.toLowerCase()];
      expect(operation?.operationId, `${method} ${path}`).to.equal(operationId);
    }
    const client = createApiClient({ baseUrl: stack.server.url });
    const { prepared, signature } = await attest(federation.supplier.key);
    const accepted = await client.submitAttestation({
      message: prepared.typedData.message,
      signer: federation.supplier.key.address,
      signature,
    });
    expect(accepted.uid).to.equal(prepared.uid);
    await anchored(accepted.uid);
    expect((await client.verify({ digest: prepared.digest })).verdict).to.equal("VALID");
    const missing = await client.schema(`0x${"00".repeat(32)}`).catch((error: unknown) => error);
    expect(missing).to.be.instanceOf(ApiProblemError);
    expect((missing as ApiProblemError).problem.code).to.equal("schema-not-found");
  });

  it("should index organisations, keys and schemas from the chain", async () => {
    const organisation = await eventually(async () => {
      const response = await request(`/v1/organisations/${federation.supplier.id}`);
      return response.status === 200
        ? (response.body as { kind: string; keys: Array<{ address: string }> })
        : undefined;
    });
    expect(organisation.kind).to.equal("supplier");
    expect(organisation.keys.map((key) => key.address)).to.deep.equal([federation.supplier.key.address]);
    const list = await request("/v1/organisations?limit=2");
    expect((list.body as { items: unknown[]; nextCursor: string }).items).to.have.length(2);
    const next = await request(`/v1/organisations?limit=2&cursor=${(list.body as { nextCursor: string }).nextCursor}`);
    expect((next.body as { items: unknown[] }).items).to.have.length(2);
    const schema = await request(`/v1/schemas/${federation.certifiedSchema}`);
    expect(schema.body).to.deep.include({ attesterRule: "certifier", active: true });
    expectProblem(await request(`/v1/schemas/0x${"00".repeat(32)}`), 404, "schema-not-found");
  });

  it("should accept a signed attestation with 202, relay it, index it and verify it", async () => {
    const { prepared, body } = await attest(federation.supplier.key);
    const response = await request("/v1/attestations", { method: "POST", json: body });
    expect(response.status, response.text).to.equal(202);
    expect(response.body).to.deep.include({ uid: prepared.uid, status: "queued" });
    expect(response.headers.get("location")).to.equal(`/v1/attestations/${prepared.uid}`);
    const record = (await anchored(prepared.uid!)) as unknown as Json;
    expect(record).to.deep.include({ status: "VALID", attester: federation.supplier.id, digest: prepared.digest });
    expect(record.txHash).to.match(/^0x[0-9a-f]{64}$/);

    const verdict = await request("/v1/verify", { method: "POST", json: { digest: prepared.digest } });
    expect(verdict.body).to.deep.include({ verdict: "VALID" });
    expect((verdict.body as { attestations: Json[] }).attestations.map((item) => item.uid)).to.deep.equal([
      prepared.uid,
    ]);

    const again = await request("/v1/attestations", { method: "POST", json: body });
    expectProblem(again, 409, "already-submitted");
  });

  it("should answer 409 already-attested for a payload someone else anchored first", async () => {
    const { prepared, signature } = await attest(federation.supplier.key);
    const m = prepared.typedData.message;
    const registry = federation.fontaine.attestationRegistry.connect(federation.governor);
    const attestRequest = {
      schema: m.schema,
      subject: m.subject,
      digest: m.digest,
      expiry: m.expiry,
      ref: m.ref,
      nonce: m.nonce,
    };
    await mined(registry.attestBySig(attestRequest, federation.supplier.key.address, m.deadline, signature));
    const response = await request("/v1/attestations", {
      method: "POST",
      json: { message: m, signer: federation.supplier.key.address, signature },
    });
    expectProblem(response, 409, "already-attested");
  });

  it("should answer 409 nonce-used for a signature whose nonce the signer cancelled", async () => {
    const { prepared, body } = await attest(federation.supplier.key);
    const registry = federation.fontaine.attestationRegistry.connect(federation.supplier.key);
    await mined(registry.cancelNonce(prepared.typedData.message.nonce));
    expectProblem(await request("/v1/attestations", { method: "POST", json: body }), 409, "nonce-used");
  });

  it("should decide valid submissions locally and leave refusals to the contract simulation", async () => {
    const checks = async () => {
      const metric = await stack.service.metrics.getSingleMetric("fontaine_api_attestation_checks_total")?.get();
      const value = (by: string) => metric?.values.find((entry) => entry.labels.by === by)?.value ?? 0;
      return { local: value("local"), simulation: value("simulation") };
    };
    const before = await checks();
    const valid = await Promise.all([attest(federation.supplier.key), attest(federation.otherSupplier.key)]);
    for (const { body } of valid) {
      const response = await request("/v1/attestations", { method: "POST", json: body });
      expect(response.status, response.text).to.equal(202);
    }
    const refused = await attest(federation.supplier.key);
    expectProblem(
      await request("/v1/attestations", {
        method: "POST",
        json: { ...refused.body, signer: federation.otherSupplier.key.address },
      }),
      401,
      "invalid-signature",
    );
    const after = await checks();
    expect(after.local - before.local).to.equal(2);
    expect(after.simulation - before.simulation).to.equal(1);
  });

  it("should hash an uploaded file and verify by upload", async () => {
    const pdf = new Uint8Array(Buffer.from(`%PDF-1.7 audit report ${Date.now()}`));
    const form = new FormData();
    form.set("schema", federation.selfSchema);
    form.set("subject", federation.supplier.id);
    form.set("signer", federation.supplier.key.address);
    form.set("file", new Blob([pdf], { type: "application/pdf" }), "audit.pdf");
    const response = await request("/v1/attestations/prepare", { method: "POST", body: form });
    expect(response.status, response.text).to.equal(200);
    const prepared = response.body as { typedData: TypedData<"Attest">; uid: string; digest: string };
    const signature = await sign(federation.supplier.key, prepared.typedData);
    const submitted = await request("/v1/attestations", {
      method: "POST",
      json: { message: prepared.typedData.message, signer: federation.supplier.key.address, signature },
    });
    expect(submitted.status).to.equal(202);
    await anchored(prepared.uid);
    const verifyForm = new FormData();
    verifyForm.set("file", new Blob([pdf]), "audit.pdf");
    const verdict = await request("/v1/verify", { method: "POST", body: verifyForm });
    expect(verdict.body).to.deep.include({ verdict: "VALID", digest: prepared.digest });
    const unknownForm = new FormData();
    unknownForm.set("file", new Blob([new Uint8Array([1, 2, 3])]), "other.pdf");
    expect((await request("/v1/verify", { method: "POST", body: unknownForm })).body).to.deep.include({
      verdict: "UNKNOWN",
    });
  });

  describe("signature checks before anything is queued", () => {
    it("should refuse a signature for another chain id or another contract (401)", async () => {
      const { prepared } = await attest(federation.supplier.key);
      const m = prepared.typedData.message;
      const registryAddress = federation.fontaine.deployment.contracts.AttestationRegistry.address;
      for (const domain of [
        attestationRegistryDomain(1, registryAddress),
        attestationRegistryDomain(node.chainId, federation.fontaine.deployment.contracts.LotRegistry.address),
      ]) {
        const signature = await sign(federation.supplier.key, buildAttestTypedData(domain, m));
        const response = await request("/v1/attestations", {
          method: "POST",
          json: { message: m, signer: federation.supplier.key.address, signature },
        });
        expectProblem(response, 401, "invalid-signature");
      }
    });

    it("should refuse a wrong signer (401), an unregistered key (403), a missing accreditation (403), a passed deadline (422)", async () => {
      const { prepared, signature } = await attest(federation.supplier.key);
      const m = prepared.typedData.message;
      const wrongSigner = await request("/v1/attestations", {
        method: "POST",
        json: { message: m, signer: federation.otherSupplier.key.address, signature },
      });
      expectProblem(wrongSigner, 401, "invalid-signature");

      const stranger = Wallet.createRandom();
      const strangerTyped = (
        await prepare({ schema: federation.selfSchema, subject: federation.supplier.id, digest: m.digest })
      ).typedData;
      const unregistered = await request("/v1/attestations", {
        method: "POST",
        json: {
          message: strangerTyped.message,
          signer: stranger.address,
          signature: await sign(stranger, strangerTyped),
        },
      });
      expectProblem(unregistered, 403, "forbidden");

      const certified = await attest(federation.supplier.key, federation.certifiedSchema);
      expectProblem(await request("/v1/attestations", { method: "POST", json: certified.body }), 403, "forbidden");

      const domain = prepared.typedData.domain;
      const late = buildAttestTypedData(domain, { ...m, nonce: "77", deadline: Math.floor(Date.now() / 1000) - 10 });
      const expired = await request("/v1/attestations", {
        method: "POST",
        json: {
          message: late.message,
          signer: federation.supplier.key.address,
          signature: await sign(federation.supplier.key, late),
        },
      });
      expectProblem(expired, 422, "deadline-passed");
    });

    it("should refuse a high-s malleated signature and a wrong-length signature", async () => {
      const { body } = await attest(federation.supplier.key);
      const { Signature } = await import("ethers");
      const parsed = Signature.from(body.signature);
      const n = BigInt("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
      const highS = "0x" + (n - BigInt(parsed.s)).toString(16).padStart(64, "0");
      const malleated = parsed.r + highS.slice(2) + (parsed.v === 27 ? "1c" : "1b");
      expectProblem(
        await request("/v1/attestations", { method: "POST", json: { ...body, signature: malleated } }),
        401,
        "invalid-signature",
      );
      expectProblem(
        await request("/v1/attestations", {
          method: "POST",
          json: { ...body, signature: body.signature.slice(0, 100) },
        }),
        401,
        "invalid-signature",
      );
    });
  });

  it("should let an accredited certifier endorse and the attester revoke, with the status following the chain", async () => {
    const { prepared, body } = await attest(federation.supplier.key);
    expect((await request("/v1/attestations", { method: "POST", json: body })).status).to.equal(202);
    await anchored(prepared.uid!);

    const uid = prepared.uid!;
    const endorsePrep = await request(`/v1/attestations/${uid}/endorsement/prepare`, { method: "POST", json: {} });
    const endorseTyped = (endorsePrep.body as { typedData: TypedData<"Endorse"> }).typedData;
    const wrongRole = await request(`/v1/attestations/${uid}/endorsement`, {
      method: "POST",
      json: {
        message: endorseTyped.message,
        signer: federation.member.key.address,
        signature: await sign(federation.member.key, endorseTyped),
      },
    });
    expectProblem(wrongRole, 403, "forbidden");
    const endorsed = await request(`/v1/attestations/${uid}/endorsement`, {
      method: "POST",
      json: {
        message: endorseTyped.message,
        signer: federation.certifier.key.address,
        signature: await sign(federation.certifier.key, endorseTyped),
      },
    });
    expect(endorsed.status, endorsed.text).to.equal(202);
    await eventually(
      async () => ((await request(`/v1/attestations/${uid}`)).body as { endorsed: boolean }).endorsed,
      20_000,
      "endorsed",
    );

    const revokePrep = await request(`/v1/attestations/${uid}/revocation/prepare`, {
      method: "POST",
      json: { reason: "AUDIT_FAILED" },
    });
    const revokeTyped = (revokePrep.body as { typedData: TypedData<"Revoke"> }).typedData;
    const notAttester = await request(`/v1/attestations/${uid}/revocation`, {
      method: "POST",
      json: {
        message: revokeTyped.message,
        signer: federation.otherSupplier.key.address,
        signature: await sign(federation.otherSupplier.key, revokeTyped),
      },
    });
    expectProblem(notAttester, 403, "forbidden");
    const revoked = await request(`/v1/attestations/${uid}/revocation`, {
      method: "POST",
      json: {
        message: revokeTyped.message,
        signer: federation.supplier.key.address,
        signature: await sign(federation.supplier.key, revokeTyped),
      },
    });
    expect(revoked.status, revoked.text).to.equal(202);
    await eventually(
      async () => {
        const verdict = await request("/v1/verify", { method: "POST", json: { digest: prepared.digest } });
        return (verdict.body as { verdict: string }).verdict === "NOT_VALID" ? verdict : undefined;
      },
      20_000,
      "revocation visible in verify",
    );
    expect(((await request(`/v1/attestations/${uid}`)).body as { status: string }).status).to.equal("REVOKED");
    // Why, as the attester signed it: in the record, in a list and in a verdict.
    type WithRevocation = {
      uid: string;
      revocation: { reason: string; reasonCode: string; blockNumber: number } | null;
    };
    const record = await eventually(
      async () => {
        const body = (await request(`/v1/attestations/${uid}`)).body as WithRevocation;
        return body.revocation ? body : undefined;
      },
      20_000,
      "revocation reason indexed",
    );
    expect(record.revocation).to.include({ reason: "AUDIT_FAILED", reasonCode: reasonCode("AUDIT_FAILED") });
    expect(record.revocation!.blockNumber).to.be.a("number").and.greaterThan(0);
    const verdict = await request("/v1/verify", { method: "POST", json: { digest: prepared.digest } });
    expect((verdict.body as { attestations: WithRevocation[] }).attestations[0]!.revocation).to.deep.equal(
      record.revocation,
    );
    const listed = await request(`/v1/attestations?subject=${federation.supplier.id}&limit=100`);
    const items = (listed.body as { items: WithRevocation[] }).items;
    expect(items.find((item) => item.uid === uid)!.revocation).to.deep.equal(record.revocation);
    const standing = (items as (WithRevocation & { status: string })[]).filter((item) => item.status !== "REVOKED");
    expect(standing.every((item) => item.revocation === null)).to.equal(true);
  });

  it("should batch concurrent submissions into Merkle roots and verify leaves against the chain", async () => {
    const submissions = await Promise.all(Array.from({ length: 24 }, () => attest(federation.supplier.key)));
    const responses = await Promise.all(
      submissions.map((s) => request("/v1/attestations", { method: "POST", json: s.body })),
    );
    expect(responses.map((r) => r.status)).to.deep.equal(Array(24).fill(202));
    const records = await Promise.all(submissions.map((s) => anchored(s.prepared.uid!)));
    const roots = new Set(records.map((r) => (r as unknown as { batchRoot: string | null }).batchRoot));
    expect([...roots].filter(Boolean).length, "some leaves are anchored in Merkle batches").to.be.greaterThan(0);
    for (const record of records) expect((record as { status: string }).status).to.equal("VALID");
    const page = await request(`/v1/attestations?subject=${federation.supplier.id}&limit=10`);
    expect((page.body as { items: unknown[]; nextCursor: string | null }).items).to.have.length(10);
    expect((page.body as { nextCursor: string | null }).nextCursor).to.be.a("string");
  });

  it("should reclaim dead rows of the embedded database in its upkeep (PGlite has no autovacuum)", async function () {
    if (stack.service.database.kind !== "pglite") this.skip();
    await stack.service.maintenance();
    const result = (await stack.service.database.db.execute(
      sql.raw(
        "select count(*)::int as n from pg_stat_user_tables where relname = 'relay_jobs' and last_vacuum is not null",
      ),
    )) as unknown as { rows: { n: number }[] };
    expect(result.rows[0]?.n).to.equal(1);
  });
});
