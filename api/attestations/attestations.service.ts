import crypto from "node:crypto";
import { and, desc, eq, inArray, lt, or, type SQL } from "drizzle-orm";
import { ZeroHash } from "ethers";
import { Counter, type Registry } from "prom-client";
import type { z } from "zod";
import type {
  listAttestationsQuerySchema,
  prepareAttestationSchema,
  submitAttestationSchema,
  submitEndorsementSchema,
  submitRevocationSchema,
  Attestation,
} from "../../sdk/api-client/contract";
import {
  attestationRegistryDomain,
  attestMessage,
  buildAttestTypedData,
  buildEndorseTypedData,
  buildRevokeTypedData,
  typedDataDigest,
} from "../../sdk/eip712";
import { fileDigest, reasonCode, reasonText } from "../../sdk/hashing";
import { statusName, type StatusName } from "../../sdk/status";
import { attestationUid } from "../../sdk/uid";
import type { Chain } from "../chain/chain";
import type { ApiDatabase } from "../db/database";
import {
  attestations,
  endorsements,
  leaves,
  relayJobs,
  relayTransactions,
  revocations,
  signedBatchLeaves,
} from "../db/schema";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import type { SessionInfo } from "../http/route";
import { decodeRevert } from "../relayer/contract-errors";
import type { AttestJobPayload, SignedActionPayload } from "../relayer/job-kinds";
import { createJobInserter, createJobLookup } from "../relayer/job-inserter";
import { createAttestPrecheck } from "./attest-precheck";
import { createAttestHasher } from "./attest-signature";
import { createSignatureWorkers } from "./signature-workers";
import type { SignedBatchService } from "../batches/signed-batches.service";
import { assertDeadlineAhead, problemForRevert } from "./contract-problems";

const DEFAULT_VALID_FOR = 3600;

function randomNonce(): string {
  // Nonces are unordered (a bitmap per signer): a random 128-bit value never collides in practice.
  return BigInt("0x" + crypto.randomBytes(16).toString("hex")).toString(10);
}

function encodeCursor(blockNumber: number, logIndex: number, uid: string): string {
  return Buffer.from(`${blockNumber}:${logIndex}:${uid}`).toString("base64url");
}

function decodeCursor(cursor: string): { blockNumber: number; logIndex: number; uid: string } {
  const [block, log, uid] = Buffer.from(cursor, "base64url").toString("utf8").split(":");
  if (!block || !log || !uid || !/^\d+$/.test(block) || !/^\d+$/.test(log) || !/^0x[0-9a-f]{64}$/.test(uid)) {
    throw new ValidationError([{ path: "query.cursor", message: "not a cursor returned by a previous page" }]);
  }
  return { blockNumber: Number(block), logIndex: Number(log), uid };
}

/** The message as signed, normalised; expiry and deadline above uint64 are a validation error (not a 500). */
function normaliseAttestMessage(input: z.output<typeof submitAttestationSchema>["message"]) {
  try {
    return attestMessage(input);
  } catch (error) {
    if (error instanceof RangeError) throw new ValidationError([{ path: "body.message", message: error.message }]);
    throw error;
  }
}

type AttestationRow = typeof attestations.$inferSelect;
type LeafRow = typeof leaves.$inferSelect;
type SignedLeafRow = typeof signedBatchLeaves.$inferSelect;

