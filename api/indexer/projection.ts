import { and, eq, gt, inArray, or, sql } from "drizzle-orm";
import { ORG_KIND_NAMES, ATTESTATION_POLICY_NAMES, enumName } from "../../sdk/status";
import { SIGNED_BATCH_JOB } from "../batches/signed-batch.job";
import { requeueJobs } from "../relayer/requeue";
import type { ApiDatabase } from "../db/database";
import {
  accreditations,
  attestations,
  batches,
  chainEvents,
  endorsements,
  leaves,
  lotCommitments,
  lotFlags,
  organisationKeys,
  organisations,
  relayJobs,
  relayTransactions,
  revocations,
  schemas,
  signedBatchLeaves,
} from "../db/schema";

/** A decoded event ready to be projected into the index tables. */
export interface IndexedEvent {
  chainId: number;
  txHash: string;
  logIndex: number;
  blockNumber: number;
  blockHash: string;
  blockTime: number;
  contract: string;
  name: string;
  /** Event arguments by name; hex lower-case, integers as decimal strings. */
  args: Record<string, string | boolean>;
}

type Tx = Parameters<Parameters<ApiDatabase["transaction"]>[0]>[0];

const str = (value: string | boolean | undefined) => String(value ?? "");
const num = (value: string | boolean | undefined) => Number(value ?? 0);

/** Events whose projection mutates rows; on a reorg their tables are rebuilt by replaying the event log. */
export const MUTABLE_EVENTS = [
  "OrganisationAdmitted",
  "OrganisationMetadataUpdated",
  "OrganisationSuspended",
  "OrganisationReinstated",
  "KeyAdded",
  "KeyRetired",
  "KeyCompromised",
  "AccreditationGranted",
  "AccreditationWithdrawn",
  "SchemaRegistered",
  "SchemaDeprecated",
  "Endorsed",
  "EndorsementWithdrawn",
] as const;

async function projectMutable(tx: Tx, event: IndexedEvent): Promise<void> {
  const { args, blockNumber } = event;
  switch (event.name) {
    case "OrganisationAdmitted":
      await tx
        .insert(organisations)
        .values({
          id: str(args.org),
          kind: enumName(ORG_KIND_NAMES, num(args.kind)).toLowerCase(),
          active: true,
          admittedAt: event.blockTime,
          metadataDigest: str(args.metadataDigest),
          blockNumber,
          updatedBlock: blockNumber,
        })
        .onConflictDoNothing();
      return;
    case "OrganisationMetadataUpdated":
      await tx
        .update(organisations)
        .set({ metadataDigest: str(args.metadataDigest), updatedBlock: blockNumber })
        .where(eq(organisations.id, str(args.org)));
      return;
    case "OrganisationSuspended":
    case "OrganisationReinstated": {
      const suspended = event.name === "OrganisationSuspended";
      await tx
        .update(organisations)
        .set({ active: !suspended, suspensionReason: suspended ? str(args.reason) : null, updatedBlock: blockNumber })
        .where(eq(organisations.id, str(args.org)));
      return;
    }
    case "KeyAdded":
      await tx
        .insert(organisationKeys)
        .values({
          organisationId: str(args.org),
          address: str(args.key),
          validFrom: num(args.validFrom),
          blockNumber,
          updatedBlock: blockNumber,
        })
        .onConflictDoNothing();
      return;
    case "KeyRetired":
    case "KeyCompromised": {
      const values =
        event.name === "KeyRetired"
          ? { validUntil: num(args.validUntil), updatedBlock: blockNumber }
          : { compromisedFrom: num(args.compromisedFrom), updatedBlock: blockNumber };
      await tx
        .update(organisationKeys)
        .set(values)
        .where(and(eq(organisationKeys.organisationId, str(args.org)), eq(organisationKeys.address, str(args.key))));
      return;
    }
    case "AccreditationGranted":
      await tx
        .insert(accreditations)
        .values({
          certifierId: str(args.org),
          schemaId: str(args.schema),
          validFrom: num(args.validFrom),
          validUntil: num(args.validUntil),
          withdrawn: false,
          blockNumber,
          updatedBlock: blockNumber,
        })
        .onConflictDoUpdate({
          target: [accreditations.certifierId, accreditations.schemaId],
          set: {
            validFrom: num(args.validFrom),
            validUntil: num(args.validUntil),
            withdrawn: false,
            updatedBlock: blockNumber,
          },
        });
      return;
    case "AccreditationWithdrawn":
      await tx
        .update(accreditations)
        .set({ withdrawn: true, updatedBlock: blockNumber })
        .where(and(eq(accreditations.certifierId, str(args.org)), eq(accreditations.schemaId, str(args.schema))));
      return;
    case "SchemaRegistered": {
      let definition: unknown = null;
      try {
        definition = JSON.parse(Buffer.from(str(args.definition).slice(2), "hex").toString("utf8"));
      } catch {
        // A definition that is not JSON is kept as its digest only.
      }
      await tx
        .insert(schemas)
        .values({
          id: str(args.schema),
          attesterRule:
            enumName(ATTESTATION_POLICY_NAMES, num(args.policy)) === "ACCREDITED_CERTIFIER" ? "certifier" : "self",
          defaultValidity: num(args.defaultValidity),
          definition,
          blockNumber,
          updatedBlock: blockNumber,
        })
        .onConflictDoNothing();
      return;
    }
    case "SchemaDeprecated":
      await tx
        .update(schemas)
        .set({ active: false, deprecatedBy: str(args.replacement), updatedBlock: blockNumber })
        .where(eq(schemas.id, str(args.schema)));
      return;
    case "Endorsed":
      await tx
        .insert(endorsements)
        .values({
          uid: str(args.uid),
          certifierId: str(args.certifier),
          signer: str(args.signer),
          withdrawn: false,
          chainId: event.chainId,
          txHash: event.txHash,
          logIndex: event.logIndex,
          blockNumber,
        })
        .onConflictDoUpdate({
          target: [endorsements.uid, endorsements.certifierId],
          set: {
            withdrawn: false,
            signer: str(args.signer),
            txHash: event.txHash,
            logIndex: event.logIndex,
            blockNumber,
          },
        });
      return;
    case "EndorsementWithdrawn":
      await tx
        .update(endorsements)
        .set({ withdrawn: true })
        .where(and(eq(endorsements.uid, str(args.uid)), eq(endorsements.certifierId, str(args.certifier))));
      return;
  }
}

