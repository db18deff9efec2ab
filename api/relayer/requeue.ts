import { inArray } from "drizzle-orm";
import type { ApiDatabase } from "../db/database";
import { leaves, relayJobs } from "../db/schema";

type Tx = Parameters<Parameters<ApiDatabase["transaction"]>[0]>[0];

/**
 * Puts jobs back in the queue, to be sent again from scratch: no transaction, no batch (the leaves of the Merkle
 * batches they were in go with it). Used by the relayer (a transaction dropped or replaced) and by the indexer's
 * reorg rollback (a record the new branch does not hold).
 */
export async function requeueJobs(tx: Tx, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .delete(leaves)
    .where(
      inArray(
        leaves.root,
        tx.select({ root: relayJobs.batchRoot }).from(relayJobs).where(inArray(relayJobs.id, ids)) as never,
      ),
    );
  await tx
    .update(relayJobs)
    .set({ status: "queued", transactionId: null, batchRoot: null, updatedAt: new Date() })
    .where(inArray(relayJobs.id, ids));
}
