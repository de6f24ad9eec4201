import { defineTick, type Schedule } from "../../runtime/definition.ts";

/** The reminders group: the hourly ticks of the daily digest, warranty reminders and escalation. */
export const REMINDER_JOBS = {
  // digest.ts: each user's digest from their digest hour, in their own time zone.
  "reminders.digest-tick": defineTick("reminders"),
  // warranty.ts: 30 and 7 days before a warranty expires.
  "reminders.warranty-tick": defineTick("reminders"),
  // escalation.ts: overdue tasks by each residence's policy, each recipient told from their digest hour.
  "reminders.escalation-tick": defineTick("reminders"),
} as const;

export const REMINDER_SCHEDULES = [
  { id: "digest-tick", job: "reminders.digest-tick", cron: "0 * * * *" },
  { id: "warranty-tick", job: "reminders.warranty-tick", cron: "5 * * * *" },
  { id: "escalation-tick", job: "reminders.escalation-tick", cron: "11 * * * *" },
] as const satisfies readonly Schedule<keyof typeof REMINDER_JOBS>[];
