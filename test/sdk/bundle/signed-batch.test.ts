import { expect } from "chai";
import { ZeroHash } from "ethers";
import { mined } from "../../../sdk/chain";
import {
  attestationRegistryDomain,
  buildSignedBatchTypedData,
  ethersTypes,
  type SignedBatchRequest,
  type SignedBatchTree,
} from "../../../sdk";
import { buildSignedBatch, signedLeafHash, verifySignedBatchProof } from "../../../sdk/merkle";
import { claimDigest, newSalt, reasonCode } from "../../../sdk/hashing";
import {
  buildBundle,
  bundleChainOf,
  ChainReadError,
  createEthersChainReader,
  discloseAttestation,
  parseBundle,
  recordingChainReader,
  replayChainReader,
  verdictFindings,
  verifyBundle,
  type Bundle,
  type ChainReader,
} from "../../../sdk/bundle";
import { fastSignedLeaf, fastVerifySignedBatchProof } from "../../../sdk/bundle/fast-hashing";
import { admitOrg, commitLot, startFontaineChain, type FontaineChain, type Org } from "./helpers/chain";

const FAR_DEADLINE = 4_000_000_000n;

function failures(verdict: Awaited<ReturnType<typeof verifyBundle>>): string[] {
  return verdictFindings(verdict)
    .filter((entry) => entry.finding.severity === "fail")
    .map((entry) => entry.finding.code);
}

