import Type from "typebox";
import { loadRecipient, reminderUnsubscribeUrl } from "../load.ts";
import { defineEmail, layout, str } from "../template.ts";

const count = (data: Record<string, unknown>, key: string): number => {
  const value = data[key];
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0)
    throw new Error(`email data: '${key}' must be a count`);
  return value;
};
const lines = (data: Record<string, unknown>, key: string): string => {
  const value = data[key];
  if (typeof value !== "string") throw new Error(`email data: '${key}' must be a string`);
  return value;
};
const heading = (label: string, n: number) => (n > 0 ? `${label} (${n})` : "");

/**
 * RFC 8058 one-click unsubscribe on every reminder email: `List-Unsubscribe` with the https URL of
 * `POST /v1/unsubscribe/{token}` and `List-Unsubscribe-Post`. The body links to the web page instead.
 */
export function reminderHeaders(values: Record<string, string>): Record<string, string> {
  return {
    "List-Unsubscribe": `<${values.unsubscribeUrl}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
}

/** The web page an unsubscribe link in the body opens (the token is the last segment of the API URL). */
export function unsubscribePage(publicWebUrl: string, unsubscribeUrl: string): string {
  if (!/^https?:\/\/\S+\/v1\/unsubscribe\/[\w.-]+$/.test(unsubscribeUrl))
    throw new Error("email data: 'unsubscribeUrl' must be the API's /v1/unsubscribe/{token} URL");
  return `${publicWebUrl}/unsubscribe/${unsubscribeUrl.split("/").pop()}`;
}

/**
 * The daily digest, at the user's chosen local hour: overdue, due today and due soon across all their
 * residences. Sections with nothing in them stay empty; the tick never sends a digest with nothing to say.
 */
export const dailyDigest = defineEmail({
  payload: Type.Object({
    userId: Type.String({ format: "uuid" }),
    /** The user's local date the digest is for. */
    date: Type.String({ format: "date" }),
    overdueCount: Type.Integer({ minimum: 0 }),
    todayCount: Type.Integer({ minimum: 0 }),
    soonCount: Type.Integer({ minimum: 0 }),
    /** Lines of the sections, written by the tick (the tasks as they were then). */
    overdue: Type.String(),
    today: Type.String(),
    soon: Type.String(),
  }),
  load: async (context, { userId, ...digest }) => {
    const user = await loadRecipient(context.db, userId);
    if (!user) return null;
    const unsubscribeUrl = reminderUnsubscribeUrl(context, userId);
    return { to: user.email, userId, data: { ...digest, name: user.name, unsubscribeUrl } };
  },
  subject: "{{summary}} — your honeyDue list for {{date}}",
  linkValue: "appLink",
  values: (data, { publicWebUrl }) => {
    const overdue = count(data, "overdueCount");
    const today = count(data, "todayCount");
    const soon = count(data, "soonCount");
    const parts = [
      overdue ? `${overdue} overdue` : "",
      today ? `${today} due today` : "",
      soon ? `${soon} due soon` : "",
    ].filter(Boolean);
    const unsubscribeUrl = str(data, "unsubscribeUrl");
    return {
      name: str(data, "name"),
      date: str(data, "date"),
      summary: parts.join(", ") || "Nothing due",
      overdueHeading: heading("Overdue", overdue),
      overdue: lines(data, "overdue"),
      todayHeading: heading("Due today", today),
      today: lines(data, "today"),
      soonHeading: heading("Due soon", soon),
      soon: lines(data, "soon"),
      appLink: `${publicWebUrl}/tasks`,
      unsubscribeUrl,
      unsubscribeLink: unsubscribePage(publicWebUrl, unsubscribeUrl),
    };
  },
  headers: reminderHeaders,
  mjml: layout({
    preview: "{{summary}}",
    body: `
        <mj-text>Hi {{name}}, here is what needs doing around the house.</mj-text>
        <mj-text font-weight="bold" color="#b91c1c">{{overdueHeading}}</mj-text>
        <mj-text><div style="white-space:pre-line">{{overdue}}</div></mj-text>
        <mj-text font-weight="bold" color="#b45309">{{todayHeading}}</mj-text>
        <mj-text><div style="white-space:pre-line">{{today}}</div></mj-text>
        <mj-text font-weight="bold">{{soonHeading}}</mj-text>
        <mj-text><div style="white-space:pre-line">{{soon}}</div></mj-text>
        <mj-button href="{{appLink}}">Open my list</mj-button>
        <mj-text font-size="12px" color="#6b7280">You get this digest once a day at the hour you chose. <a href="{{unsubscribeLink}}">Stop these reminder emails</a> or change the hour in your notification settings.</mj-text>`,
  }),
  text: `Hi {{name}}, here is what needs doing around the house ({{date}}).

{{overdueHeading}}
{{overdue}}

{{todayHeading}}
{{today}}

{{soonHeading}}
{{soon}}

Open your list: {{appLink}}

You get this digest once a day at the hour you chose. Stop these reminder emails: {{unsubscribeLink}}
`,
});
