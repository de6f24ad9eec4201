import Type from "typebox";
import { loadRecipient, reminderUnsubscribeUrl } from "../load.ts";
import { defineEmail, layout, str } from "../template.ts";
import { reminderHeaders, unsubscribePage } from "./daily-digest.ts";

/** Sent 30 and 7 days before a warranty document expires, to every member with reminder emails on. */
export const warrantyExpiring = defineEmail({
  payload: Type.Object({
    userId: Type.String({ format: "uuid" }),
    documentId: Type.String({ format: "uuid" }),
    residenceId: Type.String({ format: "uuid" }),
    documentTitle: Type.String({ minLength: 1 }),
    residenceName: Type.String({ minLength: 1 }),
    expiresOn: Type.String({ format: "date" }),
    daysLeft: Type.Integer({ minimum: 0 }),
  }),
  load: async (context, { userId, ...reminder }) => {
    const user = await loadRecipient(context.db, userId);
    if (!user) return null;
    const unsubscribeUrl = reminderUnsubscribeUrl(context, userId);
    return { to: user.email, userId, data: { ...reminder, name: user.name, unsubscribeUrl } };
  },
  subject: "The warranty “{{documentTitle}}” expires in {{daysLeft}}",
  linkValue: "link",
  values: (data, { publicWebUrl }) => {
    const days = data.daysLeft;
    if (typeof days !== "number" || !Number.isInteger(days) || days < 0)
      throw new Error("email data: 'daysLeft' must be a count of days");
    const unsubscribeUrl = str(data, "unsubscribeUrl");
    return {
      name: str(data, "name"),
      documentTitle: str(data, "documentTitle"),
      residenceName: str(data, "residenceName"),
      expiresOn: str(data, "expiresOn"),
      daysLeft: days === 0 ? "less than a day" : days === 1 ? "1 day" : `${days} days`,
      link: `${publicWebUrl}/residences/${encodeURIComponent(str(data, "residenceId"))}/documents/${encodeURIComponent(str(data, "documentId"))}`,
      unsubscribeUrl,
      unsubscribeLink: unsubscribePage(publicWebUrl, unsubscribeUrl),
    };
  },
  headers: reminderHeaders,
  mjml: layout({
    preview: "{{residenceName}}: expires on {{expiresOn}}",
    body: `
        <mj-text>Hi {{name}},</mj-text>
        <mj-text>The warranty <b>{{documentTitle}}</b> for {{residenceName}} expires on <b>{{expiresOn}}</b>, in {{daysLeft}}. If something covered by it needs a repair, now is the time to claim it.</mj-text>
        <mj-button href="{{link}}">Open the document</mj-button>
        <mj-text font-size="12px" color="#6b7280"><a href="{{unsubscribeLink}}">Stop these reminder emails</a></mj-text>`,
  }),
  text: `Hi {{name}},

The warranty "{{documentTitle}}" for {{residenceName}} expires on {{expiresOn}}, in {{daysLeft}}. If something covered by it needs a repair, now is the time to claim it.

Open the document: {{link}}

Stop these reminder emails: {{unsubscribeLink}}
`,
});
