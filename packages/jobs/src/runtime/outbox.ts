import { outbox, type Queryable, queryRows } from "@honeydue/db";
import { injectTraceContext } from "@honeydue/observability";
import { sql } from "drizzle-orm";
import { type JobName, type JobPayload, parsePayload } from "./registry.ts";

/**
 * Writes a job to the outbox. Call it inside the transaction of the change that causes the job:
 * the job exists exactly when the change committed (a rollback leaves no email behind).
 */
export async function enqueueJob<N extends JobName>(
  db: Queryable,
  name: N,
  payload: JobPayload<N>,
  options: { availableAt?: Date; traceContext?: Record<string, string> } = {},
): Promise<string> {
  const checked = parsePayload(name, payload);
  const [row] = await db
    .insert(outbox)
    .values({
      job: name,
      payload: checked,
      traceContext: options.traceContext ?? currentTraceContext(),
      ...(options.availableAt ? { availableAt: options.availableAt } : {}),
    })
    .returning({ id: outbox.id });
  return row!.id;
}

/**
 * Writes many jobs of one kind in one statement (the digest tick writes a batch at a time), with ids
 * chosen by the caller so other rows can point at them. Same rules as `enqueueJob`: inside the causing
 * transaction, payloads checked first.
 */
export async function enqueueJobs<N extends JobName>(
  db: Queryable,
  name: N,
  jobs: readonly { id: string; payload: JobPayload<N> }[],
): Promise<void> {
  if (jobs.length === 0) return;
  const rows = jobs.map((j) => ({ id: j.id, payload: parsePayload(name, j.payload) }));
  const traceContext = currentTraceContext();
  await db.execute(sql`
    INSERT INTO outbox (id, job, payload, trace_context)
    SELECT r.id, ${name}, r.payload, ${traceContext ? JSON.stringify(traceContext) : null}::jsonb
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(id uuid, payload jsonb)`);
}

/**
 * The active span's W3C trace context (traceparent/tracestate), stored with the row so the job's span
 * becomes a child of the request that caused it. Null when tracing is off or no span is active.
 */
function currentTraceContext(): Record<string, string> | null {
  const carrier = injectTraceContext();
  return Object.keys(carrier).length > 0 ? carrier : null;
}

/**
 * The outbox's health for metrics: rows waiting to be published (backlog, oldest age), rows published whose
 * job has not finished (the reconciler's business) and rows failed for good. One query on partial indexes.
 */
export async function outboxStats(db: Queryable): Promise<{
  backlog: number;
  oldestAgeSeconds: number;
  unfinished: number;
  unfinishedOldestAgeSeconds: number;
  failed: number;
}> {
  const rows = await queryRows<{
    backlog: number;
    age: number;
    unfinished: number;
    unfinished_age: number;
    failed: number;
  }>(
    db,
    sql`
    SELECT
      (SELECT count(*)::int FROM outbox
        WHERE published_at IS NULL AND processed_at IS NULL AND failed_at IS NULL) AS backlog,
      (SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 FROM outbox
        WHERE published_at IS NULL AND processed_at IS NULL AND failed_at IS NULL) AS age,
      (SELECT count(*)::int FROM outbox
        WHERE published_at IS NOT NULL AND processed_at IS NULL AND failed_at IS NULL) AS unfinished,
      (SELECT coalesce(extract(epoch FROM now() - min(published_at)), 0)::float8 FROM outbox
        WHERE published_at IS NOT NULL AND processed_at IS NULL AND failed_at IS NULL) AS unfinished_age,
      (SELECT count(*)::int FROM outbox WHERE failed_at IS NOT NULL) AS failed`,
  );
  const r = rows[0];
  return {
    backlog: Number(r?.backlog ?? 0),
    oldestAgeSeconds: Number(r?.age ?? 0),
    unfinished: Number(r?.unfinished ?? 0),
    unfinishedOldestAgeSeconds: Number(r?.unfinished_age ?? 0),
    failed: Number(r?.failed ?? 0),
  };
}