async function projectAppendOnly(tx: Tx, event: IndexedEvent): Promise<void> {
  const { args, blockNumber, chainId, txHash, logIndex } = event;
  const where = { chainId, txHash, logIndex, blockNumber };
  switch (event.name) {
    case "Attested":
      await tx
        .insert(attestations)
        .values({
          uid: str(args.uid),
          schemaId: str(args.schema),
          subject: str(args.subject),
          digest: str(args.digest),
          attesterId: str(args.attester),
          signer: str(args.signer),
          expiresAt: num(args.expiresAt),
          refUid: /^0x0+$/.test(str(args.ref)) ? null : str(args.ref),
          blockTime: event.blockTime,
          ...where,
        })
        .onConflictDoNothing();
      return;
    case "Revoked":
    case "Suspended":
    case "SuspensionLifted": {
      const kind = event.name === "Revoked" ? "revoked" : event.name === "Suspended" ? "suspended" : "unsuspended";
      await tx
        .insert(revocations)
        .values({
          uid: str(args.uid),
          kind,
          byId: str(args.attester ?? "governor"),
          reason: str(args.reason),
          ...where,
        })
        .onConflictDoNothing();
      return;
    }
    case "EndorsementWithdrawn":
      await tx
        .insert(revocations)
        .values({
          uid: str(args.uid),
          kind: "endorsement-withdrawn",
          byId: str(args.certifier),
          reason: str(args.reason),
          ...where,
        })
        .onConflictDoNothing();
      return;
    case "LeafRevoked": {
      const [leaf] = await tx
        .select()
        .from(leaves)
        .where(eq(leaves.leafHash, str(args.leaf)))
        .limit(1);
      const [signedLeaf] = leaf
        ? []
        : await tx
            .select({ uid: signedBatchLeaves.uid })
            .from(signedBatchLeaves)
            .where(eq(signedBatchLeaves.leafHash, str(args.leaf)))
            .limit(1);
      await tx
        .insert(revocations)
        .values({
          uid: leaf?.uid ?? signedLeaf?.uid ?? str(args.leaf),
          kind: "revoked",
          byId: str(args.attester),
          reason: str(args.reason),
          ...where,
        })
        .onConflictDoNothing();
      return;
    }
    case "BatchAnchored": {
      const root = str(args.root);
      await tx
        .insert(batches)
        .values({ root, count: num(args.count), submitter: str(args.anchorer), ...where })
        .onConflictDoNothing();
      // Leaves are known only to whoever built the batch (this API's relayer); index those.
      await tx.execute(sql`
        insert into attestations (uid, schema_id, subject, digest, attester_id, signer, expires_at, ref_uid, batch_root,
                                  chain_id, tx_hash, log_index, block_number, block_time)
        select l.uid, l.schema_id, l.subject, l.digest, l.attester_id, l.signer, l.expires_at, l.ref_uid, l.root,
               ${chainId}, ${txHash}, ${logIndex}, ${blockNumber}, ${event.blockTime}
        from leaves l where l.root = ${root}
        on conflict do nothing`);
      await tx
        .update(relayJobs)
        .set({ status: "anchored", updatedAt: new Date(), error: null })
        .where(and(eq(relayJobs.batchRoot, root), inArray(relayJobs.status, ["queued", "submitted"])));
      return;
    }
    case "SignedBatchAnchored": {
      const root = str(args.root);
      await tx
        .insert(batches)
        .values({ root, count: num(args.count), submitter: str(args.signer), ...where })
        .onConflictDoNothing();
      await projectSignedBatchLeaves(tx, root);
      await tx
        .update(relayJobs)
        .set({ status: "anchored", updatedAt: new Date(), error: null })
        .where(and(eq(relayJobs.kind, SIGNED_BATCH_JOB), eq(relayJobs.uid, root)));
      return;
    }
    case "LotCommitted":
      await tx
        .insert(lotCommitments)
        .values({
          lotId: str(args.lotId),
          version: num(args.version),
          commitment: str(args.commitment),
          organisationId: str(args.owner),
          ...where,
        })
        .onConflictDoNothing();
      return;
    case "LotFlagged":
    case "LotUnflagged":
      await tx
        .insert(lotFlags)
        .values({
          lotId: str(args.lotId),
          reason: event.name === "LotFlagged" ? str(args.reason) : `unflagged:${str(args.reason)}`,
          byId: str(args.by ?? "owner"),
          ...where,
        })
        .onConflictDoNothing();
      return;
  }
}

