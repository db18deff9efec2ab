/**
 * `verifyBundle(bundle, chainReader)`: redo every check of a disclosure bundle against the chain, with no trust in
 * whoever produced the bundle. Pure apart from the reader: all chain access goes through `ChainReader`, every read is
 * batched and taken at one block, and the same bundle against the same chain state gives the same verdict.
 *
 * For every disclosed lot: its record and salt hash to the commitment the chain holds for that version, the record
 * names the lot and its on-chain owner, the owner's key signed it and was valid then, the lot is not flagged; for every
 * link: the parent is disclosed, units match, and no parent gives more than it held (summed over everything
 * disclosed); for every attestation: uid, signature, Merkle proof and claim match, and its status now. Every failure
 * comes with a plain-language reason (`messages.ts`). Node and browsers.
 */
import { decodeBase64, ZeroHash } from "ethers";
import { attestationRegistryDomain, lotRegistryDomain } from "../eip712";
import { claimDigest, fileDigest, lotCommitment, reasonText, type Hex } from "../hashing";
import type { StatusName } from "../status";
import type {
  AttestationFacts,
  ChainReader,
  ChainSnapshot,
  LeafFacts,
  LeafQuery,
  LotFacts,
  SignedLeafFacts,
  SignedLeafQuery,
  SignerFacts,
} from "./chain-reader";
import { ChainReadError } from "./errors";
import {
  microsToQuantity,
  quantityToMicros,
  type Bundle,
  type DisclosedAttestation,
  type DisclosedLot,
} from "./format";
import {
  fastAttestationUid,
  fastAttestDigest,
  fastCommitDigest,
  fastVerifyBatchProof,
  fastVerifySignedBatchProof,
} from "./fast-hashing";
import { finding, type Finding, type FindingCode } from "./messages";

/** The result of a check: `fail` beats `warn` beats `pass`. */
export type Outcome = "pass" | "warn" | "fail";

/** The verdict on one parent link of a lot. */
export interface LinkVerdict {
  parentLotId: Hex;
  quantity: string;
  unit: string;
  /** Whether the parent lot is disclosed in the bundle (otherwise the link cannot be checked). */
  disclosed: boolean;
  outcome: Outcome;
  findings: Finding[];
}

/** The verdict on one attestation (shared by every lot that relies on it). */
export interface AttestationVerdict {
  uid: Hex;
  /** Whether its request and signature are disclosed (otherwise only its on-chain status was read). */
  disclosed: boolean;
  kind: "single" | "batch";
  schema: Hex | null;
  subject: Hex | null;
  signer: Hex | null;
  /** Effective status now. */
  status: StatusName;
  /** Whether a live endorsement by a then-accredited certifier exists (single attestations only). */
  endorsed: boolean;
  /** Lots of the bundle that rely on it. */
  lotIds: Hex[];
  outcome: Outcome;
  findings: Finding[];
}

/** The verdict on one disclosed lot. */
export interface LotVerdict {
  lotId: Hex;
  version: number;
  owner: Hex;
  product: string;
  quantity: string;
  unit: string;
  /** Versions on chain (0 = never committed). */
  chainVersions: number;
  flagged: boolean;
  /** Whether the lot is the subject or upstream of it. */
  linked: boolean;
  /** Worst of the lot's own checks, its links and its attestations. */
  outcome: Outcome;
  /** Worst of `outcome` over the lot and everything upstream of it. */
  upstreamOutcome: Outcome;
  findings: Finding[];
  parents: LinkVerdict[];
  /** Uids of the attestations covering it (details in `BundleVerdict.attestations`). */
  attestations: Hex[];
}

/** The verdict on a disclosed evidence document. */
export interface DocumentVerdict {
  digest: Hex;
  name: string;
  outcome: Outcome;
  findings: Finding[];
  /** Uids of the disclosed attestations whose `request.digest` is this document's digest. */
  attestations: Hex[];
}

