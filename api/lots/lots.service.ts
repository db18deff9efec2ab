import crypto from "node:crypto";
import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import { getAddress, verifyTypedData } from "ethers";
import type { z } from "zod";
import type {
  createShareSchema,
  LotDownstream,
  LotUpstream,
  prepareLotFlagSchema,
  prepareLotSchema,
  submitLotFlagSchema,
  submitLotSchema,
} from "../../sdk/api-client/contract";
import {
  buildBundle,
  bundleChainOf,
  BundleBuildError,
  BundleFormatError,
  ChainReadError,
  createEthersChainReader,
  createLotRecord,
  discloseAttestation,
  discloseLot,
  importableLots,
  lotCommitTypedData,
  parseBundle,
  quantityToMicros,
  sealLotRecord,
  verifyBundle,
  type Bundle,
  type DisclosedAttestation,
  type DisclosedLot,
  type LotRecord,
} from "../../sdk/bundle";
import {
  buildCommitTypedData,
  buildFlagTypedData,
  ethersTypes,
  lotRegistryDomain,
  typedDataDigest,
} from "../../sdk/eip712";
import { decodeReasonCode, lotCommitment, reasonCode } from "../../sdk/hashing";
import type { Chain } from "../chain/chain";
import type { ApiDatabase } from "../db/database";
import { importedBundles, lotRecords, lotShares } from "../db/lots.schema";
import {
  attestations,
  chainEvents,
  leaves,
  lotCommitments,
  lotFlags,
  relayJobs,
  relayTransactions,
  signedBatchLeaves,
} from "../db/schema";
import {
  ConflictError,
  ForbiddenError,
  HttpError,
  InvalidSignatureError,
  NotFoundError,
  UnavailableError,
  UnprocessableError,
  ValidationError,
} from "../errors";
import type { SessionInfo } from "../http/route";
import { assertDeadlineAhead, problemForRevert } from "../attestations/contract-problems";
import { decodeRevert, type DecodedRevert } from "../relayer/contract-errors";
import type { AttestJobPayload } from "../relayer/job-kinds";
import type { LotCommitJobPayload } from "./lot-commit.job";
import type { LotFlagJobPayload } from "./lot-flag.job";
import { downstreamLots, upstreamTree, type HeldLot, type IndexedFlag } from "./lot-tracing";

const DEFAULT_VALID_FOR = 3600;
const DEFAULT_SHARE_SECONDS = 30 * 86400;

/** A share link that expired or was revoked: 410 with a stable code. */
export class ShareGoneError extends HttpError {
  override name = "ShareGoneError" as const;
  constructor(code: "share-expired" | "share-revoked") {
    super(410, code, "Gone", code === "share-expired" ? "this share link has expired" : "this share link was revoked");
  }
}

function randomNonce(): string {
  // LotRegistry nonces are unordered (a bitmap per signer): a random 128-bit value never collides in practice.
  return BigInt("0x" + crypto.randomBytes(16).toString("hex")).toString(10);
}

function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

function organisationOf(session: SessionInfo | undefined): string {
  // Routes declare `auth: true`; an account without an organisation owns no lots.
  if (!session?.organisationId) throw new NotFoundError("organisation", "organisation-not-found");
  return session.organisationId.toLowerCase();
}

type CommitProof = { signer: string; nonce: string; deadline: string; signature: string };
type LotRow = typeof lotRecords.$inferSelect;
type RelayStatus = "queued" | "submitted" | "anchored" | "failed";
/** A stored lot version with its on-chain version (null: its commitment will never be recorded). */
type VersionedRow = LotRow & { chainVersion: number | null; relayStatus: RelayStatus | null };

/** The problem of a refused `flagBySig` simulation: lot-specific reverts first, then the shared mapping. */
function problemForFlagRevert(revert: DecodedRevert): HttpError {
  const details = { contractError: revert.name };
  switch (revert.name) {
    case "LotAlreadyFlagged":
      return new ConflictError("already-flagged", "this lot is already flagged", details);
    case "UnknownLot":
      return new ConflictError(
        "lot-not-recorded",
        "this lot is not recorded on the chain yet: wait until its commitment is recorded, then flag it",
        details,
      );
    case "NotLotOwner":
      return new ForbiddenError("the signing key does not belong to the organisation that owns this lot");
    default:
      return problemForRevert(revert);
  }
}

