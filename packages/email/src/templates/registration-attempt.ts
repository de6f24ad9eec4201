import Type from "typebox";
import { loadRecipient } from "../load.ts";
import { defineEmail, layout, str } from "../template.ts";

/**
 * Sent instead of a verification email when someone signs up with an address that already has an account:
 * the sign-up answer is the same either way, so the owner learns of it here and nobody else does.
 */
export const registrationAttempt = defineEmail({
  payload: Type.Object({ userId: Type.String({ format: "uuid" }) }),
  load: async (context, { userId }) => {
    const user = await loadRecipient(context.db, userId);
    return user ? { to: user.email, userId, data: { name: user.name } } : null;
  },
  subject: "Someone tried to sign up to honeyDue with your email address",
  values: (data, { publicWebUrl }) => ({
    name: str(data, "name"),
    signIn: `${publicWebUrl}/sign-in`,
    reset: `${publicWebUrl}/forgot-password`,
  }),
  mjml: layout({
    preview: "You already have an account: sign in or reset your password",
    body: `
        <mj-text>Hi {{name}},</mj-text>
        <mj-text>Someone just tried to create a honeyDue account with this email address, which already has an account. Nothing was changed.</mj-text>
        <mj-text>If it was you, sign in instead:</mj-text>
        <mj-button href="{{signIn}}">Sign in</mj-button>
        <mj-text>Forgot your password? <a href="{{reset}}">Reset it here</a>.</mj-text>
        <mj-text font-size="13px" color="#6b7280">If it was not you, you can ignore this email: nobody can sign in without your password.</mj-text>`,
  }),
  text: `Hi {{name}},

Someone just tried to create a honeyDue account with this email address, which already has an account. Nothing was changed.

If it was you, sign in instead: {{signIn}}

Forgot your password? Reset it here: {{reset}}

If it was not you, you can ignore this email: nobody can sign in without your password.
`,
});
