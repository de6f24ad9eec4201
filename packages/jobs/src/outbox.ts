import { outbox, type Queryable } from "@honeydue/db";
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
      traceContext: options.traceContext ?? null,
      ...(options.availableAt ? { availableAt: options.availableAt } : {}),
    })
    .returning({ id: outbox.id });
  return row!.id;
}