/** First key of the advisory locks that order leaf storage and event projection of one signed batch root. */
const SIGNED_BATCH_LOCK = 0x5b1e;

/**
 * Attestation rows for the stored leaves of signed batch `root`, once its `SignedBatchAnchored` event is indexed
 * (nothing otherwise; idempotent). Each leaf is an attestation of the event's signer and attester, its expiry effective
 * from the event's block (the schema's default validity when none was requested). Leaves are known only to whoever
 * received them (this API), and they may arrive before or after the indexer passes the event: the event's projection
 * and the API storing leaves both call this after writing their own rows, under a transaction lock on the root, so the
 * later of the two sees the other's committed rows.
 */
export async function projectSignedBatchLeaves(tx: Tx, root: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${SIGNED_BATCH_LOCK}::int4, hashtext(${root}))`);
  await tx.execute(sql`
    insert into attestations (uid, schema_id, subject, digest, attester_id, signer, expires_at, ref_uid, batch_root,
                              chain_id, tx_hash, log_index, block_number, block_time)
    select l.uid, l.schema_id, l.subject, l.digest, e.args->>'attester', e.args->>'signer',
           case when l.expiry <> '0' then l.expiry::bigint
                when coalesce(s.default_validity, 0) > 0 then (e.args->>'blockTime')::bigint + s.default_validity
                else 0 end,
           l.ref_uid, l.root, e.chain_id, e.tx_hash, e.log_index, e.block_number, (e.args->>'blockTime')::bigint
    from signed_batch_leaves l
    join batches b on b.root = l.root
    join chain_events e on e.chain_id = b.chain_id and e.tx_hash = b.tx_hash and e.log_index = b.log_index
                       and e.name = 'SignedBatchAnchored'
    left join schemas s on s.id = l.schema_id
    where l.root = ${root}
    on conflict do nothing`);
}

/** Relay job kinds whose `uid` is the attestation uid an event names. */
const JOB_FOR_EVENT: Record<string, string> = { Attested: "attest" };

/** Projects one event into the index tables and marks the relay job it completes (idempotent). */
export async function projectEvent(tx: Tx, event: IndexedEvent): Promise<void> {
  await tx
    .insert(chainEvents)
    .values({
      chainId: event.chainId,
      txHash: event.txHash,
      logIndex: event.logIndex,
      blockNumber: event.blockNumber,
      blockHash: event.blockHash,
      contract: event.contract,
      name: event.name,
      args: { ...event.args, blockTime: String(event.blockTime) },
    })
    .onConflictDoNothing();
  await projectMutable(tx, event);
  await projectAppendOnly(tx, event);
  const kind = JOB_FOR_EVENT[event.name];
  if (kind) {
    await tx
      .update(relayJobs)
      .set({ status: "anchored", updatedAt: new Date(), error: null })
      .where(and(eq(relayJobs.kind, kind), eq(relayJobs.uid, str(event.args.uid))));
  }
}

/**
 * Undoes everything above `ancestor`: append-only rows are deleted by block, mutable tables are
 * rebuilt by replaying the remaining event log. What the relayer recorded above it is sent again
 * (see `reopenRelayWork`).
 */
export async function rollbackTo(tx: Tx, ancestor: number): Promise<void> {
  const undone = await tx
    .select({ name: chainEvents.name, args: chainEvents.args })
    .from(chainEvents)
    .where(gt(chainEvents.blockNumber, ancestor));
  for (const table of [attestations, revocations, batches, lotCommitments, lotFlags]) {
    await tx.delete(table).where(gt(table.blockNumber, ancestor));
  }
  await tx.delete(chainEvents).where(gt(chainEvents.blockNumber, ancestor));
  await reopenRelayWork(tx, ancestor, undone);
  for (const table of [organisations, organisationKeys, accreditations, schemas, endorsements]) {
    await tx.delete(table);
  }
  const replay = await tx
    .select()
    .from(chainEvents)
    .where(inArray(chainEvents.name, [...MUTABLE_EVENTS]))
    .orderBy(chainEvents.blockNumber, chainEvents.logIndex);
  for (const row of replay) {
    const { blockTime, ...args } = row.args as Record<string, string>;
    await projectMutable(tx, {
      chainId: row.chainId,
      txHash: row.txHash,
      logIndex: row.logIndex,
      blockNumber: row.blockNumber,
      blockHash: row.blockHash,
      blockTime: Number(blockTime ?? 0),
      contract: row.contract,
      name: row.name,
      args,
    });
  }
}

/**
 * Relay work whose record a reorg took off the chain goes back to the relayer, so that it is recorded
 * again, once:
 * - the relayer's own transactions mined (or reverted) above `ancestor` are pending again, their jobs
 *   `submitted`: the relayer finds them on the new branch, or re-broadcasts the same signed bytes
 *   (same nonce, same hash), never a second transaction — and settles them from the new receipt;
 * - jobs marked done by an undone event someone else's transaction carried (or settled as "already
 *   done" by a reverted transaction of ours) are queued again: the relayer sends them itself, or
 *   settles them as already done if that transaction comes back first.
 */
async function reopenRelayWork(tx: Tx, ancestor: number, undone: Array<{ name: string; args: unknown }>) {
  const argOf = (name: string, key: string) =>
    undone.filter((row) => row.name === name).map((row) => String((row.args as Record<string, unknown>)[key]));
  const reopened = await tx
    .update(relayTransactions)
    .set({ status: "pending", blockNumber: null, lastBroadcastAt: null })
    .where(and(inArray(relayTransactions.status, ["mined", "reverted"]), gt(relayTransactions.blockNumber, ancestor)))
    .returning({ id: relayTransactions.id });
  if (reopened.length > 0) {
    await tx
      .update(relayJobs)
      .set({ status: "submitted", error: null, updatedAt: new Date() })
      .where(
        and(
          inArray(
            relayJobs.transactionId,
            reopened.map((row) => row.id),
          ),
          inArray(relayJobs.status, ["anchored", "failed"]),
        ),
      );
  }
  const attestedUids = argOf("Attested", "uid");
  const roots = argOf("BatchAnchored", "root");
  const signedRoots = argOf("SignedBatchAnchored", "root");
  const recordedBy = [
    attestedUids.length > 0 ? and(eq(relayJobs.kind, "attest"), inArray(relayJobs.uid, attestedUids)) : undefined,
    roots.length > 0 ? inArray(relayJobs.batchRoot, roots) : undefined,
    signedRoots.length > 0 ? and(eq(relayJobs.kind, SIGNED_BATCH_JOB), inArray(relayJobs.uid, signedRoots)) : undefined,
  ].filter((condition) => condition !== undefined);
  if (recordedBy.length === 0) return;
  const stale = await tx
    .select({ id: relayJobs.id, sent: relayTransactions.status })
    .from(relayJobs)
    .leftJoin(relayTransactions, eq(relayTransactions.id, relayJobs.transactionId))
    .where(and(eq(relayJobs.status, "anchored"), or(...recordedBy)));
  const waiting = stale.filter((job) => job.sent === "pending").map((job) => job.id);
  if (waiting.length > 0) {
    await tx
      .update(relayJobs)
      .set({ status: "submitted", updatedAt: new Date() })
      .where(inArray(relayJobs.id, waiting));
  }
  await requeueJobs(
    tx,
    stale.filter((job) => job.sent !== "pending").map((job) => job.id),
  );
}
