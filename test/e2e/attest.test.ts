import { expect } from "chai";
import type { Browser } from "playwright-core";
import { fileDigest } from "../../sdk/hashing";
import { launchBrowser, newContext, saveScreenshot, watchPageErrors } from "./helpers/browser";
import { injectWallet } from "./helpers/injected-wallet";
import { createLot, signedIn } from "../api/helpers/lots";
import { startProvenanceStack, type ProvenanceStack } from "./helpers/provenance-stack";

// A supplier attests with a document from the browser: signed in its wallet, followed until recorded.
describe("attest page (injected wallet, real API, Chromium)", function () {
  this.timeout(180_000);
  let stack: ProvenanceStack;
  let starting: Promise<ProvenanceStack> | undefined;
  let browser: Browser;

  before(async () => {
    // Kept so after() can stop a stack whose start outlived the hook timeout (no orphan anvil).
    starting = startProvenanceStack("attest");
    stack = await starting;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await (stack ?? (await starting?.catch(() => undefined)))?.stop();
  });

  async function openSignedIn() {
    const context = await newContext(browser);
    const control = await injectWallet(context, { wallet: stack.federation.supplier.key, chainId: stack.node.chainId });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${stack.url}/attest/`);
    await page.getByRole("button", { name: "Connecter mon portefeuille" }).click();
    await page.locator("#attest-schema").waitFor({ timeout: 20_000 });
    return { page, control, errors, close: () => context.close() };
  }

  it("should attest with a document, show a human summary and follow it until recorded", async () => {
    const { page, control, errors, close } = await openSignedIn();
    const document = Buffer.from(`Déclaration de diligence raisonnable ${Date.now()}\n`);
    await page.locator("#attest-schema").selectOption({ label: "Diligence" });
    await page.setInputFiles("#attest-file", {
      name: "diligence-2026.pdf",
      mimeType: "application/pdf",
      buffer: document,
    });
    await page.fill("#attest-expiry", "2030-12-31");
    const summary = page.locator("[data-summary]");
    await summary.waitFor();
    const text = await summary.innerText();
    expect(text).to.contain("« Diligence »");
    expect(text).to.contain("diligence-2026.pdf");
    expect(text).to.contain("31 décembre 2030");
    expect(text).to.contain(fileDigest(document).toLowerCase());
    for (const lang of ["nl", "en", "fr"] as const) {
      await page.locator(`.language-button[lang="${lang}"]`).click();
      await saveScreenshot(page, `attest-${lang}-summary`);
    }
    await page.getByRole("button", { name: "Signer dans mon portefeuille" }).click();
    await page.locator('.attest-progress[data-phase="recorded"]').waitFor({ timeout: 30_000 });
    expect(control.calls).to.include("eth_signTypedData_v4");
    await saveScreenshot(page, "attest-fr-recorded");

    // The recorded claim is what anyone finds on the verify page.
    await page.getByRole("link", { name: "Voir la vérification" }).click();
    const verdict = page.locator(".verdict[data-outcome]");
    await verdict.waitFor({ timeout: 20_000 });
    expect(await verdict.getAttribute("data-outcome")).to.equal("valid");
    expect(await verdict.innerText()).to.contain("31 décembre 2030");
    expect(errors.filter((error) => !/status of 401/.test(error))).to.deep.equal([]);
    await close();
  });

  it("should attest about one of the organisation's own lots, chosen as the subject", async () => {
    const supplier = stack.federation.supplier.key;
    const http = await signedIn(stack, supplier);
    const lotId = await createLot(stack, http, supplier, {
      product: "Fèves de cacao",
      quantity: "100",
      unit: "kg",
      producedOn: "2026-10-01",
    });
    await http.close();
    const { page, errors, close } = await openSignedIn();
    const option = page.locator(`#attest-subject option[value="${lotId}"]`);
    await option.waitFor({ state: "attached", timeout: 20_000 });
    expect(await option.innerText())
      .to.contain("Fèves de cacao")
      .and.contain("100 kg");
    await page.locator("#attest-subject").selectOption(lotId);
    const document = Buffer.from(`Analyse du lot ${Date.now()}\n`);
    await page.setInputFiles("#attest-file", {
      name: "analyse-lot.pdf",
      mimeType: "application/pdf",
      buffer: document,
    });
    const summary = page.locator("[data-summary]");
    await summary.waitFor();
    expect(await summary.innerText()).to.contain("pour votre lot Lot « Fèves de cacao »");
    await saveScreenshot(page, "attest-fr-lot-subject");
    await page.getByRole("button", { name: "Signer dans mon portefeuille" }).click();
    await page.locator('.attest-progress[data-phase="recorded"]').waitFor({ timeout: 30_000 });
    const found = await stack.api<{ items: { subject: string; digest: string }[] }>(
      `/v1/attestations?subject=${lotId}`,
    );
    expect(found.body.items.map((item) => item.digest)).to.deep.equal([fileDigest(document).toLowerCase()]);
    expect(errors.filter((error) => !/status of 401/.test(error))).to.deep.equal([]);
    await close();
  });

  it("should say nothing was signed when the signature is declined, and record nothing", async () => {
    const { page, control, close } = await openSignedIn();
    const document = Buffer.from(`Declined ${Date.now()}\n`);
    await page.setInputFiles("#attest-file", { name: "declined.pdf", mimeType: "application/pdf", buffer: document });
    control.reject.add("eth_signTypedData_v4");
    await page.getByRole("button", { name: "Signer dans mon portefeuille" }).click();
    await page.locator('[data-problem="rejected"]').waitFor();
    const answer = await stack.api<{ verdict: string }>("/v1/verify", { digest: fileDigest(document) });
    expect(answer.body.verdict).to.equal("UNKNOWN");
    await close();
  });

  it("should ask for the document before signing", async () => {
    const { page, control, close } = await openSignedIn();
    await page.getByRole("button", { name: "Signer dans mon portefeuille" }).click();
    await page.getByText("joignez le document justificatif").waitFor();
    expect(control.calls).to.not.include("eth_signTypedData_v4");
    await close();
  });
});
