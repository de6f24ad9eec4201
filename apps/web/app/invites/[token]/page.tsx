import type { Metadata } from "next";
import Link from "next/link";
import { acceptInvite } from "../../../src/actions/public-links.ts";
import { ActionForm } from "../../../src/components/action-form.tsx";
import { hasSession, publicApi } from "../../../src/lib/api.ts";
import { strings } from "../../../src/strings.ts";

export const metadata: Metadata = { title: strings.invite.title };

export default async function Invite({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const t = strings.invite;
  const { data: invite, response } = await publicApi().GET("/v1/invites/{token}", {
    params: { path: { token } },
  });
  if (!invite) {
    if (response.status >= 500) console.error(`invite page: API answered ${response.status}`);
    return (
      <section className="narrow">
        <h1>{t.title}</h1>
        <p className="notice error">{response.status === 410 ? t.unavailable : t.notFound}</p>
      </section>
    );
  }
  const here = encodeURIComponent(`/invites/${token}`);
  return (
    <section className="narrow">
      <h1>{t.title}</h1>
      <p className="lead">
        {t.lead(invite.inviterName, invite.residenceName)} ({t.role[invite.role]})
      </p>
      <p>{t.forEmail(invite.email)}</p>
      {(await hasSession()) ? (
        <ActionForm action={acceptInvite} submit={t.accept}>
          <input type="hidden" name="token" value={token} />
        </ActionForm>
      ) : (
        <p className="actions">
          <Link className="button primary" href={`/sign-up?next=${here}`}>
            {t.signUpFirst}
          </Link>
          <Link href={`/sign-in?next=${here}`}>{t.signInFirst}</Link>
        </p>
      )}
    </section>
  );
}
