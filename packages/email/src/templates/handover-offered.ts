import { handovers, residences, users } from "@honeydue/db";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import Type from "typebox";
import { defineEmail, layout, str } from "../template.ts";

/**
 * Sent when an owner offers a home to someone by email. It carries no secret: the offer is accepted by
 * signing in with this (verified) address, from the list of homes offered to you.
 */
export const handoverOffered = defineEmail({
  payload: Type.Object({ handoverId: Type.String({ format: "uuid" }) }),
  load: async (context, { handoverId }) => {
    const [offer] = await context.db
      .select({
        email: handovers.email,
        message: handovers.message,
        expiresAt: handovers.expiresAt,
        residenceName: residences.name,
        timezone: residences.timezone,
        sellerName: users.name,
      })
      .from(handovers)
      .innerJoin(residences, eq(residences.id, handovers.residenceId))
      .leftJoin(users, eq(users.id, handovers.createdBy))
      .where(
        and(
          eq(handovers.id, handoverId),
          isNull(handovers.acceptedAt),
          isNull(handovers.declinedAt),
          isNull(handovers.revokedAt),
          gt(handovers.expiresAt, sql`now()`),
        ),
      );
    if (!offer) return null;
    return {
      to: offer.email,
      data: {
        sellerName: offer.sellerName ?? "A honeyDue member",
        residenceName: offer.residenceName,
        expiresOn: new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: offer.timezone }).format(
          offer.expiresAt,
        ),
        ...(offer.message?.trim() ? { message: offer.message.trim() } : {}),
      },
    };
  },
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
});
