import { expect } from "chai";
import { mined } from "../../sdk/chain";
import { buildFlagTypedData, lotRegistryDomain, type TypedData } from "../../sdk/eip712";
import { newSalt, reasonCode } from "../../sdk/hashing";
import { attestationUid } from "../../sdk/uid";
import { deployFederation, startAnvil, type AnvilNode, type Federation } from "./helpers/chain";
import { expectProblem, listen, type TestServer } from "./helpers/http";
import { createLot, flagLot, passBundle, signedIn } from "./helpers/lots";
import { signTyped } from "./helpers/signing";
import { eventually, startStack, type ApiStack } from "./helpers/stack";

type Lot = {
  lotId: string;
  version: number;
  flagged: boolean;
  flag: { reason: string; flaggedAt: number; by: string; note: string | null } | null;
  flagRelayStatus: string | null;
};
type Verdict = {
  ok: boolean;
  outcome: string;
  lots: { lotId: string; outcome: string; flagged: boolean; findings: { code: string; message: string }[] }[];
};

describe("api lot flags: recall and dispute by the owner, relayed, indexed, seen downstream", function () {
  this.timeout(240_000);
  let node: AnvilNode;
  let federation: Federation;
  let stack: ApiStack;
  let supplier: TestServer;
  let member: TestServer;
  let other: TestServer;
  let anonymous: TestServer;
  let supplierLot: string;
  let memberLot: string;

  const prepare = (http: TestServer, lotId: string, json: unknown = { reason: "RECALL" }) =>
    http.request(`/v1/lots/${lotId}/flag/prepare`, { method: "POST", json });
  const submit = (http: TestServer, lotId: string, json: unknown) =>
    http.request(`/v1/lots/${lotId}/flag`, { method: "POST", json });

  before(async () => {
    node = await startAnvil();
    federation = await deployFederation(node);
    stack = await startStack({ deployment: federation.fontaine.deployment, rpcUrl: node.url, suite: "lotflags" });
    supplier = await signedIn(stack, federation.supplier.key);
    member = await signedIn(stack, federation.member.key);
    other = await signedIn(stack, federation.otherSupplier.key);
    anonymous = await listen(stack.service.app, stack.checker);
    // A self-declaration covering the supplier's lot, sent by its key.
    const request = {
      schema: federation.selfSchema,
      subject: federation.supplier.id,
      digest: newSalt(),
      expiry: 0n,
      ref: "0x" + "00".repeat(32),
      nonce: 1n,
    };
    await mined(
      federation.fontaine.attestationRegistry.connect(federation.supplier.key).getFunction("attest")(request),
    );
    const attestation = attestationUid({ ...request, signer: federation.supplier.key.address }).toLowerCase();
    supplierLot = await createLot(stack, supplier, federation.supplier.key, {
      product: "Cocoa mass",
      quantity: "500",
      unit: "kg",
      attestations: [attestation],
    });
    await passBundle(supplier, supplierLot, member);
    memberLot = await createLot(stack, member, federation.member.key, {
      product: "Fondue chocolate",
      quantity: "120",
      unit: "kg",
      parents: [{ lotId: supplierLot, quantity: "100" }],
    });
  });
  after(async () => {
    for (const http of [supplier, member, other, anonymous]) await http?.close();
    await stack?.stop();
    await node?.stop();
  });

  it("should answer 404 to every other organisation, including a customer holding the lot's bundle", async () => {
    for (const http of [other, member]) {
      expectProblem(await prepare(http, supplierLot), 404, "lot-not-found");
      expectProblem(
        await submit(http, supplierLot, { reason: "RECALL", nonce: "1", deadline: "99999999999", signature: "0x01" }),
        404,
        "lot-not-found",
      );
    }
    expectProblem(await prepare(anonymous, supplierLot), 401, "unauthenticated");
    expectProblem(await prepare(supplier, supplierLot, { reason: "NOT_A_REASON" }), 400, "invalid-request");
  });

  it("should refuse an expired signature, another organisation's key and a signature from someone else", async () => {
    const domain = lotRegistryDomain(
      federation.fontaine.deployment.chainId,
      stack.service.chain.deployment.contracts.LotRegistry.address,
    );
    const past = Math.floor(Date.now() / 1000) - 10;
    const expired = buildFlagTypedData(domain, {
      lotId: supplierLot,
      reason: reasonCode("RECALL"),
      nonce: 7,
      deadline: past,
    });
    const late = {
      reason: "RECALL",
      nonce: "7",
      deadline: String(past),
      signature: await signTyped(federation.supplier.key, expired),
    };
    expectProblem(await submit(supplier, supplierLot, late), 422, "deadline-passed");

    const prepared = (await prepare(supplier, supplierLot)).body as { typedData: TypedData<"Flag"> };
    const { nonce, deadline } = prepared.typedData.message;
    // Signed by a key of another organisation: recovered, then refused by the contract's owner check.
    const foreign = await signTyped(federation.otherSupplier.key, prepared.typedData);
    const notOwner = await submit(supplier, supplierLot, { reason: "RECALL", nonce, deadline, signature: foreign });
    expect(notOwner.status, notOwner.text).to.equal(403);
    // Claimed to be the owner's key, signed by another: not its signature.
    const claimed = await submit(supplier, supplierLot, {
      reason: "RECALL",
      nonce,
      deadline,
      signature: foreign,
      signer: federation.supplier.key.address,
    });
    expectProblem(claimed, 401, "invalid-signature");
    // The owner's signature over RECALL does not flag the lot as DISPUTE.
    const owner = await signTyped(federation.supplier.key, prepared.typedData);
    expectProblem(
      await submit(supplier, supplierLot, {
        reason: "DISPUTE",
        nonce,
        deadline,
        signature: owner,
        signer: federation.supplier.key.address,
      }),
      401,
      "invalid-signature",
    );
    const lot = (await supplier.request(`/v1/lots/${supplierLot}`)).body as Lot;
    expect([lot.flagged, lot.flagRelayStatus]).to.deep.equal([false, null]);
  });

  it("should flag through the relayer, show it on the lot, refuse a replay and turn a downstream verdict red", async () => {
    const before = (await member.request(`/v1/lots/${memberLot}/bundle`, { method: "POST" })).body;
    const green = (await anonymous.request("/v1/bundles/verify", { method: "POST", json: before })).body as Verdict;
    expect(green.ok, JSON.stringify(green)).to.equal(true);

    const flagged = await flagLot(
      supplier,
      federation.supplier.key,
      supplierLot,
      "RECALL",
      "Salmonella found in batch 7",
    );
    expect(flagged.status, flagged.text).to.equal(202);
    expect((flagged.body as { status: string }).status).to.equal("queued");
    // While it is being recorded, a second flag is refused (already-flagged if it was recorded in the meantime).
    const second = await prepare(supplier, supplierLot, { reason: "DISPUTE" });
    expect(second.status, second.text).to.equal(409);
    expect((second.body as { code: string }).code).to.be.oneOf(["flag-pending", "already-flagged"]);

    const lot = await eventually(
      async () => {
        const body = (await supplier.request(`/v1/lots/${supplierLot}`)).body as Lot;
        // The index can see the flag before the relayer has marked its job anchored.
        return body.flagged && body.flagRelayStatus === "anchored" ? body : undefined;
      },
      30_000,
      "flag indexed",
    );
    expect(lot.flag).to.deep.include({
      reason: "RECALL",
      note: "Salmonella found in batch 7",
      by: federation.supplier.key.address,
    });
    expect(lot.flag!.flaggedAt).to.be.greaterThan(0);
    expect(lot.flagRelayStatus).to.equal("anchored");
    expect(lot.version).to.equal(1);
    const listed = ((await supplier.request("/v1/lots")).body as { items: Lot[] }).items.find(
      (item) => item.lotId === supplierLot,
    );
    expect(listed?.flag?.reason).to.equal("RECALL");
    expect(
      (
        (await stack.service.chain.contracts.LotRegistry.getFunction("lot").staticCall(supplierLot)) as {
          flagged: boolean;
        }
      ).flagged,
    ).to.equal(true);

    expectProblem(await submit(supplier, supplierLot, flagged.sent), 409, "already-submitted");
    expectProblem(await prepare(supplier, supplierLot, { reason: "DISPUTE" }), 409, "already-flagged");

    // The member's bundle, built before the recall, now fails with the reason; so does a fresh one.
    for (const bundle of [before, (await member.request(`/v1/lots/${memberLot}/bundle`, { method: "POST" })).body]) {
      const verdict = (await anonymous.request("/v1/bundles/verify", { method: "POST", json: bundle })).body as Verdict;
      expect(verdict.ok).to.equal(false);
      expect(verdict.outcome).to.equal("fail");
      const upstream = verdict.lots.find((item) => item.lotId === supplierLot)!;
      expect(upstream.flagged).to.equal(true);
      const finding = upstream.findings.find((item) => item.code === "lot.flagged");
      expect(finding?.message).to.contain("RECALL");
      expect(verdict.lots.find((item) => item.lotId === memberLot)?.outcome).to.not.equal("fail");
    }
    // The member's own view of its lot is not flagged: only the upstream lot is.
    expect(((await member.request(`/v1/lots/${memberLot}`)).body as Lot).flagged).to.equal(false);
  });

  it("should refuse a replayed signature after the governor cleared the flag, and accept a fresh one", async () => {
    const lots = stack.service.chain.contracts.LotRegistry.connect(federation.governor);
    await mined(lots.getFunction("unflag")(supplierLot, reasonCode("RECALL")));
    await eventually(
      async () => !((await supplier.request(`/v1/lots/${supplierLot}`)).body as Lot).flagged,
      30_000,
      "unflag indexed",
    );
    const disputed = await flagLot(supplier, federation.supplier.key, supplierLot, "DISPUTE");
    expect(disputed.status, disputed.text).to.equal(202);
    const lot = await eventually(
      async () => {
        const body = (await supplier.request(`/v1/lots/${supplierLot}`)).body as Lot;
        return body.flagged ? body : undefined;
      },
      30_000,
      "dispute indexed",
    );
    expect(lot.flag).to.deep.include({ reason: "DISPUTE", note: null });
    await mined(lots.getFunction("unflag")(supplierLot, reasonCode("DISPUTE")));
    await eventually(
      async () => !((await supplier.request(`/v1/lots/${supplierLot}`)).body as Lot).flagged,
      30_000,
      "second unflag indexed",
    );
    // The same signed flag, sent again: refused before it reaches the chain (its nonce is spent there too).
    expectProblem(await submit(supplier, supplierLot, disputed.sent), 409, "already-submitted");
  });
});
