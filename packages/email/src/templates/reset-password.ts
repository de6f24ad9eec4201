import Type from "typebox";
import { loadRecipient, mintUserToken } from "../load.ts";
import { defineEmail, layout, str } from "../template.ts";

/** Sent on "forgot password": a single-use link valid for one hour. */
export const resetPassword = defineEmail({
  payload: Type.Object({ userId: Type.String({ format: "uuid" }), tokenId: Type.String({ format: "uuid" }) }),
  load: async (context, { userId, tokenId }) => {
    const user = await loadRecipient(context.db, userId);
    if (!user) return null;
    const minted = await mintUserToken(context, tokenId, {
      userId,
      purpose: "reset_password",
      withCode: false,
    });
    return minted ? { to: user.email, userId, data: { name: user.name, token: minted.token } } : null;
  },
  subject: "Reset your honeyDue password",
  linkValue: "link",
  values: (data, { publicWebUrl }) => ({
    name: str(data, "name"),
    link: `${publicWebUrl}/reset-password?token=${encodeURIComponent(str(data, "token"))}`,
  }),
  mjml: layout({
    preview: "Choose a new password for honeyDue",
    body: `
        <mj-text>Hi {{name}},</mj-text>
        <mj-text>Someone (hopefully you) asked to reset the password of your honeyDue account.</mj-text>
        <mj-button href="{{link}}">Choose a new password</mj-button>
        <mj-text font-size="13px" color="#6b7280">The link works once and expires in one hour. If you did not ask for this, ignore this email: your password stays as it is.</mj-text>`,
  }),
  text: `Hi {{name}},

Someone (hopefully you) asked to reset the password of your honeyDue account. Choose a new password here:

{{link}}

The link works once and expires in one hour. If you did not ask for this, ignore this email: your password stays as it is.
`,
});
