/**
 * Regenerates the golden bundle vectors in test/vectors/bundles/ (`npm run vectors:bundles`): runs the three-tier
 * scenario on a fresh anvil chain, alters bundles the ways an attacker or an accident would, changes chain state
 * (revocation, recall), and writes for each case the bundle, the chain facts it was verified against (recorded from
 * the live reader) and the verdict. Ids, salts and keys are random, so every run writes new files; the committed
 * ones are what test/sdk/bundle/vectors.test.ts replays.
 */
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import * as prettier from "prettier";
import {
  buildBundle,
  bundleChainOf,
  createEthersChainReader,
  parseBundle,
  recordingChainReader,
  verdictFindings,
  verifyBundle,
  type Bundle,
} from "../../../../sdk/bundle";
import { commitLot, flagLot, revokeAttestation, startFontaineChain } from "./chain";
import { threeTierScenario } from "./scenario";

const FOLDER = path.resolve(__dirname, "../../../vectors/bundles");

function altered(bundle: Bundle, change: (copy: Bundle) => void): Bundle {
  const copy = JSON.parse(JSON.stringify(bundle)) as Bundle;
  change(copy);
  return parseBundle(copy);
}

function flip(hex: string): string {
  return `${hex.slice(0, -2)}${(parseInt(hex.slice(-2), 16) ^ 1).toString(16).padStart(2, "0")}`;
}

async function main(): Promise<void> {
  const chain = await startFontaineChain({ chainId: 31_418 });
  try {
    const scenario = await threeTierScenario(chain);
    const chainInfo = bundleChainOf(chain.fontaine.deployment);
    const vectors: { name: string; description: string; bundle: Bundle }[] = [];
    const write = async (name: string, description: string, bundle: Bundle) => {
      const reader = recordingChainReader(
        createEthersChainReader({ provider: chain.provider, deployment: chain.fontaine.deployment }),
      );
      const verdict = await verifyBundle(bundle, reader);
      const vector = {
        name,
        description,
        expectedCodes: verdictFindings(verdict).map((entry) => `${entry.finding.severity} ${entry.finding.code}`),
        bundle,
        chainFacts: reader.facts(),
        expected: verdict,
      };
      // Written as Prettier would, so `npm run lint` (prettier --check .) accepts the committed files.
      const file = path.join(FOLDER, `${name}.json`);
      const options = (await prettier.resolveConfig(file)) ?? {};
      await writeFile(file, await prettier.format(JSON.stringify(vector), { ...options, filepath: file }));
      vectors.push({ name, description, bundle });
    };

    await mkdir(FOLDER, { recursive: true });
    for (const file of await readdir(FOLDER)) if (file.endsWith(".json")) await rm(path.join(FOLDER, file));

    const A1 = scenario.bundles.A1;
    const { M1, C1, C2 } = scenario.lots;
    await write(
      "three-tier-valid",
      "A member's lot from a maker's merge of two cooperative lots: everything holds.",
      A1,
    );
    await write(
      "parent-not-disclosed",
      "The maker did not disclose cooperative lot C2: a warning, the bundle still verifies.",
      altered(A1, (copy) => {
        copy.lots = copy.lots.filter((lot) => lot.lotId !== C2.lotId);
        const used = new Set(copy.lots.flatMap((lot) => lot.record.attestations));
        copy.attestations = copy.attestations.filter((attestation) => used.has(attestation.uid));
      }),
    );
    await write(
      "tampered-record",
      "The maker's record was edited (product name) after it was committed.",
      altered(A1, (copy) => {
        copy.lots.find((lot) => lot.lotId === M1.lotId)!.record.product = "Organic couverture";
      }),
    );
    await write(
      "tampered-salt",
      "The salt of cooperative lot C1 was altered.",
      altered(A1, (copy) => {
        const lot = copy.lots.find((entry) => entry.lotId === C1.lotId)!;
        lot.salt = flip(lot.salt) as typeof lot.salt;
      }),
    );
    await write(
      "tampered-proof",
      "A Merkle proof of a batched attestation was altered.",
      altered(A1, (copy) => {
        const leaf = copy.attestations.find((entry) => entry.batch)!;
        const proof = leaf.batch!.proof;
        proof[0] = flip(proof[0]!) as (typeof proof)[number];
      }),
    );
    await write(
      "tampered-lot-signature",
      "The maker's signature over its lot commitment was altered.",
      altered(A1, (copy) => {
        const lot = copy.lots.find((entry) => entry.lotId === M1.lotId)!;
        const commit = lot.commit!;
        commit.signature =
          `${commit.signature.slice(0, 10)}abababab${commit.signature.slice(18)}` as typeof commit.signature;
      }),
    );
    const greedy = await commitLot(chain, scenario.orgs.memberA, {
      product: "Too much chocolate",
      quantity: "900",
      unit: "kg",
      parents: [{ lotId: M1.lotId, quantity: "900", unit: "kg" }],
    });
    await write(
      "exceeds-parent",
      "A member lot takes 900 kg from a maker lot of 800 kg.",
      buildBundle({ chain: chainInfo, subject: greedy.lotId, lots: [greedy.lot], upstream: [scenario.bundles.M1] }),
    );
    await revokeAttestation(chain, scenario.orgs.coop, scenario.attestations.coopChildLabour.uid, "AUDIT_FAILED");
    await write("revoked-attestation", "The cooperative revoked its child-labour declaration covering C1.", A1);
    await flagLot(chain, C2.lotId, "SALMONELLA");
    await write(
      "recalled-upstream-lot",
      "Cooperative lot C2 is recalled; the member's bundle for B1 relies on it (and on the revoked declaration).",
      scenario.bundles.B1,
    );
    process.stdout.write(`wrote ${vectors.length} vectors to ${FOLDER}\n`);
  } finally {
    await chain.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`vectors:bundles failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
