import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { fileDigest, randomBytes32 } from "../../sdk/hashing";
import {
  expectFocus,
  launchBrowser,
  newContext,
  saveScreenshot,
  textShowing,
  watchPageErrors,
} from "./helpers/browser";
import { startProvenanceStack, type ProvenanceStack } from "./helpers/provenance-stack";

// The verify page against the real stack: anvil + contracts + the API on PGlite serving web/dist.
describe("verify page (real API, anvil, Chromium)", function () {
  this.timeout(180_000);
  let stack: ProvenanceStack;
  let starting: Promise<ProvenanceStack> | undefined;
  let browser: Browser;
  const certificate = Buffer.from(`Fair-trade certificate FT-2026-${Date.now()}\nCacao Coop Sud\n`);
  const revokedReport = Buffer.from(`Social audit report ${Date.now()}: failed\n`);
  let revokedDigest: string;

  before(async () => {
    // Kept so after() can stop a stack whose start outlived the hook timeout (no orphan anvil).
    starting = startProvenanceStack("verify");
    stack = await starting;
    browser = await launchBrowser();
    await stack.attest(stack.federation.supplier.key, fileDigest(certificate));
    revokedDigest = fileDigest(revokedReport).toLowerCase();
    const uid = await stack.attest(stack.federation.supplier.key, revokedDigest);
    await stack.revoke(stack.federation.supplier.key, uid);
  });
  after(async () => {
    await browser?.close();
    await (stack ?? (await starting?.catch(() => undefined)))?.stop();
  });

  async function open(path = "/", options: { width?: number; lang?: string } = {}) {
    const context = await newContext(browser, { width: options.width });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(stack.url + path);
    await page.getByRole("heading", { level: 1 }).waitFor();
    return { page, errors, close: () => context.close() };
  }

  async function verdictOf(page: Page) {
    const verdict = page.locator(".verdict[data-outcome]");
    await verdict.waitFor({ timeout: 20_000 });
    return { outcome: await verdict.getAttribute("data-outcome"), text: await verdict.innerText() };
  }

  it("should serve the verify page as the landing page and at /verify/", async () => {
    for (const path of ["/", "/verify/"]) {
      const response = await fetch(stack.url + path);
      expect(response.status, path).to.equal(200);
      expect(response.headers.get("cache-control")).to.equal("no-cache");
      expect(await response.text()).to.match(/<div id="app">/);
    }
    const missing = await fetch(`${stack.url}/v1/does-not-exist`);
    expect(missing.status).to.equal(404);
    expect(missing.headers.get("content-type")).to.match(/problem\+json/);
  });

  it("should hash a dropped document in the browser and say who recorded it and until when it is valid", async () => {
    const { page, errors, close } = await open("/");
    const requests: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith("/v1/verify")) requests.push(request.postData() ?? "");
    });
    await page.setInputFiles("#verify-file", {
      name: "certificat.pdf",
      mimeType: "application/pdf",
      buffer: certificate,
    });
    const { outcome } = await verdictOf(page);
    expect(outcome).to.equal("valid");
    // The recording date is read from the chain's block through the API's read-only proxy; the claim's name from
    // the API: both land after the verdict.
    const recordedOn = /enregistré le \d{1,2} \S+ \d{4} par le fournisseur 0x/;
    const text = await textShowing(page.locator(".verdict[data-outcome]"), [recordedOn, "Diligence"]);
    expect(text).to.contain("Valable");
    expect(text).to.match(recordedOn);
    expect(text).to.contain("Diligence");
    expect(text).to.match(/valable (jusqu’au|sans date de fin)/);
    expect(text).to.contain("certificat.pdf");
    // Only the fingerprint left the browser, never the document's bytes.
    expect(requests).to.have.length(1);
    expect(JSON.parse(requests[0]!)).to.deep.equal({ digest: fileDigest(certificate).toLowerCase() });
    await page.locator(".attestation-details summary").first().click();
    expect(await page.locator(".attestation-details dd").first().innerText()).to.match(/^0x[0-9a-f]{64}$/);
    await saveScreenshot(page, "verify-fr-valid");
    expect(errors).to.deep.equal([]);
    await close();
  });

  it("should explain a revoked attestation, an unknown document and a malformed fingerprint", async () => {
    const { page, close } = await open("/");
    await page.fill("#verify-digest", revokedDigest);
    await page.getByRole("button", { name: "Vérifier", exact: true }).click();
    let verdict = await verdictOf(page);
    expect(verdict.outcome).to.equal("revoked");
    expect(verdict.text).to.contain("Retiré");
    expect(verdict.text).to.contain("Il ne vaut plus");
    // Why, as its author recorded it (stack.revoke signs AUDIT_FAILED), in the reader's words.
    expect(verdict.text).to.contain("Son auteur l’a retiré : Audit échoué.");
    await saveScreenshot(page, "verify-fr-revoked");

    await page.fill("#verify-digest", randomBytes32());
    await page.getByRole("button", { name: "Vérifier", exact: true }).click();
    await page.locator('.verdict[data-outcome="unknown"]').waitFor();
    verdict = await verdictOf(page);
    expect(verdict.text).to.contain("Aucun enregistrement pour ce document");
    expect(verdict.text).to.contain("changer un seul caractère");
    await saveScreenshot(page, "verify-fr-unknown");

    await page.fill("#verify-digest", "0x1234");
    await page.getByRole("button", { name: "Vérifier", exact: true }).click();
    const alert = page.locator("#verify-digest-error");
    await alert.waitFor();
    expect(await alert.getAttribute("role")).to.equal("alert");
    expect(await page.locator("#verify-digest").getAttribute("aria-invalid")).to.equal("true");
    await close();
  });

  it("should open a share link and verify at once", async () => {
    const { page, close } = await open(`/verify/#digest=${fileDigest(certificate)}`);
    expect((await verdictOf(page)).outcome).to.equal("valid");
    const link = await page.locator("[data-share-link]").getAttribute("href");
    expect(link).to.equal(`${stack.url}/verify/#digest=${fileDigest(certificate).toLowerCase()}`);
    await close();
  });

  it("should say the service does not answer when the network fails, not a generic error", async () => {
    const { page, close } = await open("/");
    // The only simulated part: the browser losing its connection to the API.
    await page.route("**/v1/verify", (route) => route.abort("internetdisconnected"));
    await page.fill("#verify-digest", revokedDigest);
    await page.keyboard.press("Enter");
    await page.locator('[data-outcome="failure-offline"]').waitFor();
    expect(await page.locator('[data-outcome="failure-offline"]').innerText()).to.contain("ne répond pas");
    await close();
  });

  it("should be usable with the keyboard only", async () => {
    const { page, close } = await open("/");
    const focusedId = () => page.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName);
    // Tab through the page until the fingerprint field: skip link, brand, nav, language buttons, file input…
    let reached = false;
    for (let press = 0; press < 20 && !reached; press++) {
      await page.keyboard.press("Tab");
      reached = (await focusedId()) === "verify-digest";
    }
    expect(reached, "the fingerprint field is reachable with Tab").to.equal(true);
    await page.keyboard.type(fileDigest(certificate));
    await page.keyboard.press("Enter");
    expect((await verdictOf(page)).outcome).to.equal("valid");
    // Focus moved to the verdict; the details open with the keyboard.
    await expectFocus(page, ".verify-result");
    let onSummary = false;
    for (let press = 0; press < 10 && !onSummary; press++) {
      await page.keyboard.press("Tab");
      onSummary = await page.evaluate(() => document.activeElement?.tagName === "SUMMARY");
    }
    expect(onSummary).to.equal(true);
    await page.keyboard.press("Enter");
    expect(await page.locator("details.attestation-details").first().getAttribute("open")).to.not.equal(null);
    await close();
  });

  it("should fit a 360 px phone in each language and switch language", async () => {
    const { page, errors, close } = await open(`/verify/#digest=${fileDigest(certificate)}`, { width: 360 });
    const expected = { fr: "Valable", nl: "Geldig", en: "Valid" } as const;
    for (const lang of ["fr", "nl", "en"] as const) {
      await page.locator(`.language-button[lang="${lang}"]`).click();
      await page.waitForFunction((code) => document.documentElement.lang === code, lang);
      const { text } = await verdictOf(page);
      expect(text).to.contain(expected[lang]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `horizontal scroll in ${lang}`).to.be.at.most(0);
      await saveScreenshot(page, `verify-${lang}-phone`);
    }
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".site-header").isVisible()).to.equal(false);
    expect(await page.locator(".verdict").isVisible()).to.equal(true);
    await saveScreenshot(page, "verify-en-print");
    expect(errors).to.deep.equal([]);
    await close();
  });
});
