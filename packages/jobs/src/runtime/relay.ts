import { type Database, queryRows } from "@honeydue/db";
import type { Logger } from "@honeydue/observability";
import { sql } from "drizzle-orm";
import { startPollLoop } from "./poll-loop.ts";
import { jobData, jobOptions, type QueueName, queueOf } from "./queue-contract.ts";
import type { Queues } from "./queues.ts";
import { isJobName, parsePayload } from "./registry.ts";
import { runWithTimeout } from "./timeout.ts";

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
  retried_at: string | Date | null;
}

interface Publishable {
  id: string;
  queue: QueueName;
  retried: boolean;
  job: { name: string; data: unknown; opts: ReturnType<typeof jobOptions> };
}

const uuidList = (ids: string[]) =>
  sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );

/**
 * Publishes committed outbox rows to BullMQ with the outbox id as the BullMQ job id, then marks them
 * published. Rows are claimed with FOR UPDATE SKIP LOCKED inside the transaction that marks them, so
 * relays in several replicas never publish the same row at once; and since a job id that BullMQ already
 * knows is not added again, a row published twice (a crash between `add` and commit) is still one job.
 * While Redis is unreachable the transaction rolls back and the rows wait for the next pass.
 *
 * A row that cannot be published (unknown job name, invalid payload, refused by Redis on its own) is
 * marked failed by itself; it never rolls back or blocks the rows around it.
 */
export function startRelay(deps: {
  db: Database;
  queues: Queues;
  log: Logger;
  pollIntervalMs?: number;
  batchSize?: number;
  /** How long one publish may wait for Redis before the pass gives up (default 5 s). */
  publishTimeoutMs?: number;
  /** Counts rows marked failed because they could not be published (outbox_poison_rows_total). */
  onPoisonRow?: (job: string) => void;
}): Relay {
  const publishTimeoutMs = deps.publishTimeoutMs ?? 5000;
  const batchSize = deps.batchSize ?? 200;
  let failing = false;

  /** A job BullMQ keeps as failed or completed under a retried row's id would swallow the new `add`. */
  async function dropSettledJob(item: Publishable) {
    const existing = await deps.queues[item.queue].getJob(item.id);
    if (!existing) return;
    const state = await existing.getState();
    if (state === "failed" || state === "completed") await existing.remove();
  }

  async function runOnce(): Promise<number> {
    return deps.db.transaction(async (tx) => {
      const rows = await queryRows<Row>(
        tx,
        sql`
        SELECT id, job, payload, trace_context, retried_at FROM outbox
        WHERE published_at IS NULL AND processed_at IS NULL AND failed_at IS NULL
          AND available_at <= now() AND (locked_until IS NULL OR locked_until < now())
        ORDER BY available_at
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return 0;
      const poison = new Map<string, { job: string; error: string }>();
      const byQueue = new Map<QueueName, Publishable[]>();
      for (const row of rows) {
        if (!isJobName(row.job)) {
          poison.set(row.id, { job: String(row.job), error: "unknown job" });
          continue;
        }
        try {
          parsePayload(row.job, row.payload);
        } catch (error) {
          poison.set(row.id, { job: row.job, error: (error as Error).message });
          continue;
        }
        const queue = queueOf(row.job);
        const list = byQueue.get(queue) ?? [];
        list.push({
          id: row.id,
          queue,
          retried: row.retried_at !== null,
          job: {
            name: row.job,
            data: jobData(row.payload, row.trace_context),
            opts: jobOptions(row.job, row.id),
          },
        });
        byQueue.set(queue, list);
      }
      // BullMQ waits for a connection rather than failing: bound it, so the rows' locks are not held while
      // Redis is down (a late `add` after the rollback is harmless: the next pass reuses the same job ids).
      const published: string[] = [];
      for (const [queue, items] of byQueue) {
        await runWithTimeout(publishTimeoutMs, async () => {
          for (const item of items) if (item.retried) await dropSettledJob(item);
          try {
            await deps.queues[queue].addBulk(items.map((i) => i.job));
            published.push(...items.map((i) => i.id));
          } catch (error) {
            // Redis unreachable: roll the whole pass back, every row waits. Redis up but refusing the
            // batch: one row is to blame, so add them one by one and fail only the ones refused.
            if (!(await redisAnswers(deps.queues))) throw error;
            for (const item of items) {
              try {
                await deps.queues[queue].add(item.job.name, item.job.data, item.job.opts);
                published.push(item.id);
              } catch (single) {
                poison.set(item.id, { job: item.job.name, error: (single as Error).message });
              }
            }
          }
        });
      }
      if (published.length) {
        await tx.execute(
          sql`UPDATE outbox SET published_at = now(), checked_at = NULL, retried_at = NULL
              WHERE id IN (${uuidList(published)})`,
        );
      }
      for (const [id, { job, error }] of poison) {
        deps.log.error({ jobId: id, job, error }, "outbox row cannot be published; marked failed");
        deps.onPoisonRow?.(job);
        await tx.execute(
          sql`UPDATE outbox SET failed_at = now(), last_error = ${error.slice(0, 1000)} WHERE id = ${id}::uuid`,
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

async function redisAnswers(queues: Queues): Promise<boolean> {
  try {
    return (await runWithTimeout(1000, () => queues.connection.ping())) === "PONG";
  } catch {
    return false;
  }
}

/**
 * Redis pub/sub channel on which the API announces committed outbox rows (`notifyOutbox()` with REDIS_URL
 * set), so the worker's relay publishes them at once instead of at its next poll. Losing a kick (Redis
 * down) only delays the rows until that poll.
 */
export const OUTBOX_KICK_CHANNEL = "honeydue:outbox-kick";
