import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { HDNodeWallet } from "ethers";
import { lotShares } from "../../api/db/lots.schema";
import { fileDigest } from "../../sdk/hashing";
import { launchBrowser, newContext, saveScreenshot, textShowing, watchPageErrors } from "./helpers/browser";
import { injectWallet } from "./helpers/injected-wallet";
import { startProvenanceStack, type ProvenanceStack } from "./helpers/provenance-stack";

// Lots from the browser: a supplier records a lot covered by its attestation and hands over the bundle file; a member
// imports it, records a fondue lot from it, shares it by link; anyone opens the link and the bundle is verified in
// their browser against the chain (through the API's read-only proxy).
describe("lots page and bundle verification in the browser (injected wallets, real API, Chromium)", function () {
  this.timeout(300_000);
  let stack: ProvenanceStack;
  let starting: Promise<ProvenanceStack> | undefined;
  let browser: Browser;
  let attestationUid: string;
  let shareUrl: string;
  /** The member's page of the first test: its share links are remembered in that browser. */
  let memberPage: Page;
  let supplierPage: Page;
  const contexts: BrowserContext[] = [];
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-lots-e2e-"));

  before(async () => {
    starting = startProvenanceStack("lots");
    stack = await starting;
    browser = await launchBrowser();
    const declaration = Buffer.from(`Déclaration de diligence raisonnable, lot de fèves ${Date.now()}\n`);
    attestationUid = await stack.attest(stack.federation.supplier.key, fileDigest(declaration));
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await (stack ?? (await starting?.catch(() => undefined)))?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  async function signedIn(key: HDNodeWallet, width?: number) {
    const context = await newContext(browser, { width });
    contexts.push(context);
    const control = await injectWallet(context, { wallet: key, chainId: stack.node.chainId });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${stack.url}/lots/`);
    await page.getByRole("button", { name: "Connecter mon portefeuille" }).click();
    await page.locator("#lot-product").waitFor({ timeout: 20_000 });
    return { page, control, errors };
  }

  async function anonymous(url: string, width?: number) {
    const context = await newContext(browser, { width });
    contexts.push(context);
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(url);
    return { page, errors, close: () => context.close() };
  }

  async function recordLot(page: Page, fields: { product: string; quantity: string; producedOn: string }) {
    await page.fill("#lot-product", fields.product);
    await page.fill("#lot-quantity", fields.quantity);
    await page.selectOption("#lot-unit", "kg");
    await page.fill("#lot-produced", fields.producedOn);
  }

  async function signAndWait(page: Page) {
    await page.getByRole("button", { name: "Signer et enregistrer le lot" }).click();
    await page.locator('.lots-progress[data-phase="recorded"]').waitFor({ timeout: 40_000 });
  }

  async function bundleVerdict(page: Page) {
    const verdict = page.locator(".bundle-verdict[data-outcome], .verdict-failure[data-outcome]");
    await verdict.first().waitFor({ timeout: 30_000 });
    return { outcome: await verdict.first().getAttribute("data-outcome"), text: await verdict.first().innerText() };
  }

  it("should carry a supplier's lot into a member's lot, share it, and verify it in a fresh browser", async () => {
    // The supplier records its couverture lot, covered by its due-diligence attestation, and downloads the proofs.
    const supplier = await signedIn(stack.federation.supplier.key);
    supplierPage = supplier.page;
    await recordLot(supplier.page, { product: "Couverture noire 70 %", quantity: "800", producedOn: "2026-05-02" });
    await supplier.page.locator(`#claim-${attestationUid.slice(2, 14)}`).check();
    await signAndWait(supplier.page);
    expect(supplier.control.calls).to.include("eth_signTypedData_v4");
    const supplierLot = supplier.page.locator('.lot-item[data-progress="recorded"]', { hasText: "Couverture noire" });
    await supplierLot.waitFor();
    const [download] = await Promise.all([
      supplier.page.waitForEvent("download"),
      supplierLot.getByRole("button", { name: "Télécharger les preuves" }).click(),
    ]);
    expect(download.suggestedFilename()).to.match(/^fontaine-couverture-noire-70-[0-9a-f]{8}\.json$/);
    const bundleFile = path.join(folder, download.suggestedFilename());
    await download.saveAs(bundleFile);
    const bundle = JSON.parse(fs.readFileSync(bundleFile, "utf8")) as { format: string; lots: unknown[] };
    expect(bundle.format).to.equal("fontaine.bundle");
    expect(supplier.errors.filter((error) => !/status of 401/.test(error))).to.deep.equal([]);

    // The member imports the file, then records its fondue lot taking 40 kg of the couverture.
    const member = await signedIn(stack.federation.member.key);
    memberPage = member.page;
    await member.page.setInputFiles("#lots-import-file", bundleFile);
    await member.page.locator('.lots-import-status[data-phase="done"]').waitFor({ timeout: 30_000 });
    expect(await member.page.locator(".lots-import-status").innerText()).to.contain("Couverture noire 70 %");
    await recordLot(member.page, { product: "Fondue au chocolat noir", quantity: "40", producedOn: "2026-11-21" });
    const parent = member.page.locator(".lots-parent", { hasText: "Couverture noire 70 %" });
    expect(await parent.innerText()).to.contain("reste 800 kg");
    await parent.locator('input[type="checkbox"]').check();
    // More than the supplier's lot holds is refused before anything is signed.
    await parent.locator('input[type="text"]').fill("900");
    await member.page.getByRole("button", { name: "Signer et enregistrer le lot" }).click();
    await member.page.getByText("Vous prélevez plus que ce qui reste d’un lot.").waitFor();
    expect(member.control.calls).to.not.include("eth_signTypedData_v4");
    await parent.locator('input[type="text"]').fill("40");
    for (const lang of ["nl", "en", "fr"] as const) {
      await member.page.locator(`.language-button[lang="${lang}"]`).click();
      await saveScreenshot(member.page, `lots-${lang}-new-lot`);
    }
    await signAndWait(member.page);

    // A share link with a QR code, pointing at the verify page.
    const fondue = member.page.locator('.lot-item[data-progress="recorded"]', { hasText: "Fondue au chocolat noir" });
    await fondue.getByRole("button", { name: "Partager par lien" }).click();
    await fondue.getByRole("button", { name: "Créer un lien de partage" }).click();
    const share = fondue.locator('.lot-share[data-share-state="live"]');
    await share.waitFor();
    shareUrl = await share.locator("[data-share-url]").inputValue();
    expect(shareUrl).to.match(new RegExp(`^${stack.url}/verify/#share=[A-Za-z0-9_-]{20,}$`));
    expect(Number(await share.locator("svg.qr-code").getAttribute("data-qr-size"))).to.be.greaterThan(20);
    await saveScreenshot(member.page, "lots-fr-shared");

    // The upstream graph of the lot, each node with its status, verified in the member's browser.
    await fondue.getByRole("button", { name: "Voir l’origine" }).click();
    const origin = fondue.locator('[data-panel="origin"] .upstream');
    await origin.waitFor({ timeout: 30_000 });
    expect(await origin.getAttribute("data-outcome")).to.equal("pass");
    expect(await origin.locator('.lot-node[data-outcome="pass"]').count()).to.equal(2);
    expect(await origin.locator('.lot-node[data-source="imported"]').innerText()).to.contain("40 kg prélevés");
    await origin.locator(`[data-uid="${attestationUid}"]`).getByText("« Diligence »").waitFor();
    await saveScreenshot(member.page, "lots-fr-origin");
    expect(member.errors.filter((error) => !/status of 401/.test(error))).to.deep.equal([]);

    // Anyone opening the link in a fresh browser reads "valid" in French, checked against the chain from the browser.
    const reader = await anonymous(shareUrl);
    const rpcCalls: string[] = [];
    reader.page.on("request", (request) => {
      if (request.url().endsWith("/v1/rpc")) rpcCalls.push(request.url());
    });
    await reader.page.reload();
    const { outcome } = await bundleVerdict(reader.page);
    // The claims' names arrive after the verdict (one look-up per kind of claim).
    const text = await textShowing(reader.page.locator(".bundle-verdict[data-outcome]"), ["« Diligence »"]);
    expect(outcome).to.equal("valid");
    expect(text).to.contain("Valable : origine et attestations vérifiées");
    expect(text).to.contain("Fondue au chocolat noir");
    expect(text).to.contain("Couverture noire 70 %");
    expect(text).to.contain("40 kg prélevés");
    expect(text).to.contain("Produit le 21 novembre 2026");
    expect(text).to.contain("« Diligence »");
    expect(rpcCalls.length, "the verdict was read from the chain through the read-only proxy").to.be.greaterThan(0);
    expect(await reader.page.locator(`[data-uid="${attestationUid}"]`).getAttribute("data-status")).to.equal("VALID");
    await saveScreenshot(reader.page, "verify-fr-bundle-valid");
    expect(reader.errors).to.deep.equal([]);
    await reader.close();
  });

  it("should read the same verdict in Dutch and English and fit a 360 px phone", async () => {
    const reader = await anonymous(shareUrl, 360);
    await bundleVerdict(reader.page);
    const expected = { fr: "Valable", nl: "Geldig", en: "Valid" } as const;
    for (const lang of ["nl", "en", "fr"] as const) {
      await reader.page.locator(`.language-button[lang="${lang}"]`).click();
      expect(await reader.page.locator(".bundle-verdict h2").first().innerText()).to.contain(expected[lang]);
      const overflow = await reader.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `horizontal scroll in ${lang}`).to.be.at.most(0);
      await saveScreenshot(reader.page, `verify-${lang}-bundle-phone`);
    }
    await reader.close();

    const member = await signedIn(stack.federation.member.key, 360);
    await member.page.locator('.lot-item[data-progress="recorded"]').first().waitFor();
    for (const lang of ["nl", "en", "fr"] as const) {
      await member.page.locator(`.language-button[lang="${lang}"]`).click();
      const overflow = await member.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `horizontal scroll on the lots page in ${lang}`).to.be.at.most(0);
      await saveScreenshot(member.page, `lots-${lang}-phone`);
    }
  });

  it("should turn the verdict red with the reason once the upstream attestation is revoked", async () => {
    await stack.revoke(stack.federation.supplier.key, attestationUid);
    const reader = await anonymous(shareUrl);
    const { outcome, text } = await bundleVerdict(reader.page);
    expect(outcome).to.equal("invalid");
    expect(text).to.contain("Pas valable");
    const reason = reader.page.locator('[data-finding="attestation.revoked"]').first();
    expect(await reason.innerText()).to.match(/a été retirée par son auteur : Audit échoué\./);
    expect(await reader.page.locator(`[data-uid="${attestationUid}"]`).first().getAttribute("data-status")).to.equal(
      "REVOKED",
    );
    // The member's own lot turns red because of its upstream.
    expect(await reader.page.locator('.lot-node[data-upstream="fail"]').count()).to.be.greaterThan(0);
    await saveScreenshot(reader.page, "verify-fr-bundle-revoked");
    await reader.close();
  });

  it("should explain a withdrawn share link, and an expired one, instead of a generic error", async () => {
    const fondue = memberPage.locator('.lot-item[data-progress="recorded"]', { hasText: "Fondue au chocolat noir" });
    await fondue.getByRole("button", { name: "Partager par lien" }).click();
    const live = fondue.locator(`.lot-share[data-token="${shareUrl.split("#share=")[1]}"]`);
    await live.getByRole("button", { name: "Retirer ce lien" }).click();
    await fondue.locator('.lot-share[data-share-state="revoked"]').waitFor();
    const revoked = await anonymous(shareUrl);
    const gone = await bundleVerdict(revoked.page);
    expect(gone.outcome).to.equal("failure-shareRevoked");
    expect(gone.text).to.contain("Ce lien de partage ne donne plus accès");
    expect(gone.text).to.contain("Son propriétaire a retiré ce lien de partage");
    await saveScreenshot(revoked.page, "verify-fr-share-revoked");
    await revoked.close();

    // A link past its expiry (moved into the past rather than waiting): explained as expired.
    await fondue.getByRole("button", { name: "Créer un lien de partage" }).click();
    const fresh = fondue.locator('.lot-share[data-share-state="live"]');
    await fresh.waitFor();
    const expiringUrl = await fresh.locator("[data-share-url]").inputValue();
    await stack.service.database.db
      .update(lotShares)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(lotShares.organisationId, stack.federation.member.id));
    const expired = await anonymous(expiringUrl);
    const late = await bundleVerdict(expired.page);
    expect(late.outcome).to.equal("failure-shareExpired");
    expect(late.text).to.contain("Ce lien de partage a expiré");
    for (const lang of ["nl", "en"] as const) {
      await expired.page.locator(`.language-button[lang="${lang}"]`).click();
      await saveScreenshot(expired.page, `verify-${lang}-share-expired`);
    }
    expect(await expired.page.locator(".verdict-failure").innerText()).to.contain("This share link has expired");
    await expired.close();
  });

  it("should accept a share link pasted on the verify page and refuse something that is not one", async () => {
    const reader = await anonymous(`${stack.url}/`);
    await reader.page.fill("#verify-share", "https://example.org/not-a-link");
    await reader.page.getByRole("button", { name: "Ouvrir le lien" }).click();
    await reader.page.getByText("Ce n’est pas un lien de partage Fontaine.").waitFor();
    await reader.page.fill("#verify-share", shareUrl);
    await reader.page.getByRole("button", { name: "Ouvrir le lien" }).click();
    // That link was withdrawn in the previous step: the page says so.
    expect((await bundleVerdict(reader.page)).outcome).to.equal("failure-shareRevoked");
    await reader.close();
  });

  it("should offer imports and list share links made on another device, and withdraw a link from there", async () => {
    // First device: a new live link.
    const fondue = memberPage.locator('.lot-item[data-progress="recorded"]', { hasText: "Fondue au chocolat noir" });
    const known = await fondue.locator(".lot-share[data-share-id]").count();
    await fondue.getByRole("button", { name: "Créer un lien de partage" }).click();
    await memberPage.waitForFunction(
      (count) =>
        document.querySelectorAll('.lot-share[data-share-state="live"][data-token]').length > 0 &&
        document.querySelectorAll(".lot-share[data-share-id]").length > count,
      known,
    );
    const made = fondue.locator('.lot-share[data-share-state="live"][data-token]').first();
    const token = (await made.getAttribute("data-token"))!;
    const id = crypto.createHash("sha256").update(token).digest("hex");
    expect(await made.getAttribute("data-share-id")).to.equal(id);

    // Second device (a browser that never saw the link nor imported the supplier's bundle): the supplier's lot is
    // offered as a parent all the same (the API lists the import), with what the fondue lot already took from it.
    const other = await signedIn(stack.federation.member.key);
    const parent = other.page.locator(".lots-parent", { hasText: "Couverture noire 70 %" });
    await parent.waitFor();
    expect(await parent.innerText()).to.contain("reste 760 kg");
    // The link is listed without its address, and withdrawn.
    const there = other.page.locator('.lot-item[data-progress="recorded"]', { hasText: "Fondue au chocolat noir" });
    await there.getByRole("button", { name: "Partager par lien" }).click();
    const listed = there.locator(`.lot-share[data-share-id="${id}"]`);
    await listed.waitFor();
    expect(await listed.getAttribute("data-share-state")).to.equal("live");
    expect(await listed.locator("[data-share-url]").count()).to.equal(0);
    expect(await listed.locator("[data-share-elsewhere]").innerText()).to.contain("créé sur un autre appareil");
    // The links withdrawn and expired by the previous tests show as such here too.
    expect(await there.locator('.lot-share[data-share-state="revoked"]').count()).to.be.greaterThan(0);
    await listed.getByRole("button", { name: "Retirer ce lien" }).click();
    await there.locator(`.lot-share[data-share-id="${id}"][data-share-state="revoked"]`).waitFor();
    expect(other.errors.filter((error) => !/status of 401/.test(error))).to.deep.equal([]);

    // Anyone opening it now reads that it was withdrawn; the first device sees it withdrawn when it looks again.
    const reader = await anonymous(`${stack.url}/verify/#share=${token}`);
    expect((await bundleVerdict(reader.page)).outcome).to.equal("failure-shareRevoked");
    await reader.close();
    await memberPage.reload();
    const again = memberPage.locator('.lot-item[data-progress="recorded"]', { hasText: "Fondue au chocolat noir" });
    await again.getByRole("button", { name: "Partager par lien" }).click();
    await again
      .locator(`.lot-share[data-share-id="${id}"][data-share-state="revoked"][data-token="${token}"]`)
      .waitFor();
  });

  it("should recall a lot signed in the wallet, and show the recall downstream and in the verdict", async () => {
    const couverture = supplierPage.locator('.lot-item[data-progress="recorded"]', { hasText: "Couverture noire" });
    await couverture.getByRole("button", { name: "Rappeler / signaler" }).click();
    await couverture.locator("select[id^=flag-reason]").selectOption("RECALL");
    await couverture.getByRole("button", { name: "Signer le signalement" }).click();
    await couverture.locator('[data-flag-phase="recorded"]').waitFor({ timeout: 40_000 });
    await supplierPage.locator('.lot-item .lot-flag[data-flag="RECALL"]').waitFor();
    await saveScreenshot(supplierPage, "lots-fr-recalled");

    // The member sees the recall in its lot's origin, and anyone opening a new share link reads why it is not valid.
    await memberPage.reload();
    const fondue = memberPage.locator('.lot-item[data-progress="recorded"]', { hasText: "Fondue au chocolat noir" });
    await fondue.getByRole("button", { name: "Voir l’origine" }).click();
    const origin = fondue.locator('[data-panel="origin"] .upstream[data-outcome="fail"]');
    await origin.waitFor({ timeout: 30_000 });
    await origin.locator('.lot-node[data-source="imported"] [data-flag="RECALL"]').waitFor();
    await fondue.getByRole("button", { name: "Partager par lien" }).click();
    // The new link, not one created earlier (the previous tests withdrew or expired those).
    const shareUrls = fondue.locator(".lot-share [data-share-url]");
    const known = new Set(await Promise.all((await shareUrls.all()).map((input) => input.inputValue())));
    await fondue.getByRole("button", { name: "Créer un lien de partage" }).click();
    await memberPage.waitForFunction(
      (count) => document.querySelectorAll(".lot-share [data-share-url]").length > count,
      known.size,
    );
    const urls = await Promise.all((await shareUrls.all()).map((input) => input.inputValue()));
    const url = urls.find((candidate) => !known.has(candidate))!;
    const reader = await anonymous(url);
    const { outcome } = await bundleVerdict(reader.page);
    expect(outcome).to.equal("invalid");
    const reason = await reader.page.locator('[data-finding="lot.flagged"]').first().innerText();
    expect(reason).to.contain("Couverture noire 70 %");
    expect(reason).to.contain("(rappel)");
    await reader.page.locator('.lot-flag[data-flag="RECALL"]').first().waitFor();
    await saveScreenshot(reader.page, "verify-fr-bundle-recalled");
    await reader.close();
  });

  it("should correct a lot's quantity from the page, on a phone, and share links then verify the corrected version", async () => {
    // A lot recorded without ingredients, shared by link before it is corrected.
    const member = await signedIn(stack.federation.member.key, 360);
    await recordLot(member.page, { product: "Pralines du salon", quantity: "10", producedOn: "2026-11-25" });
    await signAndWait(member.page);
    const pralines = member.page.locator('.lot-item[data-progress="recorded"]', { hasText: "Pralines du salon" });
    const lotId = (await pralines.getAttribute("data-lot-id"))!;
    await pralines.getByRole("button", { name: "Partager par lien" }).click();
    await pralines.getByRole("button", { name: "Créer un lien de partage" }).click();
    const link = await pralines.locator('.lot-share[data-share-state="live"] [data-share-url]').first().inputValue();
    await pralines.getByRole("button", { name: "Partager par lien" }).click();

    // The correction opens from the keyboard, filled with the lot's record, and says what a correction does.
    const amend = pralines.getByRole("button", { name: "Corriger ce lot" });
    await amend.focus();
    await member.page.keyboard.press("Enter");
    expect(await amend.getAttribute("aria-expanded")).to.equal("true");
    const panel = pralines.locator('[data-panel="amend"]');
    const field = (name: string) => panel.locator(`[id$="-${name}"]`);
    expect(await field("lot-product").inputValue()).to.equal("Pralines du salon");
    expect(await field("lot-quantity").inputValue()).to.equal("10");
    expect(await field("lot-unit").inputValue()).to.equal("kg");
    expect(await field("lot-produced").inputValue()).to.equal("2026-11-25");
    expect(await panel.innerText()).to.contain("les versions précédentes restent enregistrées");
    // The page's checks apply before anything is signed.
    const signed = member.control.calls.filter((call) => call === "eth_signTypedData_v4").length;
    await field("lot-quantity").fill("douze");
    await panel.getByRole("button", { name: "Signer la correction" }).click();
    await panel.getByText("Indiquez une quantité positive, par exemple 12,5.").waitFor();
    expect(member.control.calls.filter((call) => call === "eth_signTypedData_v4").length).to.equal(signed);
    await field("lot-quantity").fill("12");

    // The correction takes 30 kg of the fondue lot (40 kg left, says this page) while another device records a lot
    // taking 20 kg of it: the API refuses the correction, in words, before anything is signed.
    const fondue = panel.locator(".lots-parent", { hasText: "Fondue au chocolat noir" });
    expect(await fondue.innerText()).to.contain("reste 40 kg");
    await fondue.locator('input[type="checkbox"]').check();
    await fondue.locator('input[type="text"]').fill("30");
    const other = await signedIn(stack.federation.member.key);
    await recordLot(other.page, { product: "Truffes du salon", quantity: "20", producedOn: "2026-11-26" });
    const taken = other.page.locator(".lots-parent", { hasText: "Fondue au chocolat noir" });
    await taken.locator('input[type="checkbox"]').check();
    await taken.locator('input[type="text"]').fill("20");
    await signAndWait(other.page);
    await panel.getByRole("button", { name: "Signer la correction" }).click();
    const refused = panel.locator('[data-refused="exceedsParent"]');
    await refused.waitFor({ timeout: 20_000 });
    expect(await refused.innerText()).to.contain("Vos lots prélèveraient plus que ce que contient un lot d’origine");
    expect(member.control.calls.filter((call) => call === "eth_signTypedData_v4").length).to.equal(signed);
    // The page then shows what is really left.
    await fondue.getByText("reste 20 kg").waitFor();
    await fondue.locator('input[type="checkbox"]').uncheck();
    for (const lang of ["nl", "en", "fr"] as const) {
      await member.page.locator(`.language-button[lang="${lang}"]`).click();
      const overflow = await member.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `horizontal scroll on the correction form in ${lang}`).to.be.at.most(0);
      await saveScreenshot(member.page, `lots-${lang}-amend-phone`);
    }

    // Signed in the wallet, followed until recorded: the lot reads version 2 with the corrected quantity.
    await panel.getByRole("button", { name: "Signer la correction" }).click();
    const progress = panel.locator('.lots-amend-progress[data-phase="recorded"]');
    await progress.waitFor({ timeout: 40_000 });
    expect(member.control.calls.filter((call) => call === "eth_signTypedData_v4").length).to.equal(signed + 1);
    expect(await progress.innerText()).to.contain("version 2");
    const corrected = member.page.locator(`.lot-item[data-lot-id="${lotId}"][data-progress="recorded"]`);
    await corrected.locator("h3", { hasText: "12 kg" }).waitFor();
    expect(await corrected.innerText()).to.contain("(version 2)");
    await saveScreenshot(member.page, "lots-fr-amended-phone");
    const answer = await member.page.evaluate(async (id) => {
      const response = await fetch(`/v1/lots/${id}`, { credentials: "include" });
      return { status: response.status, body: (await response.json()) as { version: number; record: unknown } };
    }, lotId);
    expect(answer.status).to.equal(200);
    expect(answer.body.version).to.equal(2);
    expect(answer.body.record).to.include({ quantity: "12", unit: "kg", product: "Pralines du salon" });
    // The browser logs the refused prepare (422) and the sign-in probe (401); nothing else.
    expect(member.errors.filter((error) => !/status of (401|422)/.test(error))).to.deep.equal([]);
    expect(other.errors.filter((error) => !/status of 401/.test(error))).to.deep.equal([]);

    // The link made before the correction now shows the corrected version, verified against the chain.
    const reader = await anonymous(link);
    const { outcome, text } = await bundleVerdict(reader.page);
    expect(outcome).to.equal("valid");
    expect(text).to.contain("Pralines du salon");
    expect(text).to.contain("12 kg");
    expect(text).to.not.contain("10 kg");
    await saveScreenshot(reader.page, "verify-fr-bundle-amended");
    expect(reader.errors).to.deep.equal([]);
    await reader.close();
  });
});
