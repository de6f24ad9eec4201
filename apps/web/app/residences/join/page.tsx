import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { joinWithCode } from "../../../src/actions/members.ts";
import { ActionForm } from "../../../src/components/action-form.tsx";
import { Field } from "../../../src/components/field.tsx";
import { hasSession } from "../../../src/lib/api.ts";
import { strings } from "../../../src/strings.ts";

export const metadata: Metadata = { title: strings.join.title };

/** Join a residence with the share code someone in it made (its Members page). */
export default async function Join() {
  if (!(await hasSession())) redirect("/sign-in?next=/residences/join");
  const t = strings.join;
  return (
    <section className="narrow">
      <h1>{t.title}</h1>
      <p>{t.lead}</p>
      <ActionForm action={joinWithCode} submit={t.submit}>
        <Field
          label={t.code}
          hint={t.codeHint}
          name="code"
          required
          maxLength={32}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
        />
      </ActionForm>
    </section>
  );
}
