import { defineTick, type Schedule } from "../../runtime/definition.ts";

/**
 * The recalls group (check.ts): fetches each source once per RECALLS_CHECK_INTERVAL_HOURS and matches the
 * appliances against the stored notices every hour.
 */
export const RECALL_JOBS = {
  "recalls.check": defineTick("reminders"),
} as const;

export const RECALL_SCHEDULES = [
  { id: "recall-check", job: "recalls.check", cron: "23 * * * *" },
] as const satisfies readonly Schedule<keyof typeof RECALL_JOBS>[];
