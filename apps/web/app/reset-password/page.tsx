import type { Metadata } from "next";
import Link from "next/link";
import { resetPassword } from "../../src/actions/auth.ts";
import { ActionForm } from "../../src/components/action-form.tsx";
import { Field } from "../../src/components/field.tsx";
import { strings } from "../../src/strings.ts";

export const metadata: Metadata = { title: strings.resetPassword.title };

export default async function ResetPassword({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  const t = strings.resetPassword;
  return (
    <section className="narrow">
      <h1>{t.title}</h1>
      {typeof token === "string" && token ? (
        <ActionForm
          action={resetPassword}
          submit={t.submit}
          done={<Link href="/sign-in">{strings.nav.signIn}</Link>}
        >
          <input type="hidden" name="token" value={token} />
          <Field
            label={t.password}
            hint={strings.signUp.passwordHint}
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            maxLength={128}
          />
        </ActionForm>
      ) : (
        <p className="notice error">
          {t.missingToken} <Link href="/forgot-password">{t.askAgain}</Link>
        </p>
      )}
    </section>
  );
}
