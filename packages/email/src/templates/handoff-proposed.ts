import { handoffLinks, residences, tasks } from "@honeydue/db";
import { and, eq, isNotNull, isNull } from "drizzle-orm";
import Type from "typebox";
import { loadRecipient, reminderUnsubscribeUrl } from "../load.ts";
import { defineEmail, layout, str } from "../template.ts";
import { reminderHeaders, unsubscribePage } from "./daily-digest.ts";

/**
 * A contractor marked a task's work done through a hand-off link: to the members who can accept or reject
 * it. The job carries the recipient's and the link's ids only; what the contractor entered is read when the
 * message is sent, and nothing is sent once a member has decided (or the link is gone).
 */
export const handoffProposed = defineEmail({
  payload: Type.Object({
    userId: Type.String({ format: "uuid" }),
    handoffLinkId: Type.String({ format: "uuid" }),
  }),
  load: async (context, { userId, handoffLinkId }) => {
    const user = await loadRecipient(context.db, userId);
    if (!user) return null;
    const [link] = await context.db
      .select({
        taskId: handoffLinks.taskId,
        taskTitle: tasks.title,
        residenceName: residences.name,
        currency: residences.currency,
        contractorName: handoffLinks.contractorName,
        contractorCompany: handoffLinks.contractorCompany,
        amountCents: handoffLinks.amountCents,
      })
      .from(handoffLinks)
      .innerJoin(tasks, eq(tasks.id, handoffLinks.taskId))
      .innerJoin(residences, eq(residences.id, handoffLinks.residenceId))
      .where(
        and(
          eq(handoffLinks.id, handoffLinkId),
          isNotNull(handoffLinks.submittedAt),
          isNull(handoffLinks.decision),
        ),
      );
    if (!link) return null;
    const who = [link.contractorName, link.contractorCompany].filter(Boolean).join(", ") || "The contractor";
    const amount =
      link.amountCents === null
        ? "no amount"
        : new Intl.NumberFormat(user.locale || "en", { style: "currency", currency: link.currency }).format(
            link.amountCents / 100,
          );
    return {
      to: user.email,
      userId,
      data: {
        name: user.name,
        who,
        amount,
        taskId: link.taskId,
        taskTitle: link.taskTitle,
        residenceName: link.residenceName,
        unsubscribeUrl: reminderUnsubscribeUrl(context, userId),
      },
    };
  },
  subject: "{{who}} marked “{{taskTitle}}” done — accept or reject",
  linkValue: "link",
  values: (data, { publicWebUrl }) => {
    const unsubscribeUrl = str(data, "unsubscribeUrl");
    return {
      name: str(data, "name"),
      who: str(data, "who"),
      amount: str(data, "amount"),
      taskTitle: str(data, "taskTitle"),
      residenceName: str(data, "residenceName"),
      link: `${publicWebUrl}/tasks/${encodeURIComponent(str(data, "taskId"))}#handoff`,
      unsubscribeUrl,
      unsubscribeLink: unsubscribePage(publicWebUrl, unsubscribeUrl),
    };
  },
  headers: reminderHeaders,
  mjml: layout({
    preview: "{{residenceName}}: {{amount}}, waiting for your decision",
    body: `
        <mj-text>Hi {{name}},</mj-text>
        <mj-text><b>{{who}}</b> marked <b>{{taskTitle}}</b> ({{residenceName}}) done through the hand-off link you sent, for {{amount}}.</mj-text>
        <mj-text>Look at the invoice and photos they sent, then accept it (it goes into the maintenance log with the cost and the files) or reject it.</mj-text>
        <mj-button href="{{link}}">Review the work</mj-button>
        <mj-text font-size="12px" color="#6b7280"><a href="{{unsubscribeLink}}">Stop these reminder emails</a></mj-text>`,
  }),
  text: `Hi {{name}},

{{who}} marked "{{taskTitle}}" ({{residenceName}}) done through the hand-off link you sent, for {{amount}}.

Look at the invoice and photos they sent, then accept it (it goes into the maintenance log with the cost and the files) or reject it.

Review the work: {{link}}

Stop these reminder emails: {{unsubscribeLink}}
`,
});
