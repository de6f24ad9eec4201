import Type, { type TSchema } from "typebox";
import type { JobDefinition } from "./registry.ts";

const define = <P extends TSchema>(d: JobDefinition<P>) => d;

export const PushSendPayload = Type.Object({
  userId: Type.String({ minLength: 1 }),
  /** e.g. "task.due_today", "task.assigned", "task.completed" */
  kind: Type.String({ minLength: 1, maxLength: 64 }),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  body: Type.String({ maxLength: 1000 }),
  data: Type.Optional(Type.Record(Type.String(), Type.String())),
});

/** Scheduled ticks carry no data; `at` (ISO instant) replays a tick for a given time (tests, backfills). */
export const TickPayload = Type.Object({ at: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })) });

/** The jobs of the reminders, push and housekeeping queues (spread into JOBS in registry.ts). */
export const WORKER_JOBS = {
  "push.send": define({ queue: "push", payload: PushSendPayload, attempts: 5, timeoutMs: 30_000 }),
  "reminders.digest-tick": define({
    queue: "reminders",
    payload: TickPayload,
    attempts: 3,
    timeoutMs: 10 * 60_000,
  }),
  "reminders.warranty-tick": define({
    queue: "reminders",
    payload: TickPayload,
    attempts: 3,
    timeoutMs: 10 * 60_000,
  }),
  // Escalation of overdue tasks (escalation.ts): hourly, each recipient told from their digest hour.
  "reminders.escalation-tick": define({
    queue: "reminders",
    payload: TickPayload,
    attempts: 3,
    timeoutMs: 10 * 60_000,
  }),
  // Recall checks (recalls/check.ts): fetches each source once per RECALLS_CHECK_INTERVAL_HOURS, matches hourly.
  "recalls.check": define({
    queue: "reminders",
    payload: TickPayload,
    attempts: 3,
    timeoutMs: 10 * 60_000,
  }),
  "housekeeping.cleanup": define({
    queue: "housekeeping",
    payload: TickPayload,
    attempts: 3,
    timeoutMs: 10 * 60_000,
  }),
} as const;

/** When each scheduled job runs (cron, UTC). Upserted as BullMQ job schedulers by every worker at boot. */
/** `everyMs` + `offsetMs` (UTC) say what the cron pattern says, for the embedded mode's own timer. */
export const SCHEDULES = [
  { id: "digest-tick", job: "reminders.digest-tick", pattern: "0 * * * *", everyMs: 3_600_000, offsetMs: 0 },
  {
    id: "warranty-tick",
    job: "reminders.warranty-tick",
    pattern: "5 * * * *",
    everyMs: 3_600_000,
    offsetMs: 5 * 60_000,
  },
  {
    id: "escalation-tick",
    job: "reminders.escalation-tick",
    pattern: "11 * * * *",
    everyMs: 3_600_000,
    offsetMs: 11 * 60_000,
  },
  {
    id: "recall-check",
    job: "recalls.check",
    pattern: "23 * * * *",
    everyMs: 3_600_000,
    offsetMs: 23 * 60_000,
  },
  {
    id: "housekeeping",
    job: "housekeeping.cleanup",
    pattern: "17 3 * * *",
    everyMs: 24 * 3_600_000,
    offsetMs: 197 * 60_000,
  },
  // Uploads never attached within 24 hours (files-handlers.ts).
  {
    id: "files-cleanup",
    job: "files.cleanup-uploads",
    pattern: "41 * * * *",
    everyMs: 3_600_000,
    offsetMs: 41 * 60_000,
  },
] as const;
