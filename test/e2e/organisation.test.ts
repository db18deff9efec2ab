import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { ZeroHash, type HDNodeWallet } from "ethers";
import { metadataDigest, schemaId } from "../../sdk/hashing";
import { federationInterface, registryInterface } from "../../web/organisation/organisation-actions";
import { devAccount } from "../api/helpers/chain";
import { expectFocus, launchBrowser, newContext, saveScreenshot, watchPageErrors } from "./helpers/browser";
import { injectWallet } from "./helpers/injected-wallet";
import { startProvenanceStack, type ProvenanceStack } from "./helpers/provenance-stack";

interface OrganisationBody {
  id: string;
  active: boolean;
  metadataDigest: string;
  profile: { name: string } | null;
  keys: { address: string; validUntil: number | null; compromisedFrom: number | null }[];
}

// The organisation page sends its changes from the wallet (eth_sendTransaction, really signed and mined on anvil by
// the injected wallet) or prepares them for the governors' multisig. The suites run in order: the governor's steps
// add the keys the supplier's steps retire and report.
describe("organisation page (injected wallet sending to anvil, real API, Chromium)", function () {
  this.timeout(300_000);
  let stack: ProvenanceStack;
  let starting: Promise<ProvenanceStack> | undefined;
  let browser: Browser;
  // Funded development accounts no organisation uses yet (1–4 are the seeded organisations, 9 relays).
  let retiring: HDNodeWallet;
  let leaking: HDNodeWallet;
  let newcomerKey: HDNodeWallet;
  const definition = {
    name: "deforestation-free",
    version: 1,
    labels: { fr: "Cacao sans déforestation", nl: "Ontbossingsvrije cacao", en: "Deforestation-free cocoa" },
    fields: ["plotMap"],
  };

  before(async () => {
    starting = startProvenanceStack("organisation");
    stack = await starting;
    browser = await launchBrowser();
    retiring = devAccount(5, stack.node.provider);
    leaking = devAccount(6, stack.node.provider);
    newcomerKey = devAccount(7, stack.node.provider);
  });
  after(async () => {
    await browser?.close();
    await (stack ?? (await starting?.catch(() => undefined)))?.stop();
  });

  async function organisation(id: string): Promise<OrganisationBody> {
    const answer = await stack.api<OrganisationBody>(`/v1/organisations/${id}`);
    expect(answer.status).to.equal(200);
    return answer.body;
  }

  async function openAs(wallet: HDNodeWallet, options: { width?: number; lang?: string } = {}) {
    const context = await newContext(browser, { width: options.width });
    const control = await injectWallet(context, { wallet, chainId: stack.node.chainId, rpcUrl: stack.node.url });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${stack.url}/organisation/${options.lang ? `?lang=${options.lang}` : ""}`);
    await page.getByRole("button", { name: "Connecter mon portefeuille" }).click();
    await page.locator("#members-heading").waitFor({ timeout: 20_000 });
    return { page, control, errors, close: () => context.close() };
  }

  /** Waits until the form's action reached `phase` (done, prepared, walletProblem…). */
  async function phase(page: Page, form: string, expected: string) {
    await page.locator(`${form} .action-outcome[data-phase="${expected}"]`).waitFor({ timeout: 60_000 });
  }

  function governor() {
    return devAccount(0, stack.node.provider);
  }

  it("should let the governor approve a schema, admit an organisation by name, add keys and accredit a certifier", async () => {
    const { page, control, errors, close } = await openAs(governor());
    expect(await page.locator("[data-governor-account]").innerText()).to.contain("compte des gouverneurs");
    expect(await page.locator(".organisation-governance").getAttribute("data-governor")).to.equal("true");

    // Approve a kind of claim from its JSON definition (FR/NL/EN labels).
    const schemaForm = page.locator('[data-form="schema"]');
    await schemaForm.getByLabel("Définition (JSON)").fill('{"name": "x", "labels": {"fr": "X"}}');
    await schemaForm.getByRole("button", { name: "Approuver" }).click();
    expect(await schemaForm.locator("#schema-definition-error").innerText()).to.contain("« labels »");
    expect(await schemaForm.locator("#schema-definition").getAttribute("aria-invalid")).to.equal("true");
    await expectFocus(page, "#schema-definition");
    await schemaForm.getByLabel("Définition (JSON)").fill(JSON.stringify(definition, null, 2));
    expect(await schemaForm.locator("[data-schema-id]").getAttribute("data-schema-id")).to.equal(schemaId(definition));
    await schemaForm.getByLabel("Qui peut déclarer").selectOption("certifier");
    await schemaForm.getByRole("button", { name: "Approuver" }).click();
    await phase(page, '[data-form="schema"]', "done");
    expect(await schemaForm.innerText()).to.contain("« Cacao sans déforestation » est approuvé et enregistré");
    const schema = await stack.api<{ attesterRule: string }>(`/v1/schemas/${schemaId(definition)}`);
    expect(schema.body.attesterRule).to.equal("certifier");

    // Admit an organisation with a name: listed by its name once its profile is published.
    const admit = page.locator('[data-form="admit"]');
    await admit.getByRole("button", { name: "Admettre" }).click();
    expect(await admit.locator("#admit-name-error").innerText()).to.equal("À remplir.");
    await admit.getByLabel("Type d’organisation").selectOption("supplier");
    await admit.getByLabel("Nom", { exact: true }).fill("Cacao Coop Nord");
    await admit.getByLabel("Ville (facultatif)").fill("Abidjan");
    await admit.getByRole("button", { name: "Admettre" }).click();
    await phase(page, '[data-form="admit"]', "done");
    expect(await admit.innerText()).to.contain("Cacao Coop Nord est admise et enregistrée");
    const listed = page.locator('[data-member][data-name="Cacao Coop Nord"]');
    await listed.waitFor();
    const newcomerId = (await listed.getAttribute("data-member"))!;
    expect(await listed.innerText()).to.contain("Fournisseur");
    const admitted = await organisation(newcomerId);
    expect(admitted.profile).to.deep.equal({ name: "Cacao Coop Nord", kind: "supplier", city: "Abidjan" });
    const all = await stack.api<{ items: OrganisationBody[] }>("/v1/organisations?limit=50");
    expect(all.body.items.find((entry) => entry.id === newcomerId)?.profile?.name).to.equal("Cacao Coop Nord");

    // Add a key to it, then two more keys to the seeded supplier (retired and reported below).
    const addKey = page.locator('[data-form="add-key"]');
    await addKey.getByLabel("Organisation").selectOption(newcomerId);
    await addKey.getByLabel("Adresse de la nouvelle clé").fill("0x1234");
    await addKey.getByRole("button", { name: "Ajouter la clé" }).click();
    expect(await addKey.locator('[role="alert"]').innerText()).to.contain("Ce n’est pas une adresse de clé");
    await addKey.getByLabel("Adresse de la nouvelle clé").fill(newcomerKey.address.toLowerCase());
    await addKey.getByRole("button", { name: "Ajouter la clé" }).click();
    await phase(page, '[data-form="add-key"]', "done");
    expect((await organisation(newcomerId)).keys.map((key) => key.address)).to.deep.equal([newcomerKey.address]);
    for (const key of [retiring, leaking]) {
      await addKey.getByLabel("Organisation").selectOption(stack.federation.supplier.id);
      await addKey.getByLabel("Adresse de la nouvelle clé").fill(key.address);
      await addKey.getByRole("button", { name: "Ajouter la clé" }).click();
      await phase(page, '[data-form="add-key"]', "done");
    }
    // A key already registered is refused before the wallet opens.
    const sentBefore = control.calls.filter((call) => call === "eth_sendTransaction").length;
    await addKey.getByLabel("Adresse de la nouvelle clé").fill(retiring.address);
    await addKey.getByRole("button", { name: "Ajouter la clé" }).click();
    await addKey.locator('[data-refused="keyExists"]').waitFor({ timeout: 20_000 });
    expect(control.calls.filter((call) => call === "eth_sendTransaction").length).to.equal(sentBefore);
    const supplierKeys = (await organisation(stack.federation.supplier.id)).keys.map((key) => key.address);
    expect(supplierKeys).to.include.members([retiring.address, leaking.address]);

    // Accredit the certifier for the new kind of claim until a date.
    const accredit = page.locator('[data-form="accredit"]');
    const untilYear = new Date().getUTCFullYear() + 2;
    await accredit.getByLabel("Type de déclaration").selectOption(schemaId(definition));
    await accredit.getByLabel("Jusqu’au (facultatif)").fill(`${untilYear}-06-30`);
    await accredit.getByRole("button", { name: "Accréditer" }).click();
    await phase(page, '[data-form="accredit"]', "done");
    expect(await accredit.innerText()).to.contain(`« Cacao sans déforestation », jusqu’au 30 juin ${untilYear}`);
    const record = await stack.federation.fontaine.federation.accreditation(
      stack.federation.certifier.id,
      schemaId(definition),
    );
    expect(Number(record.validUntil)).to.equal(Date.UTC(untilYear, 5, 30, 23, 59, 59) / 1000);
    expect(record.withdrawn).to.equal(false);

    // A change declined in the wallet is explained and changes nothing; then suspend and reinstate.
    const standing = page.locator('[data-form="standing"]');
    const other = stack.federation.otherSupplier.id;
    await standing.getByLabel("Organisation").selectOption(other);
    control.reject.add("eth_sendTransaction");
    await standing.getByRole("button", { name: "Suspendre" }).click();
    await standing.locator('[data-problem="rejected"]').waitFor({ timeout: 20_000 });
    expect(await standing.locator('[data-problem="rejected"]').innerText()).to.contain("Vous avez refusé la demande");
    expect((await organisation(other)).active).to.equal(true);
    control.reject.clear();
    await standing.getByRole("button", { name: "Suspendre" }).click();
    await phase(page, '[data-form="standing"]', "done");
    expect((await organisation(other)).active).to.equal(false);
    await standing.getByRole("button", { name: "Réintégrer" }).click();
    await phase(page, '[data-form="standing"]', "done");
    expect((await organisation(other)).active).to.equal(true);

    await saveScreenshot(page, "organisation-fr-governor");
    // 404s are the page asking for the new organisation and schema until the API has indexed them.
    expect(errors.filter((error) => !/status of (401|404)/.test(error))).to.deep.equal([]);
    await close();
  });

  it("should let the governor withdraw an accreditation, phase out a kind of claim and rename an organisation", async () => {
    const { page, control, errors, close } = await openAs(governor());
    const sent = () => control.calls.filter((call) => call === "eth_sendTransaction").length;
    const certifier = stack.federation.certifier.id;

    // Withdraw the certifier's accreditation for the new kind of claim, after a confirmation in plain words.
    const withdraw = page.locator('[data-form="withdraw-accreditation"]');
    await withdraw.getByLabel("Certificateur").selectOption(certifier);
    await withdraw.getByLabel("Type de déclaration").selectOption(schemaId(definition));
    await withdraw.getByLabel("Motif").selectOption("AUDIT_FAILED");
    await withdraw.getByRole("button", { name: "Retirer l’accréditation" }).click();
    const confirmWithdraw = withdraw.locator('[data-confirm="withdraw-accreditation"]');
    await expectFocus(page, "#withdraw-accreditation-confirm");
    expect(await confirmWithdraw.locator("h4").innerText()).to.contain("« Cacao sans déforestation »");
    expect(await confirmWithdraw.locator("[data-consequences]").innerText()).to.contain(
      "Ses approbations déjà données pour ce type ne comptent plus",
    );
    // Cancelling changes nothing and gives the focus back to the form's button.
    await confirmWithdraw.getByRole("button", { name: "Annuler" }).click();
    await expectFocus(page, '[data-form="withdraw-accreditation"] button[type="submit"]');
    expect(
      (await stack.federation.fontaine.federation.accreditation(certifier, schemaId(definition))).withdrawn,
    ).to.equal(false);
    await withdraw.getByRole("button", { name: "Retirer l’accréditation" }).click();
    await confirmWithdraw.getByRole("button", { name: "Confirmer" }).click();
    await phase(page, '[data-form="withdraw-accreditation"]', "done");
    expect(await withdraw.innerText()).to.contain("pour « Cacao sans déforestation » est retirée et enregistrée");
    const record = await stack.federation.fontaine.federation.accreditation(certifier, schemaId(definition));
    expect(record.withdrawn).to.equal(true);
    // A second time: refused before the wallet opens, in words.
    const sentBefore = sent();
    await withdraw.getByRole("button", { name: "Retirer l’accréditation" }).click();
    await confirmWithdraw.getByRole("button", { name: "Confirmer" }).click();
    await withdraw.locator('[data-refused="notAccredited"]').waitFor({ timeout: 20_000 });
    expect(await withdraw.locator('[data-refused="notAccredited"]').innerText()).to.contain("rien à retirer");
    expect(sent()).to.equal(sentBefore);

    // Phase out the new kind of claim in favour of the seeded certified one, with the keyboard only.
    const deprecate = page.locator('[data-form="deprecate-schema"]');
    await deprecate.getByLabel("Type de déclaration à abandonner").selectOption(schemaId(definition));
    await deprecate.getByLabel("Remplacé par").selectOption(stack.federation.certifiedSchema);
    await deprecate.getByRole("button", { name: "Abandonner" }).focus();
    await page.keyboard.press("Enter");
    await expectFocus(page, "#deprecate-schema-confirm");
    expect(await deprecate.locator("[data-consequences]").innerText()).to.contain(
      "les membres seront invités à utiliser « Audit social » à la place",
    );
    await page.keyboard.press("Tab");
    await expectFocus(page, '[data-confirm="deprecate-schema"] button.button:not(.button-secondary)');
    await page.keyboard.press("Enter");
    await phase(page, '[data-form="deprecate-schema"]', "done");
    expect(await deprecate.innerText()).to.contain("Abandon de « Cacao sans déforestation » enregistré");
    const schema = await stack.api<{ active: boolean; deprecatedBy: string | null }>(
      `/v1/schemas/${schemaId(definition)}`,
    );
    expect(schema.body).to.deep.include({ active: false, deprecatedBy: stack.federation.certifiedSchema });
    // Once the page has reloaded the schemas: marked in the withdrawal form, no longer offered for accreditation.
    await page
      .locator(`#withdraw-accreditation-schema option[value="${schemaId(definition)}"]`, { hasText: "(abandonné)" })
      .waitFor({ state: "attached", timeout: 20_000 });
    expect(await page.locator(`#accredit-schema option[value="${schemaId(definition)}"]`).count()).to.equal(0);

    // Rename the organisation admitted above: its current profile fills the form, an unchanged one is refused.
    const old = page.locator('[data-member][data-name="Cacao Coop Nord"]');
    const renamedId = (await old.getAttribute("data-member"))!;
    const profile = page.locator('[data-form="profile"]');
    await profile.getByLabel("Organisation").selectOption(renamedId);
    await page.waitForFunction(
      () => (document.getElementById("profile-name") as HTMLInputElement | null)?.value === "Cacao Coop Nord",
    );
    expect(await profile.getByLabel("Ville (facultatif)").inputValue()).to.equal("Abidjan");
    await profile.getByRole("button", { name: "Changer le profil" }).click();
    expect(await profile.locator("#profile-name-error").innerText()).to.contain("C’est déjà le profil enregistré");
    await expectFocus(page, "#profile-name");
    await profile.getByLabel("Nom", { exact: true }).fill("Coopérative Cacao Nord");
    await profile.getByLabel("Pays (facultatif)").fill("Côte d’Ivoire");
    await profile.getByRole("button", { name: "Changer le profil" }).click();
    await expectFocus(page, "#profile-confirm");
    expect(await profile.locator("[data-consequences]").innerText()).to.contain(
      "l’organisation s’appellera « Coopérative Cacao Nord »",
    );
    for (const lang of ["nl", "en", "fr"] as const) {
      await page.locator(`.language-button[lang="${lang}"]`).click();
      await saveScreenshot(page, `organisation-${lang}-profile-confirm`);
    }
    await profile.getByRole("button", { name: "Confirmer" }).click();
    await phase(page, '[data-form="profile"]', "done");
    await page.locator(`[data-member="${renamedId}"][data-name="Coopérative Cacao Nord"]`).waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-member][data-name="Cacao Coop Nord"]').count()).to.equal(0);
    const renamed = await organisation(renamedId);
    expect(renamed.profile).to.deep.equal({
      name: "Coopérative Cacao Nord",
      kind: "supplier",
      city: "Abidjan",
      country: "Côte d’Ivoire",
    });
    expect(renamed.metadataDigest).to.equal(metadataDigest(renamed.profile));

    await saveScreenshot(page, "organisation-fr-governance-changes");
    expect(errors.filter((error) => !/status of 401/.test(error))).to.deep.equal([]);
    await close();
  });

  it("should let a supplier retire its key and report another compromised, the API then showing both", async () => {
    // The key in the wallet retires itself.
    {
      const { page, errors, close } = await openAs(retiring);
      const row = page.locator(`[data-key="${retiring.address.toLowerCase()}"]`);
      expect(await row.getAttribute("data-state")).to.equal("active");
      await row.getByRole("button", { name: "Retirer cette clé" }).click();
      const confirm = row.locator('[data-confirm="retire"]');
      expect(await confirm.locator("[data-consequences]").innerText()).to.contain(
        "Tout ce qu’elle a signé avant reste valable",
      );
      await expectFocus(page, `[data-key="${retiring.address.toLowerCase()}"] h4`);
      await confirm.getByRole("button", { name: "Confirmer" }).click();
      await row.locator('.action-outcome[data-phase="done"]').waitFor({ timeout: 60_000 });
      await page.locator(`[data-key="${retiring.address.toLowerCase()}"][data-state="retired"]`).waitFor();
      expect(await row.innerText()).to.contain("Clé retirée et enregistrée");
      expect(errors.filter((error) => !/status of 401/.test(error))).to.deep.equal([]);
      await close();
    }
    const afterRetire = (await organisation(stack.federation.supplier.id)).keys;
    expect(afterRetire.find((key) => key.address === retiring.address)?.validUntil).to.be.a("number");

    // Another key reports itself compromised since an hour ago; on the same page, another key of the organisation
    // can only be prepared for the governors.
    const { page, errors, close } = await openAs(leaking);
    const row = page.locator(`[data-key="${leaking.address.toLowerCase()}"]`);
    await row.getByRole("button", { name: "Signaler comme compromise" }).click();
    const since = new Date(Date.now() - 3600_000);
    since.setSeconds(0, 0);
    const pad = (n: number) => String(n).padStart(2, "0");
    const local = `${since.getFullYear()}-${pad(since.getMonth() + 1)}-${pad(since.getDate())}T${pad(since.getHours())}:${pad(since.getMinutes())}`;
    await row.getByLabel("Compromise depuis le").fill(local);
    const consequences = await row.locator("[data-consequences]").innerText();
    expect(consequences).to.contain("ne sera plus valable, pour tous les membres");
    expect(consequences).to.contain(String(since.getFullYear()));
    for (const lang of ["nl", "en", "fr"] as const) {
      await page.locator(`.language-button[lang="${lang}"]`).click();
      await saveScreenshot(page, `organisation-${lang}-report-compromised`);
    }
    await row.getByRole("button", { name: "Confirmer" }).click();
    await row.locator('.action-outcome[data-phase="done"]').waitFor({ timeout: 60_000 });
    await page.locator(`[data-key="${leaking.address.toLowerCase()}"][data-state="compromised"]`).waitFor();
    const reported = (await organisation(stack.federation.supplier.id)).keys.find(
      (key) => key.address === leaking.address,
    );
    expect(reported?.compromisedFrom).to.equal(since.getTime() / 1000);

    const original = page.locator(`[data-key="${stack.federation.supplier.key.address.toLowerCase()}"]`);
    await original.getByRole("button", { name: "Retirer cette clé" }).click();
    await original.getByRole("button", { name: "Préparer pour le multisig" }).click();
    await original.locator("[data-multisig]").waitFor({ timeout: 20_000 });
    const data = await original.locator('[data-field="data"]').inputValue();
    expect(federationInterface.decodeFunctionData("retireKey", data)[0]).to.equal(
      stack.federation.supplier.key.address,
    );
    expect(
      (await organisation(stack.federation.supplier.id)).keys.find(
        (key) => key.address === stack.federation.supplier.key.address,
      )?.validUntil,
    ).to.equal(null);
    expect(errors.filter((error) => !/status of 401/.test(error))).to.deep.equal([]);
    await close();
  });

  it("should prepare governor actions for the multisig when the signed-in key is not a governor", async () => {
    const { page, control, errors, close } = await openAs(stack.federation.member.key);
    const governance = page.locator(".organisation-governance");
    expect(await governance.getAttribute("data-governor")).to.equal("false");
    await governance.locator("summary").click();
    expect(await governance.innerText()).to.contain("réservés aux gouverneurs");
    const admit = page.locator('[data-form="admit"]');
    await admit.getByLabel("Nom", { exact: true }).fill("Fondue Nord");
    await admit.getByLabel("Type d’organisation").selectOption("member");
    await admit.getByRole("button", { name: "Préparer pour le multisig" }).click();
    await phase(page, '[data-form="admit"]', "prepared");
    await expectFocus(page, '[data-form="admit"] [data-multisig] h3');
    const prepared = admit.locator("[data-multisig]");
    expect(await prepared.innerText()).to.contain(stack.federation.fontaine.deployment.governor);
    expect(await prepared.locator('[data-field="to"]').inputValue()).to.equal(
      stack.federation.fontaine.deployment.contracts.Federation.address,
    );
    const args = federationInterface.decodeFunctionData(
      "admit",
      await prepared.locator('[data-field="data"]').inputValue(),
    );
    expect(Number(args[1])).to.equal(3);
    expect(args[2]).to.equal(metadataDigest({ name: "Fondue Nord", kind: "member" }));
    expect(JSON.parse(await prepared.locator("#admit-profile").inputValue())).to.deep.equal({
      name: "Fondue Nord",
      kind: "member",
    });
    // Nothing was sent, and nothing changed.
    expect(control.calls).to.not.include("eth_sendTransaction");
    const names = (await stack.api<{ items: OrganisationBody[] }>("/v1/organisations?limit=50")).body.items.map(
      (entry) => entry.profile?.name,
    );
    expect(names).to.not.include("Fondue Nord");
    for (const lang of ["nl", "en", "fr"] as const) {
      await page.locator(`.language-button[lang="${lang}"]`).click();
      await saveScreenshot(page, `organisation-${lang}-multisig`);
    }

    // A profile change and a phase-out prepared the same way, after their confirmation.
    const profile = page.locator('[data-form="profile"]');
    await profile.getByLabel("Organisation").selectOption(stack.federation.otherSupplier.id);
    await profile.getByLabel("Nom", { exact: true }).fill("Chocolaterie Sud");
    await profile.getByRole("button", { name: "Changer le profil" }).click();
    await profile.getByRole("button", { name: "Préparer pour le multisig" }).click();
    await phase(page, '[data-form="profile"]', "prepared");
    const metadata = federationInterface.decodeFunctionData(
      "setMetadata",
      await profile.locator('[data-field="data"]').inputValue(),
    );
    expect(metadata[0]).to.equal(stack.federation.otherSupplier.id);
    expect(metadata[1]).to.equal(metadataDigest({ name: "Chocolaterie Sud", kind: "supplier" }));
    expect(JSON.parse(await profile.locator("#profile-profile").inputValue())).to.deep.equal({
      name: "Chocolaterie Sud",
      kind: "supplier",
    });
    const deprecate = page.locator('[data-form="deprecate-schema"]');
    await deprecate.getByLabel("Type de déclaration à abandonner").selectOption(stack.federation.selfSchema);
    await deprecate.getByRole("button", { name: "Abandonner" }).click();
    await deprecate.getByRole("button", { name: "Préparer pour le multisig" }).click();
    await phase(page, '[data-form="deprecate-schema"]', "prepared");
    const deprecation = registryInterface.decodeFunctionData(
      "deprecateSchema",
      await deprecate.locator('[data-field="data"]').inputValue(),
    );
    expect(deprecation[0]).to.equal(stack.federation.selfSchema);
    expect(deprecation[1]).to.equal(ZeroHash);
    expect((await stack.api<{ active: boolean }>(`/v1/schemas/${stack.federation.selfSchema}`)).body.active).to.equal(
      true,
    );
    expect(errors.filter((error) => !/status of 401/.test(error))).to.deep.equal([]);
    await close();
  });

  it("should fit a 360 px phone in each language without horizontal scrolling", async () => {
    const { page, close } = await openAs(governor(), { width: 360 });
    await page.locator("[data-member]").first().waitFor({ timeout: 20_000 });
    for (const lang of ["fr", "nl", "en"] as const) {
      await page.locator(`.language-button[lang="${lang}"]`).click();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, lang).to.be.at.most(0);
      await saveScreenshot(page, `organisation-${lang}-360`);
    }
    await close();
  });
});