/** A node of the provenance tree: a lot, then its parents; a lot reached twice is expanded only the first time. */
export interface VerdictNode {
  lotId: Hex;
  outcome: Outcome;
  upstreamOutcome: Outcome;
  /** Present when the lot is not disclosed or is expanded elsewhere in the tree. */
  note?: "not-disclosed" | "shown-above" | "cycle";
  parents: VerdictNode[];
}

/** The verdict on a whole bundle. */
export interface BundleVerdict {
  /** True when nothing failed (warnings allowed). */
  ok: boolean;
  outcome: Outcome;
  subject: Hex;
  chain: { chainId: number; blockNumber: number; time: number };
  /** Bundle-level findings (wrong chain, subject missing). */
  findings: Finding[];
  /** Every disclosed lot, the subject first, then upstream in breadth-first order, then unlinked ones. */
  lots: LotVerdict[];
  attestations: AttestationVerdict[];
  documents: DocumentVerdict[];
  tree: VerdictNode;
  counts: { lots: number; attestations: number; failures: number; warnings: number };
}

/** Options of `verifyBundle`. */
export interface VerifyOptions {
  /** Skip the check that the bundle names the reader's chain and contracts (default false). */
  ignoreChainMismatch?: boolean;
}

/** Verify a parsed bundle (`parseBundle`) against the chain through `reader`; never throws on a bad bundle. */
export async function verifyBundle(
  bundle: Bundle,
  reader: ChainReader,
  options: VerifyOptions = {},
): Promise<BundleVerdict> {
  const snapshot = await reader.snapshot();
  const bundleFindings: Finding[] = [];
  if (!options.ignoreChainMismatch && !sameChain(bundle, snapshot)) {
    bundleFindings.push(
      finding("chain.mismatch", {
        expectedChainId: bundle.chain.chainId,
        expectedLotRegistry: bundle.chain.lotRegistry,
        chainId: snapshot.chainId,
        lotRegistry: snapshot.lotRegistry,
      }),
    );
  }

  // Index the disclosures; a second disclosure of the same lot is refused rather than silently picked.
  const lots = new Map<Hex, DisclosedLot>();
  const duplicateLots = new Set<Hex>();
  for (const lot of bundle.lots) {
    if (lots.has(lot.lotId)) duplicateLots.add(lot.lotId);
    else lots.set(lot.lotId, lot);
  }
  const disclosedAttestations = new Map<Hex, DisclosedAttestation>();
  for (const attestation of bundle.attestations) {
    if (!disclosedAttestations.has(attestation.uid)) disclosedAttestations.set(attestation.uid, attestation);
  }
  const referencedUids = new Set<Hex>();
  for (const lot of lots.values()) for (const uid of lot.record.attestations) referencedUids.add(uid);

  // One batched round of chain reads.
  const singleUids = [...new Set([...referencedUids, ...disclosedAttestations.keys()])].filter((uid) => {
    const disclosed = disclosedAttestations.get(uid);
    return !disclosed?.batch && !disclosed?.signedBatch;
  });
  const leafItems = [...disclosedAttestations.values()].filter((a) => a.batch && a.signed);
  const leafQueries: LeafQuery[] = leafItems.map((a) => ({
    root: a.batch!.root,
    request: a.request,
    signer: a.signer,
    deadline: a.signed!.deadline,
    signature: a.signed!.signature,
    proof: a.batch!.proof,
  }));
  const signedItems = [...disclosedAttestations.values()].filter((a) => a.signedBatch);
  const signedQueries: SignedLeafQuery[] = signedItems.map((a) => ({
    root: a.signedBatch!.root,
    request: a.request,
    proof: a.signedBatch!.proof,
  }));
  const readSignedLeaves = async (): Promise<SignedLeafFacts[]> => {
    if (signedQueries.length === 0) return [];
    if (!reader.signedLeaves) {
      throw new ChainReadError("this chain reader cannot read signed batches", { retryable: false });
    }
    return reader.signedLeaves(signedQueries);
  };
  const [lotFacts, attestationFacts, leafFacts, signedLeafFacts] = await Promise.all([
    reader.lots([...lots.keys()]),
    singleUids.length > 0 ? reader.attestations(singleUids) : Promise.resolve(new Map<Hex, AttestationFacts>()),
    leafQueries.length > 0 ? reader.leaves(leafQueries) : Promise.resolve([] as LeafFacts[]),
    readSignedLeaves(),
  ]);
  const leafFactsByUid = new Map<Hex, LeafFacts>(leafItems.map((a, index) => [a.uid, leafFacts[index]!]));
  const signedFactsByUid = new Map<Hex, SignedLeafFacts>(
    signedItems.map((a, index) => [a.uid, signedLeafFacts[index]!]),
  );

  // Keys that committed each disclosed version, judged at commit time.
  const commitOf = new Map<Hex, LotFacts["commits"][number]>();
  for (const [lotId, lot] of lots) {
    const commit = lotFacts.get(lotId)?.commits.find((entry) => entry.version === lot.version);
    if (commit) commitOf.set(lotId, commit);
  }
  const lotDomain = lotRegistryDomain(snapshot.chainId, snapshot.lotRegistry);
  const attestationDomain = attestationRegistryDomain(snapshot.chainId, snapshot.attestationRegistry);

  // Every signature at once: the owner's over the commitment the chain holds, the attester's over its request.
  const checks: SignatureCheck[] = [];
  const commitSignatureOk = new Map<Hex, boolean>();
  const attestDigests = new Map<Hex, Hex>();
  for (const [lotId, lot] of lots) {
    const commit = commitOf.get(lotId);
    if (!lot.commit || !commit) continue;
    checks.push({
      signer: lot.commit.signer,
      digest: fastCommitDigest(lotDomain, lotId, commit.commitment, lot.commit.nonce, lot.commit.deadline),
      signature: lot.commit.signature,
      done: (ok) => commitSignatureOk.set(lotId, ok),
    });
  }
  const attestSignatureOk = new Map<Hex, boolean>();
  for (const attestation of disclosedAttestations.values()) {
    if (!attestation.signed) continue;
    const digest = fastAttestDigest(attestationDomain, attestation.request, attestation.signed.deadline);
    attestDigests.set(attestation.uid, digest);
    checks.push({
      signer: attestation.signer,
      digest,
      signature: attestation.signed.signature,
      done: (ok) => attestSignatureOk.set(attestation.uid, ok),
    });
  }
  const signerQueries = [...commitOf.values()].map((commit) => ({ key: commit.signer, time: commit.time }));
  const [signerFacts] = await Promise.all([
    signerQueries.length > 0 ? reader.signers(signerQueries) : Promise.resolve([] as SignerFacts[]),
    checkSignatures(checks, reader),
  ]);
  const signerOf = new Map<Hex, SignerFacts>([...commitOf.keys()].map((lotId, index) => [lotId, signerFacts[index]!]));

  // Attestations: one verdict per uid.
  const attestationVerdicts = new Map<Hex, AttestationVerdict>();
  for (const uid of new Set([...disclosedAttestations.keys(), ...referencedUids])) {
    const disclosed = disclosedAttestations.get(uid);
    attestationVerdicts.set(
      uid,
      disclosed
        ? judgeDisclosedAttestation(
            disclosed,
            attestDigests.get(uid),
            attestSignatureOk.get(uid),
            attestationFacts.get(uid),
            leafFactsByUid.get(uid),
            signedFactsByUid.get(uid),
          )
        : judgeUndisclosedAttestation(uid, attestationFacts.get(uid)),
    );
  }

  // Lots: own checks and links.
  const lotVerdicts = new Map<Hex, LotVerdict>();
  const taken = new Map<Hex, { micros: bigint; takers: number; exceeded: boolean }>();
  for (const [lotId, lot] of lots) {
    const facts = lotFacts.get(lotId) ?? emptyLotFacts();
    const findings = judgeLot(lot, facts, commitOf.get(lotId), signerOf.get(lotId), commitSignatureOk.get(lotId));
    if (duplicateLots.has(lotId)) findings.unshift(finding("lot.duplicate", { lotId }));
    const parents = lot.record.parents.map((link): LinkVerdict => {
      const parent = lots.get(link.lotId);
      const linkFindings: Finding[] = [];
      if (!parent) {
        linkFindings.push(finding("link.parent-not-disclosed", { lotId, parentLotId: link.lotId }));
      } else if (parent.record.unit !== link.unit) {
        linkFindings.push(
          finding("link.unit-mismatch", {
            lotId,
            parentLotId: link.lotId,
            quantity: link.quantity,
            unit: link.unit,
            parentUnit: parent.record.unit,
          }),
        );
      } else {
        const usage = taken.get(link.lotId) ?? { micros: 0n, takers: 0, exceeded: false };
        usage.micros += quantityToMicros(link.quantity);
        usage.takers += 1;
        if (quantityToMicros(link.quantity) > quantityToMicros(parent.record.quantity)) {
          usage.exceeded = true;
          linkFindings.push(
            finding("link.exceeds-parent", {
              lotId,
              parentLotId: link.lotId,
              quantity: link.quantity,
              unit: link.unit,
              parentQuantity: parent.record.quantity,
            }),
          );
        }
        taken.set(link.lotId, usage);
      }
      return {
        parentLotId: link.lotId,
        quantity: link.quantity,
        unit: link.unit,
        disclosed: Boolean(parent),
        outcome: worst(linkFindings),
        findings: linkFindings,
      };
    });
    for (const uid of lot.record.attestations) {
      const verdict = attestationVerdicts.get(uid)!;
      if (!verdict.lotIds.includes(lotId)) verdict.lotIds.push(lotId);
      if (verdict.subject && verdict.subject !== lotId && verdict.subject !== lot.record.owner) {
        findings.push(finding("attestation.subject-other", { uid, subject: verdict.subject, lotId }));
      }
    }
    lotVerdicts.set(lotId, {
      lotId,
      version: lot.version,
      owner: lot.record.owner,
      product: lot.record.product,
      quantity: lot.record.quantity,
      unit: lot.record.unit,
      chainVersions: facts.versions,
      flagged: facts.flagged,
      linked: false,
      outcome: "pass",
      upstreamOutcome: "pass",
      findings,
      parents,
      attestations: [...lot.record.attestations],
    });
  }

  // A parent never gives more than it held, summed over every disclosed lot taking from it.
  for (const [parentLotId, usage] of taken) {
    const parent = lotVerdicts.get(parentLotId)!;
    if (!usage.exceeded && usage.micros > quantityToMicros(parent.quantity)) {
      parent.findings.push(
        finding("lot.overdrawn", {
          lotId: parentLotId,
          taken: microsToQuantity(usage.micros),
          quantity: parent.quantity,
          unit: parent.unit,
        }),
      );
    }
  }

  for (const attestation of attestationVerdicts.values()) {
    if (attestation.lotIds.length === 0)
      attestation.findings.push(finding("attestation.unlinked", { uid: attestation.uid }));
    attestation.outcome = worst(attestation.findings);
  }
  for (const lot of lotVerdicts.values()) {
    const own = [...lot.findings];
    lot.outcome = worstOf([
      worst(own),
      ...lot.parents.map((link) => link.outcome),
      ...lot.attestations.map((uid) => attestationVerdicts.get(uid)!.outcome),
    ]);
  }

  // The tree from the subject: reachability, cycles, upstream outcomes.
  if (!lots.has(bundle.subject)) bundleFindings.push(finding("subject.not-disclosed", { lotId: bundle.subject }));
  const tree = buildTree(bundle.subject, lotVerdicts);
  for (const lot of lotVerdicts.values()) {
    if (!lot.linked) {
      lot.findings.push(finding("lot.unlinked", { lotId: lot.lotId }));
      lot.outcome = worstOf([lot.outcome, "warn"]);
    }
  }
  computeUpstreamOutcomes(lotVerdicts);
  refreshTreeOutcomes(tree, lotVerdicts);

  // A document is evidence when its bytes hash to the digest a disclosed attestation signed.
  const attestationsByDigest = new Map<Hex, Hex[]>();
  for (const attestation of bundle.attestations) {
    const uids = attestationsByDigest.get(attestation.request.digest) ?? [];
    uids.push(attestation.uid);
    attestationsByDigest.set(attestation.request.digest, uids);
  }
  const documents = (bundle.documents ?? []).map((document): DocumentVerdict => {
    const findings: Finding[] = [];
    let actual: Hex | undefined;
    try {
      actual = fileDigest(decodeBase64(document.contentBase64));
    } catch {
      actual = undefined;
    }
    if (actual !== document.digest)
      findings.push(finding("document.digest-mismatch", { name: document.name, digest: document.digest }));
    const referencedBy = attestationsByDigest.get(document.digest) ?? [];
    if (referencedBy.length === 0) findings.push(finding("document.not-referenced", { name: document.name }));
    return {
      digest: document.digest,
      name: document.name,
      outcome: worst(findings),
      findings,
      attestations: referencedBy,
    };
  });

  const orderedLots = orderLots(bundle.subject, lotVerdicts);
  const attestations = [...attestationVerdicts.values()];
  const allFindings = [
    ...bundleFindings,
    ...orderedLots.flatMap((lot) => [...lot.findings, ...lot.parents.flatMap((link) => link.findings)]),
    ...attestations.flatMap((attestation) => attestation.findings),
    ...documents.flatMap((document) => document.findings),
  ];
  const outcome = worst(allFindings);
  return {
    ok: outcome !== "fail",
    outcome,
    subject: bundle.subject,
    chain: { chainId: snapshot.chainId, blockNumber: snapshot.blockNumber, time: snapshot.time },
    findings: bundleFindings,
    lots: orderedLots,
    attestations,
    documents,
    tree,
    counts: {
      lots: orderedLots.length,
      attestations: attestations.length,
      failures: allFindings.filter((entry) => entry.severity === "fail").length,
      warnings: allFindings.filter((entry) => entry.severity === "warn").length,
    },
  };
}

