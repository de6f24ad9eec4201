import { type EmailTemplate, layout, str } from "../template.ts";

const ROLE_TEXT: Record<string, string> = {
  owner: "an owner",
  member: "a member",
  viewer: "a viewer",
};

/** Sent when an owner invites someone to a residence: a single-use link valid for 7 days. */
export const invite: EmailTemplate = {
  subject: "{{inviterName}} invited you to {{residenceName}} on honeyDue",
  linkValue: "link",
  values: (data, { publicWebUrl }) => ({
    inviterName: str(data, "inviterName"),
    residenceName: str(data, "residenceName"),
    role: ROLE_TEXT[str(data, "role")] ?? "a member",
    expiresOn: str(data, "expiresOn"),
    link: `${publicWebUrl}/invites/${encodeURIComponent(str(data, "token"))}`,
  }),
  mjml: layout({
    preview: "Join {{residenceName}} and share its honey-do list",
    body: `
        <mj-text>Hi,</mj-text>
        <mj-text>{{inviterName}} invited you to join <b>{{residenceName}}</b> on honeyDue as {{role}}. Together you keep the home's maintenance list: what is due, who does it, and what was done.</mj-text>
        <mj-button href="{{link}}">Accept the invitation</mj-button>
        <mj-text font-size="13px" color="#6b7280">The link works once and is valid until {{expiresOn}}. You will be asked to sign in or create an account. If you do not know {{inviterName}}, you can ignore this email.</mj-text>`,
  }),
  text: `Hi,

{{inviterName}} invited you to join {{residenceName}} on honeyDue as {{role}}. Together you keep the home's maintenance list: what is due, who does it, and what was done.

Accept the invitation here:

{{link}}

The link works once and is valid until {{expiresOn}}. You will be asked to sign in or create an account. If you do not know {{inviterName}}, you can ignore this email.
`,
};
