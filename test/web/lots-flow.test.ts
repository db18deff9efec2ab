import crypto from "node:crypto";
import { expect } from "chai";
import { qrSymbol } from "../../web/shared/qr";
import {
  bundleFileName,
  isImportedLot,
  isSavedShare,
  lotProgressOf,
  lotRefusalOf,
  emptyLotForm,
  lotFormOf,
  lotRequestOf,
  mergeImported,
  parentChoices,
  parseQuantity,
  parseUids,
  readList,
  shareIdOf,
  sharesToShow,
  shareState,
  storageKeys,
  type LotForm,
  type OwnLot,
} from "../../web/lots/lots-flow";

const couverture = `0x${"a1".repeat(32)}`;
const beans = `0x${"b2".repeat(32)}`;
const uid = `0x${"c3".repeat(32)}`;

function own(
  lotId: string,
  parents: OwnLot["record"]["parents"],
  relayStatus: OwnLot["relayStatus"] = "anchored",
): OwnLot {
  return {
    lotId,
    version: 1,
    record: { product: `lot ${lotId.slice(2, 4)}`, quantity: "100", unit: "kg", parents, attestations: [] },
    relayStatus,
    createdAt: "2026-01-01T00:00:00.000Z",
  };
}

const form = (patch: Partial<LotForm>): LotForm => ({ ...emptyLotForm, product: "Fondue", quantity: "40", ...patch });