// Bundles citing an attestation of a signed batch (bulk certification: one signature over the root).
describe("sdk/bundle signed-batch attestations against a real chain (anvil)", function () {
  this.timeout(120_000);
  let chain: FontaineChain;
  let reader: ChainReader;
  let certifier: Org;
  let coop: Org;

  before(async () => {
    chain = await startFontaineChain();
    reader = createEthersChainReader({ provider: chain.provider, deployment: chain.fontaine.deployment });
    [certifier, coop] = await Promise.all([admitOrg(chain, "audit", "CERTIFIER"), admitOrg(chain, "coop", "SUPPLIER")]);
  });
  after(async () => {
    await chain?.stop();
  });

  /** `count` audit claims about the coop, signed once by the certifier and anchored (or only built). */
  async function signedBatch(count: number, anchor = true) {
    const requests: SignedBatchRequest[] = Array.from({ length: count }, (_, index) => ({
      schema: chain.schemas.socialAudit,
      subject: coop.id,
      digest: claimDigest({ report: `R-${index}` }, newSalt()),
      expiry: 0n,
      ref: ZeroHash,
      nonce: BigInt(newSalt()),
    }));
    const tree: SignedBatchTree = buildSignedBatch(requests, certifier.key.address);
    if (anchor) {
      const domain = attestationRegistryDomain(
        chain.chainId,
        chain.fontaine.deployment.contracts.AttestationRegistry.address,
      );
      const nonce = BigInt(newSalt());
      const typed = buildSignedBatchTypedData(domain, { root: tree.root, count, nonce, deadline: FAR_DEADLINE });
      const signature = await certifier.key.signTypedData(typed.domain, ethersTypes(typed), typed.message);
      const registry = chain.fontaine.attestationRegistry.connect(chain.relayer);
      await mined(registry.anchorSignedBatch(tree.root, count, certifier.key.address, nonce, FAR_DEADLINE, signature));
    }
    const disclosures = requests.map((request, index) =>
      discloseAttestation({
        request: { ...request, ref: ZeroHash },
        signer: certifier.key.address,
        signedBatch: { root: tree.root, proof: tree.leaves[index]!.proof },
      }),
    );
    return { requests, tree, disclosures };
  }

  async function bundleCiting(disclosure: ReturnType<typeof discloseAttestation>): Promise<Bundle> {
    const lot = await commitLot(chain, coop, {
      product: "Cocoa beans",
      quantity: "100",
      unit: "kg",
      attestations: [disclosure.uid],
    });
    return buildBundle({
      chain: bundleChainOf(chain.fontaine.deployment),
      subject: lot.lotId,
      lots: [lot.lot],
      attestations: [disclosure],
    });
  }

  it("should hash and prove signed-batch leaves exactly as sdk/merkle does", async () => {
    const { tree } = await signedBatch(9, false);
    for (const leaf of tree.leaves) {
      expect(fastSignedLeaf(leaf.uid)).to.equal(signedLeafHash(leaf.uid));
      expect(fastVerifySignedBatchProof(tree.root, leaf.uid, leaf.proof)).to.equal(true);
      expect(verifySignedBatchProof(tree.root, leaf.uid, leaf.proof)).to.equal(true);
      expect(fastVerifySignedBatchProof(tree.root, newSalt(), leaf.proof)).to.equal(false);
    }
  });

  it("should verify a lot whose attestation is a leaf of a signed batch, and replay the same verdict", async () => {
    const { disclosures } = await signedBatch(40);
    const bundle = await bundleCiting(disclosures[17]!);
    expect(parseBundle(JSON.parse(JSON.stringify(bundle)))).to.deep.equal(bundle);
    // Version 2: a verifier that knows only version 1 says "update" instead of misreading it.
    expect(bundle.version).to.equal(2);
    expect(() => parseBundle({ ...bundle, version: 1 })).to.throw(/needs bundle version 2/);
    const recording = recordingChainReader(reader);
    const verdict = await verifyBundle(bundle, recording);
    expect(failures(verdict)).to.deep.equal([]);
    expect(verdict.ok).to.equal(true);
    expect(verdict.attestations.map((a) => [a.uid, a.kind, a.status, a.signer])).to.deep.equal([
      [disclosures[17]!.uid, "batch", "VALID", certifier.key.address],
    ]);
    const facts = recording.facts();
    expect(facts.signedLeaves).to.have.length(1);
    const replayed = await verifyBundle(bundle, replayChainReader(JSON.parse(JSON.stringify(facts))));
    expect(replayed).to.deep.equal(verdict);
  });

  it("should name an altered proof, an unanchored root and another signer", async () => {
    const { disclosures } = await signedBatch(5);
    const bundle = await bundleCiting(disclosures[2]!);
    const altered = JSON.parse(JSON.stringify(bundle)) as Bundle;
    altered.attestations[0]!.signedBatch!.proof[0] = newSalt();
    expect(failures(await verifyBundle(parseBundle(altered), reader))).to.include("attestation.proof-invalid");

    const unanchored = await signedBatch(3, false);
    const notAnchored = await bundleCiting(unanchored.disclosures[0]!);
    expect(failures(await verifyBundle(notAnchored, reader))).to.deep.equal(["attestation.batch-unknown"]);

    // Claiming the leaf for another key: its uid is not in the tree the certifier signed.
    const forged = discloseAttestation({
      request: { ...(await signedBatch(2)).requests[0]!, ref: ZeroHash },
      signer: coop.key.address,
      signedBatch: { root: disclosures[0]!.signedBatch!.root, proof: disclosures[0]!.signedBatch!.proof },
    });
    const forgedVerdict = await verifyBundle(await bundleCiting(forged), reader);
    expect(forgedVerdict.ok).to.equal(false);
    expect(forgedVerdict.attestations[0]!.status).to.equal("UNKNOWN");
  });

  it("should turn red with the reason once the certifier revokes the leaf", async () => {
    const { disclosures, requests, tree } = await signedBatch(6);
    const bundle = await bundleCiting(disclosures[4]!);
    expect((await verifyBundle(bundle, reader)).ok).to.equal(true);
    await chain.rpc("anvil_setBalance", [certifier.key.address, "0xDE0B6B3A7640000"]);
    const registry = chain.fontaine.attestationRegistry.connect(certifier.key.connect(chain.provider));
    await mined(
      registry.revokeSignedLeaf(
        tree.root,
        { ...requests[4]!, ref: ZeroHash },
        tree.leaves[4]!.proof,
        reasonCode("CERTIFICATE_WITHDRAWN"),
      ),
    );
    const verdict = await verifyBundle(bundle, reader);
    expect(failures(verdict)).to.deep.equal(["attestation.revoked"]);
    expect(verdict.attestations[0]!.findings[0]!.params).to.include({ reason: "CERTIFICATE_WITHDRAWN" });
  });

  it("should refuse a disclosure mixing a signed batch with a per-signature batch, and readers that cannot read it", async () => {
    const { disclosures } = await signedBatch(2, false);
    const mixed = { ...disclosures[0]!, batch: { root: newSalt(), proof: [] } };
    const bundle = await bundleCiting(disclosures[0]!);
    const json = JSON.parse(JSON.stringify(bundle)) as { attestations: unknown[] };
    json.attestations[0] = mixed;
    expect(() => parseBundle(json)).to.throw(/signedBatch/);
    const { signedLeaves: _dropped, ...older } = reader;
    void _dropped;
    const error = await verifyBundle(bundle, older as ChainReader).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(ChainReadError);
    expect((error as Error).message).to.match(/signed batches/);
  });

  it("should leave bundles without signed batches untouched: no signed-leaf read at all", async () => {
    const { disclosures } = await signedBatch(1);
    const bundle = await bundleCiting(disclosures[0]!);
    const plain = { ...bundle, attestations: [] } as Bundle;
    const recording = recordingChainReader(reader);
    await verifyBundle(plain, recording);
    expect(recording.facts()).to.not.have.property("signedLeaves");
    const rebuilt = buildBundle({
      chain: bundle.chain,
      subject: bundle.subject,
      lots: bundle.lots,
      attestations: [],
    });
    expect(rebuilt.version).to.equal(1);
  });
});
