import type { Metadata } from "next";
import Link from "next/link";
import { resendVerification, verifyEmailCode, verifyEmailLink } from "../../src/actions/auth.ts";
import { ActionForm } from "../../src/components/action-form.tsx";
import { Field } from "../../src/components/field.tsx";
import { hasSession } from "../../src/lib/api.ts";
import { strings } from "../../src/strings.ts";

export const metadata: Metadata = { title: strings.verifyEmail.title };

/**
 * From the emailed link (`?token=`) one button verifies — a button rather than verifying on GET, so mail
 * scanners that open links change nothing. Without a token, a signed-in member types the 6-digit code.
 */
export default async function VerifyEmail({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  const t = strings.verifyEmail;
  const next = <Link href="/tasks">{t.continue}</Link>;
  if (typeof token === "string" && token) {
    return (
      <section className="narrow">
        <h1>{t.title}</h1>
        <p>{t.linkLead}</p>
        <ActionForm action={verifyEmailLink} submit={t.confirm} done={next}>
          <input type="hidden" name="token" value={token} />
        </ActionForm>
      </section>
    );
  }
  const codeField = (
    <Field
      label={t.code}
      name="code"
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]{6}"
      maxLength={6}
      required
    />
  );
  if (!(await hasSession())) {
    // Before the first sign-in (which needs a verified address): the address and the emailed code.
    return (
      <section className="narrow">
        <h1>{t.title}</h1>
        <p>{t.codeLead}</p>
        <ActionForm
          action={verifyEmailCode}
          submit={t.submitCode}
          done={<Link href="/sign-in">{t.signInNow}</Link>}
        >
          <Field label={t.email} name="email" type="email" autoComplete="email" required />
          {codeField}
        </ActionForm>
      </section>
    );
  }
  return (
    <section className="narrow">
      <h1>{t.title}</h1>
      <p>{t.codeLead}</p>
      <ActionForm action={verifyEmailCode} submit={t.submitCode} done={next}>
        {codeField}
      </ActionForm>
      <ActionForm action={resendVerification} submit={t.resend} />
    </section>
  );
}