/** Every finding of a verdict with where it was found, in tree order (for lists and command-line output). */
export function verdictFindings(verdict: BundleVerdict): { where: string; finding: Finding }[] {
  return [
    ...verdict.findings.map((entry) => ({ where: "bundle", finding: entry })),
    ...verdict.lots.flatMap((lot) => [
      ...lot.findings.map((entry) => ({ where: `lot ${lot.lotId}`, finding: entry })),
      ...lot.parents.flatMap((link) =>
        link.findings.map((entry) => ({ where: `lot ${lot.lotId} ← ${link.parentLotId}`, finding: entry })),
      ),
    ]),
    ...verdict.attestations.flatMap((attestation) =>
      attestation.findings.map((entry) => ({ where: `attestation ${attestation.uid}`, finding: entry })),
    ),
    ...verdict.documents.flatMap((document) =>
      document.findings.map((entry) => ({ where: `document ${document.name}`, finding: entry })),
    ),
  ];
}

function judgeLot(
  lot: DisclosedLot,
  facts: LotFacts,
  commit: LotFacts["commits"][number] | undefined,
  signer: SignerFacts | undefined,
  signatureOk: boolean | undefined,
): Finding[] {
  const { lotId, record, version } = lot;
  const findings: Finding[] = [];
  if (record.lotId !== lotId) findings.push(finding("lot.id-mismatch", { lotId, recordLotId: record.lotId }));
  if (facts.owner === ZeroHash || facts.versions === 0) {
    findings.push(finding("lot.not-on-chain", { lotId }));
    return findings;
  }
  if (record.owner !== facts.owner) {
    findings.push(finding("lot.owner-mismatch", { lotId, recordOwner: record.owner, chainOwner: facts.owner }));
  }
  if (facts.flagged) {
    const last = [...facts.flags].reverse().find((entry) => entry.action === "flagged");
    const reason = last ? (reasonText(last.reason) ?? (BigInt(last.reason) === 0n ? "" : last.reason)) : "?";
    findings.push(finding("lot.flagged", { lotId, reason: reason || "?" }));
  }
  if (!commit) {
    findings.push(finding("lot.version-unknown", { lotId, version, versions: facts.versions }));
    return findings;
  }
  if (lotCommitment(record, lot.salt) !== commit.commitment.toLowerCase()) {
    findings.push(finding("lot.commitment-mismatch", { lotId, version }));
  }
  if (version < facts.versions) findings.push(finding("lot.superseded", { lotId, version, versions: facts.versions }));
  if (lot.commit) {
    // The signature is checked over what the chain holds; the record is tied to that by the commitment check.
    if (signatureOk === false) findings.push(finding("lot.signature-invalid", { lotId }));
    if (lot.commit.signer.toLowerCase() !== commit.signer.toLowerCase()) {
      findings.push(
        finding("lot.signer-mismatch", { lotId, version, signer: lot.commit.signer, chainSigner: commit.signer }),
      );
    }
  }
  if (signer) {
    if (signer.org !== facts.owner) {
      findings.push(
        finding("lot.key-wrong-organisation", { lotId, signer: commit.signer, keyOrg: signer.org, owner: facts.owner }),
      );
    } else if (signer.status !== "VALID") {
      findings.push(finding("lot.key-not-valid", { lotId, signer: commit.signer, keyStatus: signer.status }));
    }
  }
  return findings;
}

