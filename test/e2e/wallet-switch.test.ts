import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, newContext, saveScreenshot, watchPageErrors } from "./helpers/browser";
import { injectWallet } from "./helpers/injected-wallet";
import { startProvenanceStack, type ProvenanceStack } from "./helpers/provenance-stack";

// A person switches account (or network) in their wallet while signed in: the session is ended on the API and the
// page asks to sign in again, saying why, instead of asking the wallet to sign for the previous account.
describe("wallet account and network switches (injected wallet, real API, Chromium)", function () {
  this.timeout(180_000);
  let stack: ProvenanceStack;
  let starting: Promise<ProvenanceStack> | undefined;
  let browser: Browser;

  before(async () => {
    // Kept so after() can stop a stack whose start outlived the hook timeout (no orphan anvil).
    starting = startProvenanceStack("wallet_switch");
    stack = await starting;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await (stack ?? (await starting?.catch(() => undefined)))?.stop();
  });

  async function open(path: string) {
    const context = await newContext(browser);
    const control = await injectWallet(context, { wallet: stack.federation.supplier.key, chainId: stack.node.chainId });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${stack.url}${path}`);
    await page.getByRole("heading", { level: 1 }).waitFor();
    return { page, control, errors, close: () => context.close() };
  }

  /** The API's session for the page's cookie: the address, or null once logged out. */
  async function apiSession(page: Page): Promise<string | null> {
    return page.evaluate(async () => {
      const response = await fetch("/v1/auth/session", { credentials: "same-origin" });
      return response.status === 200 ? ((await response.json()) as { address: string }).address : null;
    });
  }

  const connect = (page: Page) => page.getByRole("button", { name: "Connecter mon portefeuille" });

  it("should end the session and ask to sign in again when the account changes, then sign the new key in", async () => {
    const { page, control, errors, close } = await open("/signin/");
    await connect(page).click();
    await page.locator('[data-signed-in="supplier"]').waitFor({ timeout: 20_000 });
    expect((await apiSession(page))?.toLowerCase()).to.equal(stack.federation.supplier.key.address.toLowerCase());

    await control.switchAccount(stack.federation.certifier.key);
    const problem = page.locator('[data-problem="accountChanged"]');
    await problem.waitFor();
    expect(await problem.innerText()).to.contain(
      "Vous avez changé de compte dans votre portefeuille : reconnectez-vous.",
    );
    expect(await page.locator("[data-signed-in]").count()).to.equal(0);
    await saveScreenshot(page, "wallet-switch-fr-account-changed");
    for (const [lang, text] of [
      ["nl", "U hebt van account gewisseld in uw wallet: meld u opnieuw aan."],
      ["en", "You switched accounts in your wallet: sign in again."],
      ["fr", "Vous avez changé de compte"],
    ] as const) {
      await page.locator(`.language-button[lang="${lang}"]`).click();
      expect(await problem.innerText()).to.contain(text);
    }
    // The API session is ended too (the logout follows the page's reaction).
    for (let tries = 0; (await apiSession(page)) !== null; tries++) {
      expect(tries, "the API session was not ended").to.be.below(50);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Signing in again works with the new key: no signature was asked for the old account.
    const signedBefore = control.calls.filter((call) => call === "personal_sign").length;
    await connect(page).click();
    await page.locator('[data-signed-in="certifier"]').waitFor({ timeout: 20_000 });
    expect(control.calls.filter((call) => call === "personal_sign").length).to.equal(signedBefore + 1);
    expect((await apiSession(page))?.toLowerCase()).to.equal(stack.federation.certifier.key.address.toLowerCase());

    // Choosing the same account again (a wallet re-announcing it) keeps the session.
    await control.switchAccount(stack.federation.certifier.key);
    await page.waitForTimeout(300);
    expect(await page.locator('[data-signed-in="certifier"]').count()).to.equal(1);
    expect(errors.filter((error) => !/status of 401/.test(error))).to.deep.equal([]);
    await close();
  });

  it("should end the session when the wallet moves to another network, naming Fontaine's", async () => {
    const { page, control, close } = await open("/signin/");
    await connect(page).click();
    await page.locator('[data-signed-in="supplier"]').waitFor({ timeout: 20_000 });

    await control.switchChain(1);
    const problem = page.locator('[data-problem="networkChanged"]');
    await problem.waitFor();
    expect(await problem.innerText()).to.contain(`n° ${stack.node.chainId}`);
    expect(await problem.innerText()).to.contain("reconnectez-vous");

    await control.switchChain(stack.node.chainId);
    await connect(page).click();
    await page.locator('[data-signed-in="supplier"]').waitFor({ timeout: 20_000 });
    await close();
  });

  it("should not ask the wallet to sign for the old account after a switch the page did not hear", async () => {
    const { page, control, close } = await open("/attest/");
    await connect(page).click();
    await page.locator("#attest-schema").waitFor({ timeout: 20_000 });
    await page.setInputFiles("#attest-file", {
      name: "switched.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from(`Switched ${Date.now()}\n`),
    });

    await control.switchAccount(stack.federation.certifier.key, { silent: true });
    await page.getByRole("button", { name: "Signer dans mon portefeuille" }).click();
    const problem = page.locator('[data-problem="accountChanged"]');
    await problem.waitFor({ timeout: 20_000 });
    expect(await problem.innerText()).to.contain(
      "Vous avez changé de compte dans votre portefeuille : reconnectez-vous.",
    );
    expect(control.calls).to.include("eth_accounts");
    expect(control.calls).to.not.include("eth_signTypedData_v4");
    // Back to the page's sign-in state, and the API session is ended.
    await connect(page).waitFor();
    expect(await page.locator("#attest-schema").count()).to.equal(0);
    for (let tries = 0; (await apiSession(page)) !== null; tries++) {
      expect(tries, "the API session was not ended").to.be.below(50);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await saveScreenshot(page, "wallet-switch-fr-attest-silent");

    await connect(page).click();
    await page.locator("#attest-schema").waitFor({ timeout: 20_000 });
    expect((await apiSession(page))?.toLowerCase()).to.equal(stack.federation.certifier.key.address.toLowerCase());
    await close();
  });

  it("should end a session whose account the wallet left while no page was open", async () => {
    const { page, control, close } = await open("/lots/");
    await connect(page).click();
    await page.locator("#lot-product").waitFor({ timeout: 20_000 });
    expect(await apiSession(page)).to.not.equal(null);

    await control.switchAccount(stack.federation.member.key, { silent: true });
    await page.reload();
    const problem = page.locator('[data-problem="accountChanged"]');
    await problem.waitFor({ timeout: 20_000 });
    await connect(page).waitFor();
    expect(await page.locator("#lot-product").count()).to.equal(0);
    await connect(page).click();
    await page.locator("#lot-product").waitFor({ timeout: 20_000 });
    expect((await apiSession(page))?.toLowerCase()).to.equal(stack.federation.member.key.address.toLowerCase());
    await close();
  });
});