describe("web lots page logic", () => {
  it("should read quantities typed with a comma or a point, and refuse zero, signs and too many decimals", () => {
    expect(parseQuantity("12,5")).to.equal("12.5");
    expect(parseQuantity(" 800 ")).to.equal("800");
    expect(parseQuantity("0.250000")).to.equal("0.25");
    expect(parseQuantity("1 000")).to.equal("1000");
    for (const bad of ["0", "0,000", "-3", "1e3", "1.1234567", "", "abc", "01"])
      expect(parseQuantity(bad), bad).to.equal(null);
  });

  it("should offer own and imported lots as parents with what is left of each", () => {
    const choices = parentChoices(
      [own(couverture, [{ lotId: beans, quantity: "300", unit: "kg" }]), own(`0x${"d4".repeat(32)}`, [], "failed")],
      [
        { lotId: beans, product: "Fèves", quantity: "800", unit: "kg" },
        { lotId: couverture, product: "duplicate of an own lot", quantity: "1", unit: "kg" },
      ],
    );
    expect(choices.map((choice) => [choice.lotId, choice.source, choice.taken, choice.left])).to.deep.equal([
      [couverture, "own", "0", "100"],
      [beans, "imported", "300", "500"],
    ]);
  });

  it("should turn the form into the prepare request, or name the fields to fix", () => {
    const choices = parentChoices([], [{ lotId: beans, product: "Fèves", quantity: "800", unit: "kg" }]);
    const ok = lotRequestOf(
      form({
        parents: { [beans]: "40,5" },
        producedOn: "2026-11-21",
        attestations: [uid],
        extraAttestations: `${uid}\n`,
      }),
      choices,
    );
    expect(ok).to.deep.equal({
      ok: true,
      body: {
        product: "Fondue",
        quantity: "40",
        unit: "kg",
        producedOn: "2026-11-21",
        parents: [{ lotId: beans, quantity: "40.5" }],
        attestations: [uid],
      },
    });
    const bad = lotRequestOf(
      form({ product: " ", quantity: "0", parents: { [beans]: "900" }, extraAttestations: "0x12" }),
      choices,
    );
    expect(bad).to.deep.equal({ ok: false, errors: ["product", "quantity", "parentExceeds", "attestations"] });
    expect(lotRequestOf(form({ parents: { [beans]: "" } }), choices)).to.deep.equal({
      ok: false,
      errors: ["parentQuantity"],
    });
  });

  it("should send a reference trimmed, leave an empty one out, and refuse one over 200 characters", () => {
    const ok = lotRequestOf(form({ reference: "  F-2026-118 " }), []);
    expect(ok.ok && ok.body.reference).to.equal("F-2026-118");
    const none = lotRequestOf(form({ reference: "   " }), []);
    expect(none.ok && "reference" in none.body).to.equal(false);
    expect(lotRequestOf(form({ reference: "x".repeat(201) }), [])).to.deep.equal({ ok: false, errors: ["reference"] });
  });

  it("should fill a correction with the lot's record, ticking listed attestations and typing the others", () => {
    const other = `0x${"e5".repeat(32)}`;
    const lot: OwnLot = {
      ...own(couverture, [{ lotId: beans.toUpperCase().replace("0X", "0x"), quantity: "300", unit: "kg" }]),
      version: 2,
      record: {
        product: "Couverture noire",
        quantity: "800",
        unit: "kg",
        producedOn: "2026-05-02",
        reference: "C-7",
        parents: [{ lotId: beans, quantity: "300", unit: "kg" }],
        attestations: [uid, other],
      },
    };
    const filled = lotFormOf(lot, [uid]);
    expect(filled).to.deep.equal({
      product: "Couverture noire",
      quantity: "800",
      unit: "kg",
      producedOn: "2026-05-02",
      reference: "C-7",
      parents: { [beans]: "300" },
      attestations: [uid],
      extraAttestations: other,
    });
    // Unchanged, the correction asks for the same record; without a producedOn or reference, empty fields.
    const choices = parentChoices([lot], [{ lotId: beans, product: "Fèves", quantity: "300", unit: "kg" }], couverture);
    expect(lotRequestOf(filled, choices)).to.deep.equal({
      ok: true,
      body: {
        product: "Couverture noire",
        quantity: "800",
        unit: "kg",
        producedOn: "2026-05-02",
        reference: "C-7",
        parents: [{ lotId: beans, quantity: "300" }],
        attestations: [uid, other],
      },
    });
    const bare = lotFormOf(own(beans, []), []);
    expect([bare.producedOn, bare.reference, bare.extraAttestations]).to.deep.equal(["", "", ""]);
  });

  it("should offer a correction what the lot itself took back, and never the lot as its own parent", () => {
    const fondue = `0x${"f6".repeat(32)}`;
    const lots = [
      own(couverture, [{ lotId: beans, quantity: "300", unit: "kg" }]),
      own(fondue, [{ lotId: beans, quantity: "200", unit: "kg" }]),
    ];
    const imported = [{ lotId: beans, product: "Fèves", quantity: "800", unit: "kg" as const }];
    const amending = parentChoices(lots, imported, couverture);
    expect(amending.map((choice) => [choice.lotId, choice.taken, choice.left])).to.deep.equal([
      [fondue, "0", "100"],
      [beans, "200", "600"],
    ]);
    // Taking 600 (what is left once its own 300 are given back) passes; 601 does not.
    expect(lotRequestOf(form({ parents: { [beans]: "600" } }), amending).ok).to.equal(true);
    expect(lotRequestOf(form({ parents: { [beans]: "601" } }), amending)).to.deep.equal({
      ok: false,
      errors: ["parentExceeds"],
    });
    expect(parentChoices(lots, imported).find((choice) => choice.lotId === beans)?.left).to.equal("300");
  });

  it("should read attestation references separated by spaces, commas or lines", () => {
    expect(parseUids(`${uid.toUpperCase().replace("0X", "0x")}, ${"d4".repeat(32)}\n${uid} nope`)).to.deep.equal({
      uids: [uid, `0x${"d4".repeat(32)}`],
      invalid: ["nope"],
    });
  });

  it("should explain each refusal of the lots endpoints", () => {
    expect(lotRefusalOf(422, "exceeds-parent")).to.equal("exceedsParent");
    expect(lotRefusalOf(422, "unit-mismatch")).to.equal("unitMismatch");
    expect(lotRefusalOf(404, "parent-not-found")).to.equal("parentNotFound");
    expect(lotRefusalOf(409, "already-submitted")).to.equal("alreadySubmitted");
    expect(lotRefusalOf(422, "bundle-invalid")).to.equal("bundleInvalid");
    expect(lotRefusalOf(403, "forbidden")).to.equal("notAllowed");
    expect(lotRefusalOf(400, "deadline-passed")).to.equal("expiredSignature");
    expect(lotRefusalOf(503, "unavailable")).to.equal("unavailable");
    expect(lotRefusalOf(400, "invalid-request")).to.equal("invalid");
  });

  it("should follow a lot until it is recorded", () => {
    expect(lotProgressOf(undefined)).to.equal("waiting");
    expect(lotProgressOf({ relayStatus: "queued" })).to.equal("waiting");
    expect(lotProgressOf({ relayStatus: "anchored" })).to.equal("recorded");
    expect(lotProgressOf({ relayStatus: "failed" })).to.equal("failed");
    // A correction: the lot still reads as its earlier version until the new one is listed.
    expect(lotProgressOf({ relayStatus: "anchored", version: 1 }, 2)).to.equal("waiting");
    expect(lotProgressOf({ relayStatus: "queued", version: 2 }, 2)).to.equal("waiting");
    expect(lotProgressOf({ relayStatus: "anchored", version: 2 }, 2)).to.equal("recorded");
  });

  it("should remember imports and share links per organisation, ignoring anything unreadable", () => {
    expect(storageKeys("0xABC")).to.deep.equal({
      imported: "fontaine.lots.imported.0xabc",
      shares: "fontaine.lots.shares.0xabc",
    });
    const share = {
      token: "t".repeat(32),
      url: "http://x/verify/#share=t",
      lotId: beans,
      expiresAt: "2026-01-02T00:00:00Z",
      revoked: false,
    };
    expect(readList(JSON.stringify([share, { token: 1 }]), isSavedShare)).to.deep.equal([share]);
    expect(readList("not json", isSavedShare)).to.deep.equal([]);
    expect(readList(JSON.stringify({ a: 1 }), isImportedLot)).to.deep.equal([]);
    expect(shareState(share, Date.parse("2026-01-01T00:00:00Z"))).to.equal("live");
    expect(shareState(share, Date.parse("2026-01-03T00:00:00Z"))).to.equal("expired");
    expect(shareState({ ...share, revoked: true }, 0)).to.equal("revoked");
    const first = { lotId: beans, product: "Fèves", quantity: "800", unit: "kg" as const };
    expect(mergeImported([first], [{ ...first, quantity: "700" }])).to.deep.equal([{ ...first, quantity: "700" }]);
  });

  it("should show the API's share links with the addresses this device knows, or the device's own without the API", async () => {
    const token = "u".repeat(32);
    const id = await shareIdOf(token);
    expect(id).to.equal(crypto.createHash("sha256").update(token).digest("hex"));
    const saved = {
      id,
      token,
      url: `http://x/verify/#share=${token}`,
      lotId: beans,
      expiresAt: "2026-01-02T00:00:00Z",
      revoked: false,
    };
    const oldSaved = {
      token: "v".repeat(32),
      url: "http://x/verify/#share=v",
      lotId: beans,
      expiresAt: "2026-01-01T00:00:00Z",
      revoked: false,
    };
    const listed = [
      {
        id: "e".repeat(64),
        createdAt: "2026-01-01T10:00:00Z",
        expiresAt: "2026-02-01T00:00:00Z",
        revokedAt: null,
        state: "live" as const,
      },
      {
        id,
        createdAt: "2026-01-01T09:00:00Z",
        expiresAt: "2026-01-02T00:00:00Z",
        revokedAt: "2026-01-01T11:00:00Z",
        state: "revoked" as const,
      },
    ];
    const idOf = (share: { id?: string }) => share.id;
    // The API decides the state (revoked elsewhere), the device adds the address; a link made elsewhere has none; a
    // remembered link the API does not list (another lot, or forgotten) is not shown.
    expect(sharesToShow(listed, [saved, oldSaved], idOf, 0)).to.deep.equal([
      { id: "e".repeat(64), expiresAt: "2026-02-01T00:00:00Z", state: "live" },
      { id, expiresAt: "2026-01-02T00:00:00Z", state: "revoked", saved },
    ]);
    // Without the API: the device's memory, newest first, states from the remembered expiry.
    const offline = sharesToShow(null, [oldSaved, saved], idOf, Date.parse("2026-01-01T12:00:00Z"));
    expect(offline.map((share) => [share.id, share.state])).to.deep.equal([
      [id, "live"],
      [oldSaved.token, "expired"],
    ]);
  });

  it("should name a bundle file after the product", () => {
    expect(bundleFileName("Couverture noire 70 %", couverture)).to.equal("fontaine-couverture-noire-70-a1a1a1a1.json");
    expect(bundleFileName("——", couverture)).to.equal("fontaine-lot-a1a1a1a1.json");
  });

  it("should draw a share link as a QR symbol with its three finder patterns", () => {
    const symbol = qrSymbol(`http://127.0.0.1:8080/verify/#share=${"A".repeat(32)}`);
    expect(symbol.size).to.be.within(25, 41);
    expect(symbol.extent).to.equal(symbol.size + 8);
    // Finder patterns: the top-left module of each of the three corners is dark.
    for (const [x, y] of [
      [4, 4],
      [symbol.size - 3, 4],
      [4, symbol.size - 3],
    ])
      expect(symbol.path, `module ${x},${y}`).to.contain(`M${x} ${y}h1v1h-1z`);
    expect(qrSymbol("other").path).to.not.equal(symbol.path);
  });
});
