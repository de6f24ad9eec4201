import { defineTick, type Schedule } from "../../runtime/definition.ts";

/** The housekeeping group: the daily cleanup (handlers.ts). */
export const HOUSEKEEPING_JOBS = {
  "housekeeping.cleanup": defineTick("housekeeping"),
} as const;

export const HOUSEKEEPING_SCHEDULES = [
  { id: "housekeeping", job: "housekeeping.cleanup", cron: "17 3 * * *" },
] as const satisfies readonly Schedule<keyof typeof HOUSEKEEPING_JOBS>[];
