import { and, eq, inArray, sql } from "drizzle-orm";
import type { ApiDatabase } from "../db/database";
import { relayJobs } from "../db/schema";

/** A job to store durably. */
export interface NewJob {
  kind: string;
  uid: string;
  organisationId: string;
  payload: Record<string, unknown>;
}

interface Pending extends NewJob {
  resolve(id: number | null): void;
  reject(error: unknown): void;
}

/**
 * Group commit for relay jobs: submissions arriving together are stored by one multi-row INSERT
 * (one commit, one fsync) instead of one each. Every caller still waits for its own row to be
 * committed before answering 202. Resolves `null` when the (kind, uid) already existed.
 */
export function createJobInserter(db: ApiDatabase, maxBatch = 500) {
  const queue: Pending[] = [];
  let scheduled = false;

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue.splice(0, maxBatch);
    if (queue.length > 0) schedule();
    if (batch.length === 0) return;
    const first = new Map<string, Pending>();
    const duplicates: Pending[] = [];
    for (const item of batch) {
      const key = `${item.kind}:${item.uid}`;
      if (first.has(key)) duplicates.push(item);
      else first.set(key, item);
    }
    try {
      // The rows travel as one JSON parameter (building a multi-row INSERT with four bind parameters per row
      // costs more than running it); the statement is the same on PGlite and PostgreSQL.
      const values = [...first.values()].map(({ kind, uid, organisationId, payload }) => ({
        kind,
        uid,
        organisationId,
        payload,
      }));
      const result = await db.execute(sql`
        insert into ${relayJobs} (kind, uid, organisation_id, payload)
        select x.kind, x.uid, x."organisationId", x.payload
        from jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
          as x(kind text, uid text, "organisationId" text, payload jsonb)
        on conflict do nothing
        returning id, kind, uid`);
      const rows = (result as unknown as { rows: Array<{ id: number | string; kind: string; uid: string }> }).rows;
      const ids = new Map(rows.map((row) => [`${row.kind}:${row.uid}`, Number(row.id)]));
      for (const [key, item] of first) item.resolve(ids.get(key) ?? null);
      for (const item of duplicates) item.resolve(null);
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void flush());
  }

  return {
    /** Stores a job; resolves with its id once committed, or null if it already existed. */
    insert(job: NewJob): Promise<number | null> {
      return new Promise((resolve, reject) => {
        queue.push({ ...job, resolve, reject });
        schedule();
      });
    },
  };
}

/**
 * Whether a job (kind, uid) is already stored, for the lookups of one turn of the event loop in one query
 * (concurrent submissions check for an earlier copy of themselves before anything else).
 */
export function createJobLookup(db: ApiDatabase, maxBatch = 500) {
  let queue: Array<{ kind: string; uid: string; resolve(found: boolean): void; reject(error: unknown): void }> = [];
  let scheduled = false;

  async function lookup(batch: typeof queue): Promise<void> {
    try {
      const found = new Set<string>();
      const kinds = [...new Set(batch.map((item) => item.kind))];
      for (const kind of kinds) {
        const uids = batch.filter((item) => item.kind === kind).map((item) => item.uid);
        const rows = await db
          .select({ uid: relayJobs.uid })
          .from(relayJobs)
          .where(and(eq(relayJobs.kind, kind), inArray(relayJobs.uid, uids)));
        for (const row of rows) found.add(`${kind}:${row.uid}`);
      }
      for (const item of batch) item.resolve(found.has(`${item.kind}:${item.uid}`));
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  function drain() {
    scheduled = false;
    const all = queue;
    queue = [];
    for (let start = 0; start < all.length; start += maxBatch) void lookup(all.slice(start, start + maxBatch));
  }

  return {
    /** Resolves true when a job of `kind` with `uid` is stored. */
    exists(kind: string, uid: string): Promise<boolean> {
      return new Promise((resolve, reject) => {
        queue.push({ kind, uid, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(drain);
        }
      });
    },
  };
}
