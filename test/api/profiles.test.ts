import { expect } from "chai";
import { metadataDigest, randomBytes32 } from "../../sdk/hashing";
import { mined } from "../../sdk/chain";
import { OrgKind } from "../../sdk/status";
import { deployFederation, startAnvil, type AnvilNode, type Federation } from "./helpers/chain";
import { expectProblem } from "./helpers/http";
import { eventually, startStack, type ApiStack } from "./helpers/stack";

describe("api organisation profiles (anvil + real database)", function () {
  this.timeout(240_000);
  let node: AnvilNode;
  let federation: Federation;
  let stack: ApiStack;

  before(async () => {
    node = await startAnvil();
    federation = await deployFederation(node);
    stack = await startStack({ deployment: federation.fontaine.deployment, rpcUrl: node.url, suite: "profiles" });
  });
  after(async () => {
    await stack?.stop();
    await node?.stop();
  });

  it("should store only the profile whose digest is on chain, show it with the organisation, and follow a new digest", async () => {
    const profile = { name: "Cacao Coop Sud", city: "Namur", country: "BE", kind: "supplier" };
    const id = randomBytes32().toLowerCase();
    const registry = federation.fontaine.federation.connect(federation.governor);
    await mined(registry.admit(id, OrgKind.SUPPLIER, metadataDigest(profile)));
    const indexed = await eventually(async () => {
      const response = await stack.server.request(`/v1/organisations/${id}`);
      return response.status === 200 ? response.body : undefined;
    }, 20_000);
    expect(indexed).to.deep.include({ profile: null });

    const publish = (body: unknown, target = id) =>
      stack.server.request(`/v1/organisations/${target}/profile`, { method: "PUT", json: body });
    // Another name, the same fields in another order (canonical JSON: same digest), an unknown organisation.
    expectProblem(await publish({ ...profile, name: "Cacao Coop Nord" }), 422, "profile-digest-mismatch");
    expectProblem(await publish({ name: "   " }), 400, "invalid-request");
    expectProblem(await publish(profile, `0x${"ab".repeat(32)}`), 404, "organisation-not-found");
    const reordered = { country: "BE", kind: "supplier", city: "Namur", name: "Cacao Coop Sud" };
    const stored = await publish(reordered);
    expect(stored.status, stored.text).to.equal(200);
    expect((stored.body as { profile: unknown }).profile).to.deep.equal(profile);
    expect((await publish(profile)).status).to.equal(200); // publishing again is harmless

    const page = await stack.server.request("/v1/organisations?limit=100");
    const listed = (page.body as { items: { id: string; profile: unknown }[] }).items.find((o) => o.id === id);
    expect(listed?.profile).to.deep.equal(profile);

    // The governor records a new digest: the old profile no longer describes the organisation.
    const renamed = { ...profile, name: "Cacao Coop Sud-Ouest" };
    await mined(registry.setMetadata(id, metadataDigest(renamed)));
    await eventually(async () => {
      const response = await stack.server.request(`/v1/organisations/${id}`);
      return (response.body as { profile: unknown }).profile === null;
    }, 20_000);
    expect(((await publish(renamed)).body as { profile: unknown }).profile).to.deep.equal(renamed);
  });
});