/** Lots, disclosure bundles and share links of signed-in organisations; public bundle verification. */
export function createLotService(deps: {
  db: ApiDatabase;
  chain: Chain;
  notifyRelayer?: () => void;
  /** Public base URL of share links (the API origin). */
  publicOrigin: string;
}) {
  const { db, chain } = deps;
  const deployment = chain.deployment;
  const registry = chain.contracts.LotRegistry;
  const domain = lotRegistryDomain(chain.chainId, deployment.contracts.LotRegistry.address);
  const reader = createEthersChainReader({ provider: chain.provider, deployment });

  async function ownLatest(organisationId: string) {
    const rows = await db
      .select()
      .from(lotRecords)
      .where(eq(lotRecords.organisationId, organisationId))
      .orderBy(desc(lotRecords.version));
    const latest = new Map<string, typeof lotRecords.$inferSelect>();
    for (const row of rows) if (!latest.has(row.lotId)) latest.set(row.lotId, row);
    return latest;
  }

  async function importedOf(organisationId: string): Promise<Bundle[]> {
    const rows = await db.select().from(importedBundles).where(eq(importedBundles.organisationId, organisationId));
    return rows.map((row) => parseBundle(row.bundle));
  }

  /**
   * Every stored version of the organisation's lots with its on-chain version: from the index (`LotCommitted`) when
   * indexed, otherwise the version it will be recorded as (after the indexed ones, in submission order); null when
   * its relay failed, so it will never be recorded.
   */
  async function ownVersions(organisationId: string, lotId?: string): Promise<VersionedRow[]> {
    const rows = await db
      .select()
      .from(lotRecords)
      .where(
        lotId
          ? and(eq(lotRecords.organisationId, organisationId), eq(lotRecords.lotId, lotId.toLowerCase()))
          : eq(lotRecords.organisationId, organisationId),
      )
      .orderBy(lotRecords.lotId, lotRecords.version);
    if (rows.length === 0) return [];
    const lotIds = [...new Set(rows.map((row) => row.lotId))];
    const [indexed, jobs] = await Promise.all([
      db
        .select({ lotId: lotCommitments.lotId, version: lotCommitments.version, commitment: lotCommitments.commitment })
        .from(lotCommitments)
        .where(inArray(lotCommitments.lotId, lotIds)),
      db
        .select({ uid: relayJobs.uid, status: relayJobs.status })
        .from(relayJobs)
        .where(
          and(
            eq(relayJobs.kind, "lot-commit"),
            inArray(
              relayJobs.uid,
              rows.map((row) => jobUid(row.lotId, row.commitment)),
            ),
          ),
        ),
    ]);
    const onChain = new Map(indexed.map((row) => [`${row.lotId}:${row.commitment}`, row.version]));
    const highest = new Map<string, number>();
    for (const row of indexed) highest.set(row.lotId, Math.max(highest.get(row.lotId) ?? 0, row.version));
    const statuses = new Map(jobs.map((job) => [job.uid, job.status as RelayStatus]));
    const pending = new Map<string, number>();
    return rows.map((row) => {
      const relayStatus = statuses.get(jobUid(row.lotId, row.commitment)) ?? null;
      let chainVersion = onChain.get(`${row.lotId}:${row.commitment}`) ?? null;
      if (chainVersion === null && relayStatus !== "failed") {
        const waiting = (pending.get(row.lotId) ?? 0) + 1;
        pending.set(row.lotId, waiting);
        chainVersion = (highest.get(row.lotId) ?? 0) + waiting;
      }
      return { ...row, chainVersion, relayStatus };
    });
  }

  /** The latest stored version of each lot (what the owner sees), and the latest recordable one (what it discloses). */
  function latestOf(rows: VersionedRow[]) {
    const latest = new Map<string, VersionedRow>();
    const disclosable = new Map<string, VersionedRow & { chainVersion: number }>();
    for (const row of rows) {
      latest.set(row.lotId, row);
      if (row.chainVersion !== null) disclosable.set(row.lotId, row as VersionedRow & { chainVersion: number });
    }
    return { latest, disclosable };
  }

  /** Current flags of `lotIds` from the index (public chain data), with the owner's private note when it sent one. */
  async function flagsOf(lotIds: string[], organisationId?: string): Promise<Map<string, IndexedFlag>> {
    const flags = new Map<string, IndexedFlag>();
    if (lotIds.length === 0) return flags;
    const rows = await db
      .select({
        lotId: lotFlags.lotId,
        reason: lotFlags.reason,
        by: lotFlags.byId,
        blockNumber: lotFlags.blockNumber,
        txHash: lotFlags.txHash,
        args: chainEvents.args,
      })
      .from(lotFlags)
      .leftJoin(
        chainEvents,
        and(
          eq(chainEvents.chainId, lotFlags.chainId),
          eq(chainEvents.txHash, lotFlags.txHash),
          eq(chainEvents.logIndex, lotFlags.logIndex),
        ),
      )
      .where(inArray(lotFlags.lotId, [...new Set(lotIds.map((id) => id.toLowerCase()))]))
      .orderBy(desc(lotFlags.blockNumber), desc(lotFlags.logIndex));
    const seen = new Set<string>();
    const recorded = new Map<string, { reason: string; txHash: string }>();
    for (const row of rows) {
      if (seen.has(row.lotId)) continue;
      seen.add(row.lotId);
      if (row.reason.startsWith("unflagged:")) continue;
      recorded.set(row.lotId, { reason: row.reason, txHash: row.txHash });
      flags.set(row.lotId, {
        reason: decodeReasonCode(row.reason) || row.reason,
        flaggedAt: Number(row.args?.blockTime ?? 0),
        blockNumber: row.blockNumber,
        by: getAddress(row.by),
        note: null,
      });
    }
    if (organisationId && flags.size > 0) {
      // The job behind the current flag: the one whose transaction emitted it, else (the relayer replaced the
      // transaction) the newest one with the same key and reason. The index may be ahead of the job's status.
      const jobs = await db
        .select({ payload: relayJobs.payload, txHash: relayTransactions.txHash })
        .from(relayJobs)
        .leftJoin(relayTransactions, eq(relayTransactions.id, relayJobs.transactionId))
        .where(
          and(
            eq(relayJobs.kind, "lot-flag"),
            eq(relayJobs.organisationId, organisationId),
            ne(relayJobs.status, "failed"),
            inArray(sql<string>`${relayJobs.payload}->>'lotId'`, [...flags.keys()]),
          ),
        )
        .orderBy(desc(relayJobs.id));
      for (const [lotId, flag] of flags) {
        const { reason, txHash } = recorded.get(lotId)!;
        const candidates = jobs.filter((job) => {
          const payload = job.payload as unknown as LotFlagJobPayload;
          return payload.lotId === lotId && payload.reason === reason && getAddress(payload.signer) === flag.by;
        });
        const job = candidates.find((candidate) => candidate.txHash === txHash) ?? candidates[0];
        if (job) flag.note = (job.payload as unknown as LotFlagJobPayload).note;
      }
    }
    return flags;
  }

  /** Status of the latest flag sent through the API for each lot. */
  async function flagJobStatuses(organisationId: string, lotIds: string[]): Promise<Map<string, RelayStatus>> {
    const statuses = new Map<string, RelayStatus>();
    if (lotIds.length === 0) return statuses;
    const jobs = await db
      .select({ payload: relayJobs.payload, status: relayJobs.status })
      .from(relayJobs)
      .where(
        and(
          eq(relayJobs.kind, "lot-flag"),
          eq(relayJobs.organisationId, organisationId),
          inArray(sql<string>`${relayJobs.payload}->>'lotId'`, lotIds),
        ),
      )
      .orderBy(desc(relayJobs.id));
    for (const job of jobs) {
      const lotId = (job.payload as unknown as LotFlagJobPayload).lotId;
      if (!statuses.has(lotId)) statuses.set(lotId, job.status as RelayStatus);
    }
    return statuses;
  }

  /** Own lots (latest recordable version) and the lots of imported bundles: everything the organisation holds. */
  async function heldLots(organisationId: string) {
    const { disclosable } = latestOf(await ownVersions(organisationId));
    const bundles = await importedOf(organisationId);
    const held = new Map<string, HeldLot>();
    for (const bundle of bundles) {
      for (const lot of bundle.lots) {
        const existing = held.get(lot.lotId);
        if (!existing || lot.version > existing.version)
          held.set(lot.lotId, { lotId: lot.lotId, source: "imported", record: lot.record, version: lot.version });
      }
    }
    for (const row of disclosable.values()) {
      held.set(row.lotId, {
        lotId: row.lotId,
        source: "own",
        record: row.record as LotRecord,
        version: row.chainVersion,
      });
    }
    return { held, disclosable, bundles };
  }

  /** Parents must be own lots or lots of an imported bundle; what all own lots take from one never exceeds it. */
  async function checkParents(organisationId: string, record: LotRecord) {
    if (record.parents.length === 0) return;
    const own = await ownLatest(organisationId);
    const imported = new Map<string, { quantity: string; unit: string }>();
    for (const bundle of await importedOf(organisationId)) {
      for (const lot of importableLots(bundle)) imported.set(lot.lotId, lot);
    }
    for (const [index, link] of record.parents.entries()) {
      const path = `body.parents.${index}`;
      if (link.lotId === record.lotId) throw new ValidationError([{ path, message: "a lot cannot be its own parent" }]);
      const parent = own.get(link.lotId) ? (own.get(link.lotId)!.record as LotRecord) : imported.get(link.lotId);
      if (!parent) throw new NotFoundError(`parent lot ${link.lotId}`, "parent-not-found");
      if (parent.unit !== link.unit)
        throw new UnprocessableError("unit-mismatch", `parent lot ${link.lotId} is counted in ${parent.unit}`, {
          path,
        });
      let taken = quantityToMicros(link.quantity);
      for (const row of own.values()) {
        if (row.lotId === record.lotId) continue; // an amendment replaces its own earlier take
        for (const other of (row.record as LotRecord).parents) {
          if (other.lotId === link.lotId) taken += quantityToMicros(other.quantity);
        }
      }
      const held = quantityToMicros(parent.quantity);
      if (taken > held) {
        throw new UnprocessableError(
          "exceeds-parent",
          `lot ${link.lotId} holds ${parent.quantity} ${parent.unit}; your lots would take more than that from it`,
          { path, parentQuantity: parent.quantity, requested: link.quantity },
        );
      }
    }
  }

  async function simulateCommit(
    message: z.output<typeof submitLotSchema>["message"],
    signer: string,
    signature: string,
  ) {
    try {
      await registry
        .getFunction("commitBySig")
        .staticCall(message.lotId, message.commitment, message.nonce, message.deadline, signer, signature);
    } catch (error) {
      const revert = decodeRevert(error, Object.values(chain.interfaces));
      if (!revert) throw error;
      throw problemForRevert(revert);
    }
  }

  async function lotRow(organisationId: string, lotId: string) {
    const [row] = await db
      .select()
      .from(lotRecords)
      .where(and(eq(lotRecords.lotId, lotId.toLowerCase()), eq(lotRecords.organisationId, organisationId)))
      .orderBy(desc(lotRecords.version))
      .limit(1);
    // Another organisation's lot answers exactly like an unknown one.
    if (!row) throw new NotFoundError("lot", "lot-not-found");
    return row;
  }

  /** The owner's view of its lots: latest version (on-chain numbering), relay state, and flag from the index. */
  async function shapeAll(organisationId: string, rows: VersionedRow[]) {
    const lotIds = rows.map((row) => row.lotId);
    const [flags, flagJobs] = await Promise.all([
      flagsOf(lotIds, organisationId),
      flagJobStatuses(organisationId, lotIds),
    ]);
    return rows.map((row) => {
      const flag = flags.get(row.lotId) ?? null;
      return {
        lotId: row.lotId,
        // A version whose relay failed is never recorded: show the number it would have had.
        version: row.chainVersion ?? row.version,
        record: row.record as LotRecord,
        commitment: row.commitment,
        relayStatus: row.relayStatus,
        createdAt: row.createdAt.toISOString(),
        flagged: flag !== null,
        flag,
        flagRelayStatus: flagJobs.get(row.lotId) ?? null,
      };
    });
  }

  function jobUid(lotId: string, commitment: string): string {
    return typedDataDigest(buildCommitTypedData(domain, { lotId, commitment, nonce: 0, deadline: 0 })).toLowerCase();
  }

  async function buildLotBundle(organisationId: string, lotId: string): Promise<Bundle> {
    const subject = await lotRow(organisationId, lotId);
    const { disclosable } = latestOf(await ownVersions(organisationId));
    return heldBundle(subject.lotId, [...disclosable.values()], await importedOf(organisationId));
  }

  /** A bundle about any held lot, from the own lots' latest recordable versions and the imported bundles. */
  async function heldBundle(
    subject: string,
    own: (VersionedRow & { chainVersion: number })[],
    upstream: Bundle[],
  ): Promise<Bundle> {
    const lots: DisclosedLot[] = own.map((row) =>
      discloseLot({
        sealed: { record: row.record as LotRecord, salt: row.salt as `0x${string}` },
        version: row.chainVersion,
        commit: row.commit as CommitProof,
      }),
    );
    const uids = [...new Set(lots.flatMap((lot) => lot.record.attestations))];
    try {
      return buildBundle({
        chain: bundleChainOf(deployment),
        subject,
        lots,
        attestations: await disclosedAttestations(uids),
        upstream,
      });
    } catch (error) {
      if (error instanceof BundleBuildError) throw new UnprocessableError("bundle-build-failed", error.message);
      throw error;
    }
  }

  /**
   * Disclosures of the anchored attestations this API relayed (signed request, signature, Merkle proof for batch
   * leaves). Attestations a key sent itself are not known here: verifiers still read their status from the chain.
   */
  async function disclosedAttestations(uids: string[]): Promise<DisclosedAttestation[]> {
    if (uids.length === 0) return [];
    // Anchored: indexed, or confirmed by the relayer (the index may lag a few blocks behind).
    const [indexed, relayed] = await Promise.all([
      db.select({ uid: attestations.uid }).from(attestations).where(inArray(attestations.uid, uids)),
      db
        .select({ uid: relayJobs.uid })
        .from(relayJobs)
        .where(and(eq(relayJobs.kind, "attest"), eq(relayJobs.status, "anchored"), inArray(relayJobs.uid, uids))),
    ]);
    const known = [...new Set([...indexed, ...relayed].map((row) => row.uid))];
    if (known.length === 0) return [];
    const disclosed = new Map<string, DisclosedAttestation>();
    for (const leaf of await db.select().from(leaves).where(inArray(leaves.uid, known))) {
      disclosed.set(
        leaf.uid,
        discloseAttestation({
          request: {
            schema: leaf.schemaId,
            subject: leaf.subject,
            digest: leaf.digest,
            expiry: leaf.expiry,
            ref: leaf.refUid ?? undefined,
            nonce: leaf.nonce,
          },
          signer: leaf.signer,
          signed: { deadline: leaf.deadline, signature: leaf.signature },
          batch: { root: leaf.root, proof: leaf.proof },
        }),
      );
    }
    // Leaves of signed batches (one signature over the root): the recorded leaf names its batch and signer.
    const signedLeaves = await db
      .select({ leaf: signedBatchLeaves, signer: attestations.signer })
      .from(signedBatchLeaves)
      .innerJoin(
        attestations,
        and(eq(attestations.uid, signedBatchLeaves.uid), eq(attestations.batchRoot, signedBatchLeaves.root)),
      )
      .where(inArray(signedBatchLeaves.uid, known));
    for (const { leaf, signer } of signedLeaves) {
      if (disclosed.has(leaf.uid)) continue;
      disclosed.set(
        leaf.uid,
        discloseAttestation({
          request: {
            schema: leaf.schemaId,
            subject: leaf.subject,
            digest: leaf.digest,
            expiry: leaf.expiry,
            ref: leaf.refUid ?? undefined,
            nonce: leaf.nonce,
          },
          signer,
          signedBatch: { root: leaf.root, proof: leaf.proof },
        }),
      );
    }
    const jobs = await db
      .select({ uid: relayJobs.uid, payload: relayJobs.payload })
      .from(relayJobs)
      .where(and(eq(relayJobs.kind, "attest"), inArray(relayJobs.uid, known)));
    for (const job of jobs) {
      if (disclosed.has(job.uid)) continue;
      const { message, signer, signature } = job.payload as unknown as AttestJobPayload;
      disclosed.set(
        job.uid,
        discloseAttestation({ request: message, signer, signed: { deadline: message.deadline, signature } }),
      );
    }
    return [...disclosed.values()];
  }

  async function verify(bundle: Bundle) {
    try {
      return await verifyBundle(bundle, reader);
    } catch (error) {
      if (error instanceof ChainReadError) throw new UnavailableError("the chain could not be read; retry later");
      throw error;
    }
  }

  /** 409 when the lot is flagged (as indexed) or a flag sent through the API is still being recorded. */
  async function assertFlaggable(organisationId: string, lotId: string) {
    if ((await flagsOf([lotId])).has(lotId)) throw new ConflictError("already-flagged", "this lot is already flagged");
    const status = (await flagJobStatuses(organisationId, [lotId])).get(lotId);
    if (status === "queued" || status === "submitted")
      throw new ConflictError("flag-pending", "a flag of this lot is already being recorded");
  }

  function recoverSigner(typed: ReturnType<typeof buildFlagTypedData>, signature: string): string {
    try {
      return verifyTypedData(typed.domain, ethersTypes(typed), typed.message, signature);
    } catch {
      throw new InvalidSignatureError("the signature is malformed: sign the prepared typed data again");
    }
  }

  function parse(value: unknown): Bundle {
    try {
      return parseBundle(value);
    } catch (error) {
      if (error instanceof BundleFormatError)
        throw new ValidationError([{ path: "body", message: error.message }], "not a valid disclosure bundle");
      throw error;
    }
  }

  return {
    /** A new lot record (random id, fresh salt) and the `Commit` typed data for the owner's key. */
    async prepareLot(session: SessionInfo | undefined, input: z.output<typeof prepareLotSchema>, amends?: string) {
      const owner = organisationOf(session);
      // An amendment keeps the lot id (a new version on chain); only the owner can amend.
      const lotId = amends ? (await lotRow(owner, amends)).lotId : undefined;
      const own = await ownLatest(owner);
      const imported = new Map<string, string>();
      for (const bundle of await importedOf(owner))
        for (const lot of importableLots(bundle)) imported.set(lot.lotId, lot.unit);
      const record = createLotRecord({
        lotId,
        owner,
        product: input.product,
        quantity: input.quantity,
        unit: input.unit,
        producedOn: input.producedOn,
        reference: input.reference,
        attestations: input.attestations,
        parents: (input.parents ?? []).map((parent) => {
          const lotId = parent.lotId.toLowerCase();
          const unit = (own.get(lotId)?.record as LotRecord | undefined)?.unit ?? imported.get(lotId) ?? input.unit;
          return { lotId, quantity: parent.quantity, unit: unit as LotRecord["unit"] };
        }),
      });
      await checkParents(owner, record);
      const sealed = sealLotRecord(record);
      const deadline = Math.floor(Date.now() / 1000) + (input.validForSeconds ?? DEFAULT_VALID_FOR);
      const typedData = lotCommitTypedData(deployment, {
        lotId: record.lotId,
        commitment: sealed.commitment,
        nonce: randomNonce(),
        deadline,
      });
      return { typedData, record: sealed.record, salt: sealed.salt };
    },

    /** Stores the signed record (before answering 202) and queues the relayed `commitBySig`. */
    async submitLot(session: SessionInfo | undefined, body: z.output<typeof submitLotSchema>) {
      const owner = organisationOf(session);
      const { record, salt, message, signer, signature } = body;
      if (record.owner !== owner)
        throw new ValidationError([{ path: "body.record.owner", message: "must be your organisation" }]);
      if (message.lotId.toLowerCase() !== record.lotId)
        throw new ValidationError([{ path: "body.message.lotId", message: "does not match record.lotId" }]);
      if (lotCommitment(record, salt).toLowerCase() !== message.commitment.toLowerCase())
        throw new ValidationError([
          { path: "body.message.commitment", message: "is not the commitment of record and salt" },
        ]);
      const [other] = await db
        .select({ organisationId: lotRecords.organisationId })
        .from(lotRecords)
        .where(eq(lotRecords.lotId, record.lotId))
        .limit(1);
      if (other && other.organisationId !== owner) throw new ConflictError("lot-id-taken", "this lot id is taken");
      const uid = jobUid(record.lotId, message.commitment);
      const [existing] = await db
        .select({ id: relayJobs.id })
        .from(relayJobs)
        .where(and(eq(relayJobs.kind, "lot-commit"), eq(relayJobs.uid, uid)))
        .limit(1);
      // The stored record also answers for it: a job already relayed must not fall through to a nonce-used revert.
      const [stored] = await db
        .select({ version: lotRecords.version })
        .from(lotRecords)
        .where(and(eq(lotRecords.lotId, record.lotId), eq(lotRecords.commitment, message.commitment.toLowerCase())))
        .limit(1);
      if (existing || stored)
        throw new ConflictError("already-submitted", "this signed commitment was already accepted");
      await checkParents(owner, record);
      await simulateCommit(message, signer, signature);
      // The on-chain version it will be recorded as: after the recorded and still pending ones.
      const expected = (await ownVersions(owner, record.lotId)).reduce(
        (highest, row) => Math.max(highest, row.chainVersion ?? 0),
        0,
      );
      const commit: CommitProof = { signer, nonce: message.nonce, deadline: message.deadline, signature };
      const payload: LotCommitJobPayload = {
        lotId: record.lotId,
        commitment: message.commitment.toLowerCase(),
        ...commit,
      };
      // The record is the only copy of private data: record and job are committed together, both before the 202.
      // A concurrent duplicate fails on the (lot, version) key or the job's (kind, uid) key and stores nothing.
      const { jobId } = await db.transaction(async (tx) => {
        const [previous] = await tx
          .select({ version: lotRecords.version })
          .from(lotRecords)
          .where(eq(lotRecords.lotId, record.lotId))
          .orderBy(desc(lotRecords.version))
          .limit(1);
        const next = (previous?.version ?? 0) + 1;
        await tx.insert(lotRecords).values({
          lotId: record.lotId,
          version: next,
          organisationId: owner,
          record,
          salt: salt.toLowerCase(),
          commitment: message.commitment.toLowerCase(),
          commit,
        });
        const [job] = await tx
          .insert(relayJobs)
          .values({ kind: "lot-commit", uid, organisationId: owner, payload: { ...payload } })
          .onConflictDoNothing()
          .returning({ id: relayJobs.id });
        if (!job) throw new ConflictError("already-submitted", "this signed commitment was already accepted");
        return { jobId: job.id };
      });
      deps.notifyRelayer?.();
      return { lotId: record.lotId, version: expected + 1, jobId, status: "queued" as const };
    },

    async listLots(session: SessionInfo | undefined) {
      const organisationId = organisationOf(session);
      const { latest } = latestOf(await ownVersions(organisationId));
      return { items: await shapeAll(organisationId, [...latest.values()]) };
    },

    async getLot(session: SessionInfo | undefined, lotId: string) {
      const organisationId = organisationOf(session);
      const row = await lotRow(organisationId, lotId);
      const { latest } = latestOf(await ownVersions(organisationId, row.lotId));
      const [shaped] = await shapeAll(organisationId, [latest.get(row.lotId)!]);
      return shaped!;
    },

    /** `Flag` typed data (recall or dispute) for a key of the lot's owner; 409 when already flagged or pending. */
    async prepareFlag(session: SessionInfo | undefined, lotId: string, input: z.output<typeof prepareLotFlagSchema>) {
      const owner = organisationOf(session);
      const row = await lotRow(owner, lotId);
      await assertFlaggable(owner, row.lotId);
      const deadline = Math.floor(Date.now() / 1000) + (input.validForSeconds ?? DEFAULT_VALID_FOR);
      return {
        typedData: buildFlagTypedData(domain, {
          lotId: row.lotId,
          reason: reasonCode(input.reason),
          nonce: randomNonce(),
          deadline,
        }),
      };
    },

    /** Checks the signed flag against the chain (simulation) and queues the relayed `flagBySig`. */
    async submitFlag(session: SessionInfo | undefined, lotId: string, body: z.output<typeof submitLotFlagSchema>) {
      const owner = organisationOf(session);
      const row = await lotRow(owner, lotId);
      assertDeadlineAhead(body.deadline);
      let typed;
      try {
        typed = buildFlagTypedData(domain, {
          lotId: row.lotId,
          reason: reasonCode(body.reason),
          nonce: body.nonce,
          deadline: body.deadline,
        });
      } catch (error) {
        if (error instanceof RangeError) throw new ValidationError([{ path: "body", message: error.message }]);
        throw error;
      }
      const signer = body.signer ?? recoverSigner(typed, body.signature);
      const uid = typedDataDigest(typed).toLowerCase();
      const [existing] = await db
        .select({ id: relayJobs.id })
        .from(relayJobs)
        .where(and(eq(relayJobs.kind, "lot-flag"), eq(relayJobs.uid, uid)))
        .limit(1);
      if (existing) throw new ConflictError("already-submitted", "this signed flag was already accepted");
      await assertFlaggable(owner, row.lotId);
      try {
        await registry
          .getFunction("flagBySig")
          .staticCall(
            row.lotId,
            typed.message.reason,
            typed.message.nonce,
            typed.message.deadline,
            signer,
            body.signature,
          );
      } catch (error) {
        const revert = decodeRevert(error, Object.values(chain.interfaces));
        if (!revert) throw error;
        throw problemForFlagRevert(revert);
      }
      const payload: LotFlagJobPayload = {
        lotId: row.lotId,
        reason: typed.message.reason,
        signer,
        nonce: typed.message.nonce,
        deadline: typed.message.deadline,
        signature: body.signature,
        note: body.note ?? null,
      };
      const [job] = await db
        .insert(relayJobs)
        .values({ kind: "lot-flag", uid, organisationId: owner, payload: { ...payload } })
        .onConflictDoNothing()
        .returning({ id: relayJobs.id });
      if (!job) throw new ConflictError("already-submitted", "this signed flag was already accepted");
      deps.notifyRelayer?.();
      return { lotId: row.lotId, jobId: job.id, status: "queued" as const };
    },

    /** What a held lot depends on: upstream lots (own and imported), quantities taken, attestations, statuses. */
    async upstream(session: SessionInfo | undefined, lotId: string): Promise<LotUpstream> {
      const organisationId = organisationOf(session);
      const id = lotId.toLowerCase();
      const { held, disclosable, bundles } = await heldLots(organisationId);
      if (!held.has(id)) {
        await lotRow(organisationId, id); // 404 unless it is an own lot
        // An own lot whose only version could not be recorded (its relay failed): nothing to verify.
        throw new UnprocessableError("lot-not-recorded", "this lot's commitment could not be recorded on the chain");
      }
      const verdict = await verify(await heldBundle(id, [...disclosable.values()], bundles));
      const named = new Set<string>([id]);
      for (const lot of held.values()) for (const parent of lot.record.parents) named.add(parent.lotId.toLowerCase());
      const flags = await flagsOf([...named], organisationId);
      const tree = upstreamTree(id, held, verdict, flags);
      return {
        lotId: id,
        checkedAtBlock: verdict.chain.blockNumber,
        outcome: tree.upstreamOutcome ?? verdict.outcome,
        tree,
      };
    },

    /** Which of the organisation's own lots use a held lot (own or imported), directly or through other lots. */
    async downstream(session: SessionInfo | undefined, lotId: string): Promise<LotDownstream> {
      const organisationId = organisationOf(session);
      const id = lotId.toLowerCase();
      const { held } = await heldLots(organisationId);
      if (!held.has(id)) await lotRow(organisationId, id); // 404 unless it is an own lot (not yet recordable)
      const owned = [...held.values()].filter((lot) => lot.source === "own").map((lot) => lot.lotId);
      const flags = await flagsOf(owned);
      return { lotId: id, items: downstreamLots(id, held, flags) };
    },

    /** The lot's disclosure bundle: own upstream lots plus the bundles imported from suppliers. */
    async bundleOf(session: SessionInfo | undefined, lotId: string) {
      return buildLotBundle(organisationOf(session), lotId);
    },

    /** Verifies a supplier's bundle against the chain, then keeps it: its lots become usable parents. */
    async importBundle(session: SessionInfo | undefined, body: unknown) {
      const organisationId = organisationOf(session);
      const bundle = parse(body);
      const verdict = await verify(bundle);
      if (!verdict.ok) {
        const reasons = verdict.lots.flatMap((lot) => lot.findings.filter((f) => f.severity === "fail"));
        throw new UnprocessableError(
          "bundle-invalid",
          `the bundle does not verify: ${[...verdict.findings, ...reasons].map((f) => f.message).join("; ")}`,
        );
      }
      const [row] = await db
        .insert(importedBundles)
        .values({ organisationId, subject: bundle.subject, bundle })
        .returning({ id: importedBundles.id });
      return {
        id: row!.id,
        subject: bundle.subject,
        lots: importableLots(bundle).map(({ lotId, product, quantity, unit }) => ({ lotId, product, quantity, unit })),
      };
    },

    /** The bundles the organisation imported (newest first) and the lots each made usable as parents. */
    async listImported(session: SessionInfo | undefined) {
      const organisationId = organisationOf(session);
      const rows = await db
        .select()
        .from(importedBundles)
        .where(eq(importedBundles.organisationId, organisationId))
        .orderBy(desc(importedBundles.createdAt), desc(importedBundles.id));
      return {
        items: rows.map((row) => ({
          id: row.id,
          subject: row.subject,
          importedAt: row.createdAt.toISOString(),
          lots: importableLots(parseBundle(row.bundle)).map(({ lotId, product, quantity, unit }) => ({
            lotId,
            product,
            quantity,
            unit,
          })),
        })),
      };
    },

    verify: async (body: unknown) => verify(parse(body)),

    async createShare(session: SessionInfo | undefined, lotId: string, input: z.output<typeof createShareSchema>) {
      const organisationId = organisationOf(session);
      const row = await lotRow(organisationId, lotId);
      const token = crypto.randomBytes(24).toString("base64url");
      const expiresAt = new Date(Date.now() + (input.expiresInSeconds ?? DEFAULT_SHARE_SECONDS) * 1000);
      const id = hashToken(token);
      await db.insert(lotShares).values({ tokenHash: id, organisationId, lotId: row.lotId, expiresAt });
      // The link opens the verify page, which fetches `/v1/shared/:token` and checks the bundle in the browser; the
      // token stays in the fragment, so it never reaches a server log or a Referer header.
      return { id, token, url: `${deps.publicOrigin}/verify/#share=${token}`, expiresAt: expiresAt.toISOString() };
    },

    /** The lot's share links, newest first, without their tokens (owner only). */
    async listShares(session: SessionInfo | undefined, lotId: string) {
      const organisationId = organisationOf(session);
      const row = await lotRow(organisationId, lotId);
      const rows = await db
        .select()
        .from(lotShares)
        .where(and(eq(lotShares.organisationId, organisationId), eq(lotShares.lotId, row.lotId)))
        .orderBy(desc(lotShares.createdAt));
      const now = Date.now();
      return {
        items: rows.map((share) => ({
          id: share.tokenHash,
          createdAt: share.createdAt.toISOString(),
          expiresAt: share.expiresAt.toISOString(),
          revokedAt: share.revokedAt?.toISOString() ?? null,
          state: share.revokedAt ? "revoked" : share.expiresAt.getTime() <= now ? "expired" : "live",
        })) satisfies { state: "live" | "expired" | "revoked" }[],
      };
    },

    /** Revokes one of the lot's share links by its id (owner only; revoking twice keeps the first time). */
    async revokeShareById(session: SessionInfo | undefined, lotId: string, id: string) {
      const organisationId = organisationOf(session);
      const row = await lotRow(organisationId, lotId);
      const found = await db
        .update(lotShares)
        .set({ revokedAt: sql`coalesce(${lotShares.revokedAt}, now())` })
        .where(
          and(
            eq(lotShares.tokenHash, id),
            eq(lotShares.organisationId, organisationId),
            eq(lotShares.lotId, row.lotId),
          ),
        )
        .returning({ tokenHash: lotShares.tokenHash });
      if (found.length === 0) throw new NotFoundError("share", "share-not-found");
    },

    async revokeShare(session: SessionInfo | undefined, token: string) {
      const organisationId = organisationOf(session);
      const rows = await db
        .update(lotShares)
        .set({ revokedAt: sql`coalesce(${lotShares.revokedAt}, now())` })
        .where(and(eq(lotShares.tokenHash, hashToken(token)), eq(lotShares.organisationId, organisationId)))
        .returning({ tokenHash: lotShares.tokenHash });
      if (rows.length === 0) throw new NotFoundError("share", "share-not-found");
    },

    /** The bundle behind a live share link (public: the token is the capability). */
    async shared(token: string) {
      const [share] = await db
        .select()
        .from(lotShares)
        .where(eq(lotShares.tokenHash, hashToken(token)))
        .limit(1);
      if (!share) throw new NotFoundError("share", "share-not-found");
      if (share.revokedAt) throw new ShareGoneError("share-revoked");
      if (share.expiresAt.getTime() <= Date.now()) throw new ShareGoneError("share-expired");
      return buildLotBundle(share.organisationId, share.lotId);
    },
  };
}

/** The lot service's interface. */
export type LotService = ReturnType<typeof createLotService>;
