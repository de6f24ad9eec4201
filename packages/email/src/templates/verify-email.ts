import Type from "typebox";
import { loadRecipient, mintUserToken } from "../load.ts";
import { defineEmail, layout, str } from "../template.ts";

/** Sent on sign-up and on "resend verification": a link and a 6-digit code (valid 24 hours). */
export const verifyEmail = defineEmail({
  payload: Type.Object({ userId: Type.String({ format: "uuid" }), tokenId: Type.String({ format: "uuid" }) }),
  load: async (context, { userId, tokenId }) => {
    const user = await loadRecipient(context.db, userId);
    if (!user) return null;
    const minted = await mintUserToken(context, tokenId, { userId, purpose: "verify_email", withCode: true });
    return minted ? { to: user.email, userId, data: { name: user.name, ...minted } } : null;
  },
  subject: "Confirm your email address for honeyDue",
  linkValue: "link",
  values: (data, { publicWebUrl }) => ({
    name: str(data, "name"),
    code: str(data, "code"),
    link: `${publicWebUrl}/verify-email?token=${encodeURIComponent(str(data, "token"))}`,
  }),
  mjml: layout({
    preview: "Your confirmation code is {{code}}",
    body: `
        <mj-text>Hi {{name}},</mj-text>
        <mj-text>Welcome to honeyDue! Please confirm that this is your email address.</mj-text>
        <mj-button href="{{link}}">Confirm my email</mj-button>
        <mj-text>Or enter this code in the app:</mj-text>
        <mj-text font-size="28px" font-weight="bold" letter-spacing="6px" align="center">{{code}}</mj-text>
        <mj-text font-size="13px" color="#6b7280">The link and the code are valid for 24 hours. If you did not sign up for honeyDue, you can ignore this email.</mj-text>`,
  }),
  text: `Hi {{name}},

Welcome to honeyDue! Please confirm that this is your email address by opening this link:

{{link}}

Or enter this code in the app: {{code}}

The link and the code are valid for 24 hours. If you did not sign up for honeyDue, you can ignore this email.
`,
});
