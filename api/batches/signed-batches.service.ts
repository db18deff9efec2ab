import crypto from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { z } from "zod";
import type {
  prepareSignedBatchSchema,
  SignedBatchState,
  submitSignedBatchSchema,
} from "../../sdk/api-client/batches.contract";
import { attestationRegistryDomain, buildSignedBatchTypedData, type SignedBatchMessage } from "../../sdk/eip712";
import { fastAttestationUid } from "../../sdk/bundle/fast-hashing";
import { signedBatchFromUids } from "../../sdk/merkle";
import { AttestationPolicy, KeyStatus, OrgKind, statusName, type StatusName } from "../../sdk/status";
import type { Chain } from "../chain/chain";
import { keccak256Hex } from "../chain/keccak";
import type { ApiDatabase } from "../db/database";
import { batches, relayJobs, relayTransactions, signedBatchLeaves } from "../db/schema";
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError, ValidationError } from "../errors";
import { projectSignedBatchLeaves } from "../indexer/projection";
import { decodeRevert } from "../relayer/contract-errors";
import { assertDeadlineAhead, problemForRevert } from "../attestations/contract-problems";
import { SIGNED_BATCH_JOB, type SignedBatchJobPayload } from "./signed-batch.job";

const DEFAULT_VALID_FOR = 3600;
const UINT40_MAX = 2n ** 40n - 1n;
const ZERO_WORD = "0x" + "0".repeat(64);

type SignedLeafRow = typeof signedBatchLeaves.$inferSelect;

function randomNonce(): string {
  // Unordered nonces (a bitmap per signer): a random 128-bit value never collides in practice.
  return BigInt("0x" + crypto.randomBytes(16).toString("hex")).toString(10);
}

/**
 * Signed batches (bulk certification): typed data for a root, acceptance of the leaves with the one signature over
 * their root (stored durably with a `signed-batch` relay job before answering), the batch's progress, and the status
 * of a leaf for the attestation views.
 */
