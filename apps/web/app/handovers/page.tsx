import "../../src/styles/tasks.css";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { acceptHandover, declineHandover } from "../../src/actions/handover.ts";
import { ActionForm } from "../../src/components/action-form.tsx";
import { memberApi } from "../../src/lib/api.ts";
import { formatInstant } from "../../src/lib/format.ts";
import { strings } from "../../src/strings.ts";

export const metadata: Metadata = { title: strings.offers.title };

/**
 * Homes offered to the signed-in person (the offer email links here): open offers to their verified email
 * address, to accept (the home's list opens) or decline.
 */
export default async function Offers() {
  const api = await memberApi();
  if (!api) redirect("/sign-in?next=/handovers");
  const [me, offers] = await Promise.all([api.GET("/v1/me"), api.GET("/v1/me/handovers")]);
  if (me.response.status === 401) redirect("/sign-in?next=/handovers");
  if (!me.data || !offers.data) {
    console.error(`offers page: API answered ${me.response.status}/${offers.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  const t = strings.offers;
  const locale = me.data.locale || "en";
  const items = offers.data.items;
  return (
    <section className="wide-form">
      <h1>{t.title}</h1>
      {me.data.emailVerified ? null : (
        <p className="notice warning">
          {t.unverified} <Link href="/verify-email">{strings.tasks.verifyNow}</Link>
        </p>
      )}
      {items.length === 0 ? <p>{t.none}</p> : <p className="lead">{t.lead}</p>}
      <ul className="table-list" aria-label={t.title}>
        {items.map((o) => (
          <li key={o.id} className="card">
            <h2>{o.residenceName}</h2>
            {o.address ? <p>{o.address}</p> : null}
            <p className="hint">
              {o.createdBy ? `${t.from(o.createdBy.name)} · ` : ""}
              {t.openUntil(formatInstant(o.expiresAt, locale, me.data.timezone))}
            </p>
            {o.message ? <p className="notes">“{o.message}”</p> : null}
            <p>{t.youGet}</p>
            <div className="task-actions">
              <ActionForm action={acceptHandover} submit={t.accept(o.residenceName)}>
                <input type="hidden" name="handoverId" value={o.id} />
              </ActionForm>
              <ActionForm action={declineHandover} submit={t.decline(o.residenceName)} secondary>
                <input type="hidden" name="handoverId" value={o.id} />
              </ActionForm>
            </div>
          </li>
        ))}
      </ul>
      <p>
        <Link href="/tasks">{strings.tasks.title}</Link>
      </p>
    </section>
  );
}