function judgeDisclosedAttestation(
  attestation: DisclosedAttestation,
  digest: Hex | undefined,
  signatureOk: boolean | undefined,
  single: AttestationFacts | undefined,
  leaf: LeafFacts | undefined,
  signedLeaf?: SignedLeafFacts,
): AttestationVerdict {
  const { uid, request, signer } = attestation;
  const findings: Finding[] = [];
  const computedUid = fastAttestationUid(request, signer);
  if (computedUid !== uid) findings.push(finding("attestation.uid-mismatch", { uid }));
  if (attestation.signed && signatureOk === false)
    findings.push(finding("attestation.signature-invalid", { uid, signer }));
  if (attestation.claim && claimDigestOrNull(attestation.claim.value, attestation.claim.salt) !== request.digest) {
    findings.push(finding("attestation.claim-mismatch", { uid }));
  }
  let status: StatusName = "UNKNOWN";
  let endorsed = false;
  let proofOk = true;
  if (attestation.signedBatch) {
    // One signature over the root, checked by the contract when it was anchored: the leaf's signer is the batch's.
    const { root, proof } = attestation.signedBatch;
    proofOk = fastVerifySignedBatchProof(root, uid, proof);
    if (!proofOk) findings.push(finding("attestation.proof-invalid", { uid, root }));
    const rootAnchored = signedLeaf !== undefined && BigInt(signedLeaf.signer) !== 0n;
    if (signedLeaf && !rootAnchored) findings.push(finding("attestation.batch-unknown", { uid, root }));
    else status = signedLeaf?.status ?? "UNKNOWN";
    if (status !== "VALID" && rootAnchored && proofOk) {
      findings.push(statusFinding(status, uid, signedLeaf?.revocationReason));
    }
  } else if (attestation.batch) {
    const { root, proof } = attestation.batch;
    if (!attestation.signed || !digest) {
      findings.push(finding("attestation.signature-missing", { uid }));
    } else {
      proofOk = fastVerifyBatchProof(root, digest, signer, proof);
      if (!proofOk) findings.push(finding("attestation.proof-invalid", { uid, root }));
    }
    if (leaf && !leaf.rootAnchored) findings.push(finding("attestation.batch-unknown", { uid, root }));
    else status = leaf?.status ?? "UNKNOWN";
    // Proof and signature failures already say why the chain does not know the leaf.
    if (status !== "VALID" && (leaf?.rootAnchored ?? false) && proofOk && signatureOk !== false && attestation.signed) {
      findings.push(statusFinding(status, uid, leaf?.revocationReason));
    }
  } else {
    status = single?.status ?? "UNKNOWN";
    endorsed = single?.endorsed ?? false;
    if (status !== "VALID") findings.push(statusFinding(status, uid, single?.revocationReason));
  }
  return {
    uid,
    disclosed: true,
    kind: attestation.batch || attestation.signedBatch ? "batch" : "single",
    schema: request.schema,
    subject: request.subject,
    signer,
    status,
    endorsed,
    lotIds: [],
    outcome: "pass",
    findings,
  };
}

