import { type EmailTemplate, layout, PermanentEmailError, str } from "../template.ts";
import { reminderHeaders, unsubscribePage } from "./daily-digest.ts";

/**
 * An overdue task escalated by the residence's policy: to its assignee again ("still overdue"), or to another
 * member or the owners ("5 days overdue — assigned to Sam"). The job carries ids and names only; the
 * unsubscribe link is added when the message is delivered.
 */
export const taskEscalation: EmailTemplate = {
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
};
