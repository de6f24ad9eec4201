import type { Database } from "@honeydue/db";
import type { Logger } from "@honeydue/observability";
import { sql } from "drizzle-orm";
import { startPollLoop } from "./poll-loop.ts";
import { jobData, jobOptions, type QueueName, type Queues, queueOf, runWithTimeout } from "./queues.ts";
import { isJobName } from "./registry.ts";

export interface Relay {
  /** Publish now (called after a commit that wrote outbox rows). */
  kick(): void;
  /** One pass: publishes every due row, returns how many. Throws when Redis refuses. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

interface Row extends Record<string, unknown> {
  id: string;
  job: string;
  payload: unknown;
  trace_context: Record<string, string> | null;
}

/**
 * Publishes committed outbox rows to BullMQ with the outbox id as the BullMQ job id, then marks them
 * published. Rows are claimed with FOR UPDATE SKIP LOCKED inside the transaction that marks them, so
 * relays in several replicas never publish the same row at once; and since a job id that BullMQ already
 * knows is not added again, a row published twice (a crash between `add` and commit) is still one job.
 * While Redis is unreachable the transaction rolls back and the rows wait for the next pass.
 */
export function startRelay(deps: {
  db: Database;
  queues: Queues;
  log: Logger;
  pollIntervalMs?: number;
  batchSize?: number;
  /** How long one publish may wait for Redis before the pass gives up (default 5 s). */
  publishTimeoutMs?: number;
}): Relay {
  const publishTimeoutMs = deps.publishTimeoutMs ?? 5000;
  const batchSize = deps.batchSize ?? 200;
  let failing = false;

  async function runOnce(): Promise<number> {
    return deps.db.transaction(async (tx) => {
      const { rows } = (await tx.execute(sql`
        SELECT id, job, payload, trace_context FROM outbox
        WHERE published_at IS NULL AND processed_at IS NULL AND failed_at IS NULL
          AND available_at <= now() AND (locked_until IS NULL OR locked_until < now())
        ORDER BY available_at
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`)) as unknown as { rows: Row[] };
      if (rows.length === 0) return 0;
      const byQueue = new Map<
        QueueName,
        { name: string; data: unknown; opts: ReturnType<typeof jobOptions> }[]
      >();
      const unknown: string[] = [];
      for (const row of rows) {
        if (!isJobName(row.job)) {
          unknown.push(row.id);
          continue;
        }
        const queue = queueOf(row.job);
        const list = byQueue.get(queue) ?? [];
        list.push({
          name: row.job,
          data: jobData(row.payload, row.trace_context),
          opts: jobOptions(row.job, row.id),
        });
        byQueue.set(queue, list);
      }
      // BullMQ waits for a connection rather than failing: bound it, so the rows' locks are not held while
      // Redis is down (a late `add` after the rollback is harmless: the next pass reuses the same job ids).
      for (const [queue, jobs] of byQueue)
        await runWithTimeout(publishTimeoutMs, () => deps.queues[queue].addBulk(jobs as never));
      const published = rows.filter((r) => !unknown.includes(r.id)).map((r) => r.id);
      if (published.length) {
        await tx.execute(
          sql`UPDATE outbox SET published_at = now() WHERE id IN (${sql.join(
            published.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`,
        );
      }
      if (unknown.length) {
        deps.log.error({ ids: unknown }, "outbox rows name unknown jobs");
        await tx.execute(
          sql`UPDATE outbox SET failed_at = now(), last_error = 'unknown job' WHERE id IN (${sql.join(
            unknown.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`,
        );
      }
      return rows.length;
    });
  }

  const loop = startPollLoop({
    pollIntervalMs: deps.pollIntervalMs ?? 1000,
    async pass(isStopped) {
      for (;;) {
        if (isStopped()) return;
        const n = await runOnce();
        if (failing) {
          failing = false;
          deps.log.info("outbox relay publishing again");
        }
        if (n < batchSize) break;
      }
    },
    onError(error) {
      if (!failing) deps.log.warn({ err: error }, "outbox relay cannot publish; rows wait in the outbox");
      failing = true;
    },
  });
  return { kick: loop.kick, runOnce, stop: loop.stop };
}

/**
 * Redis pub/sub channel on which the API announces committed outbox rows (`notifyOutbox()` with REDIS_URL
 * set), so the worker's relay publishes them at once instead of at its next poll. Losing a kick (Redis
 * down) only delays the rows until that poll.
 */
export const OUTBOX_KICK_CHANNEL = "honeydue:outbox-kick";
