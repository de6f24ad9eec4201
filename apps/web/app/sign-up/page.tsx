import type { Metadata } from "next";
import Link from "next/link";
import { signUp } from "../../src/actions/auth.ts";
import { ActionForm } from "../../src/components/action-form.tsx";
import { Field } from "../../src/components/field.tsx";
import { TimezoneField } from "../../src/components/timezone-field.tsx";
import { localPath } from "../../src/lib/session-cookies.ts";
import { strings } from "../../src/strings.ts";

export const metadata: Metadata = { title: strings.signUp.title };

export default async function SignUp({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = localPath((await searchParams).next);
  const t = strings.signUp;
  return (
    <section className="narrow">
      <h1>{t.title}</h1>
      <ActionForm
        action={signUp}
        submit={t.submit}
        done={
          <p>
            <Link href={`/sign-in?next=${encodeURIComponent(next)}`}>{strings.verifyEmail.signInNow}</Link>
            {" · "}
            <Link href="/verify-email">{t.enterCode}</Link>
          </p>
        }
      >
        <input type="hidden" name="next" value={next} />
        <TimezoneField />
        <Field label={t.name} name="name" autoComplete="name" required maxLength={100} />
        <Field label={t.email} name="email" type="email" autoComplete="email" required />
        <Field
          label={t.password}
          hint={t.passwordHint}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={128}
        />
      </ActionForm>
      <p>
        {t.haveAccount} <Link href={`/sign-in?next=${encodeURIComponent(next)}`}>{strings.nav.signIn}</Link>
      </p>
    </section>
  );
}
