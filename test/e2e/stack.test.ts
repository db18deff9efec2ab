import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { evidencePdf } from "../../scripts/demo/evidence-pdf";
import { freePort, root, startStack, stopStack, type Stack } from "./helpers/npm-start";
import { launchBrowser, newContext, saveScreenshot, textShowing, watchPageErrors } from "./helpers/browser";
import { injectWallet } from "./helpers/injected-wallet";

/** One line of `<data folder>/demo-accounts.json`, as `npm start -- --demo` writes it. */
interface DemoAccount {
  organisation: string;
  role: string;
  privateKey: string;
}

/** The page errors worth failing on (a page asking for the session before sign-in gets a 401 by design). */
const unexpected = (errors: string[]) => errors.filter((error) => !/status of 401/.test(error));

// The journey of the README's "What to try first", in the browser only, with the demo's keys in an injected wallet
// that really signs. The story: Chocolaterie de la Meuse (supplier) declares its fair-trade cocoa purchase with the
// certificate as a PDF, and AuditCert Belgium (the accredited certifier) endorses it. The chocolaterie records a
// couverture lot covered by that claim and sends its share link to Chocoladefontein Gent (member), which imports it,
// makes its fondue lot from 25 kg of it and shares that by link; a visitor with no wallet reads "Valable". Then
// AuditCert's follow-up audit finds the purchases were not covered by the certificate, and the chocolaterie withdraws
// its claim ("Audit échoué"): in Fontaine only the author of a claim can revoke it (a certifier endorses, or withdraws
// its endorsement, but never revokes another organisation's claim). The visitor reloads and reads "Pas valable" with
// the reason, and so does anyone after the stack is stopped and restarted.
describe("the whole stack (npm start --demo) in Chromium", function () {
  this.timeout(600_000);
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let stack: Stack | undefined;
  let browser: Browser;
  let apiUrl: string;
  const contexts: BrowserContext[] = [];
  /** The supplier's signed-in page, kept from attesting to withdrawing. */
  let supplierPage: Page;
  /** The fondue lot's share link, and the visitor's page that opened it. */
  let fondueShareUrl: string;
  let visitorPage: Page;
  let visitorErrors: string[];

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-stack-"));
    env = {
      DATA_DIR: dataDir,
      API_PORT: String(await freePort()),
      TELEMETRY_PORT: String(await freePort()),
      OPCUA_PORT: String(await freePort()),
      RPC_PORT: String(await freePort()),
    };
    apiUrl = `http://localhost:${env.API_PORT}`;
    browser = await launchBrowser();
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    if (stack && stack.process.exitCode === null) await stopStack(stack);
    await browser?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function verifyDocument(
    file: string,
    name: string,
    names: string[] = [],
  ): Promise<{ outcome: string; text: string }> {
    const context = await newContext(browser, { locale: "fr-BE" });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`http://localhost:${env.API_PORT}/`);
    await page.setInputFiles("#verify-file", path.join(dataDir, "demo", "evidence", file));
    const verdict = page.locator(".verdict[data-outcome]");
    await verdict.waitFor({ timeout: 60_000 });
    const outcome = (await verdict.getAttribute("data-outcome")) ?? "";
    // Names appear once the organisation look-ups answer (profiles published by the demo), each on its own: the
    // attester's and the certifier's may land a moment apart.
    await page
      .waitForFunction(
        (wanted) =>
          wanted.length > 0
            ? wanted.every((expected) => document.body.innerText.includes(expected))
            : /Cacao Coop Sud|Chocolaterie de la Meuse/.test(document.body.innerText),
        names,
        { timeout: 10_000 },
      )
      .catch(() => undefined);
    const text = await verdict.innerText();
    await saveScreenshot(page, `stack-verify-${name}`);
    expect(errors, errors.join("\n")).to.deep.equal([]);
    await context.close();
    return { outcome, text };
  }

  function demoAccount(organisation: string): DemoAccount {
    const accounts = JSON.parse(fs.readFileSync(path.join(dataDir, "demo-accounts.json"), "utf8")) as DemoAccount[];
    const account = accounts.find((entry) => entry.organisation === organisation);
    if (!account) throw new Error(`no demo account for ${organisation}`);
    return account;
  }

  /** A fresh browser whose wallet holds a demo key, signed in on the sign-in page (organisation and role shown). */
  async function signIn(organisation: string, role: string) {
    const context = await newContext(browser, { locale: "fr-BE" });
    contexts.push(context);
    const { chainId } = JSON.parse(fs.readFileSync(path.join(dataDir, "deployment.json"), "utf8")) as {
      chainId: number;
    };
    const control = await injectWallet(context, { wallet: new Wallet(demoAccount(organisation).privateKey), chainId });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${apiUrl}/signin/`);
    await page.getByRole("button", { name: "Connecter mon portefeuille" }).click();
    const card = page.locator("[data-signed-in]");
    await card.waitFor({ timeout: 30_000 });
    expect(await page.locator("[data-role]").innerText()).to.equal(role);
    await card.locator("[data-organisation-name]").filter({ hasText: organisation }).waitFor({ timeout: 10_000 });
    return { page, control, errors };
  }

  /** Follows a link of the site's navigation, as a person would. */
  async function navigate(page: Page, label: string) {
    await page.getByRole("navigation").getByRole("link", { name: label }).click();
    await page.getByRole("heading", { level: 1 }).waitFor();
  }

  async function recordLot(page: Page, fields: { product: string; quantity: string; producedOn: string }) {
    await page.fill("#lot-product", fields.product);
    await page.fill("#lot-quantity", fields.quantity);
    await page.selectOption("#lot-unit", "kg");
    await page.fill("#lot-produced", fields.producedOn);
  }

  /** Signs the new lot in the wallet, waits until recorded, then creates a share link for it and returns the link. */
  async function signAndShare(page: Page, product: string): Promise<string> {
    await page.getByRole("button", { name: "Signer et enregistrer le lot" }).click();
    await page.locator('.lots-progress[data-phase="recorded"]').waitFor({ timeout: 60_000 });
    const lot = page.locator('.lot-item[data-progress="recorded"]', { hasText: product });
    await lot.getByRole("button", { name: "Partager par lien" }).click();
    await lot.getByRole("button", { name: "Créer un lien de partage" }).click();
    const share = lot.locator('.lot-share[data-share-state="live"]');
    await share.waitFor({ timeout: 20_000 });
    const url = await share.locator("[data-share-url]").inputValue();
    expect(url).to.match(new RegExp(`^${apiUrl}/verify/#share=[A-Za-z0-9_-]{20,}$`));
    return url;
  }

  /** The verdict the verify page reaches on a share link (checked in the browser against the chain). */
  async function bundleVerdict(page: Page) {
    const verdict = page.locator(".bundle-verdict[data-outcome], .verdict-failure[data-outcome]").first();
    await verdict.waitFor({ timeout: 60_000 });
    return { outcome: await verdict.getAttribute("data-outcome"), text: await verdict.innerText() };
  }

  /** What anyone reads on the fondue's share link once the claim is withdrawn: not valid, and why, in French. */
  async function expectWithdrawnVerdict(page: Page) {
    const { outcome, text } = await bundleVerdict(page);
    expect(outcome).to.equal("invalid");
    expect(text).to.contain("Pas valable");
    const reason = await page.locator('[data-finding="attestation.revoked"]').first().innerText();
    expect(reason).to.contain("« Achat de cacao équitable »");
    expect(reason).to.contain("a été retirée par son auteur : Audit échoué. Elle ne vaut plus");
    // The member's fondue is marked for its upstream problem, never "valid".
    expect(await page.locator('.lot-node[data-upstream="fail"]').count()).to.be.greaterThan(0);
  }

  it("should start with the demo, print one URL and the live view, and refuse a second start", async () => {
    stack = await startStack(env, ["--demo"]);
    const printed = stack.output.join("");
    expect(printed).to.contain(`Fontaine:   http://localhost:${env.API_PORT}/`);
    expect(printed).to.match(/Live view:\s+http:\/\/localhost:\d+\/live\/#token=/);
    const accounts = JSON.parse(fs.readFileSync(path.join(dataDir, "demo-accounts.json"), "utf8")) as {
      role: string;
      privateKey: string;
    }[];
    expect(accounts.map((account) => account.role)).to.include.members(["governor", "supplier", "certifier", "member"]);
    expect(accounts.every((account) => /^0x[0-9a-f]{64}$/.test(account.privateKey))).to.equal(true);

    const second = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/start/start.ts")], {
      cwd: root,
      env: { ...process.env, ...env, CI: "true" },
    });
    let secondOutput = "";
    second.stderr.on("data", (chunk: Buffer) => (secondOutput += chunk.toString("utf8")));
    const secondCode = await new Promise<number | null>((resolve) => second.once("exit", resolve));
    expect(secondCode).to.equal(1);
    expect(secondOutput).to.match(/already in use by process \d+/);
  });

  it("should show an endorsed claim as valid and a withdrawn one as revoked on the verify page", async () => {
    const valid = await verifyDocument("cacao-coop-sud-child-labour-2026.pdf", "valid", [
      "Cacao Coop Sud",
      "AuditCert Belgium",
    ]);
    expect(valid.outcome).to.equal("valid");
    // Organisations by name (public profiles whose digests are on chain), not by id.
    expect(valid.text).to.contain("Cacao Coop Sud").and.to.contain("AuditCert Belgium");
    const revoked = await verifyDocument("chocolaterie-meuse-living-wage.pdf", "revoked");
    expect(revoked.outcome).to.equal("revoked");
    expect(revoked.text).to.contain("Chocolaterie de la Meuse");
  });

  it("should let a demo supplier attest with a PDF and see it recorded, and the certifier endorse it", async () => {
    const supplier = await signIn("Chocolaterie de la Meuse", "Fournisseur");
    supplierPage = supplier.page;
    await saveScreenshot(supplier.page, "stack-journey-1-signin-supplier");
    await navigate(supplier.page, "Attester");
    const certificate = path.join(dataDir, "chocolaterie-meuse-fairtrade-2026.pdf");
    fs.writeFileSync(
      certificate,
      evidencePdf("chocolaterie-meuse-fairtrade-2026", [
        "Fair-trade cocoa purchase - Chocolaterie de la Meuse",
        `Certificate FT-2026-0377, purchases of 2026 (${Date.now()})`,
      ]),
    );
    await supplier.page.locator("#attest-schema").selectOption({ label: "Achat de cacao équitable" });
    await supplier.page.setInputFiles("#attest-file", certificate);
    await supplier.page.fill("#attest-expiry", "2027-12-31");
    const summary = await supplier.page.locator("[data-summary]").innerText();
    expect(summary).to.contain("« Achat de cacao équitable »");
    expect(summary).to.contain("Chocolaterie de la Meuse");
    expect(summary).to.contain("chocolaterie-meuse-fairtrade-2026.pdf");
    await supplier.page.getByRole("button", { name: "Signer dans mon portefeuille" }).click();
    await supplier.page.locator('.attest-progress[data-phase="recorded"]').waitFor({ timeout: 60_000 });
    expect(supplier.control.calls).to.include("eth_signTypedData_v4");
    await saveScreenshot(supplier.page, "stack-journey-2-attest-recorded");

    // The certifier finds it among the claims to endorse, named by organisation, and endorses it.
    const certifier = await signIn("AuditCert Belgium", "Certificateur");
    await navigate(certifier.page, "Approuver / retirer");
    const claim = certifier.page
      .locator('[data-list="endorse"] .review-row')
      .filter({ hasText: "Chocolaterie de la Meuse" })
      .filter({ hasText: "Achat de cacao équitable" });
    await claim.waitFor({ timeout: 30_000 });
    expect(await claim.count()).to.equal(1);
    expect(await claim.innerText()).to.contain("31 décembre 2027");
    await saveScreenshot(certifier.page, "stack-journey-3-review-certifier");
    await claim.getByRole("button", { name: "Approuver « Achat de cacao équitable »" }).click();
    await claim.getByText("Approuvé et enregistré").waitFor({ timeout: 60_000 });
    expect(certifier.control.calls).to.include("eth_signTypedData_v4");
    expect(unexpected(certifier.errors), certifier.errors.join("\n")).to.deep.equal([]);

    // Anyone dropping the certificate on the verify page reads it valid, endorsed by the certifier.
    await supplier.page.getByRole("navigation").getByRole("link", { name: "Accueil" }).click();
    await supplier.page.setInputFiles("#verify-file", certificate);
    const verdict = supplier.page.locator(".verdict[data-outcome]");
    await verdict.waitFor({ timeout: 60_000 });
    expect(await verdict.getAttribute("data-outcome")).to.equal("valid");
    // Organisations by their published names, each filled in as its look-up answers.
    await supplier.page.waitForFunction(
      () =>
        /Chocolaterie de la Meuse[\s\S]*AuditCert Belgium/.test(document.querySelector(".verdict")?.textContent ?? ""),
      null,
      { timeout: 20_000 },
    );
    await saveScreenshot(supplier.page, "stack-journey-3b-verify-endorsed");
    expect(unexpected(supplier.errors), supplier.errors.join("\n")).to.deep.equal([]);
  });

  it("should carry the supplier's lot into a member's lot shared by link, read 'Valable' by a visitor", async () => {
    // The supplier records its couverture lot covered by the endorsed claim and makes a share link for its customer.
    await navigate(supplierPage, "Mes lots");
    await recordLot(supplierPage, {
      product: "Chocolat de couverture au lait 35 %",
      quantity: "500",
      producedOn: "2026-10-28",
    });
    await supplierPage
      .locator(".lots-claims")
      .getByLabel(/Achat de cacao équitable/)
      .check();
    const couvertureLink = await signAndShare(supplierPage, "Chocolat de couverture au lait 35 %");

    // The member imports it from that link, makes its fondue from 25 kg of it, and shares the fondue by link.
    const member = await signIn("Chocoladefontein Gent", "Membre (organisateur)");
    await navigate(member.page, "Mes lots");
    await member.page.fill("#lots-import-link", couvertureLink);
    await member.page.getByRole("button", { name: "Importer ce lien" }).click();
    const imported = member.page.locator('.lots-import-status[data-phase="done"]');
    await imported.waitFor({ timeout: 60_000 });
    expect(await imported.innerText()).to.contain("Chocolat de couverture au lait 35 %");
    await recordLot(member.page, { product: "Fondue au chocolat au lait", quantity: "25", producedOn: "2026-11-28" });
    const parent = member.page.locator(".lots-parent", { hasText: "Chocolat de couverture au lait 35 %" });
    expect(await parent.innerText()).to.contain("reste 500 kg");
    await parent.locator('input[type="checkbox"]').check();
    await parent.locator('input[type="text"]').fill("25");
    await saveScreenshot(member.page, "stack-journey-4-lots-member");
    fondueShareUrl = await signAndShare(member.page, "Fondue au chocolat au lait");
    await saveScreenshot(member.page, "stack-journey-5-lots-shared");
    expect(unexpected(member.errors), member.errors.join("\n")).to.deep.equal([]);

    // A visitor with no wallet (a fresh browser) opens the link and reads "valid" in French.
    const context = await newContext(browser, { locale: "fr-BE" });
    contexts.push(context);
    visitorPage = await context.newPage();
    visitorErrors = watchPageErrors(visitorPage);
    await visitorPage.goto(fondueShareUrl);
    const { outcome } = await bundleVerdict(visitorPage);
    // The claims' names arrive after the verdict (one look-up per kind of claim).
    const text = await textShowing(visitorPage.locator(".bundle-verdict[data-outcome]"), [
      "« Achat de cacao équitable »",
    ]);
    expect(outcome).to.equal("valid");
    expect(text).to.contain("Valable : origine et attestations vérifiées");
    expect(text).to.contain("Fondue au chocolat au lait");
    expect(text).to.contain("Chocolat de couverture au lait 35 %");
    expect(text).to.contain("25 kg prélevés");
    expect(text).to.contain("« Achat de cacao équitable » — approuvée par un certificateur");
    await saveScreenshot(visitorPage, "stack-journey-6-visitor-valid");
    expect(visitorErrors).to.deep.equal([]);
  });

  it("should show the visitor 'Pas valable' with the reason once the supplier withdraws its claim", async () => {
    await navigate(supplierPage, "Approuver / retirer");
    const claim = supplierPage
      .locator('[data-list="withdraw"] .review-row')
      .filter({ hasText: "Achat de cacao équitable" });
    await claim.waitFor({ timeout: 30_000 });
    expect(await claim.count()).to.equal(1);
    await claim.getByLabel("Motif").selectOption({ label: "Audit échoué" });
    await claim.getByRole("button", { name: "Retirer « Achat de cacao équitable »" }).click();
    await claim.getByText("Retiré et enregistré").waitFor({ timeout: 60_000 });
    await saveScreenshot(supplierPage, "stack-journey-7-withdrawn");

    await visitorPage.reload();
    await expectWithdrawnVerdict(visitorPage);
    await saveScreenshot(visitorPage, "stack-journey-8-visitor-revoked");
    expect(visitorErrors).to.deep.equal([]);
    for (const context of contexts.splice(0)) await context.close();
  });

  it("should show three fountains updating in the live view and the hot one's alarm", async () => {
    const tokens = JSON.parse(fs.readFileSync(path.join(dataDir, "telemetry-tokens.json"), "utf8")) as {
      federation: string;
    };
    const context = await newContext(browser, { locale: "fr-BE" });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${env.TELEMETRY_PORT}/live/#token=${tokens.federation}`);
    await page.waitForFunction(() => document.querySelectorAll("article[data-fountain-id]").length === 3, null, {
      timeout: 60_000,
    });
    const first = await page.locator("article[data-fountain-id]").first().innerText();
    await page.waitForFunction(
      (before) => document.querySelector("article[data-fountain-id]")?.textContent !== before,
      first,
      { timeout: 30_000 },
    );
    // The demo's overheating fountain (F0002) raises a temperature alarm in the live view.
    await page.locator('li.alert[data-fountain-id="F0002"]').first().waitFor({ timeout: 240_000 });
    await saveScreenshot(page, "stack-live-view");
    await context.close();
  });

  it("should stop cleanly within 10 s and keep every record across a restart", async () => {
    const stopped = await stopStack(stack as Stack);
    expect(stopped.code).to.equal(0);
    expect(stopped.ms).to.be.below(10_000);
    stack = await startStack(env, []);
    expect(stack.output.join("")).to.contain("demo already seeded");
    expect((await verifyDocument("chocolaterie-meuse-living-wage.pdf", "revoked-after-restart")).outcome).to.equal(
      "revoked",
    );
    const valid = await verifyDocument("cacao-coop-sud-child-labour-2026.pdf", "valid-after-restart");
    expect(valid.outcome).to.equal("valid");
    expect(valid.text).to.contain("Cacao Coop Sud");

    // The member's share link still opens and still says why the fondue is not valid.
    const context = await newContext(browser, { locale: "fr-BE" });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(fondueShareUrl);
    await expectWithdrawnVerdict(page);
    await saveScreenshot(page, "stack-journey-9-revoked-after-restart");
    expect(errors).to.deep.equal([]);
    await context.close();
  });
});
