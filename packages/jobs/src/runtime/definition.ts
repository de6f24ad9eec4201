import Type, { type Static, type TSchema } from "typebox";

/**
 * Every job honeyDue runs: its queue, its payload schema and its retry policy. A job is written to the
 * outbox with `enqueueJob` and run by exactly one handler (see `assertHandlers`). Each group of jobs
 * (packages/jobs/src/jobs/<group>/definitions.ts) defines its own; the registry composes them.
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

export interface JobContext {
  /** The outbox id: stable across retries and relays, so handlers use it to make effects happen once. */
  jobId: string;
  attempt: number;
  traceContext?: Record<string, string> | null;
}

/** The handlers of a group: one for each job the group defines, taking that job's payload. */
export type HandlersOf<D extends Record<string, JobDefinition>> = {
  [N in keyof D]: (payload: Static<D[N]["payload"]>, context: JobContext) => Promise<void>;
};

/**
 * When a periodic job runs: one cron expression (UTC). The worker upserts it as a BullMQ job scheduler
 * under `id`; the embedded mode computes its timers from the same expression (`nextRun`).
 */
export interface Schedule<N extends string = string> {
  id: string;
  job: N;
  cron: string;
}

/** Scheduled ticks carry no data; `at` (ISO instant) replays a tick for a given time (tests, backfills). */
export const TickPayload = Type.Object({ at: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })) });

/**
 * A scheduled tick: no data but an optional `at`, 3 attempts, 10 minutes. Every periodic job is one, so
 * their retry policy is written here once.
 */
export const defineTick = (queue: JobDefinition["queue"]) =>
  define({ queue, payload: TickPayload, attempts: 3, timeoutMs: 10 * 60_000 });

/** The instant a tick runs for: its `at`, or now. */
export function tickInstant(at: string | undefined): Date {
  if (at === undefined) return new Date();
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) throw new Error(`tick: 'at' is not an instant: ${at}`);
  return d;
}
