/**
 * Building disclosure bundles: lot records, their salted commitments and `Commit` typed data, disclosures of lots and
 * attestations, and the bundle itself assembled from the owner's lots and the upstream bundles its suppliers gave it.
 * The API calls these; nothing here touches the chain or the network. Pure, Node and browsers.
 */
import { canonicalJson, lotCommitment, newLotId, newSalt, type Hex } from "../hashing";
import { buildCommitTypedData, lotRegistryDomain, type Numeric, type TypedData } from "../eip712";
import type { Deployment } from "../deployment";
import { attestationUid } from "../uid";
import {
  BUNDLE_FORMAT,
  bundleVersionFor,
  LOT_RECORD_KIND,
  LOT_RECORD_VERSION,
  parseBundle,
  parseDisclosedAttestation,
  parseDisclosedLot,
  parseLotRecord,
  type Bundle,
  type BundleChain,
  type DisclosedAttestation,
  type DisclosedDocument,
  type DisclosedLot,
  type LotRecord,
  type QuantityUnit,
} from "./format";
import { BundleBuildError } from "./errors";

/** What a lot record is made from; ids in any hex case, quantities as decimal strings. */
export interface LotRecordInput {
  /** Opaque random id; a fresh one (`newLotId`) when omitted. */
  lotId?: string;
  /** Owner organisation id. */
  owner: string;
  product: string;
  quantity: string;
  unit: QuantityUnit;
  /** Production date YYYY-MM-DD. */
  producedOn?: string;
  /** The owner's own reference (batch number…); private like the rest of the record. */
  reference?: string;
  /** Parent lots with the quantity taken from each (same unit as the parent). */
  parents?: { lotId: string; quantity: string; unit: QuantityUnit }[];
  /** Uids of the attestations covering the lot. */
  attestations?: string[];
}

/** A lot record with its salt and commitment, ready to be signed and anchored. */
export interface SealedLotRecord {
  record: LotRecord;
  salt: Hex;
  commitment: Hex;
}

/** Build and validate a lot record (lowercases hex; throws BundleFormatError on a bad field). */
export function createLotRecord(input: LotRecordInput): LotRecord {
  const record: Record<string, unknown> = {
    kind: LOT_RECORD_KIND,
    version: LOT_RECORD_VERSION,
    lotId: (input.lotId ?? newLotId()).toLowerCase(),
    owner: input.owner.toLowerCase(),
    product: input.product,
    quantity: input.quantity,
    unit: input.unit,
    parents: (input.parents ?? []).map((parent) => ({
      lotId: parent.lotId.toLowerCase(),
      quantity: parent.quantity,
      unit: parent.unit,
    })),
    attestations: (input.attestations ?? []).map((uid) => uid.toLowerCase()),
  };
  if (input.producedOn !== undefined) record.producedOn = input.producedOn;
  if (input.reference !== undefined) record.reference = input.reference;
  return parseLotRecord(record);
}

/** Salt a record (a fresh salt unless one is given) and compute its commitment. */
export function sealLotRecord(record: LotRecord, salt: string = newSalt()): SealedLotRecord {
  const parsed = parseLotRecord(record);
  return { record: parsed, salt: salt.toLowerCase() as Hex, commitment: lotCommitment(parsed, salt) };
}

/** The `Commit` typed data the owner's key signs so the relayer can submit `commitBySig`. */
export function lotCommitTypedData(
  deployment: Pick<Deployment, "chainId" | "contracts">,
  input: { lotId: string; commitment: string; nonce: Numeric; deadline: Numeric },
): TypedData<"Commit"> {
  return buildCommitTypedData(lotRegistryDomain(deployment.chainId, deployment.contracts.LotRegistry.address), input);
}

/** The chain section of a bundle for a deployment. */
export function bundleChainOf(deployment: Pick<Deployment, "chainId" | "contracts">): BundleChain {
  return {
    chainId: deployment.chainId,
    lotRegistry: deployment.contracts.LotRegistry.address,
    attestationRegistry: deployment.contracts.AttestationRegistry.address,
  };
}

