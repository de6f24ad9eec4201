import Type from "typebox";
import { loadRecipient, reminderUnsubscribeUrl } from "../load.ts";
import { defineEmail, layout, PermanentEmailError, str } from "../template.ts";
import { reminderHeaders, unsubscribePage } from "./daily-digest.ts";

/**
 * An overdue task escalated by the residence's policy: to its assignee again ("still overdue"), or to another
 * member or the owners ("5 days overdue — assigned to Sam"). The job carries ids and names only; the
 * recipient's address and the unsubscribe link are looked up and signed when the message is sent.
 */
export const taskEscalation = defineEmail({
  payload: Type.Object({
    userId: Type.String({ format: "uuid" }),
    taskId: Type.String({ format: "uuid" }),
    residenceId: Type.String({ format: "uuid" }),
    taskTitle: Type.String({ minLength: 1 }),
    residenceName: Type.String({ minLength: 1 }),
    dueOn: Type.String({ format: "date" }),
    daysOverdue: Type.Integer({ minimum: 1 }),
    /** The assignee's name, "" when nobody is assigned. */
    assigneeName: Type.String(),
    /** Sent to the assignee themselves ("still to do"), or to someone else who can step in. */
    toAssignee: Type.Boolean(),
  }),
  load: async (context, { userId, ...escalation }) => {
    const user = await loadRecipient(context.db, userId);
    if (!user) return null;
    const unsubscribeUrl = reminderUnsubscribeUrl(context, userId);
    return { to: user.email, userId, data: { ...escalation, name: user.name, unsubscribeUrl } };
  },
  subject: "{{headline}}",
  linkValue: "link",
  values: (data, { publicWebUrl }) => {
    const days = data.daysOverdue;
    if (typeof days !== "number" || !Number.isInteger(days) || days < 1)
      throw new PermanentEmailError("email data: 'daysOverdue' must be a whole number of days");
    if (typeof data.toAssignee !== "boolean")
      throw new PermanentEmailError("email data: 'toAssignee' must be true or false");
    const taskTitle = str(data, "taskTitle");
    const assigneeName = typeof data.assigneeName === "string" ? data.assigneeName : "";
    const daysText = days === 1 ? "1 day" : `${days} days`;
    const unsubscribeUrl = str(data, "unsubscribeUrl");
    return {
      name: str(data, "name"),
      taskTitle,
      residenceName: str(data, "residenceName"),
      dueOn: str(data, "dueOn"),
      headline: data.toAssignee
        ? `Still to do: “${taskTitle}” is ${daysText} overdue`
        : `“${taskTitle}” is ${daysText} overdue — ${assigneeName ? `assigned to ${assigneeName}` : "not assigned to anyone"}`,
      why: data.toAssignee
        ? "It is assigned to you, and your household asked honeyDue to remind you again when a task slips."
        : "Your household asked honeyDue to tell you when a task slips this far, so someone can step in or help.",
      link: `${publicWebUrl}/tasks/${encodeURIComponent(str(data, "taskId"))}`,
      unsubscribeUrl,
      unsubscribeLink: unsubscribePage(publicWebUrl, unsubscribeUrl),
    };
  },
  headers: reminderHeaders,
  mjml: layout({
    preview: "{{residenceName}}: due {{dueOn}}",
    body: `
        <mj-text>Hi {{name}},</mj-text>
        <mj-text><b>{{headline}}</b> ({{residenceName}}, due {{dueOn}}).</mj-text>
        <mj-text>{{why}} Completing, snoozing or reassigning the task stops these messages.</mj-text>
        <mj-button href="{{link}}">Open the task</mj-button>
        <mj-text font-size="12px" color="#6b7280"><a href="{{unsubscribeLink}}">Stop these reminder emails</a></mj-text>`,
  }),
  text: `Hi {{name}},

{{headline}} ({{residenceName}}, due {{dueOn}}).

{{why}} Completing, snoozing or reassigning the task stops these messages.

Open the task: {{link}}

Stop these reminder emails: {{unsubscribeLink}}
`,
});
