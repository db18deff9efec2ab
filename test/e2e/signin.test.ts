import { expect } from "chai";
import { Wallet } from "ethers";
import type { Browser } from "playwright-core";
import { launchBrowser, newContext, saveScreenshot, watchPageErrors } from "./helpers/browser";
import { injectWallet, type InjectedWalletControl } from "./helpers/injected-wallet";
import { startProvenanceStack, type ProvenanceStack } from "./helpers/provenance-stack";

// Sign in with an injected EIP-1193 wallet that really signs, against the real API on anvil.
describe("sign-in page (injected wallet, real API, Chromium)", function () {
  this.timeout(180_000);
  let stack: ProvenanceStack;
  let starting: Promise<ProvenanceStack> | undefined;
  let browser: Browser;

  before(async () => {
    // Kept so after() can stop a stack whose start outlived the hook timeout (no orphan anvil).
    starting = startProvenanceStack("signin");
    stack = await starting;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await (stack ?? (await starting?.catch(() => undefined)))?.stop();
  });

  async function open(wallet?: Omit<InjectedWalletControl, "reject" | "calls">, width?: number) {
    const context = await newContext(browser, { width });
    const control = wallet ? await injectWallet(context, wallet) : undefined;
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${stack.url}/signin/`);
    await page.getByRole("heading", { level: 1 }).waitFor();
    const connect = page.locator("main button.button").first();
    return { page, control, errors, connect, close: () => context.close() };
  }

  it("should sign a supplier in and show its organisation and role, then sign out", async () => {
    const { page, control, errors, connect, close } = await open({
      wallet: stack.federation.supplier.key,
      chainId: stack.node.chainId,
    });
    await connect.click();
    const card = page.locator("[data-signed-in]");
    await card.waitFor({ timeout: 20_000 });
    expect(await card.getAttribute("data-signed-in")).to.equal("supplier");
    expect(await page.locator("[data-role]").innerText()).to.equal("Fournisseur");
    expect(await card.innerText()).to.contain(stack.federation.supplier.id);
    expect(control!.calls).to.include.members(["eth_requestAccounts", "eth_chainId", "personal_sign"]);
    await saveScreenshot(page, "signin-fr-signed-in");

    // The session survives a reload (httpOnly cookie), and each language names the role.
    await page.reload();
    await card.waitFor();
    for (const [lang, role] of [
      ["nl", "Leverancier"],
      ["en", "Supplier"],
      ["fr", "Fournisseur"],
    ] as const) {
      await page.locator(`.language-button[lang="${lang}"]`).click();
      expect(await page.locator("[data-role]").innerText()).to.equal(role);
      await saveScreenshot(page, `signin-${lang}-signed-in`);
    }
    await page.getByRole("button", { name: "Se déconnecter" }).click();
    await page.getByRole("button", { name: "Connecter mon portefeuille" }).waitFor();
    // The only expected console noise: the browser logs the 401 of the "who is signed in?" probe before sign-in.
    expect(errors.filter((error) => !/status of 401/.test(error))).to.deep.equal([]);
    await close();
  });

  it("should say there is no wallet", async () => {
    const { page, connect, close } = await open();
    await connect.click();
    const problem = page.locator('[data-problem="noWallet"]');
    await problem.waitFor();
    expect(await problem.innerText()).to.contain("Aucun portefeuille");
    await saveScreenshot(page, "signin-fr-no-wallet");
    await close();
  });

  it("should say the signature was declined, then sign in on the second try", async () => {
    const { page, control, connect, close } = await open({
      wallet: stack.federation.certifier.key,
      chainId: stack.node.chainId,
    });
    control!.reject.add("personal_sign");
    await connect.click();
    await page.locator('[data-problem="rejected"]').waitFor();
    expect(await page.locator('[data-problem="rejected"]').innerText()).to.contain("Rien n’a été signé");
    control!.reject.clear();
    await page.getByRole("button", { name: "Réessayer" }).click();
    await page.locator('[data-signed-in="certifier"]').waitFor({ timeout: 20_000 });
    await close();
  });

  it("should name both networks when the wallet is on another one", async () => {
    const { page, connect, close } = await open({ wallet: stack.federation.member.key, chainId: 1 }, 360);
    await connect.click();
    const problem = page.locator('[data-problem="wrongNetwork"]');
    await problem.waitFor();
    const text = await problem.innerText();
    expect(text).to.contain("n° 1)");
    expect(text).to.contain(`n° ${stack.node.chainId}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).to.be.at.most(0);
    await saveScreenshot(page, "signin-fr-phone-wrong-network");
    await close();
  });

  it("should say a key that belongs to no organisation is not registered", async () => {
    const stranger = Wallet.createRandom();
    const { page, connect, close } = await open({ wallet: stranger, chainId: stack.node.chainId });
    await connect.click();
    const problem = page.locator('[data-problem="unregistered"]');
    await problem.waitFor({ timeout: 20_000 });
    expect(await problem.innerText()).to.contain(stranger.address);
    await close();
  });
  it("should show the signed-in organisation and its signing keys on the organisation page", async () => {
    const context = await newContext(browser);
    await injectWallet(context, { wallet: stack.federation.member.key, chainId: stack.node.chainId });
    const page = await context.newPage();
    await page.goto(`${stack.url}/organisation/`);
    await page.getByRole("button", { name: "Connecter mon portefeuille" }).click();
    const key = page.locator(`[data-key="${stack.federation.member.key.address.toLowerCase()}"]`);
    await key.waitFor({ timeout: 20_000 });
    expect(await key.getAttribute("data-state")).to.equal("active");
    expect(await key.innerText()).to.contain("la clé de ce portefeuille");
    expect(await page.locator(`[data-organisation="${stack.federation.member.id}"]`).innerText()).to.contain(
      "Membre (organisateur)",
    );
    for (const lang of ["fr", "nl", "en"] as const) {
      await page.locator(`.language-button[lang="${lang}"]`).click();
      await saveScreenshot(page, `organisation-${lang}`);
    }
    await context.close();
  });
});
