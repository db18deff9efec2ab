/**
 * The privacy check of issue 4, as a test: a competitor reads every block, every transaction input and every log of
 * the chain, plus the public federation data (organisations and their keys), and tries to link a member's lot to the
 * supplier lot it came from. It must find no shared id, digest or address beyond what every lot commitment shares,
 * while the holder of the member's bundle verifies the very same link.
 */
import { expect } from "chai";
import { getAddress, hexlify, toUtf8Bytes, type TransactionResponse } from "ethers";
import { lotCommitment, type Hex } from "../../sdk";
import { createEthersChainReader, createLotRecord, verifyBundle } from "../../sdk/bundle";
import {
  admitOrg,
  commitLot,
  startFontaineChain,
  type CommittedLot,
  type FontaineChain,
} from "../sdk/bundle/helpers/chain";
import { threeTierScenario, type ThreeTierScenario } from "../sdk/bundle/helpers/scenario";

/** What one transaction exposes publicly: sender, recipient, input, and the logs it emitted. */
interface PublicArtifact {
  hash: string;
  from: string;
  to: string | null;
  input: string;
  logs: { address: string; topics: string[]; data: string }[];
}

function bare(hex: string): string {
  return hex.toLowerCase().replace(/^0x/, "");
}

/** All hex text of an artifact, to search for any value at any byte offset. */
function artifactText(artifact: PublicArtifact): string {
  return [
    bare(artifact.from),
    bare(artifact.to ?? ""),
    bare(artifact.input),
    ...artifact.logs.flatMap((log) => [bare(log.address), ...log.topics.map(bare), bare(log.data)]),
  ].join("|");
}

/** The 32-byte words an artifact exposes (ABI words of input and log data, topics, padded addresses). */
function artifactWords(artifact: PublicArtifact): Set<string> {
  const words = new Set<string>();
  const addWords = (hex: string) => {
    for (let offset = 0; offset + 64 <= hex.length; offset += 64) words.add(hex.slice(offset, offset + 64));
  };
  addWords(bare(artifact.input).slice(8));
  for (const log of artifact.logs) {
    log.topics.forEach((topic) => words.add(bare(topic)));
    addWords(bare(log.data));
    words.add(bare(log.address).padStart(64, "0"));
  }
  words.add(bare(artifact.from).padStart(64, "0"));
  if (artifact.to) words.add(bare(artifact.to).padStart(64, "0"));
  return words;
}

