import { expect } from "chai";
import { mined } from "../../sdk/chain";
import { newSalt, reasonCode } from "../../sdk/hashing";
import { attestationUid } from "../../sdk/uid";
import type { LotDownstream, LotUpstream, UpstreamNode } from "../../sdk/api-client/contract";
import { deployFederation, startAnvil, type AnvilNode, type Federation } from "./helpers/chain";
import { expectProblem, type TestServer } from "./helpers/http";
import { createLot, flagLot, passBundle, signedIn } from "./helpers/lots";
import { eventually, startStack, type ApiStack } from "./helpers/stack";

/** A tree as `lotId(source, taken)` lines, indented per level (readable failures). */
function outline(node: UpstreamNode, depth = 0): string[] {
  const taken = node.taken ? ` ${node.taken.quantity} ${node.taken.unit}` : "";
  const line = `${"  ".repeat(depth)}${node.product ?? node.lotId}(${node.source}${taken}${node.note ? `, ${node.note}` : ""})`;
  return [line, ...node.parents.flatMap((parent) => outline(parent, depth + 1))];
}

function find(node: UpstreamNode, lotId: string): UpstreamNode | undefined {
  if (node.lotId === lotId && !node.note) return node;
  for (const parent of node.parents) {
    const found = find(parent, lotId);
    if (found) return found;
  }
  return undefined;
}