export function createSignedBatchService(deps: { db: ApiDatabase; chain: Chain; notifyRelayer?: () => void }) {
  const { db, chain } = deps;
  const registry = chain.contracts.AttestationRegistry;
  const federation = chain.contracts.Federation;
  const interfaces = Object.values(chain.interfaces);
  const domain = attestationRegistryDomain(chain.chainId, chain.deployment.contracts.AttestationRegistry.address);

  async function simulateAnchor(message: SignedBatchMessage, signer: string, signature: string): Promise<void> {
    try {
      await registry
        .getFunction("anchorSignedBatch")
        .staticCall(message.root, message.count, signer, message.nonce, message.deadline, signature);
    } catch (error) {
      const revert = decodeRevert(error, interfaces);
      if (!revert) throw error;
      if (revert.name === "BatchExists") {
        throw new ConflictError("already-recorded", "this batch is already recorded", { root: message.root });
      }
      throw problemForRevert(revert);
    }
  }

  /** The signer of `root` as an anchored signed batch, lower-case, with its anchoring time (null when not anchored). */
  async function anchoredSignedBatch(root: string): Promise<{ signer: string; time: number } | null> {
    const record = (await registry.getFunction("signedBatch").staticCall(root)) as { signer: string; time: bigint };
    return /^0x0+$/.test(record.signer) ? null : { signer: record.signer.toLowerCase(), time: Number(record.time) };
  }

  /** Refuses a schema the leaves cannot be judged VALID under when signed by `signer` now. */
  async function checkSchema(schema: string, signer: string, now: number): Promise<string> {
    const record = (await registry.getFunction("schemaOf").staticCall(schema)) as {
      index: bigint;
      policy: bigint;
      deprecatedAt: bigint;
    };
    if (record.index === 0n) throw new UnprocessableError("unknown-schema", "the schema is not registered");
    if (record.deprecatedAt !== 0n) {
      throw new UnprocessableError("schema-deprecated", "the schema is deprecated: use its replacement");
    }
    const key = (await federation.getFunction("signerAt").staticCall(signer, now)) as {
      org: string;
      kind: bigint;
      status: bigint;
    };
    if (Number(key.status) !== KeyStatus.VALID) {
      throw new ForbiddenError("the signing key is not a valid key of an active organisation");
    }
    if (Number(record.policy) === AttestationPolicy.ACCREDITED_CERTIFIER) {
      const accredited =
        Number(key.kind) === OrgKind.CERTIFIER &&
        ((await federation.getFunction("isAccreditedAt").staticCall(key.org, schema, now)) as boolean);
      if (!accredited) {
        throw new ForbiddenError("only a certifier accredited for this schema may sign these attestations");
      }
    }
    return key.org.toLowerCase();
  }

  async function stateOf(root: string, withUids: boolean): Promise<SignedBatchState> {
    const [row] = await db
      .select({ job: relayJobs, txHash: relayTransactions.txHash })
      .from(relayJobs)
      .leftJoin(relayTransactions, eq(relayTransactions.id, relayJobs.transactionId))
      .where(and(eq(relayJobs.kind, SIGNED_BATCH_JOB), eq(relayJobs.uid, root)))
      .limit(1);
    if (!row) throw new NotFoundError("batch", "batch-not-found");
    const payload = row.job.payload as unknown as SignedBatchJobPayload;
    const [indexed] = await db
      .select({ txHash: batches.txHash, blockNumber: batches.blockNumber })
      .from(batches)
      .where(eq(batches.root, root))
      .limit(1);
    const state = indexed
      ? "recorded"
      : row.job.status === "failed"
        ? "failed"
        : row.job.status === "queued"
          ? "stored"
          : "recording";
    const uids = withUids
      ? (
          await db
            .select({ uid: signedBatchLeaves.uid })
            .from(signedBatchLeaves)
            .where(eq(signedBatchLeaves.root, root))
            .orderBy(signedBatchLeaves.position)
        ).map((leaf) => leaf.uid)
      : undefined;
    return {
      root,
      count: Number(payload.count),
      schema: payload.schema,
      signer: payload.signer,
      attester: payload.attesterId,
      state,
      error: state === "failed" ? row.job.error : null,
      txHash: indexed?.txHash ?? row.txHash ?? null,
      blockNumber: indexed?.blockNumber ?? null,
      ...(uids ? { uids } : {}),
    };
  }

  return {
    domain,

    /** Typed data for the root of a tree the client built (nonce and deadline filled in). */
    prepare(input: z.output<typeof prepareSignedBatchSchema>) {
      const deadline = Math.floor(Date.now() / 1000) + (input.validForSeconds ?? DEFAULT_VALID_FOR);
      return {
        typedData: buildSignedBatchTypedData(domain, {
          root: input.root,
          count: input.count,
          nonce: randomNonce(),
          deadline,
        }),
      };
    },

    /**
     * Checks a signed batch (the tree of the leaves has the signed root; schema, key, accreditation, expiries; the
     * contract simulation checks signature, deadline and nonce) and stores the job with its leaves; 202 after that.
     */
    async submit(body: z.output<typeof submitSignedBatchSchema>): Promise<SignedBatchState> {
      const { signer, signature, schema, leaves } = body;
      let message: SignedBatchMessage;
      try {
        message = buildSignedBatchTypedData(domain, body.message).message;
      } catch (error) {
        if (error instanceof RangeError) throw new ValidationError([{ path: "body.message", message: error.message }]);
        throw error;
      }
      if (Number(message.count) !== leaves.length) {
        throw new ValidationError([
          {
            path: "body.message.count",
            message: `the batch has ${leaves.length} leaves, the signature says ${message.count}`,
          },
        ]);
      }
      const now = Math.floor(Date.now() / 1000);
      // Recorded on chain before it reached this API (another tool or instance sent the signature): the leaves are
      // indexed if they make the root, whatever their expiry, deadline and key have become since.
      const onChain = await anchoredSignedBatch(message.root);
      const anchoredBySigner = onChain?.signer === signer.toLowerCase() ? onChain : null;
      const issues = leaves.flatMap((leaf, index) => {
        const expiry = BigInt(leaf.expiry);
        return expiry !== 0n && ((!anchoredBySigner && expiry <= BigInt(now)) || expiry > UINT40_MAX)
          ? [{ path: `body.leaves.${index}.expiry`, message: "must be in the future (or 0 for the schema's default)" }]
          : [];
      });
      if (issues.length > 0) throw new ValidationError(issues);
      // js-sha3: a 10,000-leaf batch is hashed about 30,000 times.
      const uids = leaves.map((leaf) =>
        fastAttestationUid({ schema, ...leaf, ref: leaf.ref ?? ZERO_WORD }, signer, keccak256Hex),
      );
      let tree: ReturnType<typeof signedBatchFromUids>;
      try {
        tree = signedBatchFromUids(uids, keccak256Hex);
      } catch (error) {
        const repeated = /^leaf (\d+) /.exec((error as Error).message);
        if (repeated) {
          throw new ValidationError([{ path: `body.leaves.${repeated[1]}`, message: "repeats an earlier leaf" }]);
        }
        throw error;
      }
      if (tree.root !== message.root) {
        throw new UnprocessableError(
          "root-mismatch",
          "the leaves do not make the signed root (same signer, same rows?)",
          {
            root: message.root,
            computed: tree.root,
          },
        );
      }
      if (!anchoredBySigner) assertDeadlineAhead(message.deadline);
      const [existing] = await db
        .select({ id: relayJobs.id })
        .from(relayJobs)
        .where(and(eq(relayJobs.kind, SIGNED_BATCH_JOB), eq(relayJobs.uid, message.root)))
        .limit(1);
      if (existing) {
        throw new ConflictError("already-submitted", "this signed batch was already accepted", { root: message.root });
      }
      let attesterId: string;
      if (anchoredBySigner) {
        // The chain checked signature, key and nonce when it anchored the root; signedLeafStatus judges each leaf.
        const key = (await federation.getFunction("signerAt").staticCall(signer, anchoredBySigner.time)) as {
          org: string;
        };
        attesterId = key.org.toLowerCase();
      } else {
        attesterId = await checkSchema(schema, signer, now);
        await simulateAnchor(message, signer, signature);
      }

      const payload: SignedBatchJobPayload = { ...message, signer, signature, schema, attesterId };
      const rows = leaves.map((leaf, index) => ({
        root: message.root,
        uid: uids[index]!,
        position: index,
        leafHash: tree.leaves[index]!.leafHash,
        proof: tree.leaves[index]!.proof,
        schemaId: schema,
        subject: leaf.subject,
        digest: leaf.digest,
        expiry: leaf.expiry,
        refUid: leaf.ref && !/^0x0+$/.test(leaf.ref) ? leaf.ref : null,
        nonce: leaf.nonce,
      }));
      const stored = await db.transaction(async (tx) => {
        const [job] = await tx
          .insert(relayJobs)
          .values({
            kind: SIGNED_BATCH_JOB,
            uid: message.root,
            organisationId: attesterId,
            payload: payload as never,
            // Nothing to send for a root already on chain.
            ...(anchoredBySigner ? { status: "anchored" } : {}),
          })
          .onConflictDoNothing()
          .returning({ id: relayJobs.id });
        if (!job) return false;
        // One statement whose rows travel as one JSON parameter (thousands of rows, eleven columns each).
        await tx.execute(sql`
          insert into ${signedBatchLeaves} (root, uid, position, leaf_hash, proof, schema_id, subject, digest, expiry,
                                            ref_uid, nonce)
          select x.root, x.uid, x.position, x."leafHash", x.proof, x."schemaId", x.subject, x.digest, x.expiry,
                 x."refUid", x.nonce
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
            root text, uid text, position integer, "leafHash" text, proof jsonb, "schemaId" text, subject text,
            digest text, expiry text, "refUid" text, nonce text)
          on conflict do nothing`);
        // The indexer may have passed the root's event already (recorded elsewhere, or between the simulation and
        // now): its attestation rows are made now.
        await projectSignedBatchLeaves(tx, message.root);
        return true;
      });
      if (!stored) {
        throw new ConflictError("already-submitted", "this signed batch was already accepted", { root: message.root });
      }
      if (anchoredBySigner) {
        // Reads cached for this block (verify, attestations) may say these leaves are unknown: the index moved.
        chain.cache.invalidate();
        return stateOf(message.root, true);
      }
      deps.notifyRelayer?.();
      return {
        root: message.root,
        count: leaves.length,
        schema,
        signer,
        attester: attesterId,
        state: "stored",
        error: null,
        txHash: null,
        blockNumber: null,
        uids,
      };
    },

    /** Where a batch stands (404 when this API never accepted it). */
    state: (root: string, withUids = false) => stateOf(root, withUids),

    /** The stored leaves of these uids, by uid (a uid may sit in several roots: every row is returned). */
    async leavesOf(uids: string[]): Promise<Map<string, SignedLeafRow[]>> {
      const found = new Map<string, SignedLeafRow[]>();
      if (uids.length === 0) return found;
      for (const row of await db.select().from(signedBatchLeaves).where(inArray(signedBatchLeaves.uid, uids))) {
        found.set(row.uid, [...(found.get(row.uid) ?? []), row]);
      }
      return found;
    },

    /** `signedLeafStatus` of a stored leaf, cached until the next block. */
    async statusOfLeaf(leaf: SignedLeafRow): Promise<StatusName> {
      return chain.cache.get(`signed-leaf:${leaf.root}:${leaf.uid}`, async () => {
        const request = [leaf.schemaId, leaf.subject, leaf.digest, leaf.expiry, leaf.refUid ?? ZERO_WORD, leaf.nonce];
        const status = (await registry
          .getFunction("signedLeafStatus")
          .staticCall(leaf.root, request, leaf.proof)) as bigint;
        return statusName(status);
      });
    },
  };
}

/** The signed batch service. */
export type SignedBatchService = ReturnType<typeof createSignedBatchService>;
