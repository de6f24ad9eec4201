import { type Database, emailMessages } from "@honeydue/db";
import { and, eq, ne, sql } from "drizzle-orm";
import { renderEmail } from "./render.ts";
import { type EmailKeys, type EmailTemplate, PermanentEmailError } from "./template.ts";
import { type EmailJob, isTemplateName, TEMPLATES } from "./templates/index.ts";
import type { MailTransport } from "./transport.ts";

export interface EmailDeliveryDeps {
  db: Database;
  transport: MailTransport;
  mailFrom: string;
  publicWebUrl: string;
  publicApiUrl: string;
  /** The keys of what emails mint at send time (codes, unsubscribe links). */
  keys: EmailKeys;
  log: { info(obj: object, msg: string): void };
  /**
   * Log each message's main link. Only for the embedded mode (mail written to .eml files on a laptop):
   * links carry tokens, so they never reach production logs.
   */
  logLinks: boolean;
  /**
   * How long a 'sending' row must be left alone before another run takes it over (its process died
   * mid-send). Default 2 minutes; the worker uses its job lock duration (BullMQ runs a job again only
   * after the previous run lost its lock).
   */
  abandonedAfterMs?: number;
}

/** `skipped`: the email had nothing to send any more (its token was replaced, its invite revoked, ...). */
export type DeliveryOutcome = "sent" | "already-sent" | "skipped";

/** RFC 5322 Message-ID derived from the job id: a re-sent message carries the same id. */
export function messageIdFor(jobId: string, mailFrom: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(mailFrom)?.[1] ?? "honeydue.invalid";
  return `<${jobId}@${domain}>`;
}

/**
 * Sends one email job at most once per outbox job: the `email_messages` row keyed by the job id is
 * claimed (status 'sending') before sending and marked 'sent' after; a retried job whose message was
 * already sent is skipped. A failure marks the row 'failed' and rethrows so the runner retries.
 * The job carries ids only: the template's `load` looks up the recipient and mints links and codes now.
 */
export async function deliverEmail(
  deps: EmailDeliveryDeps,
  job: EmailJob,
  context: { jobId: string },
): Promise<DeliveryOutcome> {
  const [previous] = await deps.db
    .select({ status: emailMessages.status })
    .from(emailMessages)
    .where(eq(emailMessages.outboxId, context.jobId));
  if (previous?.status === "sent" || previous?.status === "skipped") return "already-sent";
  if (!isTemplateName(job.template))
    throw new PermanentEmailError(`Unknown email template '${job.template}'`);
  const template: EmailTemplate = TEMPLATES[job.template];
  // Claimed before `load`: loading mints this message's token, which must not replace the token of a
  // message another run is sending right now.
  const claimed = await deps.db
    .insert(emailMessages)
    .values({
      outboxId: context.jobId,
      toAddress: "",
      template: job.template,
      subject: "",
      status: "sending",
    })
    .onConflictDoUpdate({
      target: emailMessages.outboxId,
      set: { status: "sending", error: null },
      // A failed attempt is retried; one left 'sending' is taken over only once it is clearly abandoned
      // (its process died mid-send), never while another run may still be sending it.
      setWhere: sql`${emailMessages.status} = 'failed' OR (${emailMessages.status} = 'sending' AND ${emailMessages.createdAt} < now() - make_interval(secs => ${(deps.abandonedAfterMs ?? 120_000) / 1000}::float8))`,
    })
    .returning({ id: emailMessages.id });
  if (claimed.length === 0) {
    const [current] = await deps.db
      .select({ status: emailMessages.status })
      .from(emailMessages)
      .where(eq(emailMessages.outboxId, context.jobId));
    if (current?.status === "sent" || current?.status === "skipped") return "already-sent";
    throw new Error("this email is being sent by another run; will check again");
  }
  const rowId = claimed[0]!.id;

  try {
    const message = await template.load(
      { db: deps.db, publicWebUrl: deps.publicWebUrl, publicApiUrl: deps.publicApiUrl, keys: deps.keys },
      job,
    );
    if (!message) {
      await deps.db.update(emailMessages).set({ status: "skipped" }).where(eq(emailMessages.id, rowId));
      return "skipped";
    }
    const rendered = await renderEmail(job.template, message.data, { publicWebUrl: deps.publicWebUrl });
    await deps.db
      .update(emailMessages)
      .set({
        toAddress: message.to,
        subject: rendered.subject,
        // The user may have been deleted since the job was written.
        userId: message.userId ? sql`(SELECT id FROM users WHERE id = ${message.userId}::uuid)` : null,
      })
      .where(eq(emailMessages.id, rowId));
    const info = await deps.transport.send({
      from: deps.mailFrom,
      to: message.to,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      headers: rendered.headers,
      messageId: messageIdFor(context.jobId, deps.mailFrom),
    });
    await deps.db
      .update(emailMessages)
      .set({ status: "sent", messageId: info.messageId, sentAt: new Date(), error: null })
      .where(eq(emailMessages.id, rowId));
    if (deps.logLinks) {
      deps.log.info(
        { to: message.to, template: job.template, file: info.location, link: rendered.link },
        `email written: ${rendered.subject}${rendered.link ? ` — ${rendered.link}` : ""}`,
      );
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await deps.db
      .update(emailMessages)
      .set({ status: "failed", error: message.slice(0, 1000) })
      .where(and(eq(emailMessages.id, rowId), ne(emailMessages.status, "sent")));
    // 5xx: the server refused this message for good (bad address, policy); 4xx and lost connections retry.
    const code = (error as { responseCode?: unknown }).responseCode;
    if (typeof code === "number" && code >= 500 && code < 600)
      throw new PermanentEmailError(`SMTP refused the message: ${message}`, { cause: error });
    throw error;
  }
  return "sent";
}