/** A lot disclosure: the sealed record, the on-chain version it was committed as, and the owner's signature if relayed. */
export function discloseLot(input: {
  sealed: Pick<SealedLotRecord, "record" | "salt">;
  version: number;
  commit?: { signer: string; nonce: Numeric; deadline: Numeric; signature: string };
}): DisclosedLot {
  const lot: Record<string, unknown> = {
    lotId: input.sealed.record.lotId,
    version: input.version,
    record: input.sealed.record,
    salt: input.sealed.salt,
  };
  if (input.commit) {
    lot.commit = {
      signer: input.commit.signer,
      nonce: BigInt(input.commit.nonce).toString(),
      deadline: BigInt(input.commit.deadline).toString(),
      signature: input.commit.signature,
    };
  }
  return parseDisclosedLot(lot);
}

/** What an attestation disclosure is made from (the fields the signer signed, and how it was anchored). */
export interface AttestationDisclosureInput {
  request: { schema: string; subject: string; digest: string; expiry: Numeric; ref?: string; nonce: Numeric };
  signer: string;
  /** The `Attest` signature and its deadline (omit when the key sent `attest` itself). */
  signed?: { deadline: Numeric; signature: string };
  /** For batch leaves: the root and the leaf's Merkle proof. */
  batch?: { root: string; proof: string[] };
  /** For leaves of a signed batch (one signature over the root): the root and the leaf's proof. */
  signedBatch?: { root: string; proof: string[] };
  /** Optionally disclose the claim itself and its salt. */
  claim?: { value: unknown; salt: string };
}

/** An attestation disclosure, with its uid computed from the request and signer. */
export function discloseAttestation(input: AttestationDisclosureInput): DisclosedAttestation {
  const request = {
    schema: input.request.schema,
    subject: input.request.subject,
    digest: input.request.digest,
    expiry: BigInt(input.request.expiry).toString(),
    ref: input.request.ref ?? `0x${"0".repeat(64)}`,
    nonce: BigInt(input.request.nonce).toString(),
  };
  const attestation: Record<string, unknown> = {
    uid: attestationUid({ ...request, signer: input.signer }),
    request,
    signer: input.signer,
  };
  if (input.signed) {
    attestation.signed = { deadline: BigInt(input.signed.deadline).toString(), signature: input.signed.signature };
  }
  if (input.batch) attestation.batch = { root: input.batch.root, proof: [...input.batch.proof] };
  if (input.signedBatch) {
    attestation.signedBatch = { root: input.signedBatch.root, proof: [...input.signedBatch.proof] };
  }
  if (input.claim) attestation.claim = { value: input.claim.value, salt: input.claim.salt };
  return parseDisclosedAttestation(attestation);
}

/** What a bundle is assembled from. */
export interface BuildBundleInput {
  chain: BundleChain;
  /** The lot the bundle is about. */
  subject: string;
  /** The owner's own lot disclosures (the subject and any of its own upstream lots). */
  lots: DisclosedLot[];
  /** The owner's attestation disclosures and those it holds about upstream lots. */
  attestations?: DisclosedAttestation[];
  /** Bundles received from suppliers: their lots and attestations are merged in where upstream of the subject. */
  upstream?: Bundle[];
  documents?: DisclosedDocument[];
  /** Default: now. */
  createdAt?: Date;
}

/**
 * Assemble a bundle: merge the owner's disclosures with the upstream bundles, keep only lots upstream of the subject
 * (a supplier's other lots never leak through) and the attestations they rely on, and validate the result.
 * Two disclosures of one lot: the higher version wins; the same version with different content is refused.
 */
