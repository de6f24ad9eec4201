// What producers and consumers of the queues agree on, without BullMQ: which queue a job goes to, the job
// data envelope, the job options, the outbox job ids, finishing an outbox row and permanent errors. The API
// imports only this (through the package's entry); the BullMQ runtime (connections, queues, workers) is
// `@honeydue/jobs/queues`, loaded by the worker alone, so the API does not load BullMQ's ~220 modules.
import type { Database } from "@honeydue/db";
import type { JobsOptions } from "bullmq";
import { sql } from "drizzle-orm";
import type { JobDefinition } from "./definition.ts";
import { JOBS, type JobName } from "./registry.ts";

export type QueueName = JobDefinition["queue"];
export const QUEUE_NAMES: readonly QueueName[] = ["email", "push", "reminders", "housekeeping", "files"];

/**
 * Key of the trace context (W3C traceparent/tracestate) the relay adds to a job's data; the worker takes it
 * out again before validating the payload and runs the job's span in that context.
 */
export const TRACE_CONTEXT_KEY = "_traceContext";

/** Job data for BullMQ: the payload, plus the outbox row's trace context when it has one. */
export function jobData(payload: unknown, traceContext: Record<string, string> | null | undefined): unknown {
  if (!traceContext || payload === null || typeof payload !== "object" || Array.isArray(payload))
    return payload;
  return { ...payload, [TRACE_CONTEXT_KEY]: traceContext };
}

/** Splits BullMQ job data into the payload and the trace context the relay added (if any). */
export function splitJobData(data: unknown): {
  payload: unknown;
  traceContext: Record<string, string> | null;
} {
  if (data === null || typeof data !== "object" || !(TRACE_CONTEXT_KEY in data)) {
    return { payload: data, traceContext: null };
  }
  const { [TRACE_CONTEXT_KEY]: traceContext, ...payload } = data as Record<string, unknown>;
  return {
    payload,
    traceContext:
      traceContext !== null && typeof traceContext === "object"
        ? (traceContext as Record<string, string>)
        : null,
  };
}

/** Failed jobs are kept for inspection and retry, bounded by count and age. */
export const FAILED_JOBS_KEPT = { count: 5000, age: 30 * 24 * 3600 };
/**
 * Completed jobs are removed, after an hour: while a completed job id is still known, a relay that publishes
 * the same outbox row again (it crashed between `add` and marking the row) adds nothing.
 */
export const COMPLETED_JOBS_KEPT = { age: 3600, count: 10_000 };

/** BullMQ options of a job: its registry attempts, exponential backoff from 2 s, bounded retention. */
export function jobOptions(name: JobName, jobId?: string): JobsOptions {
  return {
    ...(jobId ? { jobId } : {}),
    attempts: JOBS[name].attempts,
    backoff: { type: "exponential", delay: 2000 },
    removeOnComplete: COMPLETED_JOBS_KEPT,
    removeOnFail: FAILED_JOBS_KEPT,
  };
}

export function queueOf(name: JobName): QueueName {
  return JOBS[name].queue;
}

/**
 * Errors no retry can fix: BullMQ's UnrecoverableError, errors that say so (`permanent: true`, e.g. an
 * unknown email template or missing template data) and 5xx refusals of an SMTP server.
 */
export function isPermanentError(error: unknown): boolean {
  // By name, so this module needs no BullMQ at run time (BullMQ sets it to the class's name).
  if (error instanceof Error && error.name === "UnrecoverableError") return true;
  if (error === null || typeof error !== "object") return false;
  const { permanent, responseCode } = error as { permanent?: unknown; responseCode?: unknown };
  return (
    permanent === true || (typeof responseCode === "number" && responseCode >= 500 && responseCode < 600)
  );
}

const OUTBOX_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Jobs the relay published carry their outbox id as job id; scheduler ticks have none. */
export const isOutboxJobId = (id: string | undefined): id is string => !!id && OUTBOX_ID.test(id);

/**
 * Records a job's end on its outbox row: the row is finished only now (the reconciler re-publishes rows
 * published but never finished). Done before BullMQ is told, so a Redis that lost the job meanwhile
 * costs nothing; a failure here fails the attempt and the (idempotent) handler runs again.
 */
export async function finishOutboxRow(
  db: Database,
  id: string,
  outcome: { processed: true } | { failed: string; attempts: number },
): Promise<void> {
  if ("processed" in outcome) {
    await db.execute(
      sql`UPDATE outbox SET processed_at = now(), last_error = NULL WHERE id = ${id}::uuid AND processed_at IS NULL`,
    );
  } else {
    await db.execute(sql`UPDATE outbox SET failed_at = now(), last_error = ${outcome.failed.slice(0, 1000)},
      attempts = ${outcome.attempts} WHERE id = ${id}::uuid AND processed_at IS NULL`);
  }
}