function judgeUndisclosedAttestation(uid: Hex, facts: AttestationFacts | undefined): AttestationVerdict {
  const status = facts?.status ?? "UNKNOWN";
  const findings: Finding[] = [];
  if (status !== "VALID") findings.push(statusFinding(status, uid, facts?.revocationReason));
  return {
    uid,
    disclosed: false,
    kind: "single",
    schema: facts && facts.schema !== ZeroHash ? facts.schema : null,
    subject: null,
    signer: facts && /^0x0{40}$/.test(facts.signer) === false ? facts.signer : null,
    status,
    endorsed: facts?.endorsed ?? false,
    lotIds: [],
    outcome: "pass",
    findings,
  };
}

const STATUS_CODES: Record<Exclude<StatusName, "VALID">, FindingCode> = {
  UNKNOWN: "attestation.unknown",
  EXPIRED: "attestation.expired",
  REVOKED: "attestation.revoked",
  SUSPENDED: "attestation.suspended",
  KEY_COMPROMISED: "attestation.key-compromised",
};

/** The finding of a status; a revoked one says why when its attester recorded a readable reason (`reason`). */
function statusFinding(status: StatusName, uid: Hex, revocationReason?: Hex): Finding {
  const reason = status === "REVOKED" && revocationReason ? reasonText(revocationReason) : null;
  return finding(
    STATUS_CODES[status as Exclude<StatusName, "VALID">],
    reason ? { uid, status, reason } : { uid, status },
  );
}