export function buildBundle(input: BuildBundleInput): Bundle {
  const subject = input.subject.toLowerCase() as Hex;
  const lots = new Map<Hex, DisclosedLot>();
  const attestations = new Map<Hex, DisclosedAttestation>();
  const sources = [
    ...(input.upstream ?? []).map((bundle) => ({ lots: bundle.lots, attestations: bundle.attestations })),
    { lots: input.lots, attestations: input.attestations ?? [] },
  ];
  for (const upstream of input.upstream ?? []) {
    if (
      upstream.chain.chainId !== input.chain.chainId ||
      upstream.chain.lotRegistry.toLowerCase() !== input.chain.lotRegistry.toLowerCase()
    ) {
      throw new BundleBuildError(`an upstream bundle (subject ${upstream.subject}) belongs to another chain`, {
        subject: upstream.subject,
      });
    }
  }
  for (const source of sources) {
    for (const lot of source.lots) mergeLot(lots, lot);
    for (const attestation of source.attestations) {
      if (!attestations.has(attestation.uid)) attestations.set(attestation.uid, attestation);
    }
  }
  if (!lots.has(subject))
    throw new BundleBuildError(`the subject lot ${subject} is not among the disclosed lots`, { subject });

  const kept = new Map<Hex, DisclosedLot>();
  const queue: Hex[] = [subject];
  while (queue.length > 0) {
    const lotId = queue.shift()!;
    const lot = lots.get(lotId);
    if (!lot || kept.has(lotId)) continue;
    kept.set(lotId, lot);
    for (const parent of lot.record.parents) queue.push(parent.lotId);
  }
  const usedUids = new Set([...kept.values()].flatMap((lot) => lot.record.attestations));
  const used = [...attestations.values()].filter((attestation) => usedUids.has(attestation.uid));
  const bundle = {
    format: BUNDLE_FORMAT,
    // The lowest version that holds it: verifiers that know only version 1 still read bundles without signed batches.
    version: bundleVersionFor(used),
    createdAt: (input.createdAt ?? new Date()).toISOString(),
    chain: input.chain,
    subject,
    lots: [...kept.values()],
    attestations: used,
    ...(input.documents && input.documents.length > 0 ? { documents: input.documents } : {}),
  };
  return parseBundle(bundle);
}

/** The lots a received bundle makes usable as parents (what an import shows the receiving organisation). */
export function importableLots(
  bundle: Bundle,
): { lotId: Hex; owner: Hex; product: string; quantity: string; unit: QuantityUnit; version: number }[] {
  return bundle.lots.map((lot) => ({
    lotId: lot.lotId,
    owner: lot.record.owner as Hex,
    product: lot.record.product,
    quantity: lot.record.quantity,
    unit: lot.record.unit,
    version: lot.version,
  }));
}

/** The lot ids upstream of `lotId` in a bundle, nearest first (tracing "what does my lot depend on"). */
export function upstreamLotIds(bundle: Bundle, lotId: string): Hex[] {
  const byId = new Map(bundle.lots.map((lot) => [lot.lotId, lot]));
  const found: Hex[] = [];
  const seen = new Set<string>([lotId.toLowerCase()]);
  const queue = [lotId.toLowerCase()];
  while (queue.length > 0) {
    const current = byId.get(queue.shift() as Hex);
    for (const parent of current?.record.parents ?? []) {
      if (seen.has(parent.lotId)) continue;
      seen.add(parent.lotId);
      found.push(parent.lotId as Hex);
      queue.push(parent.lotId);
    }
  }
  return found;
}

function mergeLot(lots: Map<Hex, DisclosedLot>, lot: DisclosedLot): void {
  const existing = lots.get(lot.lotId);
  if (!existing || lot.version > existing.version) {
    lots.set(lot.lotId, lot);
    return;
  }
  if (lot.version === existing.version && canonicalJson(lot) !== canonicalJson(existing)) {
    throw new BundleBuildError(`two different disclosures of lot ${lot.lotId} version ${lot.version}`, {
      lotId: lot.lotId,
      version: lot.version,
    });
  }
}
