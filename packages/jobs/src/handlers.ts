import type { Database } from "@honeydue/db";
import { deliverEmail, type EmailKeys, type MailTransport } from "@honeydue/email";
import { type DeliveryOutcome, type Logger, SpanKind, withSpan } from "@honeydue/observability";
import { createFilesHandlers, type FilesHandlerDeps } from "./files-handlers.ts";
import { assertHandlers, combineHandlers, type JobHandlers } from "./runtime/registry.ts";
import { createWorkerHandlers, type WorkerHandlerDeps } from "./worker-handlers.ts";

/** What the job handlers need; the same in the API's embedded runner and in the worker process. */
export interface JobHandlerDeps {
  db: Database;
  log: Logger;
  mail: {
    transport: MailTransport;
    from: string;
    publicWebUrl: string;
    publicApiUrl: string;
    /** The keys of what emails mint when they are sent (verification codes, unsubscribe links). */
    keys: EmailKeys;
    /** Log the link of each email: only in embedded mode with mail written to files, never in production. */
    logLinks: boolean;
    /** See EmailDeliveryDeps.abandonedAfterMs. */
    abandonedAfterMs?: number;
  };
  /**
   * Reminders, push and housekeeping (see worker-handlers.ts). Without it those jobs fail when they run
   * (they need the unsubscribe-link keys and the push settings).
   */
  worker?: WorkerHandlerDeps;
  /** emails_total by template and outcome (sent|failed|skipped). */
  metrics?: { recordEmail(template: string, outcome: DeliveryOutcome): void };
  /** Thumbnails, deleting stored objects, removing unattached uploads (see files-handlers.ts). */
  files: Omit<FilesHandlerDeps, "db" | "log">;
}

const UNCONFIGURED: WorkerHandlerDeps = { unsubscribeKeys: undefined, publicApiUrl: "", publicWebUrl: "" };

/**
 * The handler of every job in the registry (checked by `assertHandlers`). Whoever runs the jobs (the
 * embedded runner in the API, or the worker) builds this map once; handlers get the outbox id as
 * `context.jobId` and use it to make their effect happen once.
 */
export function createJobHandlers(deps: JobHandlerDeps): JobHandlers {
  const handlers = {
    "email.send": (payload, context) =>
      // The email-sending span: a child of the job span, so of the request that caused the email.
      withSpan(
        `email.send ${payload.template}`,
        async (span) => {
          let outcome: Awaited<ReturnType<typeof deliverEmail>>;
          try {
            outcome = await deliverEmail(
              {
                db: deps.db,
                transport: deps.mail.transport,
                mailFrom: deps.mail.from,
                publicWebUrl: deps.mail.publicWebUrl,
                publicApiUrl: deps.mail.publicApiUrl,
                keys: deps.mail.keys,
                log: deps.log,
                logLinks: deps.mail.logLinks,
                ...(deps.mail.abandonedAfterMs ? { abandonedAfterMs: deps.mail.abandonedAfterMs } : {}),
              },
              payload,
              context,
            );
          } catch (error) {
            deps.metrics?.recordEmail(payload.template, "failed");
            throw error;
          }
          span.setAttribute("email.outcome", outcome);
          deps.metrics?.recordEmail(payload.template, outcome === "sent" ? "sent" : "skipped");
          if (outcome === "already-sent") {
            deps.log.info({ jobId: context.jobId }, "email already sent; skipped");
          } else if (outcome === "skipped") {
            deps.log.info(
              { jobId: context.jobId, template: payload.template },
              "email no longer needed (its link was replaced or its subject is gone); skipped",
            );
          } else {
            deps.log.info({ jobId: context.jobId, template: payload.template }, "email sent");
          }
        },
        { kind: SpanKind.CLIENT, attributes: { "email.template": payload.template } },
      ),
  } satisfies Partial<JobHandlers> as Record<string, unknown>;
  const all = combineHandlers(
    handlers,
    createWorkerHandlers({ db: deps.db, log: deps.log, ...(deps.worker ?? UNCONFIGURED) }),
    createFilesHandlers({ db: deps.db, log: deps.log, ...deps.files }),
  );
  assertHandlers(all);
  return all;
}
