import type { RecallSettings } from "@honeydue/config";
import type { Database } from "@honeydue/db";
import type { Logger } from "@honeydue/observability";
import type { PushProviders } from "@honeydue/push";
import { createEmailHandlers, type EmailHandlerDeps } from "./jobs/email/handlers.ts";
import { createFilesHandlers, type FilesHandlerDeps } from "./jobs/files/handlers.ts";
import { createHousekeepingHandlers } from "./jobs/housekeeping/handlers.ts";
import { createPushHandlers, type PushMetrics } from "./jobs/push/handlers.ts";
import type { RecallMetrics } from "./jobs/recalls/check.ts";
import { createRecallHandlers } from "./jobs/recalls/handlers.ts";
import { createReminderHandlers } from "./jobs/reminders/handlers.ts";
import type { Queues } from "./runtime/queues.ts";
import { assertHandlers, combineHandlers, type JobHandlers } from "./runtime/registry.ts";

/** What the job handlers need; the same in the API's embedded runner and in the worker process. */
export interface JobHandlerDeps {
  db: Database;
  log: Logger;
  mail: EmailHandlerDeps["mail"];
  /** Thumbnails, deleting stored objects, removing unattached uploads (see jobs/files/handlers.ts). */
  files: Omit<FilesHandlerDeps, "db" | "log">;
  /** Default: push disabled (no connection is ever made). */
  push?: PushProviders;
  /** Recall checks (RECALLS_* settings). Default: off. */
  recalls?: RecallSettings;
  /** Retention of the daily cleanup; `queues` in the worker (its failed BullMQ jobs are cleaned too). */
  housekeeping?: { outboxRetentionDays: number; failedJobRetentionDays: number; queues?: Queues };
  /** emails_total, pushes_total, recall_checks_total and recall_matches_total. */
  metrics?: NonNullable<EmailHandlerDeps["metrics"]> & PushMetrics & RecallMetrics;
  /** After a handler wrote outbox rows (kicks the relay or the embedded runner). */
  notifyOutbox?: () => void;
}

/**
 * The handler of every job in the registry, composed from the groups (packages/jobs/src/jobs/<group>/
 * handlers.ts) as the registry composes their definitions. Whoever runs the jobs (the embedded runner in
 * the API, or the worker) builds this map once; a job handled by two groups or by none stops the boot
 * here (`combineHandlers`, `assertHandlers`). Handlers get the outbox id as `context.jobId` and use it to
 * make their effect happen once.
 */
export function createJobHandlers(deps: JobHandlerDeps): JobHandlers {
  const { db, log, metrics, notifyOutbox } = deps;
  const handlers = combineHandlers(
    createEmailHandlers({ db, log, mail: deps.mail, ...(metrics ? { metrics } : {}) }),
    createPushHandlers({ db, log, push: deps.push, ...(metrics ? { metrics } : {}) }),
    createReminderHandlers({ db, log, ...(notifyOutbox ? { notifyOutbox } : {}) }),
    createRecallHandlers({ db, log, recalls: deps.recalls, metrics, notifyOutbox }),
    createHousekeepingHandlers({ db, log, ...deps.housekeeping }),
    createFilesHandlers({ db, log, ...deps.files }),
  );
  assertHandlers(handlers);
  return handlers;
}

/** One group's handlers alone, for tests that run its jobs by hand. */
export { createFilesHandlers };
