import { define, type Schedule, TickPayload } from "../../runtime/definition.ts";

/**
 * The recalls group (check.ts): fetches each source once per RECALLS_CHECK_INTERVAL_HOURS and matches the
 * appliances against the stored notices every hour.
 */
export const RECALL_JOBS = {
  "recalls.check": define({ queue: "reminders", payload: TickPayload, attempts: 3, timeoutMs: 10 * 60_000 }),
} as const;

export const RECALL_SCHEDULES = [
  { id: "recall-check", job: "recalls.check", cron: "23 * * * *" },
] as const satisfies readonly Schedule<keyof typeof RECALL_JOBS>[];
