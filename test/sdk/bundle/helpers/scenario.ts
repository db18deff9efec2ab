/**
 * The three-tier supply chain of the bundle tests, on a real chain:
 *
 *   cocoa cooperative: C1 (1000 kg beans), C2 (500 kg beans)
 *   chocolate maker:   M1 (800 kg couverture) = 600 kg of C1 + 300 kg of C2   (merge)
 *                      M2 (350 kg couverture) = 400 kg of C1                   (split of C1)
 *   members:           A1 (200 kg) from M1, B1 (300 kg) from M1              (split of M1)
 *
 * Each owner hands the next tier a bundle; members get bundles of their own lots built on the maker's.
 */
import type { Hex } from "../../../../sdk";
import { buildBundle, bundleChainOf, type Bundle, type DisclosedAttestation } from "../../../../sdk/bundle";
import {
  admitOrg,
  attestBatch,
  attestSingle,
  commitLot,
  type CommittedLot,
  type FontaineChain,
  type Org,
} from "./chain";

/** Everything the scenario created. */
export interface ThreeTierScenario {
  orgs: { coop: Org; maker: Org; memberA: Org; memberB: Org; certifier: Org };
  lots: { C1: CommittedLot; C2: CommittedLot; M1: CommittedLot; M2: CommittedLot; A1: CommittedLot; B1: CommittedLot };
  attestations: {
    coopChildLabour: DisclosedAttestation;
    coopFairTrade: DisclosedAttestation;
    makerAudit: DisclosedAttestation;
    batchOnC2: DisclosedAttestation[];
  };
  bundles: { C1: Bundle; C2: Bundle; M1: Bundle; M2: Bundle; A1: Bundle; B1: Bundle };
}

/** Build the scenario on `chain`. */
export async function threeTierScenario(chain: FontaineChain): Promise<ThreeTierScenario> {
  const [coop, maker, memberA, memberB, certifier] = await Promise.all([
    admitOrg(chain, "cocoa-cooperative", "SUPPLIER"),
    admitOrg(chain, "chocolate-maker", "SUPPLIER"),
    admitOrg(chain, "fondue-organiser-a", "MEMBER"),
    admitOrg(chain, "fondue-organiser-b", "MEMBER"),
    admitOrg(chain, "audit-body", "CERTIFIER"),
  ]).then((orgs) => orgs as [Org, Org, Org, Org, Org]);
  const chainInfo = bundleChainOf(chain.fontaine.deployment);

  // Cooperative: a self-declaration about itself; a certifier's fair-trade attestation about lot C1; a batch on C2.
  const coopChildLabour = await attestSingle(chain, coop, {
    schema: chain.schemas.childLabour,
    subject: coop.id,
    claim: { period: "2026", statement: "no child labour" },
  });
  const C1 = await commitLotWithAttestations(
    chain,
    coop,
    { product: "Cocoa beans (Forastero)", quantity: "1000", unit: "kg", producedOn: "2026-03-01" },
    [coopChildLabour.uid],
  );
  const coopFairTrade = await attestSingle(chain, certifier, {
    schema: chain.schemas.fairTrade,
    subject: coop.id,
    claim: { certificate: "FT-2026-0042", volumeBand: "1-5 t" },
  });
  const batchOnC2 = await attestBatch(chain, coop, [
    { schema: chain.schemas.childLabour, subject: coop.id, claim: { period: "2026-Q2" } },
    { schema: chain.schemas.childLabour, subject: coop.id, claim: { period: "2026-Q3" } },
  ]);
  const C2 = await commitLotWithAttestations(
    chain,
    coop,
    { product: "Cocoa beans (Trinitario)", quantity: "500", unit: "kg", producedOn: "2026-04-10" },
    [coopFairTrade.uid, ...batchOnC2.map((attestation) => attestation.uid)],
  );
  const coopAttestations = [coopChildLabour, coopFairTrade, ...batchOnC2];
  const bundleC1 = buildBundle({ chain: chainInfo, subject: C1.lotId, lots: [C1.lot], attestations: coopAttestations });
  const bundleC2 = buildBundle({ chain: chainInfo, subject: C2.lotId, lots: [C2.lot], attestations: coopAttestations });

  // Chocolate maker: merges C1 and C2 into M1, splits C1 into M2.
  const makerAudit = await attestSingle(chain, certifier, {
    schema: chain.schemas.socialAudit,
    subject: maker.id,
    claim: { reportNumber: "SA-77", result: "pass" },
  });
  const M1 = await commitLotWithAttestations(
    chain,
    maker,
    {
      product: "Dark couverture 70%",
      quantity: "800",
      unit: "kg",
      parents: [
        { lotId: C1.lotId, quantity: "600", unit: "kg" },
        { lotId: C2.lotId, quantity: "300", unit: "kg" },
      ],
    },
    [makerAudit.uid],
  );
  const M2 = await commitLotWithAttestations(
    chain,
    maker,
    {
      product: "Milk couverture 35%",
      quantity: "350",
      unit: "kg",
      parents: [{ lotId: C1.lotId, quantity: "400", unit: "kg" }],
    },
    [makerAudit.uid],
  );
  const bundleM1 = buildBundle({
    chain: chainInfo,
    subject: M1.lotId,
    lots: [M1.lot],
    attestations: [makerAudit],
    upstream: [bundleC1, bundleC2],
  });
  const bundleM2 = buildBundle({
    chain: chainInfo,
    subject: M2.lotId,
    lots: [M2.lot],
    attestations: [makerAudit],
    upstream: [bundleC1],
  });

  // Members: split M1.
  const A1 = await commitLot(chain, memberA, {
    product: "Fondue chocolate, event 2026-06-21",
    quantity: "200",
    unit: "kg",
    parents: [{ lotId: M1.lotId, quantity: "200", unit: "kg" }],
  });
  const B1 = await commitLot(chain, memberB, {
    product: "Fondue chocolate, wedding season",
    quantity: "300",
    unit: "kg",
    parents: [{ lotId: M1.lotId, quantity: "300", unit: "kg" }],
  });
  const bundleA1 = buildBundle({ chain: chainInfo, subject: A1.lotId, lots: [A1.lot], upstream: [bundleM1] });
  const bundleB1 = buildBundle({ chain: chainInfo, subject: B1.lotId, lots: [B1.lot], upstream: [bundleM1] });

  return {
    orgs: { coop, maker, memberA, memberB, certifier },
    lots: { C1, C2, M1, M2, A1, B1 },
    attestations: { coopChildLabour, coopFairTrade, makerAudit, batchOnC2 },
    bundles: { C1: bundleC1, C2: bundleC2, M1: bundleM1, M2: bundleM2, A1: bundleA1, B1: bundleB1 },
  };
}

async function commitLotWithAttestations(
  chain: FontaineChain,
  owner: Org,
  input: Parameters<typeof commitLot>[2],
  attestations: Hex[],
): Promise<CommittedLot> {
  return commitLot(chain, owner, { ...input, attestations });
}
