import { users } from "@honeydue/db";
import { eq, sql } from "drizzle-orm";
import Type from "typebox";
import { mintInviteToken } from "../load.ts";
import { defineEmail, layout, str } from "../template.ts";

const ROLE_TEXT: Record<string, string> = {
  owner: "an owner",
  member: "a member",
  viewer: "a viewer",
};

/** Sent when an owner invites someone to a residence: a single-use link valid for 7 days. */
export const invite = defineEmail({
  payload: Type.Object({ inviteId: Type.String({ format: "uuid" }) }),
  load: async (context, { inviteId }) => {
    const minted = await mintInviteToken(context, inviteId);
    if (!minted) return null;
    const { token, invite, residence } = minted;
    const [inviter] = invite.invitedBy
      ? await context.db.select({ name: users.name }).from(users).where(eq(users.id, invite.invitedBy))
      : [];
    const [invitee] = await context.db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = lower(${invite.email})`)
      .limit(1);
    return {
      to: invite.email,
      userId: invitee?.id ?? null,
      data: {
        token,
        inviterName: inviter?.name ?? "A honeyDue member",
        residenceName: residence.name,
        role: invite.role,
        expiresOn: new Intl.DateTimeFormat("en-US", {
          dateStyle: "long",
          timeZone: residence.timezone,
        }).format(invite.expiresAt),
      },
    };
  },
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
});
