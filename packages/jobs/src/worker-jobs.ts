import Type from "typebox";
import { define } from "./runtime/definition.ts";

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

/**
 * When each scheduled job runs: one cron expression each (UTC). The worker upserts them as BullMQ job
 * schedulers; the embedded mode computes its timers from the same expressions (`nextRun`, cron-parser,
 * the parser BullMQ uses), so the two can never disagree.
 */
export const SCHEDULES = [
  { id: "digest-tick", job: "reminders.digest-tick", cron: "0 * * * *" },
  { id: "warranty-tick", job: "reminders.warranty-tick", cron: "5 * * * *" },
  { id: "recall-check", job: "recalls.check", cron: "23 * * * *" },
  { id: "housekeeping", job: "housekeeping.cleanup", cron: "17 3 * * *" },
  // Uploads never attached within 24 hours (files-handlers.ts).
  { id: "files-cleanup", job: "files.cleanup-uploads", cron: "41 * * * *" },
] as const;