interface SignatureCheck {
  signer: Hex;
  digest: Hex;
  signature: Hex;
  done: (ok: boolean) => void;
}

async function checkSignatures(checks: readonly SignatureCheck[], reader: ChainReader): Promise<void> {
  if (checks.length === 0) return;
  const recovered = await reader.recoverSigners(checks.map(({ digest, signature }) => ({ digest, signature })));
  await Promise.all(
    checks.map(async (check, index) => {
      if (recovered[index]?.toLowerCase() === check.signer.toLowerCase()) return check.done(true);
      // Not this plain key's signature: it may still be a contract wallet's (ERC-1271).
      check.done(await reader.isValidContractSignature(check.signer, check.digest, check.signature));
    }),
  );
}

function claimDigestOrNull(value: unknown, salt: Hex): Hex | null {
  try {
    return claimDigest(value, salt);
  } catch {
    return null;
  }
}

function buildTree(subject: Hex, lots: Map<Hex, LotVerdict>): VerdictNode {
  const expanded = new Set<Hex>();
  const visit = (lotId: Hex, path: Set<Hex>, child?: LotVerdict): VerdictNode => {
    const lot = lots.get(lotId);
    if (!lot) return { lotId, outcome: "warn", upstreamOutcome: "warn", note: "not-disclosed", parents: [] };
    if (path.has(lotId)) {
      const cycle = finding("link.cycle", { lotId: child?.lotId ?? lotId, parentLotId: lotId });
      const link = child?.parents.find((entry) => entry.parentLotId === lotId);
      if (link && !link.findings.some((entry) => entry.code === "link.cycle")) {
        link.findings.push(cycle);
        link.outcome = "fail";
        child!.outcome = "fail";
      }
      return { lotId, outcome: "fail", upstreamOutcome: "fail", note: "cycle", parents: [] };
    }
    if (expanded.has(lotId))
      return { lotId, outcome: lot.outcome, upstreamOutcome: lot.upstreamOutcome, note: "shown-above", parents: [] };
    expanded.add(lotId);
    lot.linked = true;
    const nextPath = new Set(path).add(lotId);
    const parents = lot.parents.map((link) => visit(link.parentLotId, nextPath, lot));
    return { lotId, outcome: lot.outcome, upstreamOutcome: lot.upstreamOutcome, parents };
  };
  return visit(subject, new Set());
}

