import { define, type Schedule, TickPayload } from "../../runtime/definition.ts";

const TICK = { queue: "reminders", payload: TickPayload, attempts: 3, timeoutMs: 10 * 60_000 } as const;

/** The reminders group: the hourly ticks of the daily digest, warranty reminders and escalation. */
export const REMINDER_JOBS = {
  // digest.ts: each user's digest from their digest hour, in their own time zone.
  "reminders.digest-tick": define(TICK),
  // warranty.ts: 30 and 7 days before a warranty expires.
  "reminders.warranty-tick": define(TICK),
  // escalation.ts: overdue tasks by each residence's policy, each recipient told from their digest hour.
  "reminders.escalation-tick": define(TICK),
} as const;

export const REMINDER_SCHEDULES = [
  { id: "digest-tick", job: "reminders.digest-tick", cron: "0 * * * *" },
  { id: "warranty-tick", job: "reminders.warranty-tick", cron: "5 * * * *" },
  { id: "escalation-tick", job: "reminders.escalation-tick", cron: "11 * * * *" },
] as const satisfies readonly Schedule<keyof typeof REMINDER_JOBS>[];
