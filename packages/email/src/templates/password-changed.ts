import Type from "typebox";
import { loadRecipient } from "../load.ts";
import { defineEmail, layout, str } from "../template.ts";

/** Sent after a password change or reset: every session was signed out. */
export const passwordChanged = defineEmail({
  payload: Type.Object({ userId: Type.String({ format: "uuid" }) }),
  load: async (context, { userId }) => {
    const user = await loadRecipient(context.db, userId);
    return user ? { to: user.email, userId, data: { name: user.name } } : null;
  },
  subject: "Your honeyDue password was changed",
  values: (data, { publicWebUrl }) => ({
    name: str(data, "name"),
    link: `${publicWebUrl}/forgot-password`,
  }),
  mjml: layout({
    preview: "Your password was changed and your devices were signed out",
    body: `
        <mj-text>Hi {{name}},</mj-text>
        <mj-text>The password of your honeyDue account was just changed, and every device signed in to your account was signed out.</mj-text>
        <mj-text>If this was not you, reset your password right away:</mj-text>
        <mj-button href="{{link}}">Reset my password</mj-button>`,
  }),
  text: `Hi {{name}},

The password of your honeyDue account was just changed, and every device signed in to your account was signed out.

If this was not you, reset your password right away: {{link}}
`,
});
