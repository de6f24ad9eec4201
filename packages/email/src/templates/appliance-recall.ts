import Type from "typebox";
import { loadRecipient, reminderUnsubscribeUrl } from "../load.ts";
import { defineEmail, layout, PermanentEmailError, str } from "../template.ts";
import { reminderHeaders, unsubscribePage } from "./daily-digest.ts";

const optional = (data: Record<string, unknown>, key: string): string => {
  const value = data[key] ?? "";
  if (typeof value !== "string") throw new PermanentEmailError(`email data: '${key}' must be a string`);
  return value;
};

/**
 * Sent once per recall per appliance, to the residence's owners and members with reminder emails on, when
 * the recall check matches a recall notice (CPSC) to one of its appliances by brand and model.
 */
export const applianceRecall = defineEmail({
  payload: Type.Object({
    userId: Type.String({ format: "uuid" }),
    applianceId: Type.String({ format: "uuid" }),
    residenceId: Type.String({ format: "uuid" }),
    applianceName: Type.String({ minLength: 1 }),
    residenceName: Type.String({ minLength: 1 }),
    recallTitle: Type.String({ minLength: 1 }),
    remedy: Type.String(),
    /** The public notice of the source (CPSC), when it gave one. */
    recallUrl: Type.String(),
    recalledOn: Type.String(),
  }),
  load: async (context, { userId, ...recall }) => {
    const user = await loadRecipient(context.db, userId);
    if (!user) return null;
    const unsubscribeUrl = reminderUnsubscribeUrl(context, userId);
    return { to: user.email, userId, data: { ...recall, name: user.name, unsubscribeUrl } };
  },
  subject: "Recall notice for your {{applianceName}}",
  linkValue: "link",
  values: (data, { publicWebUrl }) => {
    const unsubscribeUrl = str(data, "unsubscribeUrl");
    const recallUrl = optional(data, "recallUrl");
    const recalledOn = optional(data, "recalledOn");
    return {
      name: str(data, "name"),
      applianceName: str(data, "applianceName"),
      residenceName: str(data, "residenceName"),
      recallTitle: str(data, "recallTitle"),
      recalled: recalledOn ? ` on ${recalledOn}` : "",
      remedy:
        optional(data, "remedy") ||
        "The notice does not say what to do yet: stop using the product until you have read it.",
      // The notice itself when the source gave an https link, else the residence in the app.
      link: /^https:\/\/\S+$/.test(recallUrl)
        ? recallUrl
        : `${publicWebUrl}/residences/${encodeURIComponent(str(data, "residenceId"))}`,
      unsubscribeUrl,
      unsubscribeLink: unsubscribePage(publicWebUrl, unsubscribeUrl),
    };
  },
  headers: reminderHeaders,
  mjml: layout({
    preview: "{{recallTitle}}",
    body: `
        <mj-text>Hi {{name}},</mj-text>
        <mj-text>A product safety recall published{{recalled}} matches the brand and model of <b>{{applianceName}}</b> at {{residenceName}}:</mj-text>
        <mj-text><b>{{recallTitle}}</b></mj-text>
        <mj-text>What to do: {{remedy}}</mj-text>
        <mj-text>Check the model and serial number on the appliance's label against the notice before acting on it.</mj-text>
        <mj-button href="{{link}}">Read the recall notice</mj-button>
        <mj-text font-size="12px" color="#6b7280"><a href="{{unsubscribeLink}}">Stop these reminder emails</a></mj-text>`,
  }),
  text: `Hi {{name}},

A product safety recall published{{recalled}} matches the brand and model of {{applianceName}} at {{residenceName}}:

{{recallTitle}}

What to do: {{remedy}}

Check the model and serial number on the appliance's label against the notice before acting on it.

Read the recall notice: {{link}}

Stop these reminder emails: {{unsubscribeLink}}
`,
});