describe("api lot tracing across three tiers (coop → maker → member), from held data only", function () {
  this.timeout(300_000);
  let node: AnvilNode;
  let federation: Federation;
  let stack: ApiStack;
  let coop: TestServer;
  let maker: TestServer;
  let member: TestServer;
  let certifier: TestServer;
  let attestation: string;
  const lot = {} as Record<"beansA" | "beansB" | "blend" | "single" | "fondue" | "dessert" | "plated", string>;

  before(async () => {
    node = await startAnvil();
    federation = await deployFederation(node);
    stack = await startStack({ deployment: federation.fontaine.deployment, rpcUrl: node.url, suite: "tracing" });
    coop = await signedIn(stack, federation.supplier.key);
    maker = await signedIn(stack, federation.otherSupplier.key);
    member = await signedIn(stack, federation.member.key);
    certifier = await signedIn(stack, federation.certifier.key);
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
    attestation = attestationUid({ ...request, signer: federation.supplier.key.address }).toLowerCase();

    // Tier 1, the cooperative: two harvests, one covered by its due-diligence declaration.
    lot.beansA = await createLot(stack, coop, federation.supplier.key, {
      product: "Beans A",
      quantity: "1000",
      unit: "kg",
      attestations: [attestation],
    });
    lot.beansB = await createLot(stack, coop, federation.supplier.key, {
      product: "Beans B",
      quantity: "500",
      unit: "kg",
    });
    await passBundle(coop, lot.beansA, maker);
    await passBundle(coop, lot.beansB, maker);
    // Tier 2, the maker: a merge of both harvests, and a split of harvest A.
    lot.blend = await createLot(stack, maker, federation.otherSupplier.key, {
      product: "Blend",
      quantity: "480",
      unit: "kg",
      parents: [
        { lotId: lot.beansA, quantity: "300" },
        { lotId: lot.beansB, quantity: "200" },
      ],
    });
    lot.single = await createLot(stack, maker, federation.otherSupplier.key, {
      product: "Single origin",
      quantity: "390",
      unit: "kg",
      parents: [{ lotId: lot.beansA, quantity: "400" }],
    });
    await passBundle(maker, lot.blend, member);
    await passBundle(maker, lot.single, member);
    // Tier 3, the member: a merge of both maker lots, a split of the blend, and a lot made from its own lot.
    lot.fondue = await createLot(stack, member, federation.member.key, {
      product: "Fondue",
      quantity: "150",
      unit: "kg",
      parents: [
        { lotId: lot.blend, quantity: "100" },
        { lotId: lot.single, quantity: "50" },
      ],
    });
    lot.dessert = await createLot(stack, member, federation.member.key, {
      product: "Dessert",
      quantity: "80",
      unit: "kg",
      parents: [{ lotId: lot.blend, quantity: "80" }],
    });
    lot.plated = await createLot(stack, member, federation.member.key, {
      product: "Plated",
      quantity: "20",
      unit: "kg",
      parents: [{ lotId: lot.fondue, quantity: "20" }],
    });
  });
  after(async () => {
    for (const http of [coop, maker, member, certifier]) await http?.close();
    await stack?.stop();
    await node?.stop();
  });

  it("should trace a member lot upstream through imported lots, with quantities, sources and attestations", async () => {
    const response = await member.request(`/v1/lots/${lot.fondue}/upstream`);
    expect(response.status, response.text).to.equal(200);
    const body = response.body as LotUpstream;
    expect(body.outcome).to.equal("pass");
    expect(outline(body.tree)).to.deep.equal([
      "Fondue(own)",
      "  Blend(imported 100 kg)",
      "    Beans A(imported 300 kg)",
      "    Beans B(imported 200 kg)",
      "  Single origin(imported 50 kg)",
      "    Beans A(imported 400 kg, shown-above)",
    ]);
    const beans = find(body.tree, lot.beansA)!;
    expect(beans.attestations).to.deep.equal([{ uid: attestation, status: "VALID", endorsed: false }]);
    expect([beans.flagged, beans.version, beans.outcome]).to.deep.equal([false, 1, "pass"]);
    expect(body.tree.version).to.equal(1);
    // A lot received in a bundle can be traced too.
    const imported = (await member.request(`/v1/lots/${lot.blend}/upstream`)).body as LotUpstream;
    expect(outline(imported.tree)[0]).to.equal("Blend(imported)");
  });

  it("should list which of my lots used a supplier lot, directly or indirectly", async () => {
    const fromBeans = (await member.request(`/v1/lots/${lot.beansA}/downstream`)).body as LotDownstream;
    const summary = (items: LotDownstream["items"]) =>
      items.map((item) => `${item.product} d${item.depth} via ${item.via.length} ${item.taken?.quantity ?? "-"}`);
    expect(summary(fromBeans.items)).to.have.members(["Fondue d2 via 1 -", "Dessert d2 via 1 -", "Plated d3 via 2 -"]);
    const plated = fromBeans.items.find((item) => item.lotId === lot.plated)!;
    expect(plated.via).to.have.length(2);
    expect(plated.via[1]).to.equal(lot.fondue);
    const fromBlend = (await member.request(`/v1/lots/${lot.blend}/downstream`)).body as LotDownstream;
    expect(summary(fromBlend.items)).to.have.members([
      "Fondue d1 via 0 100",
      "Dessert d1 via 0 80",
      "Plated d2 via 1 -",
    ]);
    // The maker sees its own lots made from the harvest; the cooperative, none (it made nothing from it).
    const makerView = (await maker.request(`/v1/lots/${lot.beansA}/downstream`)).body as LotDownstream;
    expect(summary(makerView.items)).to.have.members(["Blend d1 via 0 300", "Single origin d1 via 0 400"]);
    const coopView = (await coop.request(`/v1/lots/${lot.beansA}/downstream`)).body as LotDownstream;
    expect(coopView.items).to.deep.equal([]);
  });

  it("should answer 404 to organisations that do not hold the lot", async () => {
    for (const path of [`/v1/lots/${lot.fondue}/upstream`, `/v1/lots/${lot.fondue}/downstream`]) {
      expectProblem(await certifier.request(path), 404, "lot-not-found");
      expectProblem(await maker.request(path), 404, "lot-not-found");
      expectProblem(await coop.request(path), 404, "lot-not-found");
    }
    // The cooperative never received the maker's bundle: it cannot trace the blend either way.
    expectProblem(await coop.request(`/v1/lots/${lot.blend}/upstream`), 404, "lot-not-found");
    expectProblem(await coop.request(`/v1/lots/${lot.blend}/downstream`), 404, "lot-not-found");
    expectProblem(await certifier.request(`/v1/lots/${newSalt()}/upstream`), 404, "lot-not-found");
  });

  it("should show a recall at the top of the chain in the member's upstream tree, with the reason", async () => {
    const recalled = await flagLot(coop, federation.supplier.key, lot.beansB, "RECALL");
    expect(recalled.status, recalled.text).to.equal(202);
    const body = await eventually(
      async () => {
        const traced = (await member.request(`/v1/lots/${lot.fondue}/upstream`)).body as LotUpstream;
        return find(traced.tree, lot.beansB)?.flag ? traced : undefined;
      },
      30_000,
      "recall seen upstream",
    );
    const beans = find(body.tree, lot.beansB)!;
    expect(beans.flagged).to.equal(true);
    expect(beans.flag?.reason).to.equal("RECALL");
    // The member does not see the cooperative's private note, only the reason on chain.
    expect(beans.flag?.note).to.equal(null);
    expect(beans.outcome).to.equal("fail");
    expect(body.outcome).to.equal("fail");
    expect(find(body.tree, lot.blend)!.upstreamOutcome).to.equal("fail");
    expect(find(body.tree, lot.single)!.upstreamOutcome).to.equal("pass");
    // A revoked attestation shows up with its status.
    const registry = federation.fontaine.attestationRegistry.connect(federation.supplier.key);
    await mined(registry.getFunction("revoke")(attestation, reasonCode("AUDIT_FAILED")));
    const revoked = await eventually(
      async () => {
        const traced = (await member.request(`/v1/lots/${lot.single}/upstream`)).body as LotUpstream;
        return find(traced.tree, lot.beansA)?.attestations[0]?.status === "REVOKED" ? traced : undefined;
      },
      30_000,
      "revocation seen upstream",
    );
    expect(revoked.outcome).to.equal("fail");
  });
});
