import type { Static } from "typebox";
import Value from "typebox/value";
import { EMAIL_JOBS } from "../jobs/email/definitions.ts";
import { FILES_JOBS, FILES_SCHEDULES } from "../jobs/files/definitions.ts";
import { HOUSEKEEPING_JOBS, HOUSEKEEPING_SCHEDULES } from "../jobs/housekeeping/definitions.ts";
import { PUSH_JOBS } from "../jobs/push/definitions.ts";
import { RECALL_JOBS, RECALL_SCHEDULES } from "../jobs/recalls/definitions.ts";
import { REMINDER_JOBS, REMINDER_SCHEDULES } from "../jobs/reminders/definitions.ts";
import type { JobContext } from "./definition.ts";

/**
 * Every job, composed from the definitions of each group (packages/jobs/src/jobs/<group>/definitions.ts).
 * The handlers are composed the same way (src/handlers.ts), and a runner refuses to start unless every
 * job here has exactly one (`assertHandlers`).
 */
export const JOBS = {
  ...EMAIL_JOBS,
  ...PUSH_JOBS,
  ...REMINDER_JOBS,
  ...RECALL_JOBS,
  ...HOUSEKEEPING_JOBS,
  ...FILES_JOBS,
} as const;

/**
 * The periodic jobs, one cron expression (UTC) each, from their groups. The worker upserts them as BullMQ
 * job schedulers; the embedded mode computes its timers from the same expressions (`nextRun`, cron-parser,
 * the parser BullMQ uses), so the two can never disagree.
 */
export const SCHEDULES = [
  ...REMINDER_SCHEDULES,
  ...RECALL_SCHEDULES,
  ...HOUSEKEEPING_SCHEDULES,
  ...FILES_SCHEDULES,
] as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = Static<(typeof JOBS)[N]["payload"]>;

export type JobHandler<N extends JobName> = (payload: JobPayload<N>, context: JobContext) => Promise<void>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };

/** The handler of one job, typed by its name: the runners' one lookup by name. */
export function handlerFor<N extends JobName>(handlers: JobHandlers, name: N): JobHandler<N> {
  return handlers[name];
}

/** Refuses to start a runner when a job has no handler or a handler names no job. */
export function assertHandlers(handlers: Record<string, unknown>): asserts handlers is JobHandlers {
  const missing = Object.keys(JOBS).filter((name) => typeof handlers[name] !== "function");
  const unknown = Object.keys(handlers).filter((name) => !isJobName(name));
  if (missing.length || unknown.length) {
    throw new Error(
      `Job registry mismatch: ${missing.length ? `no handler for ${missing.join(", ")}` : ""}${
        missing.length && unknown.length ? "; " : ""
      }${unknown.length ? `handler for unknown job ${unknown.join(", ")}` : ""}`,
    );
  }
}

/**
 * Merges the handler maps of several modules into one; a job name handled by two of them is an error
 * (refuses to boot) instead of one silently replacing the other.
 */
export function combineHandlers(...groups: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const group of groups) {
    for (const [name, handler] of Object.entries(group)) {
      if (Object.hasOwn(out, name)) throw new Error(`Job registry mismatch: two handlers for ${name}`);
      out[name] = handler;
    }
  }
  return out;
}

/**
 * An own property of the registry: `name in JOBS` would also accept `constructor`, `toString` and every
 * other Object.prototype key, and a row naming one would then crash whoever looks up its definition.
 */
export function isJobName(name: unknown): name is JobName {
  return typeof name === "string" && Object.hasOwn(JOBS, name);
}

/** Validates a payload against its job's schema; throws a descriptive error otherwise. */
export function parsePayload<N extends JobName>(name: N, payload: unknown): JobPayload<N> {
  if (!isJobName(name)) throw new Error(`Unknown job ${String(name)}`);
  const schema = JOBS[name].payload;
  if (Value.Check(schema, payload)) return payload as JobPayload<N>;
  const first = Value.Errors(schema, payload)[0];
  throw new Error(`Invalid payload for job ${name}: ${first?.instancePath || "/"} ${first?.message ?? ""}`);
}
