import type { Database } from "@honeydue/db";
import { deliverEmail, type EmailKeys, type MailTransport } from "@honeydue/email";
import { type DeliveryOutcome, type Logger, SpanKind, withSpan } from "@honeydue/observability";
import type { HandlersOf } from "../../runtime/definition.ts";
import type { EMAIL_JOBS } from "./definitions.ts";

export interface EmailHandlerDeps {
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
  /** emails_total by template and outcome (sent|failed|skipped). */
  metrics?: { recordEmail(template: string, outcome: DeliveryOutcome): void };
}

/**
 * `email.send`: loads the recipient, mints the email's links and codes, renders and sends it once per
 * outbox id (`deliverEmail`, packages/email), inside a span that is a child of the job's span — so of the
 * request that caused the email.
 */
export function createEmailHandlers(deps: EmailHandlerDeps): HandlersOf<typeof EMAIL_JOBS> {
  return {
    "email.send": (payload, context) =>
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
  };
}
