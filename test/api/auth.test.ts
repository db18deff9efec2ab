import { mined } from "../../sdk/chain";
import { expect } from "chai";
import { SiweMessage } from "siwe";
import type { HDNodeWallet } from "ethers";
import { TestERC1271Wallet__factory } from "../../typechain-types";
import { claimDigest, newSalt } from "../../sdk/hashing";
import type { TypedData } from "../../sdk/eip712";
import { deployFederation, devAccount, startAnvil, type AnvilNode, type Federation } from "./helpers/chain";
import { expectProblem, listen, type TestServer } from "./helpers/http";
import { signTyped } from "./helpers/signing";
import { eventually, startStack, type ApiStack } from "./helpers/stack";

const ORIGIN = "http://fontaine.test";

describe("api auth (SIWE) and organisation boundaries", function () {
  this.timeout(240_000);
  let node: AnvilNode;
  let federation: Federation;
  let stack: ApiStack;

  before(async () => {
    node = await startAnvil();
    federation = await deployFederation(node);
    stack = await startStack({ deployment: federation.fontaine.deployment, rpcUrl: node.url, suite: "auth" });
  });
  after(async () => {
    await stack?.stop();
    await node?.stop();
  });

  /** A fresh client with its own cookie jar. */
  async function client(): Promise<TestServer> {
    return listen(stack.service.app, stack.checker);
  }

  async function siweMessage(http: TestServer, address: string, overrides: Partial<SiweMessage> = {}) {
    const nonce = (await http.request("/v1/auth/nonce")).body as {
      nonce: string;
      domain: string;
      uri: string;
      chainId: number;
    };
    return new SiweMessage({
      domain: nonce.domain,
      address,
      statement: "Connexion a Fontaine (EIP-4361 statements are ASCII only)",
      uri: nonce.uri,
      version: "1",
      chainId: nonce.chainId,
      nonce: nonce.nonce,
      issuedAt: new Date().toISOString(),
      ...overrides,
    });
  }

  async function login(http: TestServer, wallet: HDNodeWallet) {
    const message = (await siweMessage(http, wallet.address)).prepareMessage();
    const signature = await wallet.signMessage(message);
    return {
      response: await http.request("/v1/auth/login", { method: "POST", json: { message, signature } }),
      message,
      signature,
    };
  }

  it("should sign in with a wallet, expose the organisation from the Federation contract, and sign out", async () => {
    const http = await client();
    try {
      const { response } = await login(http, federation.supplier.key);
      expect(response.status, response.text).to.equal(200);
      const cookie = response.headers.get("set-cookie") ?? "";
      expect(cookie)
        .to.match(/fontaine_session=/)
        .and.match(/HttpOnly/i)
        .and.match(/SameSite=Strict/i);
      expect(cookie).not.to.match(/Secure/i); // plain http origin in tests; Secure behind TLS
      const session = await http.request("/v1/auth/session");
      expect(session.body).to.deep.include({ address: federation.supplier.key.address });
      expect((session.body as { organisation: { id: string; kind: string } }).organisation).to.deep.include({
        id: federation.supplier.id,
        kind: "supplier",
      });
      expect((await http.request("/v1/auth/logout", { method: "POST" })).status).to.equal(204);
      expectProblem(await http.request("/v1/auth/session"), 401, "unauthenticated");
    } finally {
      await http.close();
    }
  });

  it("should refuse a replayed login (single-use nonce)", async () => {
    const http = await client();
    try {
      const { response, message, signature } = await login(http, federation.supplier.key);
      expect(response.status).to.equal(200);
      const replay = await http.request("/v1/auth/login", { method: "POST", json: { message, signature } });
      expectProblem(replay, 401, "sign-in-failed");
      expect((replay.body as { detail: string }).detail).to.match(/already used/);
    } finally {
      await http.close();
    }
  });

  it("should check domain, URI, chain id, expiry and signature, consuming the nonce only on success", async () => {
    const http = await client();
    try {
      const wallet = federation.member.key;
      const base = await siweMessage(http, wallet.address);
      const attempts: Array<[string, Partial<SiweMessage>]> = [
        ["domain", { domain: "evil.example" }],
        ["URI", { uri: "https://evil.example/login" }],
        ["chain id", { chainId: 1 }],
        ["expiry", { expirationTime: new Date(Date.now() - 60_000).toISOString() }],
      ];
      for (const [what, override] of attempts) {
        const message = new SiweMessage({ ...base, ...override }).prepareMessage();
        const response = await http.request("/v1/auth/login", {
          method: "POST",
          json: { message, signature: await wallet.signMessage(message) },
        });
        expectProblem(response, 401, "sign-in-failed");
        expect(response.status, what).to.equal(401);
      }
      const message = base.prepareMessage();
      const forged = await federation.otherSupplier.key.signMessage(message);
      expectProblem(
        await http.request("/v1/auth/login", { method: "POST", json: { message, signature: forged } }),
        401,
        "sign-in-failed",
      );
      // Every failure above left the nonce usable.
      const ok = await http.request("/v1/auth/login", {
        method: "POST",
        json: { message, signature: await wallet.signMessage(message) },
      });
      expect(ok.status, ok.text).to.equal(200);
    } finally {
      await http.close();
    }
  });

  it("should refuse an unknown or expired nonce", async () => {
    const http = await client();
    try {
      const wallet = federation.member.key;
      const message = new SiweMessage({
        domain: "fontaine.test",
        address: wallet.address,
        uri: ORIGIN,
        version: "1",
        chainId: node.chainId,
        nonce: "abcdefgh12345678",
        issuedAt: new Date().toISOString(),
      }).prepareMessage();
      const response = await http.request("/v1/auth/login", {
        method: "POST",
        json: { message, signature: await wallet.signMessage(message) },
      });
      expectProblem(response, 401, "sign-in-failed");
      expect((response.body as { detail: string }).detail).to.match(/unknown nonce/);
    } finally {
      await http.close();
    }
  });

  it("should accept ERC-1271 contract wallets and refuse wrong-magic or gas-burning ones", async () => {
    const owner = devAccount(6, node.provider);
    const factory = new TestERC1271Wallet__factory(federation.governor);
    const good = await factory.deploy(owner.address, 0);
    await mined(good.deploymentTransaction()!);
    const wrongMagic = await factory.deploy(owner.address, 1);
    await mined(wrongMagic.deploymentTransaction()!);
    const burning = await factory.deploy(owner.address, 3);
    await mined(burning.deploymentTransaction()!);
    const http = await client();
    try {
      for (const [wallet, expected] of [
        [good, 200],
        [wrongMagic, 401],
        [burning, 401],
      ] as const) {
        const message = (await siweMessage(http, await wallet.getAddress())).prepareMessage();
        const signature = await owner.signMessage(message);
        const response = await http.request("/v1/auth/login", { method: "POST", json: { message, signature } });
        expect(response.status, response.text).to.equal(expected);
      }
    } finally {
      await http.close();
    }
  });

  it("should show a relay job to its organisation only (404 for another organisation, 401 signed out)", async () => {
    const prepared = await stack.server.request("/v1/attestations/prepare", {
      method: "POST",
      json: {
        schema: federation.selfSchema,
        subject: federation.supplier.id,
        digest: claimDigest({ lot: "A" }, newSalt()),
        signer: federation.supplier.key.address,
      },
    });
    const typed = (prepared.body as { typedData: TypedData<"Attest"> }).typedData;
    const submitted = await stack.server.request("/v1/attestations", {
      method: "POST",
      json: {
        message: typed.message,
        signer: federation.supplier.key.address,
        signature: await signTyped(federation.supplier.key, typed),
      },
    });
    const jobId = (submitted.body as { jobId: number }).jobId;

    const owner = await client();
    const competitor = await client();
    try {
      expect((await login(owner, federation.supplier.key)).response.status).to.equal(200);
      expect((await login(competitor, federation.otherSupplier.key)).response.status).to.equal(200);
      const own = await eventually(async () => {
        const response = await owner.request(`/v1/relay/jobs/${jobId}`);
        return response.status === 200 ? response : undefined;
      });
      expect(own.body).to.deep.include({ id: jobId, kind: "attest" });
      expectProblem(await competitor.request(`/v1/relay/jobs/${jobId}`), 404, "relay-job-not-found");
      expectProblem(await competitor.request(`/v1/relay/jobs/999999`), 404, "relay-job-not-found");
      expectProblem(
        await stack.server.request(`/v1/relay/jobs/${jobId}`, { headers: { cookie: "fontaine_session=forged" } }),
        401,
        "unauthenticated",
      );
    } finally {
      await owner.close();
      await competitor.close();
    }
  });
});