describe("privacy: a competitor reading the whole chain cannot link a member's lot to its supplier's lot", function () {
  this.timeout(180_000);
  let chain: FontaineChain;
  let scenario: ThreeTierScenario;
  let control: CommittedLot;
  let corpus: PublicArtifact[];

  before(async () => {
    chain = await startFontaineChain();
    scenario = await threeTierScenario(chain);
    // An unrelated supplier's lot: what every lot commitment shares (relayer, selector, topics, deadline layout).
    const stranger = await admitOrg(chain, "unrelated-supplier", "SUPPLIER");
    control = await commitLot(chain, stranger, { product: "Hazelnuts", quantity: "5", unit: "kg" });

    // The competitor's view: every transaction of every block, with its receipt's logs.
    const latest = await chain.provider.getBlockNumber();
    corpus = [];
    for (let number = 0; number <= latest; number++) {
      const block = await chain.provider.getBlock(number, true);
      for (const transaction of block?.prefetchedTransactions ?? ([] as TransactionResponse[])) {
        const receipt = await chain.provider.getTransactionReceipt(transaction.hash);
        corpus.push({
          hash: transaction.hash,
          from: transaction.from,
          to: transaction.to,
          input: transaction.data,
          logs: (receipt?.logs ?? []).map((log) => ({ address: log.address, topics: [...log.topics], data: log.data })),
        });
      }
    }
  });

  after(async () => {
    await chain?.stop();
  });

  const mentioning = (value: string) => corpus.filter((artifact) => artifactText(artifact).includes(bare(value)));

  it("should see each lot only in its own commitment, submitted by the relayer", () => {
    const relayer = getAddress(chain.fontaine.deployment.relayer!);
    for (const lot of Object.values(scenario.lots)) {
      const seen = mentioning(lot.lotId);
      expect(seen, `lot ${lot.sealed.record.product}`).to.have.length(1);
      expect(getAddress(seen[0]!.from)).to.equal(relayer);
    }
  });

  it("should find none of the supplier chain's ids, digests or addresses in anything that mentions the member's lot", () => {
    const { A1, M1, C1, C2 } = scenario.lots;
    const { maker, coop, certifier } = scenario.orgs;
    const aboutMember = mentioning(A1.lotId).map(artifactText).join("\n");
    const supplierSide: Record<string, string> = {
      "maker lot id": M1.lotId,
      "maker lot commitment": M1.sealed.commitment,
      "maker organisation": maker.id,
      "maker key": maker.key.address,
      "cooperative lot C1": C1.lotId,
      "cooperative lot C2": C2.lotId,
      "cooperative organisation": coop.id,
      "cooperative key": coop.key.address,
      "certifier key": certifier.key.address,
      ...Object.fromEntries(
        Object.entries(scenario.attestations)
          .flatMap(([name, value]) =>
            Array.isArray(value) ? value.map((entry, index) => [`${name}${index}`, entry]) : [[name, value]],
          )
          .map(([name, attestation]) => [`attestation ${name}`, (attestation as { uid: string }).uid]),
      ),
    };
    for (const [what, value] of Object.entries(supplierSide)) {
      expect(aboutMember.includes(bare(value)), `${what} appears next to the member's lot`).to.equal(false);
    }
    const aboutMaker = mentioning(M1.lotId).map(artifactText).join("\n");
    for (const [what, value] of Object.entries({
      "member lot id": A1.lotId,
      "member lot commitment": A1.sealed.commitment,
      "member organisation": scenario.orgs.memberA.id,
      "member key": scenario.orgs.memberA.key.address,
    })) {
      expect(aboutMaker.includes(bare(value)), `${what} appears next to the maker's lot`).to.equal(false);
    }
  });

  it("should share no identifying 32-byte word between the two lots' public traces beyond what other lots share", () => {
    const { A1, M1 } = scenario.lots;
    const words = (lots: CommittedLot[]) => {
      const all = new Set<string>();
      for (const lot of lots)
        for (const artifact of mentioning(lot.lotId)) for (const word of artifactWords(artifact)) all.add(word);
      return all;
    };
    // Ids, digests, keys and addresses are 20 to 32 random bytes; words with at most 4 non-zero bytes (lengths,
    // offsets, a signature's v, deadlines) are shared by chance by many unrelated lots and identify nothing.
    const identifying = (word: string) => (word.match(/[0-9a-f]{2}/g) ?? []).filter((byte) => byte !== "00").length > 4;
    const member = words([A1]);
    const supplier = words([M1]);
    const others = words([control, scenario.lots.C1, scenario.lots.C2, scenario.lots.B1, scenario.lots.M2]);
    const linking = [...member].filter((word) => supplier.has(word) && !others.has(word) && identifying(word));
    expect(linking).to.deep.equal([]);
    // The check has teeth: the member's trace does share identifying words with every lot (relayer, contract, topic).
    expect([...member].filter((word) => supplier.has(word) && identifying(word))).to.not.deep.equal([]);
  });

  it("should never put a record, a salt, a parent quantity or a product name on chain", () => {
    const everything = corpus.map(artifactText).join("\n");
    for (const lot of Object.values(scenario.lots)) {
      expect(everything.includes(bare(lot.sealed.salt))).to.equal(false);
      expect(everything.includes(bare(hexlify(toUtf8Bytes(lot.sealed.record.product))))).to.equal(false);
      expect(everything.includes(bare(hexlify(toUtf8Bytes(JSON.stringify(lot.sealed.record.parents)))))).to.equal(
        false,
      );
    }
  });

  it("should not let the competitor confirm a guessed link without the salt", () => {
    // The competitor knows A1's id and owner, M1's id, and guesses everything else exactly right; only the salt is
    // missing. Candidate salts from public data (ids, commitments, zero) never reproduce the commitment on chain.
    const { A1, M1 } = scenario.lots;
    const guess = createLotRecord({
      lotId: A1.lotId,
      owner: scenario.orgs.memberA.id,
      product: A1.sealed.record.product,
      quantity: A1.sealed.record.quantity,
      unit: A1.sealed.record.unit,
      parents: [{ lotId: M1.lotId, quantity: "200", unit: "kg" }],
    });
    const publicCandidates = [
      `0x${"0".repeat(64)}`,
      A1.lotId,
      M1.lotId,
      M1.sealed.commitment,
      scenario.orgs.memberA.id,
      scenario.orgs.maker.id,
    ] as Hex[];
    for (const salt of publicCandidates) expect(lotCommitment(guess, salt)).to.not.equal(A1.sealed.commitment);
    expect(lotCommitment(guess, A1.sealed.salt)).to.equal(A1.sealed.commitment);
  });

  it("should let the holder of the member's bundle verify the same link against the chain", async () => {
    const reader = createEthersChainReader({ provider: chain.provider, deployment: chain.fontaine.deployment });
    const verdict = await verifyBundle(scenario.bundles.A1, reader);
    expect(verdict.ok).to.equal(true);
    const member = verdict.lots.find((lot) => lot.lotId === scenario.lots.A1.lotId)!;
    expect(member.parents).to.deep.equal([
      {
        parentLotId: scenario.lots.M1.lotId,
        quantity: "200",
        unit: "kg",
        disclosed: true,
        outcome: "pass",
        findings: [],
      },
    ]);
  });
});
