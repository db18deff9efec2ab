import { expect } from "chai";
import type { Browser } from "playwright-core";
import { mined } from "../../sdk/chain";
import { fileDigest, reasonCode } from "../../sdk/hashing";
import { eventually } from "../api/helpers/stack";
import { expectFocus, launchBrowser, newContext, saveScreenshot, watchPageErrors } from "./helpers/browser";
import { injectWallet } from "./helpers/injected-wallet";
import { startProvenanceStack, type ProvenanceStack } from "./helpers/provenance-stack";

// A certifier endorses a supplier's claim, then withdraws its endorsement (sent from its wallet to anvil), then the
// supplier withdraws the claim: each action signed in the wallet, and the API's verdict follows.
describe("review page (injected wallet, real API, Chromium)", function () {
  this.timeout(180_000);
  let stack: ProvenanceStack;
  let starting: Promise<ProvenanceStack> | undefined;
  let browser: Browser;
  const report = Buffer.from(`Audit report ${Date.now()}\n`);
  const other = Buffer.from(`Second report ${Date.now()}\n`);
  let uid: string;
  let otherUid: string;

  before(async () => {
    // Kept so after() can stop a stack whose start outlived the hook timeout (no orphan anvil).
    starting = startProvenanceStack("review");
    stack = await starting;
    browser = await launchBrowser();
    uid = await stack.attest(stack.federation.supplier.key, fileDigest(report));
    otherUid = await stack.attest(stack.federation.supplier.key, fileDigest(other));
  });
  after(async () => {
    await browser?.close();
    await (stack ?? (await starting?.catch(() => undefined)))?.stop();
  });

  async function openAs(key: keyof Pick<ProvenanceStack["federation"], "supplier" | "certifier">) {
    const context = await newContext(browser);
    const control = await injectWallet(context, {
      wallet: stack.federation[key].key,
      chainId: stack.node.chainId,
      rpcUrl: stack.node.url,
    });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${stack.url}/review/`);
    await page.getByRole("button", { name: "Connecter mon portefeuille" }).click();
    await page.locator('[data-list="withdraw"]').waitFor({ timeout: 20_000 });
    return { page, control, errors, close: () => context.close() };
  }

  it("should let a certifier endorse a claim, a declined signature changing nothing", async () => {
    const { page, control, errors, close } = await openAs("certifier");
    const row = page.locator(`[data-list="endorse"] [data-uid="${uid}"]`);
    await row.waitFor({ timeout: 20_000 });
    await saveScreenshot(page, "review-fr-certifier");
    control.reject.add("eth_signTypedData_v4");
    await row.getByRole("button", { name: "Approuver « Diligence »" }).click();
    await row.locator('[data-problem="rejected"]').waitFor();
    expect((await stack.api<{ endorsed: boolean }>(`/v1/attestations/${uid}`)).body.endorsed).to.equal(false);
    control.reject.clear();
    await row.getByRole("button", { name: "Approuver « Diligence »" }).click();
    await page.locator(`[data-uid="${uid}"][data-state="done"]`).waitFor({ timeout: 30_000 });
    expect(await row.innerText()).to.contain("Approuvé et enregistré");
    expect((await stack.api<{ endorsed: boolean }>(`/v1/attestations/${uid}`)).body.endorsed).to.equal(true);
    expect(errors.filter((error) => !/status of 401/.test(error))).to.deep.equal([]);
    await close();
  });

  /** The API's verify answer for `digest`: whether its attestation `id` reads as endorsed. */
  async function endorsedInVerify(digest: string, id: string): Promise<boolean | undefined> {
    const answer = await stack.api<{ attestations: { uid: string; endorsed: boolean }[] }>("/v1/verify", { digest });
    expect(answer.status).to.equal(200);
    return answer.body.attestations.find((entry) => entry.uid === id)?.endorsed;
  }

  it("should let the certifier withdraw its endorsement from its wallet, the claim then no longer endorsed", async () => {
    const registry = stack.federation.fontaine.attestationRegistry.connect(stack.federation.certifier.key);
    // A second claim endorsed, listed, then withdrawn behind the page's back: the page explains the refusal.
    await mined(registry.getFunction("endorse")(otherUid));
    await eventually(
      async () =>
        (await stack.api<{ endorsement: { withdrawn: boolean } | null }>(`/v1/attestations/${otherUid}`)).body
          .endorsement?.withdrawn === false,
      30_000,
      "second endorsement indexed",
    );
    expect(await endorsedInVerify(fileDigest(report), uid)).to.equal(true);

    const { page, control, errors, close } = await openAs("certifier");
    const list = page.locator('[data-list="endorsements"]');
    const row = list.locator(`[data-uid="${uid}"]`);
    await row.waitFor({ timeout: 20_000 });
    await list.locator(`[data-uid="${otherUid}"]`).waitFor();
    expect(await page.locator(`[data-list="endorse"] [data-uid="${uid}"]`).count()).to.equal(0);

    await mined(registry.getFunction("withdrawEndorsement")(otherUid, reasonCode("ENTERED_BY_MISTAKE")));
    const otherRow = list.locator(`[data-uid="${otherUid}"]`);
    await otherRow.getByRole("button", { name: "Retirer mon approbation de « Diligence »" }).click();
    await otherRow.locator('[data-refused="notEndorsed"]').waitFor({ timeout: 20_000 });
    expect(await otherRow.innerText()).to.contain("Cette déclaration n’est plus approuvée");
    expect(control.calls).to.not.include("eth_sendTransaction");

    // Declined in the wallet: explained, nothing changed.
    await row.getByLabel("Motif").selectOption("CERTIFICATE_WITHDRAWN");
    control.reject.add("eth_sendTransaction");
    await row.getByRole("button", { name: "Retirer mon approbation de « Diligence »" }).click();
    await row.locator('[data-problem="rejected"]').waitFor({ timeout: 20_000 });
    expect(await endorsedInVerify(fileDigest(report), uid)).to.equal(true);
    control.reject.clear();

    // On a phone, in each language, without horizontal scrolling.
    await page.setViewportSize({ width: 360, height: 800 });
    for (const lang of ["nl", "en", "fr"] as const) {
      await page.locator(`.language-button[lang="${lang}"]`).click();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, lang).to.be.at.most(0);
      await saveScreenshot(page, `review-${lang}-certifier-endorsements-360`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    // With the keyboard only: the reason, then the button.
    await row.getByLabel("Motif").focus();
    await expectFocus(page, `[data-uid="${uid}"] select`);
    await page.keyboard.press("Tab");
    await expectFocus(page, `[data-uid="${uid}"] button`);
    await page.keyboard.press("Enter");
    await page
      .locator(`[data-list="endorsements"] [data-uid="${uid}"][data-state="done"]`)
      .waitFor({ timeout: 60_000 });
    expect(await row.innerText()).to.contain("Approbation retirée et enregistrée");
    await saveScreenshot(page, "review-fr-endorsement-withdrawn");

    expect(await endorsedInVerify(fileDigest(report), uid)).to.equal(false);
    const record = await stack.federation.fontaine.attestationRegistry.endorsement(uid);
    expect(record.withdrawn).to.equal(true);
    const read = await stack.api<{ endorsed: boolean; endorsement: { withdrawn: boolean } }>(`/v1/attestations/${uid}`);
    expect(read.body).to.deep.include({ endorsed: false });
    expect(read.body.endorsement.withdrawn).to.equal(true);
    expect(errors.filter((error) => !/status of 401/.test(error))).to.deep.equal([]);
    await close();
  });

  it("should let the supplier withdraw its claim and the verify page then say it is withdrawn", async () => {
    const { page, close } = await openAs("supplier");
    const row = page.locator(`[data-list="withdraw"] [data-uid="${uid}"]`);
    await row.waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-list="endorse"]').count()).to.equal(0);
    await row.locator("select").selectOption("CERTIFICATE_WITHDRAWN");
    for (const lang of ["nl", "en", "fr"] as const) {
      await page.locator(`.language-button[lang="${lang}"]`).click();
      await saveScreenshot(page, `review-${lang}-supplier`);
    }
    await row.getByRole("button", { name: "Retirer « Diligence »" }).click();
    await page.locator(`[data-uid="${uid}"][data-state="done"]`).waitFor({ timeout: 30_000 });
    await page.goto(`${stack.url}/verify/#digest=${fileDigest(report)}`);
    const verdict = page.locator(".verdict[data-outcome]");
    await verdict.waitFor({ timeout: 20_000 });
    expect(await verdict.getAttribute("data-outcome")).to.equal("revoked");
    await close();
  });
});
