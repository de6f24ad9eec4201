import type { KeyRing } from "@honeydue/config";
import type { Queryable } from "@honeydue/db";
import type { Static, TObject } from "typebox";

/**
 * An email: one file per email in `templates/`, registered by one line in `templates/index.ts`.
 *
 * `payload` is what its `email.send` job carries — ids and content, never a token, code, link or
 * unsubscribe URL (job data sits in Redis and in the outbox) — and is checked at compile time where the
 * job is written. `load` runs when the email is sent: it looks up the recipient and mints the links and
 * codes (a token row's hash is replaced by the hash of the token it mails). `mjml`, `text` and `subject`
 * hold `{{placeholders}}`; `values` turns the loaded data into the placeholder values (building links from
 * PUBLIC_WEB_URL, never from a request). The MJML is compiled to HTML once per template and cached; values
 * are HTML-escaped into the HTML and inserted as they are into text and subject.
 */
export interface EmailTemplate<P extends TObject = TObject> {
  payload: P;
  /** The recipient and the data to render, at send time; null when there is nothing to send any more. */
  load(context: EmailLoadContext, payload: Static<P>): Promise<EmailMessage | null>;
  subject: string;
  mjml: string;
  text: string;
  values(data: Record<string, unknown>, context: RenderContext): Record<string, string>;
  /**
   * The placeholder holding the message's main link. In embedded mode (mail written to files) it is logged
   * so a developer can follow it; it is never logged when mail goes out over SMTP.
   */
  linkValue?: string;
  /**
   * Extra message headers built from the values, e.g. RFC 8058 one-click unsubscribe on reminder emails.
   * Header values are single-line (line breaks are removed).
   */
  headers?(values: Record<string, string>): Record<string, string>;
}

export interface RenderContext {
  publicWebUrl: string;
}

/** What an email's `load` may use: the database, the public URLs and the keys of what it mints. */
export interface EmailLoadContext {
  db: Queryable;
  publicWebUrl: string;
  publicApiUrl: string;
  keys: EmailKeys;
}

/** Verification codes are HMACs with the verification-code key; unsubscribe links are signed. */
export type EmailKeys = Pick<KeyRing, "verification-code" | "unsubscribe-link">;

/** One email to send: its recipient and its template's data. */
export interface EmailMessage {
  to: string;
  /** The account it is sent to, when there is one (recorded with the message). */
  userId?: string | null;
  data: Record<string, unknown>;
}

/** Keeps the payload's static type for `load` (`satisfies` would widen it). */
export const defineEmail = <P extends TObject>(template: EmailTemplate<P>): EmailTemplate<P> => template;

/**
 * An error that no retry can fix (unknown template, missing or invalid template data, a 5xx refusal from
 * the SMTP server): the job fails at once instead of backing off ten times. `permanent` is what job
 * runners look at.
 */
export class PermanentEmailError extends Error {
  readonly permanent = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentEmailError";
  }
}

/** Reads a required string from template data; a job with bad data fails loudly instead of mailing nonsense. */
export function str(data: Record<string, unknown>, key: string): string {
  const value = data[key];
  if (typeof value !== "string" || value === "")
    throw new PermanentEmailError(`email data: '${key}' must be a non-empty string`);
  return value;
}

/** The shared look of every honeyDue email: a header, the template's sections and a footer. */
export function layout(options: { preview: string; body: string }): string {
  return `<mjml>
  <mj-head>
    <mj-title>{{subject}}</mj-title>
    <mj-preview>${options.preview}</mj-preview>
    <mj-attributes>
      <mj-all font-family="Helvetica, Arial, sans-serif" />
      <mj-text font-size="15px" line-height="22px" color="#1f2933" />
      <mj-button background-color="#d97706" color="#ffffff" font-size="15px" border-radius="6px" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f5f3ef">
    <mj-section padding="24px 0 8px">
      <mj-column>
        <mj-text font-size="22px" font-weight="bold" color="#b45309">honeyDue</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" border-radius="8px" padding="16px">
      <mj-column>
${options.body}
      </mj-column>
    </mj-section>
    <mj-section>
      <mj-column>
        <mj-text font-size="12px" color="#6b7280">You receive this email because of your honeyDue account. honeyDue keeps your home's to-do list.</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}
