import { type EmailTemplate, layout, str } from "../template.ts";

/**
 * Sent when an owner offers a home to someone by email. It carries no secret: the offer is accepted by
 * signing in with this (verified) address, from the list of homes offered to you.
 */
export const handoverOffered: EmailTemplate = {
  subject: "{{sellerName}} is handing {{residenceName}} over to you on honeyDue",
  linkValue: "link",
  values: (data, { publicWebUrl }) => ({
    sellerName: str(data, "sellerName"),
    residenceName: str(data, "residenceName"),
    expiresOn: str(data, "expiresOn"),
    message: typeof data.message === "string" && data.message !== "" ? `“${data.message}”` : "",
    link: `${publicWebUrl}/handovers`,
  }),
  mjml: layout({
    preview: "The home's maintenance history, ready for you",
    body: `
        <mj-text>Hi,</mj-text>
        <mj-text>{{sellerName}} wants to hand <b>{{residenceName}}</b> over to you on honeyDue: its tasks, its maintenance log with photos and costs, its documents and warranties, and its contractors.</mj-text>
        <mj-text>{{message}}</mj-text>
        <mj-button href="{{link}}">See the offer</mj-button>
        <mj-text font-size="13px" color="#6b7280">Sign in or create an account with this email address and verify it; the offer is open until {{expiresOn}}. If you were not expecting it, you can ignore this email.</mj-text>`,
  }),
  text: `Hi,

{{sellerName}} wants to hand {{residenceName}} over to you on honeyDue: its tasks, its maintenance log with photos and costs, its documents and warranties, and its contractors.

{{message}}

See the offer here:

{{link}}

Sign in or create an account with this email address and verify it; the offer is open until {{expiresOn}}. If you were not expecting it, you can ignore this email.
`,
};
