import { mined } from "../../sdk/chain";
import { expect } from "chai";
import type { HDNodeWallet } from "ethers";
import { eq } from "drizzle-orm";
import { claimDigest, newSalt, reasonCode } from "../../sdk/hashing";
import { attestationUid } from "../../sdk/uid";
import type { TypedData } from "../../sdk/eip712";
import { lotShares } from "../../api/db/lots.schema";
import { deployFederation, startAnvil, type AnvilNode, type Federation } from "./helpers/chain";
import { expectProblem, listen, type TestServer } from "./helpers/http";
import { signTyped } from "./helpers/signing";
import { createLot as createLotAs, signedIn as signedInAs } from "./helpers/lots";
import { eventually, startStack, type ApiStack } from "./helpers/stack";

type Json = Record<string, unknown>;

describe("api lots, bundles and shares (anvil + real database)", function () {
  this.timeout(240_000);
  let node: AnvilNode;
  let federation: Federation;
  let stack: ApiStack;
  let supplier: TestServer;
  let member: TestServer;
  let other: TestServer;
  let anonymous: TestServer;

  const signedIn = (wallet: HDNodeWallet) => signedInAs(stack, wallet);
  const createLot = (http: TestServer, wallet: HDNodeWallet, fields: Json) => createLotAs(stack, http, wallet, fields);

  async function verify(bundle: unknown) {
    const response = await anonymous.request("/v1/bundles/verify", { method: "POST", json: bundle });
    expect(response.status, response.text).to.equal(200);
    return response.body as {
      ok: boolean;
      outcome: string;
      lots: { lotId: string; outcome: string }[];
      attestations: { uid: string; findings: { code: string; message: string }[] }[];
    };
  }

  let attestation: string;
  let relayedAttestation: string;
  let supplierLot: string;
  let memberLot: string;
  let supplierBundle: unknown;

  before(async () => {
    node = await startAnvil();
    federation = await deployFederation(node);
    stack = await startStack({ deployment: federation.fontaine.deployment, rpcUrl: node.url, suite: "lots" });
    supplier = await signedIn(federation.supplier.key);
    member = await signedIn(federation.member.key);
    other = await signedIn(federation.otherSupplier.key);
    anonymous = await listen(stack.service.app, stack.checker);
    // The supplier's self-declaration covering its lot, sent directly by its key.
    const request = {
      schema: federation.selfSchema,
      subject: federation.supplier.id,
      digest: newSalt(),
      expiry: 0n,
      ref: "0x" + "00".repeat(32),
      nonce: 1n,
    };
    const registry = federation.fontaine.attestationRegistry.connect(federation.supplier.key);
    await mined(registry.getFunction("attest")(request));
    attestation = attestationUid({ ...request, signer: federation.supplier.key.address }).toLowerCase();
    // A second one signed in the wallet and relayed by the API, which can therefore disclose it in bundles.
    const prepared = await anonymous.request("/v1/attestations/prepare", {
      method: "POST",
      json: {
        schema: federation.selfSchema,
        subject: federation.supplier.id,
        digest: claimDigest({ claim: "living wage", year: 2026 }, newSalt()),
        signer: federation.supplier.key.address,
      },
    });
    const { typedData, uid } = prepared.body as { typedData: TypedData<"Attest">; uid: string };
    const signature = await signTyped(federation.supplier.key, typedData);
    const submitted = await anonymous.request("/v1/attestations", {
      method: "POST",
      json: { message: typedData.message, signer: federation.supplier.key.address, signature },
    });
    expect(submitted.status, submitted.text).to.equal(202);
    relayedAttestation = uid;
    await eventually(
      async () => {
        const body = (await anonymous.request(`/v1/attestations/${uid}`)).body as { relay: { status: string } | null };
        return body.relay?.status === "anchored";
      },
      30_000,
      "relayed attestation anchored",
    );
  });
  after(async () => {
    for (const http of [supplier, member, other, anonymous]) await http?.close();
    await stack?.stop();
    await node?.stop();
  });

  it("should carry a supplier lot through its bundle into a member lot that anyone verifies from a share link", async () => {
    supplierLot = await createLot(supplier, federation.supplier.key, {
      product: "Dark couverture 70%",
      quantity: "800",
      unit: "kg",
      producedOn: "2026-05-02",
      attestations: [attestation, relayedAttestation],
    });
    const bundled = await supplier.request(`/v1/lots/${supplierLot}/bundle`, { method: "POST" });
    expect(bundled.status, bundled.text).to.equal(200);
    supplierBundle = bundled.body;
    const disclosed = (supplierBundle as { attestations: { uid: string; signed?: unknown }[] }).attestations;
    expect(disclosed.map((item) => item.uid)).to.deep.equal([relayedAttestation]);
    expect(disclosed[0]!.signed).to.not.equal(undefined);
    const imported = await member.request("/v1/bundles", { method: "POST", json: supplierBundle });
    expect(imported.status, imported.text).to.equal(201);
    expect((imported.body as { lots: { lotId: string }[] }).lots.map((lot) => lot.lotId)).to.include(supplierLot);
    // The import is listed for the member on any device, and for nobody else.
    const imports = await member.request("/v1/bundles");
    expect(imports.status, imports.text).to.equal(200);
    const [latest] = (imports.body as { items: { id: number; importedAt: string; lots: { lotId: string }[] }[] }).items;
    expect(latest?.id).to.equal((imported.body as { id: number }).id);
    expect(latest?.lots.find((lot) => lot.lotId === supplierLot)).to.deep.include({
      product: "Dark couverture 70%",
      quantity: "800",
      unit: "kg",
    });
    expect(((await other.request("/v1/bundles")).body as { items: unknown[] }).items).to.deep.equal([]);
    expectProblem(await anonymous.request("/v1/bundles"), 401, "unauthenticated");

    memberLot = await createLot(member, federation.member.key, {
      product: "Fondue chocolate",
      quantity: "200",
      unit: "kg",
      parents: [{ lotId: supplierLot, quantity: "200" }],
    });
    const share = await member.request(`/v1/lots/${memberLot}/shares`, { method: "POST", json: {} });
    expect(share.status, share.text).to.equal(201);
    const { token, url } = share.body as { token: string; url: string };
    expect(url).to.match(new RegExp(`/verify/#share=${token}$`));
    const shared = await anonymous.request(`/v1/shared/${token}`);
    expect(shared.status, shared.text).to.equal(200);
    const bundle = shared.body as { subject: string; lots: { lotId: string }[] };
    expect(bundle.subject).to.equal(memberLot);
    expect(bundle.lots.map((lot) => lot.lotId)).to.have.members([memberLot, supplierLot]);
    const verdict = await verify(bundle);
    expect(verdict.ok, JSON.stringify(verdict)).to.equal(true);
    expect(verdict.lots.map((lot) => lot.outcome)).to.not.include("fail");
    const relayed = verdict.attestations.find((item) => item.uid === relayedAttestation);
    expect(relayed?.findings.map((finding) => finding.code)).to.deep.equal([]);
  });

  it("should name a tampered record in the verdict and refuse to import a tampered bundle", async () => {
    const tampered = JSON.parse(JSON.stringify(supplierBundle)) as { lots: { record: { quantity: string } }[] };
    tampered.lots[0]!.record.quantity = "8000";
    const verdict = await verify(tampered);
    expect(verdict.ok).to.equal(false);
    expect(JSON.stringify(verdict.lots[0])).to.contain("lot.commitment-mismatch");
    expectProblem(await other.request("/v1/bundles", { method: "POST", json: tampered }), 422, "bundle-invalid");
    // Bundles carry documents: far above the 64 KiB JSON limit of other routes, still verified.
    const withDocument = {
      ...(supplierBundle as Json),
      documents: [
        { digest: newSalt(), name: "audit.pdf", mediaType: "application/pdf", contentBase64: "QUJD".repeat(50_000) },
      ],
    };
    const large = await verify(withDocument);
    expect(JSON.stringify(large)).to.contain("document.digest-mismatch");
    expectProblem(
      await anonymous.request("/v1/bundles/verify", { method: "POST", json: { format: "other" } }),
      400,
      "invalid-request",
    );
  });

  it("should append a version when the owner amends a lot, and bundle the latest", async () => {
    const amended = await member.request(`/v1/lots/${memberLot}/prepare`, {
      method: "POST",
      json: {
        product: "Fondue chocolate",
        quantity: "250",
        unit: "kg",
        parents: [{ lotId: supplierLot, quantity: "250" }],
      },
    });
    expect(amended.status, amended.text).to.equal(200);
    const { typedData, record, salt } = amended.body as { typedData: TypedData<"Commit">; record: Json; salt: string };
    expect(record.lotId).to.equal(memberLot);
    const signature = await signTyped(federation.member.key, typedData);
    const submitted = await member.request("/v1/lots", {
      method: "POST",
      json: { record, salt, message: typedData.message, signer: federation.member.key.address, signature },
    });
    expect(submitted.status, submitted.text).to.equal(202);
    expect((submitted.body as { version: number }).version).to.equal(2);
    const registry = stack.service.chain.contracts.LotRegistry;
    await eventually(
      async () => {
        const lot = (await registry.getFunction("lot").staticCall(memberLot)) as { versions: bigint };
        return lot.versions >= 2n;
      },
      30_000,
      "second version on chain",
    );
    const lot = (await member.request(`/v1/lots/${memberLot}`)).body as { version: number; record: Json };
    expect(lot.version).to.equal(2);
    expect(lot.record.quantity).to.equal("250");
    const bundle = (await member.request(`/v1/lots/${memberLot}/bundle`, { method: "POST" })).body;
    const verdict = await verify(bundle);
    expect(verdict.ok, JSON.stringify(verdict)).to.equal(true);
    expectProblem(
      await other.request(`/v1/lots/${memberLot}/prepare`, {
        method: "POST",
        json: { product: "x", quantity: "1", unit: "kg" },
      }),
      404,
      "lot-not-found",
    );
  });

  it("should refuse a submission whose record, salt, owner or signature does not match, storing nothing", async () => {
    const before = ((await supplier.request("/v1/lots")).body as { items: unknown[] }).items.length;
    const prepared = await supplier.request("/v1/lots/prepare", {
      method: "POST",
      json: { product: "Cocoa nibs", quantity: "10", unit: "kg" },
    });
    const { typedData, record, salt } = prepared.body as { typedData: TypedData<"Commit">; record: Json; salt: string };
    const signature = await signTyped(federation.supplier.key, typedData);
    const body = { record, salt, message: typedData.message, signer: federation.supplier.key.address, signature };
    const submit = (json: unknown, http = supplier) => http.request("/v1/lots", { method: "POST", json });
    expectProblem(await submit({ ...body, salt: newSalt() }), 400, "invalid-request");
    expectProblem(await submit({ ...body, record: { ...record, quantity: "11" } }), 400, "invalid-request");
    expectProblem(await submit(body, other), 400, "invalid-request");
    const forged = await signTyped(federation.otherSupplier.key, typedData);
    const wrongSigner = await submit({ ...body, signature: forged });
    expect(wrongSigner.status, wrongSigner.text).to.be.oneOf([401, 403]);
    expect(((await supplier.request("/v1/lots")).body as { items: unknown[] }).items.length).to.equal(before);
    expect((await submit(body)).status).to.equal(202);
    expectProblem(await submit(body), 409, "already-submitted");
    expect(((await supplier.request("/v1/lots")).body as { items: { version: number }[] }).items.length).to.equal(
      before + 1,
    );
    const lot = (await supplier.request(`/v1/lots/${record.lotId as string}`)).body as { version: number };
    expect(lot.version).to.equal(1);
  });

  it("should refuse a lot taking more than its parent holds, with the reason", async () => {
    const response = await member.request("/v1/lots/prepare", {
      method: "POST",
      json: { product: "Too much", quantity: "700", unit: "kg", parents: [{ lotId: supplierLot, quantity: "601" }] },
    });
    expectProblem(response, 422, "exceeds-parent");
    expect((response.body as { detail: string }).detail).to.contain("holds 800 kg");
    const unknown = await member.request("/v1/lots/prepare", {
      method: "POST",
      json: { product: "x", quantity: "1", unit: "kg", parents: [{ lotId: newSalt(), quantity: "1" }] },
    });
    expectProblem(unknown, 404, "parent-not-found");
  });

  it("should answer 404 to any other organisation on every private route", async () => {
    expectProblem(await other.request(`/v1/lots/${memberLot}`), 404, "lot-not-found");
    expectProblem(await other.request(`/v1/lots/${memberLot}/bundle`, { method: "POST" }), 404, "lot-not-found");
    expectProblem(
      await other.request(`/v1/lots/${memberLot}/shares`, { method: "POST", json: {} }),
      404,
      "lot-not-found",
    );
    const list = await other.request("/v1/lots");
    expect((list.body as { items: unknown[] }).items).to.deep.equal([]);
    // Another organisation cannot use the member's lot as a parent either.
    const parent = await other.request("/v1/lots/prepare", {
      method: "POST",
      json: { product: "x", quantity: "1", unit: "kg", parents: [{ lotId: memberLot, quantity: "1" }] },
    });
    expectProblem(parent, 404, "parent-not-found");
    const share = await member.request(`/v1/lots/${memberLot}/shares`, { method: "POST", json: {} });
    const { token } = share.body as { token: string };
    expectProblem(await other.request(`/v1/shares/${token}`, { method: "DELETE" }), 404, "share-not-found");
    expect((await anonymous.request(`/v1/shared/${token}`)).status).to.equal(200);
    expectProblem(await anonymous.request(`/v1/lots/${memberLot}`), 401, "unauthenticated");
  });

  it("should answer 410 for revoked and expired share links, 404 for unknown ones", async () => {
    const revoked = (await member.request(`/v1/lots/${memberLot}/shares`, { method: "POST", json: {} })).body as {
      token: string;
    };
    expect((await member.request(`/v1/shares/${revoked.token}`, { method: "DELETE" })).status).to.equal(204);
    expectProblem(await anonymous.request(`/v1/shared/${revoked.token}`), 410, "share-revoked");

    const expiring = (
      await member.request(`/v1/lots/${memberLot}/shares`, { method: "POST", json: { expiresInSeconds: 60 } })
    ).body as { token: string };
    expect((await anonymous.request(`/v1/shared/${expiring.token}`)).status).to.equal(200);
    // Move the expiry into the past rather than waiting a minute.
    await stack.service.database.db
      .update(lotShares)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(lotShares.organisationId, federation.member.id));
    expectProblem(await anonymous.request(`/v1/shared/${expiring.token}`), 410, "share-expired");
    expectProblem(await anonymous.request(`/v1/shared/${"x".repeat(32)}`), 404, "share-not-found");
  });

  it("should list a lot's share links without their tokens and revoke one by its id from another device", async () => {
    const made = await member.request(`/v1/lots/${memberLot}/shares`, { method: "POST", json: {} });
    expect(made.status, made.text).to.equal(201);
    const link = made.body as { id: string; token: string };
    expect(link.id).to.match(/^[0-9a-f]{64}$/);

    const listed = await member.request(`/v1/lots/${memberLot}/shares`);
    expect(listed.status, listed.text).to.equal(200);
    const items = (listed.body as { items: { id: string; state: string; revokedAt: string | null }[] }).items;
    expect(items[0]).to.include({ id: link.id, state: "live", revokedAt: null });
    expect(listed.text).to.not.contain(link.token);
    // Newest first, and the earlier tests' revoked and expired links say so.
    expect(items.map((item) => item.state)).to.include.members(["live", "revoked", "expired"]);

    // Only the owner sees or revokes them; an unknown id is 404.
    expectProblem(await other.request(`/v1/lots/${memberLot}/shares`), 404, "lot-not-found");
    expectProblem(
      await other.request(`/v1/lots/${memberLot}/shares/${link.id}`, { method: "DELETE" }),
      404,
      "lot-not-found",
    );
    expectProblem(
      await member.request(`/v1/lots/${memberLot}/shares/${"0".repeat(64)}`, { method: "DELETE" }),
      404,
      "share-not-found",
    );
    expect((await anonymous.request(`/v1/shared/${link.token}`)).status).to.equal(200);

    // Revoked by id (no token at hand): the link answers 410, the list says when, and a second revocation keeps it.
    const revoked = await member.request(`/v1/lots/${memberLot}/shares/${link.id}`, { method: "DELETE" });
    expect(revoked.status, revoked.text).to.equal(204);
    expectProblem(await anonymous.request(`/v1/shared/${link.token}`), 410, "share-revoked");
    const after = (await member.request(`/v1/lots/${memberLot}/shares`)).body as {
      items: { id: string; state: string; revokedAt: string | null }[];
    };
    const entry = after.items.find((item) => item.id === link.id);
    expect(entry?.state).to.equal("revoked");
    expect(entry?.revokedAt).to.be.a("string");
    expect((await member.request(`/v1/lots/${memberLot}/shares/${link.id}`, { method: "DELETE" })).status).to.equal(
      204,
    );
    const again = (await member.request(`/v1/lots/${memberLot}/shares`)).body as typeof after;
    expect(again.items.find((item) => item.id === link.id)?.revokedAt).to.equal(entry?.revokedAt);
  });

  it("should turn the verdict red, with the reason, once an upstream attestation is revoked", async () => {
    const bundle = (await member.request(`/v1/lots/${memberLot}/bundle`, { method: "POST" })).body;
    expect((await verify(bundle)).ok).to.equal(true);
    const registry = federation.fontaine.attestationRegistry.connect(federation.supplier.key);
    await mined(registry.getFunction("revoke")(attestation, reasonCode("AUDIT_FAILED")));
    const verdict = await eventually(
      async () => {
        const result = await verify(bundle);
        return result.ok ? undefined : result;
      },
      10_000,
      "red verdict",
    );
    expect(verdict.outcome).to.equal("fail");
    const revokedAttestation = verdict.attestations.find((item) => item.uid === attestation);
    expect(revokedAttestation?.findings.map((finding) => finding.code)).to.include("attestation.revoked");
    expect(verdict.lots.find((lot) => lot.lotId === memberLot)?.outcome).to.equal("pass");
  });
});