function computeUpstreamOutcomes(lots: Map<Hex, LotVerdict>): void {
  const memo = new Map<Hex, Outcome>();
  const visiting = new Set<Hex>();
  const upstream = (lotId: Hex): Outcome => {
    const known = memo.get(lotId);
    if (known) return known;
    const lot = lots.get(lotId);
    if (!lot) return "pass";
    if (visiting.has(lotId)) return "fail";
    visiting.add(lotId);
    const result = worstOf([lot.outcome, ...lot.parents.map((link) => upstream(link.parentLotId))]);
    visiting.delete(lotId);
    memo.set(lotId, result);
    lot.upstreamOutcome = result;
    return result;
  };
  for (const lotId of lots.keys()) upstream(lotId);
}

function refreshTreeOutcomes(node: VerdictNode, lots: Map<Hex, LotVerdict>): void {
  const lot = lots.get(node.lotId);
  if (lot && node.note !== "cycle") {
    node.outcome = lot.outcome;
    node.upstreamOutcome = lot.upstreamOutcome;
  }
  for (const parent of node.parents) refreshTreeOutcomes(parent, lots);
}

function orderLots(subject: Hex, lots: Map<Hex, LotVerdict>): LotVerdict[] {
  const ordered: LotVerdict[] = [];
  const seen = new Set<Hex>();
  const queue: Hex[] = [subject];
  while (queue.length > 0) {
    const lotId = queue.shift()!;
    const lot = lots.get(lotId);
    if (!lot || seen.has(lotId)) continue;
    seen.add(lotId);
    ordered.push(lot);
    for (const link of lot.parents) queue.push(link.parentLotId);
  }
  for (const lot of lots.values()) if (!seen.has(lot.lotId)) ordered.push(lot);
  return ordered;
}

function sameChain(bundle: Bundle, snapshot: ChainSnapshot): boolean {
  return (
    bundle.chain.chainId === snapshot.chainId &&
    bundle.chain.lotRegistry.toLowerCase() === snapshot.lotRegistry.toLowerCase() &&
    bundle.chain.attestationRegistry.toLowerCase() === snapshot.attestationRegistry.toLowerCase()
  );
}

function emptyLotFacts(): LotFacts {
  return { owner: ZeroHash as Hex, versions: 0, flagged: false, commits: [], flags: [] };
}

function worst(findings: readonly Finding[]): Outcome {
  if (findings.some((entry) => entry.severity === "fail")) return "fail";
  if (findings.length > 0) return "warn";
  return "pass";
}

function worstOf(outcomes: readonly Outcome[]): Outcome {
  if (outcomes.includes("fail")) return "fail";
  if (outcomes.includes("warn")) return "warn";
  return "pass";
}
