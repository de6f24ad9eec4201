import type { Metadata } from "next";
import Link from "next/link";
import { signIn } from "../../src/actions/auth.ts";
import { ActionForm } from "../../src/components/action-form.tsx";
import { Field } from "../../src/components/field.tsx";
import { localPath } from "../../src/lib/session-cookies.ts";
import { strings } from "../../src/strings.ts";

export const metadata: Metadata = { title: strings.signIn.title };

export default async function SignIn({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = localPath((await searchParams).next);
  const t = strings.signIn;
  return (
    <section className="narrow">
      <h1>{t.title}</h1>
      <ActionForm action={signIn} submit={t.submit}>
        <input type="hidden" name="next" value={next} />
        <Field label={t.email} name="email" type="email" autoComplete="email" required />
        <Field label={t.password} name="password" type="password" autoComplete="current-password" required />
      </ActionForm>
      <p>
        <Link href="/forgot-password">{t.forgot}</Link>
      </p>
      <p>
        {t.noAccount} <Link href={`/sign-up?next=${encodeURIComponent(next)}`}>{strings.nav.signUp}</Link>
      </p>
    </section>
  );
}
