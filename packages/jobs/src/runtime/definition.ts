import type { TSchema } from "typebox";

/**
 * Every job honeyDue runs: its queue, its payload schema and its retry policy. A job is written to the
 * outbox with `enqueueJob` and run by exactly one handler (see `assertHandlers`).
 */
export interface JobDefinition<P extends TSchema = TSchema> {
  queue: "email" | "push" | "reminders" | "housekeeping" | "files";
  payload: P;
  /** Total attempts before the job is marked failed. */
  attempts: number;
  timeoutMs: number;
}

/** Keeps a definition's payload type (for `JobPayload`). */
export const define = <P extends TSchema>(d: JobDefinition<P>) => d;
