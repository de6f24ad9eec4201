import type { Database } from "@honeydue/db";
import type { Logger } from "@honeydue/observability";
import { CronExpressionParser } from "cron-parser";
import { enqueueJob } from "./outbox.ts";
import { SCHEDULES } from "./registry.ts";

export interface EmbeddedSchedules {
  stop(): void;
}

/** The next instant after `now` (epoch ms) at which a cron expression (UTC) fires. */
export function nextRun(cron: string, now: number): number {
  return CronExpressionParser.parse(cron, { currentDate: new Date(now), tz: "UTC" })
    .next()
    .getTime();
}

/**
 * The schedules of the embedded mode (no Redis, so no BullMQ job schedulers): a timer per schedule writes
 * its tick job to the outbox at the same times as the worker's cron patterns, and the embedded runner runs
 * it like any other job. Ticks are idempotent, so a second API process doing the same sends nothing twice.
 */
export function startEmbeddedSchedules(deps: {
  db: Database;
  log: Logger;
  notifyOutbox: () => void;
  now?: () => number;
}): EmbeddedSchedules {
  const now = deps.now ?? Date.now;
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  for (const schedule of SCHEDULES) {
    const arm = () => {
      if (stopped) return;
      const delay = Math.max(0, nextRun(schedule.cron, now()) - now());
      const timer = setTimeout(async () => {
        try {
          await enqueueJob(deps.db, schedule.job, {});
          deps.notifyOutbox();
        } catch (error) {
          deps.log.error({ err: error, schedule: schedule.id }, "could not enqueue a scheduled job");
        }
        arm();
      }, delay);
      timer.unref();
      timers.set(schedule.id, timer);
    };
    arm();
  }
  return {
    stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
    },
  };
}
