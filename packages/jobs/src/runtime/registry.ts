import { EmailJobSchema } from "@honeydue/email";
import type { Static } from "typebox";
import Value from "typebox/value";
import { define } from "./definition.ts";
import { FILES_JOBS } from "../files-jobs.ts";
import { WORKER_JOBS } from "../worker-jobs.ts";

/** An email: its template and that template's payload (ids and content, never a secret). */
export const EmailSendPayload = EmailJobSchema;

export const JOBS = {
  "email.send": define({ queue: "email", payload: EmailSendPayload, attempts: 10, timeoutMs: 60_000 }),
  ...WORKER_JOBS,
  ...FILES_JOBS,
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = Static<(typeof JOBS)[N]["payload"]>;

export interface JobContext {
  /** The outbox id: stable across retries and relays, so handlers use it to make effects happen once. */
  jobId: string;
  attempt: number;
  traceContext?: Record<string, string> | null;
}

export type JobHandler<N extends JobName> = (payload: JobPayload<N>, context: JobContext) => Promise<void>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };

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
