import pg from "pg";
import type { Logger } from "pino";

/** Which instance of the API runs the background work (indexer and relayer) on a shared database. */
export interface Leadership {
  /** Whether this instance runs the indexer and relayer right now. */
  isLeader(): boolean;
  /** Gives up leadership (stopping the work first) and stops trying. */
  stop(): Promise<void>;
}

export interface LeadershipOptions {
  /** PostgreSQL server shared by the instances; without it (PGlite) this process is the only one. */
  databaseUrl?: string;
  /** PostgreSQL schema of this deployment: instances on other schemas do not compete. */
  schema?: string;
  logger: Logger;
  /** Starts the background work when this instance becomes the leader. */
  lead(): void;
  /** Stops it (awaited) when leadership is lost or on stop. */
  standDown(): Promise<void>;
  /** Delay between attempts to become the leader, and between checks of the lock's connection. */
  retryMs?: number;
}

/**
 * Several API instances may serve one PostgreSQL database, but only one may relay (one account's
 * nonces) and index. The leader holds a session-level advisory lock on a connection of its own; when
 * that connection dies (process killed, server restart), PostgreSQL releases the lock and another
 * instance takes over within `retryMs`. An instance that loses the connection stops its work before
 * trying again, so two instances never relay at once. With PGlite (one process per data folder, by
 * the folder lock) the instance always leads.
 */
export function startLeadership(options: LeadershipOptions): Leadership {
  const retryMs = options.retryMs ?? 2_000;
  const lockName = `fontaine-api-leader:${options.schema ?? "public"}`;
  let leader = false;
  let stopped = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let transition: Promise<void> = Promise.resolve();

  if (!options.databaseUrl) {
    leader = true;
    options.lead();
    return {
      isLeader: () => leader,
      async stop() {
        stopped = true;
        if (leader) await options.standDown();
        leader = false;
      },
    };
  }
  const databaseUrl = options.databaseUrl;

  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void (transition = transition.then(attempt)), ms);
    timer.unref();
  };

  async function loseLeadership(reason: string): Promise<void> {
    if (!leader) return;
    leader = false;
    options.logger.warn({ reason }, "lost the leader lock: stopping the indexer and relayer");
    await options.standDown();
  }

  async function closeClient(): Promise<void> {
    const current = client;
    client = undefined;
    await current?.end().catch(() => undefined);
  }

  async function attempt(): Promise<void> {
    if (stopped) return;
    if (leader && client) {
      // Still holding it? A dead connection means the server already released the lock.
      try {
        await client.query("select 1");
        schedule(retryMs);
        return;
      } catch (error) {
        await loseLeadership(error instanceof Error ? error.message : String(error));
        await closeClient();
      }
    }
    try {
      const candidate = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
      candidate.on("error", () => {
        // Reported by the next check; an error event must not crash the process.
      });
      await candidate.connect();
      const result = await candidate.query<{ locked: boolean }>("select pg_try_advisory_lock(hashtext($1)) as locked", [
        lockName,
      ]);
      if (result.rows[0]?.locked && !stopped) {
        client = candidate;
        leader = true;
        options.logger.info("leader: running the indexer and relayer");
        options.lead();
      } else {
        await candidate.end().catch(() => undefined);
      }
    } catch (error) {
      options.logger.debug({ err: error }, "cannot try the leader lock yet");
    }
    schedule(retryMs);
  }

  schedule(0);
  return {
    isLeader: () => leader,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await transition;
      if (leader) {
        leader = false;
        await options.standDown();
      }
      await closeClient();
    },
  };
}
