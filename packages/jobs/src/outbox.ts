import { outbox, type Queryable } from "@honeydue/db";
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
 * The active span's W3C trace context (traceparent/tracestate), stored with the row so the job's span
 * becomes a child of the request that caused it. Null when tracing is off or no span is active.
 */
function currentTraceContext(): Record<string, string> | null {
  const carrier = injectTraceContext();
  return Object.keys(carrier).length > 0 ? carrier : null;
}

/** Rows still to be delivered (not published, processed or failed) and the age of the oldest, in seconds. */
export async function outboxStats(db: Queryable): Promise<{ backlog: number; oldestAgeSeconds: number }> {
  const { rows } = (await db.execute(sql`
    SELECT count(*)::int AS backlog, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age
    FROM outbox WHERE published_at IS NULL AND processed_at IS NULL AND failed_at IS NULL`)) as unknown as {
    rows: { backlog: number; age: number }[];
  };
  return { backlog: Number(rows[0]?.backlog ?? 0), oldestAgeSeconds: Number(rows[0]?.age ?? 0) };
}
