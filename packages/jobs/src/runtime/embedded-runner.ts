import { type Database, queryRows } from "@honeydue/db";
import { type Logger, SpanKind, withExtractedContext, withSpan } from "@honeydue/observability";
import { sql } from "drizzle-orm";
import { startPollLoop } from "./poll-loop.ts";
import { isPermanentError } from "./queue-contract.ts";
import type { JobObserver } from "./queues.ts";
import { assertHandlers, handlerFor, isJobName, JOBS, type JobHandlers, parsePayload } from "./registry.ts";
import { runWithTimeout } from "./timeout.ts";

export interface EmbeddedRunner {
  /** Look for work now (called after a commit that enqueued a job). */
  kick(): void;
  /** Waits for the job in hand, then stops polling. */
  stop(): Promise<void>;
}

interface ClaimedRow extends Record<string, unknown> {
  id: string;
  job: string;
  payload: unknown;
  attempts: number;
  trace_context: Record<string, string> | null;
}

/** Exponential backoff with a cap: 2 s, 4 s, 8 s, ... up to 10 minutes. */
export function backoffMs(attempt: number): number {
  return Math.min(2 ** attempt * 1000, 10 * 60 * 1000);
}

/** A claimed row's lease outlives its job's timeout by this much (the time to record the outcome). */
export const LEASE_MARGIN_MS = 60_000;

/** Each job's lease in seconds, by job name: its timeout plus LEASE_MARGIN_MS. */
const LEASE_SECONDS = JSON.stringify(
  Object.fromEntries(Object.entries(JOBS).map(([name, d]) => [name, (d.timeoutMs + LEASE_MARGIN_MS) / 1000])),
);

/**
 * Runs outbox jobs inside the current process, for the embedded mode (no Redis). Rows are claimed one at
 * a time with FOR UPDATE SKIP LOCKED and a lease as long as the job's timeout plus a margin, so several
 * processes can run it side by side without running a job twice (a row is leased only when its job
 * starts, and the lease cannot end while it runs), and a job whose process died is picked up again when
 * its lease ends.
 */
export function startEmbeddedRunner(deps: {
  db: Database;
  handlers: JobHandlers;
  log: Logger;
  pollIntervalMs?: number;
  /** Job durations and outcomes (jobs_total, job_duration_seconds). */
  metrics?: JobObserver;
}): EmbeddedRunner {
  // The map is typed, but it is built at run time from the groups: a job without a handler stops the boot.
  assertHandlers(deps.handlers);
  // One row at a time: claiming a batch leased rows that then waited behind the others, and a lease shorter
  // than a job's timeout let another process claim a row while it was still running.
  async function claim(): Promise<ClaimedRow | undefined> {
    const [row] = await queryRows<ClaimedRow>(
      deps.db,
      sql`
      UPDATE outbox
      SET locked_until = now() + make_interval(secs => coalesce((${LEASE_SECONDS}::jsonb ->> job)::float8, 300)),
          attempts = attempts + 1
      WHERE id = (
        SELECT id FROM outbox
        WHERE processed_at IS NULL AND published_at IS NULL AND failed_at IS NULL
          AND available_at <= now() AND (locked_until IS NULL OR locked_until < now())
        ORDER BY available_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id, job, payload, attempts, trace_context`,
    );
    return row;
  }

  async function runOne(row: ClaimedRow) {
    const log = deps.log.child({ jobId: row.id, job: row.job, attempt: row.attempts });
    try {
      if (!isJobName(row.job)) throw new Error(`Unknown job ${row.job}`);
      const payload = parsePayload(row.job, row.payload);
      const handler = handlerFor(deps.handlers, row.job);
      const timeoutMs = JOBS[row.job].timeoutMs;
      const queue = JOBS[row.job].queue;
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      // The job's span continues the trace of the request that wrote the outbox row.
      await withExtractedContext(row.trace_context, () =>
        withSpan(
          `job ${queue}/${row.job}`,
          () =>
            runWithTimeout(timeoutMs, () =>
              handler(payload, { jobId: row.id, attempt: row.attempts, traceContext: row.trace_context }),
            ),
          {
            kind: SpanKind.CONSUMER,
            attributes: {
              "messaging.system": "outbox",
              "messaging.message.id": row.id,
              "job.attempt": row.attempts,
            },
          },
        ),
      ).catch((error: unknown) => {
        const final = row.attempts >= JOBS[row.job as keyof typeof JOBS].attempts || isPermanentError(error);
        deps.metrics?.observeJob(queue, row.job, final ? "failed" : "retried", seconds());
        throw error;
      });
      deps.metrics?.observeJob(queue, row.job, "completed", seconds());
      await deps.db.execute(
        sql`UPDATE outbox SET processed_at = now(), locked_until = NULL, last_error = NULL WHERE id = ${row.id}`,
      );
      log.debug("job done");
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const maxAttempts = isJobName(row.job) && !isPermanentError(error) ? JOBS[row.job].attempts : 1;
      if (row.attempts >= maxAttempts) {
        log.error({ err: error }, "job failed for good");
        await deps.db.execute(
          sql`UPDATE outbox SET failed_at = now(), locked_until = NULL, last_error = ${message} WHERE id = ${row.id}`,
        );
      } else {
        const retryAt = new Date(Date.now() + backoffMs(row.attempts));
        log.warn({ err: error, retryAt }, "job failed, will retry");
        await deps.db.execute(
          sql`UPDATE outbox SET available_at = ${retryAt}, locked_until = NULL, last_error = ${message} WHERE id = ${row.id}`,
        );
      }
    }
  }

  // A kick from inside a request must not make the runner's own queries part of that request's trace.
  const loop = startPollLoop({
    pollIntervalMs: deps.pollIntervalMs ?? 1000,
    async pass(isStopped) {
      for (;;) {
        if (isStopped()) return;
        const row = await claim();
        if (!row) break;
        await runOne(row);
      }
    },
    onError: (error) => deps.log.error({ err: error }, "outbox runner error"),
    wrap: (drain) => withExtractedContext(null, drain),
  });
  return { kick: loop.kick, stop: loop.stop };
}
