import fs from "node:fs";
import { expect } from "chai";
import type { Browser } from "playwright-core";
import { fileDigest } from "../../sdk/hashing";
import { launchBrowser, newContext, saveScreenshot, watchPageErrors } from "./helpers/browser";
import { injectWallet } from "./helpers/injected-wallet";
import { startProvenanceStack, type ProvenanceStack } from "./helpers/provenance-stack";

// A certifier certifies a few hundred documents from a CSV list: one signature, followed until recorded, and each
// document then verifies on its own.
describe("attest page, bulk mode for certifiers (injected wallet, real API, Chromium)", function () {
  this.timeout(240_000);
  let stack: ProvenanceStack;
  let starting: Promise<ProvenanceStack> | undefined;
  let browser: Browser;

  before(async () => {
    // Kept so after() can stop a stack whose start outlived the hook timeout (no orphan anvil).
    starting = startProvenanceStack("attest_bulk");
    stack = await starting;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await (stack ?? (await starting?.catch(() => undefined)))?.stop();
  });

  it("should read a CSV of 300 certificates, sign them once, follow them until recorded, and verify one", async () => {
    const context = await newContext(browser);
    const control = await injectWallet(context, {
      wallet: stack.federation.certifier.key,
      chainId: stack.node.chainId,
    });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${stack.url}/attest/`);
    await page.getByRole("button", { name: "Connecter mon portefeuille" }).click();
    await page.getByLabel("Plusieurs documents (liste CSV)").check({ timeout: 20_000 });
    await page.locator("#bulk-schema").selectOption({ label: "Audit social" });

    // A template to start from: the federation's suppliers and members by full id (the pages show them shortened).
    const subject = stack.federation.supplier.id;
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Télécharger un modèle avec les organisations de la fédération" }).click(),
    ]);
    expect(download.suggestedFilename()).to.equal("fontaine-certificats.csv");
    const template = fs.readFileSync((await download.path())!, "utf8");
    expect(template.split("\r\n")[0]).to.equal("\uFEFFsubject;name;file;digest;expiry");
    expect(template).to.contain(`${subject.toLowerCase()};`);
    expect(template).to.contain(`${stack.federation.member.id.toLowerCase()};`);
    expect(template).to.not.contain(stack.federation.certifier.id.toLowerCase());

    // A list with mistakes: each line says what is wrong, in plain words, and nothing can be signed.
    const faulty = [
      "subject;digest;expiry",
      `${subject};0x1234;`,
      `${subject};${fileDigest(Buffer.from("x"))};2020-01-01`,
    ].join("\n");
    await page.setInputFiles("#bulk-csv", { name: "erreurs.csv", mimeType: "text/csv", buffer: Buffer.from(faulty) });
    await page.locator("[data-preview]").waitFor();
    expect(await page.locator('[data-line="2"]').innerText()).to.contain("l’empreinte n’est pas 0x suivi de 64");
    expect(await page.locator('[data-line="3"]').innerText()).to.contain("la date est déjà passée");
    expect(await page.getByRole("button", { name: /Signer les 2 documents/ }).isDisabled()).to.equal(true);
    await saveScreenshot(page, "attest-bulk-fr-errors");

    // The real list: 297 fingerprints and 3 documents named by file, dropped alongside.
    const documents = Array.from({ length: 3 }, (_, index) => ({
      name: `rapport-${index + 1}.pdf`,
      mimeType: "application/pdf",
      buffer: Buffer.from(`Rapport d'audit social ${index + 1} ${Date.now()}\n`),
    }));
    const digests = Array.from({ length: 297 }, (_, index) =>
      fileDigest(Buffer.from(`Certificat ${index} ${Date.now()}`)).toLowerCase(),
    );
    const lines = [
      "subject,digest,file,expiry",
      ...digests.map((digest, index) => `${subject},${digest},,${index % 2 === 0 ? "2030-12-31" : ""}`),
      ...documents.map((document) => `${subject},,${document.name},2031-06-30`),
    ];
    await page.setInputFiles("#bulk-files", documents);
    await page.getByText("Documents ajoutés : 3.").waitFor();
    await page.setInputFiles("#bulk-csv", {
      name: "certificats.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(lines.join("\r\n")),
    });
    await page.locator('[data-counts="300/0"]').waitFor();
    for (const lang of ["nl", "en", "fr"] as const) {
      await page.locator(`.language-button[lang="${lang}"]`).click();
      await saveScreenshot(page, `attest-bulk-${lang}-preview`);
    }
    await page.getByRole("button", { name: "Signer les 300 documents en une fois dans mon portefeuille" }).click();
    await page.locator('.attest-progress[data-phase="recorded"]').waitFor({ timeout: 60_000 });
    expect(control.calls.filter((call) => call === "eth_signTypedData_v4")).to.have.length(1);
    expect(await page.locator(".attest-progress").innerText()).to.contain("Les 300 documents sont enregistrés");
    await saveScreenshot(page, "attest-bulk-fr-recorded");

    // A document named by file verifies through the API, and the first line on the verify page.
    const byFile = await stack.api<{ verdict: string; attestations: { expiresAt: number }[] }>("/v1/verify", {
      digest: fileDigest(documents[2]!.buffer),
    });
    expect(byFile.body.verdict).to.equal("VALID");
    expect(byFile.body.attestations.map((a) => a.expiresAt)).to.deep.equal([Date.UTC(2031, 5, 30, 23, 59, 59) / 1000]);
    await page.locator('[data-line="2"]').getByRole("link", { name: "Vérifier" }).click();
    const verdict = page.locator(".verdict[data-outcome]");
    await verdict.waitFor({ timeout: 20_000 });
    expect(await verdict.getAttribute("data-outcome")).to.equal("valid");
    expect(await verdict.innerText()).to.contain("31 décembre 2030");
    // Said to be recorded by the certifier, whose own claim needs no other certifier's approval.
    await page.locator(".attestation-sentence, .attestation", { hasText: "le certificateur" }).first().waitFor();
    expect(await verdict.innerText()).to.not.contain("pas encore approuvé");
    await saveScreenshot(page, "attest-bulk-fr-verified");
    expect(errors.filter((error) => !/status of 401/.test(error))).to.deep.equal([]);
    await context.close();
  });

  it("should not offer the bulk mode to a supplier", async () => {
    const context = await newContext(browser);
    await injectWallet(context, { wallet: stack.federation.supplier.key, chainId: stack.node.chainId });
    const page = await context.newPage();
    await page.goto(`${stack.url}/attest/`);
    await page.getByRole("button", { name: "Connecter mon portefeuille" }).click();
    await page.locator("#attest-schema").waitFor({ timeout: 20_000 });
    expect(await page.getByLabel("Plusieurs documents (liste CSV)").count()).to.equal(0);
    await context.close();
  });
});