/** Attestations: prepare typed data, accept signed payloads into the relay queue, read and verify. */
export function createAttestationService(deps: {
  db: ApiDatabase;
  chain: Chain;
  notifyRelayer?: () => void;
  metrics?: Registry;
  /** Worker threads for signature checks (default 0: inline, with the native binding; see signature-workers.ts). */
  signatureWorkers?: number;
  /** Leaves of signed batches (one signature over the root): their status is `signedLeafStatus`. */
  signedLeaves?: Pick<SignedBatchService, "leavesOf" | "statusOfLeaf">;
}) {
  const { db, chain } = deps;
  const checks = deps.metrics
    ? new Counter({
        name: "fontaine_api_attestation_checks_total",
        help: "Submitted attestations checked locally (cached chain reads) or by simulating the contract call",
        labelNames: ["by"] as const,
        registers: [deps.metrics],
      })
    : undefined;
  const registry = chain.contracts.AttestationRegistry;
  const interfaces = Object.values(chain.interfaces);
  const domain = attestationRegistryDomain(chain.chainId, chain.deployment.contracts.AttestationRegistry.address);

  async function simulate(method: string, args: unknown[]): Promise<unknown> {
    try {
      return await registry.getFunction(method).staticCall(...args);
    } catch (error) {
      const revert = decodeRevert(error, interfaces);
      if (!revert) throw error;
      throw problemForRevert(revert);
    }
  }

  async function organisationOfSigner(signer: string): Promise<string> {
    return chain.cache.get(`signer-org:${signer}`, async () => {
      const now = Math.floor(Date.now() / 1000);
      const result = (await chain.contracts.Federation.getFunction("signerAt").staticCall(signer, now)) as {
        org: string;
      };
      return result.org.toLowerCase();
    });
  }

  async function schemaDefaultValidity(schema: string): Promise<number> {
    return chain.cache.get(`schema:${schema}`, async () => {
      const record = (await registry.getFunction("schemaOf").staticCall(schema)) as { defaultValidity: bigint };
      return Number(record.defaultValidity);
    });
  }

  async function statusOfUid(uid: string): Promise<{ status: StatusName; endorsed: boolean }> {
    return chain.cache.get(`status:${uid}`, async () => {
      const [status, endorsed] = (await registry.getFunction("statusOf").staticCall(uid)) as [bigint, boolean];
      return { status: statusName(status), endorsed };
    });
  }

  async function statusOfLeaf(leaf: LeafRow): Promise<{ status: StatusName; endorsed: boolean }> {
    return chain.cache.get(`leaf:${leaf.uid}`, async () => {
      const request = [leaf.schemaId, leaf.subject, leaf.digest, leaf.expiry, leaf.refUid ?? ZeroHash, leaf.nonce];
      const status = (await registry
        .getFunction("leafStatus")
        .staticCall(leaf.root, request, leaf.signer, leaf.deadline, leaf.signature, leaf.proof)) as bigint;
      return { status: statusName(status), endorsed: false };
    });
  }

  const inserter = createJobInserter(db);
  const jobLookup = createJobLookup(db);
  const hasher = createAttestHasher(domain);
  const signatures = createSignatureWorkers(deps.signatureWorkers);
  const precheck = createAttestPrecheck(chain);

  async function enqueue(kind: string, uid: string, organisationId: string, payload: Record<string, unknown>) {
    const id = await inserter.insert({ kind, uid, organisationId, payload });
    if (id === null) throw new ConflictError("already-submitted", "this signed payload was already accepted", { uid });
    deps.notifyRelayer?.();
    return { uid, jobId: id, status: "queued" as const };
  }

  async function shape(
    row: AttestationRow | undefined,
    leaf: LeafRow | undefined,
    job: (typeof relayJobs.$inferSelect & { txHash: string | null }) | undefined,
    signedLeaves?: Map<string, SignedLeafRow[]>,
  ): Promise<Attestation> {
    const payload = job?.payload as unknown as AttestJobPayload | undefined;
    const uid = row?.uid ?? leaf?.uid ?? job!.uid;
    const anchored = row !== undefined;
    const signedLeaf =
      row?.batchRoot && !leaf ? signedLeaves?.get(uid)?.find((s) => s.root === row.batchRoot) : undefined;
    const { status, endorsed } = !anchored
      ? { status: "UNKNOWN" as StatusName, endorsed: false }
      : row.batchRoot && leaf
        ? await statusOfLeaf(leaf)
        : signedLeaf && deps.signedLeaves
          ? { status: await deps.signedLeaves.statusOfLeaf(signedLeaf), endorsed: false }
          : await statusOfUid(uid);
    const [endorsement] = anchored
      ? await db
          .select()
          .from(endorsements)
          .where(eq(endorsements.uid, uid))
          .orderBy(desc(endorsements.blockNumber))
          .limit(1)
      : [];
    // Why it was withdrawn (single attestations and batch leaves alike are indexed by uid).
    const [revocation] =
      status === "REVOKED"
        ? await db
            .select()
            .from(revocations)
            .where(and(eq(revocations.uid, uid), eq(revocations.kind, "revoked")))
            .orderBy(desc(revocations.blockNumber))
            .limit(1)
        : [];
    const source = row ?? leaf;
    return {
      uid,
      schema: source?.schemaId ?? payload!.message.schema,
      subject: source?.subject ?? payload!.message.subject,
      digest: source?.digest ?? payload!.message.digest,
      attester: source?.attesterId ?? payload?.attesterId ?? null,
      signer: (source?.signer ?? payload!.signer) as string,
      expiresAt: source?.expiresAt ?? payload?.expiresAt ?? 0,
      ref: source?.refUid ?? (payload && !/^0x0+$/.test(payload.message.ref) ? payload.message.ref : null),
      batchRoot: row?.batchRoot ?? leaf?.root ?? null,
      relay: job ? { status: job.status as "queued", error: job.error, txHash: job.txHash } : null,
      status,
      endorsed,
      endorsement: endorsement
        ? { certifier: endorsement.certifierId, signer: endorsement.signer, withdrawn: endorsement.withdrawn }
        : null,
      revocation: revocation
        ? {
            reason: reasonText(revocation.reason) ?? "",
            reasonCode: revocation.reason,
            blockNumber: revocation.blockNumber,
          }
        : null,
      txHash: row?.txHash ?? null,
      blockNumber: row?.blockNumber ?? null,
    };
  }

  async function jobsFor(uids: string[]) {
    if (uids.length === 0) return new Map();
    const rows = await db
      .select({ job: relayJobs, txHash: relayTransactions.txHash })
      .from(relayJobs)
      .leftJoin(relayTransactions, eq(relayTransactions.id, relayJobs.transactionId))
      .where(and(eq(relayJobs.kind, "attest"), inArray(relayJobs.uid, uids)));
    return new Map(rows.map((r) => [r.job.uid, { ...r.job, txHash: r.txHash }]));
  }

  async function leavesFor(uids: string[]) {
    if (uids.length === 0) return new Map<string, LeafRow>();
    const rows = await db.select().from(leaves).where(inArray(leaves.uid, uids));
    return new Map(rows.map((row) => [row.uid, row]));
  }

  /** Stored leaves of signed batches among these anchored rows (batch leaves only; none without the service). */
  async function signedLeavesFor(rows: AttestationRow[]): Promise<Map<string, SignedLeafRow[]>> {
    const uids = rows.filter((row) => row.batchRoot).map((row) => row.uid);
    return deps.signedLeaves && uids.length > 0 ? deps.signedLeaves.leavesOf(uids) : new Map();
  }

  async function verifyUncached(digest: string) {
    const checkedAtBlock = await chain.cache.blockNumber();
    const rows = await db.select().from(attestations).where(eq(attestations.digest, digest)).limit(100);
    const uids = rows.map((row) => row.uid);
    const [leafMap, jobMap, signedMap] = await Promise.all([leavesFor(uids), jobsFor(uids), signedLeavesFor(rows)]);
    const items = await Promise.all(
      rows.map((row) => shape(row, leafMap.get(row.uid), jobMap.get(row.uid), signedMap)),
    );
    const verdict =
      items.length === 0 ? "UNKNOWN" : items.some((item) => item.status === "VALID") ? "VALID" : "NOT_VALID";
    return { digest, verdict: verdict as "VALID", attestations: items, checkedAtBlock };
  }

  // Anchored records with their JSON bytes: the routes send them as is (no serialisation per request).
  const anchoredCache = {
    get: (uid: string) => chain.cache.peek<{ value: Attestation; json: Buffer }>(`attestation:${uid}`),
    set: (uid: string, value: Attestation, snapshot: ReturnType<Chain["cache"]["snapshot"]>) => {
      const entry = { value, json: Buffer.from(JSON.stringify(value)) };
      chain.cache.put(`attestation:${uid}`, entry, snapshot);
      return entry;
    },
  };

  /** One attestation, and its JSON bytes when it is cached (anchored and settled). */
  async function attestationEntry(uid: string): Promise<{ value: Attestation; json?: Buffer }> {
    await chain.cache.blockNumber();
    const snapshot = chain.cache.snapshot();
    const cached = anchoredCache.get(uid);
    if (cached) return cached;
    const [row] = await db.select().from(attestations).where(eq(attestations.uid, uid)).limit(1);
    const leaf = (await leavesFor([uid])).get(uid);
    const job = (await jobsFor([uid])).get(uid);
    if (!row && !leaf && !job) throw new NotFoundError("attestation", "attestation-not-found");
    const shaped = await shape(row, leaf, job, row ? await signedLeavesFor([row]) : undefined);
    // Once anchored, a record only changes with the chain (new block or index progress): cache it until then.
    if (row && (!job || job.status === "anchored" || job.status === "failed"))
      return anchoredCache.set(uid, shaped, snapshot);
    return { value: shaped };
  }

  const service = {
    domain,

    /** Stops the signature worker threads. */
    close: () => signatures.close(),

    /** Typed data for a new attestation; the digest may come from an uploaded file. */
    prepareAttestation(input: z.output<typeof prepareAttestationSchema>, file?: { bytes: Buffer }) {
      const digest = file ? fileDigest(file.bytes).toLowerCase() : input.digest;
      if (!digest) throw new ValidationError([{ path: "body.digest", message: "give a digest or upload a file" }]);
      const deadline = Math.floor(Date.now() / 1000) + (input.validForSeconds ?? DEFAULT_VALID_FOR);
      const typedData = buildAttestTypedData(domain, {
        schema: input.schema,
        subject: input.subject,
        digest,
        expiry: input.expiry ?? 0,
        ref: input.ref,
        nonce: randomNonce(),
        deadline,
      });
      const uid = input.signer ? attestationUid({ ...typedData.message, signer: input.signer }).toLowerCase() : null;
      return { typedData, digest, uid };
    },

    /**
     * Checks a signed attestation and queues it; 202 only after it is stored. The checks are the contract's:
     * decided locally from cached chain reads when they pass (see attest-precheck.ts), by simulating
     * `attestBySig` otherwise, which gives the contract's own error (or accepts an ERC-1271 wallet's signature).
     */
    async submitAttestation(body: z.output<typeof submitAttestationSchema>) {
      const { signer, signature } = body;
      const message = normaliseAttestMessage(body.message);
      const ids = hasher.hashes(message, signer);
      const { uid } = ids;
      // Fast path: a submission that passes every check is stored at once; a copy already stored is then refused
      // by the insert itself (409 already-submitted), as the lookup below would have.
      const deadlineAhead = BigInt(message.deadline) > BigInt(Math.floor(Date.now() / 1000));
      let checked = deadlineAhead
        ? await precheck.check(message, signer, uid, signatures.recover(ids.attestDigest, signature))
        : undefined;
      checks?.inc({ by: checked ? "local" : "simulation" });
      if (!checked) {
        // Slow path, in the order clients see: an earlier copy of this payload, the deadline, then the contract.
        if (await jobLookup.exists("attest", uid))
          throw new ConflictError("already-submitted", "this signed attestation was already accepted", { uid });
        assertDeadlineAhead(message.deadline);
        const request = [message.schema, message.subject, message.digest, message.expiry, message.ref, message.nonce];
        const simulated = String(
          await simulate("attestBySig", [request, signer, message.deadline, signature]),
        ).toLowerCase();
        if (simulated !== uid) throw new Error(`uid mismatch between sdk (${uid}) and contract (${simulated})`);
        const expiryGiven = message.expiry !== "0";
        checked = {
          attesterId: await organisationOfSigner(signer),
          defaultValidity: expiryGiven ? 0 : await schemaDefaultValidity(message.schema),
        };
      }
      const expiry = Number(message.expiry);
      const payload: AttestJobPayload = {
        message,
        signer,
        signature,
        attestDigest: ids.attestDigest,
        attesterId: checked.attesterId,
        expiresAt:
          expiry !== 0
            ? expiry
            : checked.defaultValidity !== 0
              ? Math.floor(Date.now() / 1000) + checked.defaultValidity
              : 0,
      };
      return enqueue("attest", uid, checked.attesterId, payload as unknown as Record<string, unknown>);
    },

    /** One attestation: index record, relay state, effective status from the chain. */
    async getAttestation(uid: string): Promise<Attestation> {
      return (await attestationEntry(uid)).value;
    },

    /** `getAttestation` as JSON bytes (cached with the record while it cannot change). */
    async getAttestationJson(uid: string): Promise<Buffer> {
      const entry = await attestationEntry(uid);
      return entry.json ?? Buffer.from(JSON.stringify(entry.value));
    },

    /** Anchored attestations, newest first, with cursor pagination. */
    async listAttestations(query: z.output<typeof listAttestationsQuerySchema>) {
      const conditions: SQL[] = [];
      if (query.subject) conditions.push(eq(attestations.subject, query.subject));
      if (query.attester) conditions.push(eq(attestations.attesterId, query.attester));
      if (query.schema) conditions.push(eq(attestations.schemaId, query.schema));
      if (query.cursor) {
        const c = decodeCursor(query.cursor);
        conditions.push(
          or(
            lt(attestations.blockNumber, c.blockNumber),
            and(eq(attestations.blockNumber, c.blockNumber), lt(attestations.logIndex, c.logIndex)),
            and(
              eq(attestations.blockNumber, c.blockNumber),
              eq(attestations.logIndex, c.logIndex),
              lt(attestations.uid, c.uid),
            ),
          )!,
        );
      }
      const rows = await db
        .select()
        .from(attestations)
        .where(conditions.length ? and(...conditions) : undefined)
        .orderBy(desc(attestations.blockNumber), desc(attestations.logIndex), desc(attestations.uid))
        .limit(query.limit + 1);
      const page = rows.slice(0, query.limit);
      const uids = page.map((row) => row.uid);
      const [leafMap, jobMap, signedMap] = await Promise.all([leavesFor(uids), jobsFor(uids), signedLeavesFor(page)]);
      let items = await Promise.all(
        page.map((row) => shape(row, leafMap.get(row.uid), jobMap.get(row.uid), signedMap)),
      );
      // The status filter applies to the page (statuses come from the chain, not the index).
      if (query.status) items = items.filter((item) => item.status === query.status);
      const last = page[page.length - 1];
      return {
        items,
        nextCursor: rows.length > query.limit && last ? encodeCursor(last.blockNumber, last.logIndex, last.uid) : null,
      };
    },

    /** Every anchored attestation of a digest with its effective status read from the chain. */
    async verify(digest: string) {
      return chain.cache.get(`verify:${digest}`, () => verifyUncached(digest));
    },

    /** `verify` as JSON bytes, serialised once per block (the route sends them as is). */
    async verifyJson(digest: string): Promise<Buffer> {
      return chain.cache.get(`verify-json:${digest}`, async () =>
        Buffer.from(JSON.stringify(await service.verify(digest))),
      );
    },

    digestOfFile: (bytes: Buffer) => fileDigest(bytes).toLowerCase(),

    /** Typed data for a certifier endorsement. */
    prepareEndorsement(uid: string, validForSeconds?: number) {
      const deadline = Math.floor(Date.now() / 1000) + (validForSeconds ?? DEFAULT_VALID_FOR);
      return { typedData: buildEndorseTypedData(domain, { uid, nonce: randomNonce(), deadline }) };
    },

    /** Typed data for a revocation with a short reason code. */
    prepareRevocation(uid: string, reason: string, validForSeconds?: number) {
      const deadline = Math.floor(Date.now() / 1000) + (validForSeconds ?? DEFAULT_VALID_FOR);
      return {
        typedData: buildRevokeTypedData(domain, { uid, reason: reasonCode(reason), nonce: randomNonce(), deadline }),
      };
    },

    /** Checks and queues a signed endorsement. */
    async submitEndorsement(uid: string, body: z.output<typeof submitEndorsementSchema>) {
      if (body.message.uid !== uid)
        throw new ValidationError([{ path: "body.message.uid", message: "does not match the path" }]);
      const { message, signer, signature } = body;
      assertDeadlineAhead(message.deadline);
      await simulate("endorseBySig", [uid, message.nonce, message.deadline, signer, signature]);
      const jobUid = typedDataDigest(buildEndorseTypedData(domain, message)).toLowerCase();
      const payload: SignedActionPayload = { uid, nonce: message.nonce, deadline: message.deadline, signer, signature };
      const accepted = await enqueue("endorse", jobUid, await organisationOfSigner(signer), payload as never);
      return { ...accepted, uid };
    },

    /** Checks and queues a signed revocation. */
    async submitRevocation(uid: string, body: z.output<typeof submitRevocationSchema>) {
      if (body.message.uid !== uid)
        throw new ValidationError([{ path: "body.message.uid", message: "does not match the path" }]);
      const { message, signer, signature } = body;
      assertDeadlineAhead(message.deadline);
      await simulate("revokeBySig", [uid, message.reason, message.nonce, message.deadline, signer, signature]);
      const jobUid = typedDataDigest(buildRevokeTypedData(domain, message)).toLowerCase();
      const payload: SignedActionPayload = {
        uid,
        reason: message.reason,
        nonce: message.nonce,
        deadline: message.deadline,
        signer,
        signature,
      };
      const accepted = await enqueue("revoke", jobUid, await organisationOfSigner(signer), payload as never);
      return { ...accepted, uid };
    },

    /** A relay job, visible only to its organisation (404 otherwise: no existence leak). */
    async getRelayJob(id: number, session: SessionInfo) {
      const [row] = await db
        .select({ job: relayJobs, txHash: relayTransactions.txHash })
        .from(relayJobs)
        .leftJoin(relayTransactions, eq(relayTransactions.id, relayJobs.transactionId))
        .where(eq(relayJobs.id, id))
        .limit(1);
      if (!row || !session.organisationId || row.job.organisationId !== session.organisationId) {
        throw new NotFoundError("relay job", "relay-job-not-found");
      }
      return {
        id: row.job.id,
        kind: row.job.kind,
        uid: row.job.uid,
        status: row.job.status as "queued",
        error: row.job.error,
        txHash: row.txHash,
        createdAt: row.job.createdAt.toISOString(),
      };
    },
  };
  return service;
}

/** The attestation service. */
export type AttestationService = ReturnType<typeof createAttestationService>;
