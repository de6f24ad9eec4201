import type { Metadata } from "next";
import { forgotPassword } from "../../src/actions/auth.ts";
import { ActionForm } from "../../src/components/action-form.tsx";
import { Field } from "../../src/components/field.tsx";
import { strings } from "../../src/strings.ts";

export const metadata: Metadata = { title: strings.forgotPassword.title };

export default function ForgotPassword() {
  const t = strings.forgotPassword;
  return (
    <section className="narrow">
      <h1>{t.title}</h1>
      <p>{t.lead}</p>
      <ActionForm action={forgotPassword} submit={t.submit} done={null}>
        <Field label={t.email} name="email" type="email" autoComplete="email" required />
      </ActionForm>
    </section>
  );
}
