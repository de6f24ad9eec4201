import type { Database } from "@honeydue/db";
import { deliverEmail, type MailTransport } from "@honeydue/email";
import type { Logger } from "@honeydue/observability";
import { assertHandlers, type JobHandlers } from "./registry.ts";

/** What the job handlers need; the same in the API's embedded runner and in the worker process. */
export interface JobHandlerDeps {
  db: Database;
  log: Logger;
  mail: {
    transport: MailTransport;
    from: string;
    publicWebUrl: string;
    /** Log the link of each email: only in embedded mode with mail written to files, never in production. */
    logLinks: boolean;
  };
}

/**
 * The handler of every job in the registry (checked by `assertHandlers`). Whoever runs the jobs (the
 * embedded runner in the API, or the worker) builds this map once; handlers get the outbox id as
 * `context.jobId` and use it to make their effect happen once.
 */
export function createJobHandlers(deps: JobHandlerDeps): JobHandlers {
  const handlers = {
    "email.send": async (payload, context) => {
      const outcome = await deliverEmail(
        {
          db: deps.db,
          transport: deps.mail.transport,
          mailFrom: deps.mail.from,
          publicWebUrl: deps.mail.publicWebUrl,
          log: deps.log,
          logLinks: deps.mail.logLinks,
        },
        payload,
        context,
      );
      if (outcome === "already-sent") deps.log.info({ jobId: context.jobId }, "email already sent; skipped");
    },
  } satisfies Partial<JobHandlers> as Record<string, unknown>;
  assertHandlers(handlers);
  return handlers;
}
