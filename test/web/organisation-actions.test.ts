import { expect } from "chai";
import { Wallet, ZeroHash } from "ethers";
import { metadataDigest, reasonCode, schemaDefinitionBytes, schemaId } from "../../sdk/hashing";
import { catalogue, languages } from "../../web/shared/i18n/i18n";
import {
  ACTION_REFUSALS,
  callOf,
  compromiseTimeOf,
  decodeAccreditation,
  editedProfile,
  FEDERATION_FRAGMENTS,
  federationInterface,
  GOVERNOR_ROLE,
  isAccredited,
  isRecordedProfile,
  localDateTimeValue,
  maySend,
  parseKeyAddress,
  parseSchemaDefinition,
  policyMismatch,
  profileOf,
  refusalKey,
  refusalOf,
  REGISTRY_FRAGMENTS,
  registryInterface,
  replacementChoices,
  validityOfDays,
} from "../../web/organisation/organisation-actions";
import { compiledAbi, expectFragmentsOf } from "./helpers/compiled-abi";

describe("web/organisation actions", () => {
  const contracts = {
    Federation: { address: Wallet.createRandom().address },
    AttestationRegistry: { address: Wallet.createRandom().address },
  };
  const org = `0x${"ab".repeat(32)}` as const;
  const key = Wallet.createRandom().address;

  it("should use only functions and errors the compiled contracts have, with the same selectors", () => {
    expectFragmentsOf("Federation", FEDERATION_FRAGMENTS);
    expectFragmentsOf("AttestationRegistry", REGISTRY_FRAGMENTS);
  });

  it("should encode each action as the contract call it names", () => {
    const profile = profileOf({
      name: " Cacao Coop Nord ",
      kind: "supplier",
      city: "Abidjan",
      country: "",
      website: " ",
    });
    expect(profile).to.deep.equal({ name: "Cacao Coop Nord", kind: "supplier", city: "Abidjan" });
    const admit = callOf({ kind: "admit", org, organisationKind: "supplier", profile }, contracts);
    expect(admit.to).to.equal(contracts.Federation.address);
    const decoded = federationInterface.decodeFunctionData("admit", admit.data);
    expect([decoded[0], Number(decoded[1]), decoded[2]]).to.deep.equal([org, 1, metadataDigest(profile)]);

    const compromised = federationInterface.decodeFunctionData(
      "markCompromised",
      callOf({ kind: "markCompromised", key: key.toLowerCase(), from: 1_700_000_000 }, contracts).data,
    );
    expect([compromised[0], Number(compromised[1])]).to.deep.equal([key, 1_700_000_000]);
    expect(
      federationInterface.decodeFunctionData(
        "suspend",
        callOf({ kind: "suspend", org, reason: "AUDIT_FAILED" }, contracts).data,
      )[1],
    ).to.equal(reasonCode("AUDIT_FAILED"));

    const definition = { name: "x", labels: { fr: "X", nl: "X", en: "X" } };
    const schema = callOf(
      { kind: "registerSchema", definition, policy: "certifier", defaultValidity: 86400 },
      contracts,
    );
    expect(schema.to).to.equal(contracts.AttestationRegistry.address);
    const args = registryInterface.decodeFunctionData("registerSchema", schema.data);
    expect([args[0], Number(args[1]), Number(args[2])]).to.deep.equal([schemaDefinitionBytes(definition), 2, 86400]);
  });

  it("should encode the governance changes: withdraw an accreditation, change a profile, deprecate a schema", () => {
    const schema = `0x${"cd".repeat(32)}` as const;
    const replacement = `0x${"ef".repeat(32)}` as const;
    const withdrawn = callOf({ kind: "withdrawAccreditation", org, schema, reason: "ACCREDITATION_ENDED" }, contracts);
    expect(withdrawn.to).to.equal(contracts.Federation.address);
    expect([...federationInterface.decodeFunctionData("withdrawAccreditation", withdrawn.data)]).to.deep.equal([
      org,
      schema,
      reasonCode("ACCREDITATION_ENDED"),
    ]);

    const profile = { name: "Cacao Coop Sud", kind: "supplier" };
    const metadata = callOf({ kind: "setProfile", org, profile }, contracts);
    expect(metadata.to).to.equal(contracts.Federation.address);
    expect([...federationInterface.decodeFunctionData("setMetadata", metadata.data)]).to.deep.equal([
      org,
      metadataDigest(profile),
    ]);

    const deprecated = callOf({ kind: "deprecateSchema", schema, replacement }, contracts);
    expect(deprecated.to).to.equal(contracts.AttestationRegistry.address);
    expect([...registryInterface.decodeFunctionData("deprecateSchema", deprecated.data)]).to.deep.equal([
      schema,
      replacement,
    ]);
    // No replacement is the contract's zero id.
    const alone = callOf({ kind: "deprecateSchema", schema, replacement: null }, contracts);
    expect(registryInterface.decodeFunctionData("deprecateSchema", alone.data)[1]).to.equal(ZeroHash);

    // Governors only: anyone else gets them prepared for the multisig.
    expect(maySend({ kind: "setProfile", org, profile }, key, false)).to.equal(false);
    expect(maySend({ kind: "deprecateSchema", schema, replacement: null }, key, true)).to.equal(true);
  });

  it("should let a governor send everything and a key only retire or report itself", () => {
    const other = Wallet.createRandom().address;
    expect(maySend({ kind: "retireKey", key }, key.toLowerCase(), false)).to.equal(true);
    expect(maySend({ kind: "markCompromised", key, from: 1 }, other, false)).to.equal(false);
    expect(maySend({ kind: "addKey", org, key }, key, false)).to.equal(false);
    expect(maySend({ kind: "addKey", org, key }, other, true)).to.equal(true);
    expect(maySend({ kind: "reinstate", org }, other, true)).to.equal(true);
  });

  it("should read the contracts' refusals, and anything else as unknown", () => {
    const compiled = compiledAbi("Federation");
    expect(refusalOf(compiled.encodeErrorResult("KeyExists", [key]))).to.equal("keyExists");
    expect(refusalOf(compiled.encodeErrorResult("NotGovernorOrKey", [key, key]))).to.equal("notAllowed");
    expect(refusalOf(compiled.encodeErrorResult("AccessControlUnauthorizedAccount", [key, GOVERNOR_ROLE]))).to.equal(
      "notAllowed",
    );
    expect(refusalOf(compiled.encodeErrorResult("InvalidCompromiseTime", [key, 5]))).to.equal("invalidCompromiseTime");
    const registry = compiledAbi("AttestationRegistry");
    expect(refusalOf(registry.encodeErrorResult("SchemaExists", [org]))).to.equal("schemaExists");
    expect(refusalOf(registry.encodeErrorResult("MissingRole", [key, GOVERNOR_ROLE]))).to.equal("notAllowed");
    expect(refusalOf(compiled.encodeErrorResult("NotAccredited", [org, org]))).to.equal("notAccredited");
    expect(refusalOf(registry.encodeErrorResult("UnknownSchema", [org]))).to.equal("unknownSchema");
    expect(refusalOf(registry.encodeErrorResult("SchemaIsDeprecated", [org, ZeroHash]))).to.equal("schemaDeprecated");
    expect(refusalOf(registry.encodeErrorResult("InvalidReplacement", [org]))).to.equal("invalidReplacement");
    expect(refusalOf("0x")).to.equal("unknown");
    expect(refusalOf("0x12345678")).to.equal("unknown");
  });

  it("should have a sentence for every refusal in every language", () => {
    for (const language of languages) {
      for (const refusal of ACTION_REFUSALS) {
        expect(catalogue(language)[refusalKey(refusal)], `${language} ${refusal}`).to.be.a("string");
      }
    }
  });

  it("should build a changed profile from the form, keeping the fields the form does not edit", () => {
    const current = { name: "Old name", kind: "supplier", city: "Gand", email: "info@example.org" };
    const edited = editedProfile(current, { name: " New name ", city: "", country: "BE", website: "" }, "supplier");
    expect(edited).to.deep.equal({ name: "New name", kind: "supplier", country: "BE", email: "info@example.org" });
    expect(editedProfile(null, { name: "Alone" }, "member")).to.deep.equal({ name: "Alone", kind: "member" });
    expect(isRecordedProfile(current, metadataDigest(current).toUpperCase().replace("0X", "0x"))).to.equal(true);
    expect(isRecordedProfile(edited, metadataDigest(current))).to.equal(false);
  });

  it("should offer as replacement only other current schemas", () => {
    const schemas = [
      { id: "0xAA", active: true },
      { id: "0xbb", active: false },
      { id: "0xcc", active: true },
    ];
    expect(replacementChoices(schemas, "0xaa").map((schema) => schema.id)).to.deep.equal(["0xcc"]);
  });

  it("should decode an accreditation and say whether it counts", () => {
    const data = federationInterface.encodeFunctionResult("accreditation", [[100, 200, false]]);
    const record = decodeAccreditation(data);
    expect(record).to.deep.equal({ validFrom: 100, validUntil: 200, withdrawn: false });
    expect(isAccredited(record, 150)).to.equal(true);
    expect(isAccredited(record, 200)).to.equal(false);
    expect(isAccredited({ ...record, validUntil: 0 }, 10_000)).to.equal(true);
    expect(isAccredited({ ...record, withdrawn: true }, 150)).to.equal(false);
    expect(isAccredited({ validFrom: 0, validUntil: 0, withdrawn: false }, 150)).to.equal(false);
  });

  it("should check a schema definition typed as JSON and compute its id", () => {
    expect(parseSchemaDefinition("")).to.deep.equal({ ok: false, problem: "required" });
    expect(parseSchemaDefinition("{name:")).to.deep.equal({ ok: false, problem: "json" });
    expect(parseSchemaDefinition("[1]")).to.deep.equal({ ok: false, problem: "notObject" });
    expect(parseSchemaDefinition('{"labels":{}}')).to.deep.equal({ ok: false, problem: "name" });
    expect(parseSchemaDefinition('{"name":"a","labels":{"fr":"A","nl":"A","en":" "}}')).to.deep.equal({
      ok: false,
      problem: "labels",
    });
    const definition = { name: "a", labels: { fr: "A", nl: "B", en: "C" }, attester: "accredited-certifier" };
    const parsed = parseSchemaDefinition(JSON.stringify(definition, null, 2));
    expect(parsed).to.deep.equal({ ok: true, definition, id: schemaId(definition) });
    expect(policyMismatch(definition, "self")).to.equal(true);
    expect(policyMismatch(definition, "certifier")).to.equal(false);
    expect(policyMismatch({ name: "a" }, "self")).to.equal(false);
  });

  it("should read form values: key addresses, compromise times, validity", () => {
    expect(parseKeyAddress(` ${key.toLowerCase()} `)).to.equal(key);
    expect(parseKeyAddress("0x1234")).to.equal(null);
    const now = Math.floor(new Date(2026, 2, 3, 14, 30).getTime() / 1000);
    expect(compromiseTimeOf("2026-03-03T14:00", now)).to.equal(now - 1800);
    expect(compromiseTimeOf(localDateTimeValue(now), now)).to.equal(now);
    expect(compromiseTimeOf("2026-03-03T15:00", now)).to.equal("future");
    expect(compromiseTimeOf("", now)).to.equal("required");
    expect(compromiseTimeOf("yesterday", now)).to.equal("invalid");
    expect(validityOfDays("")).to.equal(0);
    expect(validityOfDays("365")).to.equal(365 * 86400);
    expect(validityOfDays("1.5")).to.equal(null);
  });
});
