import { type Database, queryRows } from "@honeydue/db";
import type { Logger } from "@honeydue/observability";
import { sql } from "drizzle-orm";
import type { Redis } from "ioredis";
import { startPollLoop } from "./poll-loop.ts";
import { finishOutboxRow, jobData, jobOptions, queueOf } from "./queue-contract.ts";
import type { Queues } from "./queues.ts";
import { isJobName } from "./registry.ts";
import { runWithTimeout } from "./timeout.ts";

export interface Reconciler {
  /** Check now (Redis reconnected). */
  kick(): void;
  /** One pass; `all` checks every unfinished row regardless of age (Redis lost its data). */
  runOnce(options?: { all?: boolean }): Promise<ReconcileResult>;
  stop(): Promise<void>;
}

export interface ReconcileResult {
  /** Rows looked at in Redis. */
  checked: number;
  /** Rows whose job was gone from Redis and was added again (same job id). */
  republished: number;
  /** Rows finished from the job's state in Redis (its end was not recorded on the row). */
  finished: number;
  /** Redis had lost its data marker. */
  dataLost: boolean;
}

interface Row extends Record<string, unknown> {
  id: string;
  job: string;
  payload: unknown;
  trace_context: Record<string, string> | null;
}

/**
 * Key whose absence says Redis lost its data (restarted without persistence, flushed, failed over to an
 * empty replica). Written by the reconciler; with `noeviction` nothing else removes it.
 */
export const dataMarkerKey = (prefix: string) => `${prefix}:outbox:data-marker`;

/**
 * Keeps the outbox the source of truth until a job is done. A row the relay published whose job has not
 * finished after `reconcileAfterMs` is looked up in Redis by its job id (= outbox id): gone → added
 * again under the same id (re-adding a job Redis still has is a no-op, and the handlers' effects are
 * idempotent, so a re-publish never doubles an effect); completed or failed for good → the row is
 * finished from it. Every pass also checks the data marker: a Redis that came back empty is reconciled at
 * once, every unfinished row regardless of age. Several workers may reconcile at once: nothing here
 * needs a lock.
 */
export function startReconciler(deps: {
  db: Database;
  queues: Queues;
  /** The producer connection (fails at once while Redis is down). */
  redis: Redis;
  prefix: string;
  log: Logger;
  reconcileAfterMs: number;
  /** How often the marker and the stale rows are checked (default 5 s). */
  pollIntervalMs?: number;
  batchSize?: number;
  metrics?: { republished(count: number): void; dataLost(): void };
}): Reconciler {
  const batchSize = deps.batchSize ?? 500;
  const markerKey = dataMarkerKey(deps.prefix);
  let markerSeen = false;
  let failing = false;

  async function runOnce(options: { all?: boolean } = {}): Promise<ReconcileResult> {
    // Missing marker: Redis lost its data, or (first pass of this process) may have while no worker ran,
    // or this is a new install. Either way every unfinished row is checked now; it costs a lookup each.
    const markerMissing = (await deps.redis.set(markerKey, new Date().toISOString(), "NX")) === "OK";
    const firstPass = !markerSeen;
    markerSeen = true;
    const all = options.all === true || markerMissing;
    const result: ReconcileResult = { checked: 0, republished: 0, finished: 0, dataLost: false };
    const [clock] = await queryRows<{ now: string | Date }>(deps.db, sql`SELECT now() AS now`);
    const passStart = new Date(clock!.now);
    const cutoff = all ? passStart : new Date(passStart.getTime() - deps.reconcileAfterMs);
    for (;;) {
      const rows = await queryRows<Row>(
        deps.db,
        sql`
        SELECT id, job, payload, trace_context FROM outbox
        WHERE published_at IS NOT NULL AND processed_at IS NULL AND failed_at IS NULL
          AND coalesce(checked_at, published_at) < ${cutoff.toISOString()}::timestamptz
        ORDER BY published_at
        LIMIT ${batchSize}`,
      );
      if (rows.length === 0) break;
      await reconcileRows(rows, result);
      await deps.db.execute(
        sql`UPDATE outbox SET checked_at = now() WHERE id IN (${sql.join(
          rows.map((r) => sql`${r.id}::uuid`),
          sql`, `,
        )})`,
      );
      result.checked += rows.length;
      if (rows.length < batchSize) break;
    }
    if (markerMissing && (!firstPass || result.republished > 0)) {
      result.dataLost = true;
      deps.metrics?.dataLost();
      deps.log.error(
        { republished: result.republished },
        "Redis lost its data (the outbox data marker was gone): unfinished rows re-published",
      );
    }
    if (result.republished > 0) {
      deps.metrics?.republished(result.republished);
      deps.log.warn(
        { republished: result.republished, checked: result.checked },
        "outbox rows re-published: their jobs were gone from Redis",
      );
    }
    return result;
  }

  async function reconcileRows(rows: Row[], result: ReconcileResult) {
    const missing: Row[] = [];
    await runWithTimeout(5000, () =>
      Promise.all(
        rows.map(async (row) => {
          if (!isJobName(row.job)) {
            await finishOutboxRow(deps.db, row.id, { failed: "unknown job", attempts: 0 });
            return;
          }
          const job = await deps.queues[queueOf(row.job)].getJob(row.id);
          if (!job) {
            missing.push(row);
            return;
          }
          const state = await job.getState();
          if (state === "completed") {
            await finishOutboxRow(deps.db, row.id, { processed: true });
            result.finished++;
          } else if (state === "failed") {
            await finishOutboxRow(deps.db, row.id, {
              failed: job.failedReason || "failed",
              attempts: job.attemptsMade,
            });
            result.finished++;
          }
        }),
      ),
    );
    for (const row of missing) {
      const name = row.job;
      if (!isJobName(name)) continue;
      await runWithTimeout(5000, () =>
        deps.queues[queueOf(name)].add(
          name,
          jobData(row.payload, row.trace_context),
          jobOptions(name, row.id),
        ),
      );
      result.republished++;
    }
  }

  const loop = startPollLoop({
    pollIntervalMs: deps.pollIntervalMs ?? 5000,
    async pass() {
      await runOnce();
      if (failing) {
        failing = false;
        deps.log.info("outbox reconciler running again");
      }
    },
    onError(error) {
      if (!failing) deps.log.warn({ err: error }, "outbox reconciler cannot run; will retry");
      failing = true;
    },
  });
  return { kick: loop.kick, runOnce, stop: loop.stop };
}
