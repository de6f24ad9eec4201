import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { memberApi } from "../../src/lib/api.ts";
import { formatCount, formatDay, formatMoney } from "../../src/lib/format.ts";
import { strings } from "../../src/strings.ts";

export const metadata: Metadata = { title: strings.tasks.title };

export default async function Tasks() {
  const api = await memberApi();
  if (!api) redirect("/sign-in?next=/tasks");
  const [me, home, offers] = await Promise.all([
    api.GET("/v1/me"),
    api.GET("/v1/me/home"),
    api.GET("/v1/me/handovers"),
  ]);
  if (me.response.status === 401) redirect("/sign-in?next=/tasks");
  if (!me.data || !home.data) {
    console.error(`tasks page: API answered ${me.response.status}/${home.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  if (!offers.data) console.error(`tasks page: offered homes answered ${offers.response.status}`);
  const t = strings.tasks;
  const locale = me.data.locale || "en";
  const replacement = home.data.replacement;
  // Residences may keep their costs in different currencies: a total per currency.
  const totals = replacement.totals.map((c) => formatMoney(c.costCents, locale, c.currency)).join(" + ");
  return (
    <section>
      <h1>{t.title}</h1>
      {me.data.emailVerified ? null : (
        <p className="notice warning">
          {t.unverified} <Link href="/verify-email">{t.verifyNow}</Link>
        </p>
      )}
      {/* Homes offered to this person; not knowing them is no reason to fail the list. */}
      {offers.data?.items.length ? (
        <p className="notice warning">
          {strings.offers.notice(offers.data.items.length)}{" "}
          <Link href="/handovers">{strings.offers.see}</Link>
        </p>
      ) : null}
      {home.data.residences.length === 0 ? <p>{t.noResidences}</p> : null}
      <ul className="cards">
        {home.data.residences.map((r) => (
          <li key={r.id} className="card">
            <h2>
              <Link href={`/residences/${r.id}`}>{r.name}</Link>
            </h2>
            <dl className="counts">
              <div>
                <dt>{t.overdue}</dt>
                <dd>{formatCount(r.overdue, locale)}</dd>
              </div>
              <div>
                <dt>{t.dueToday}</dt>
                <dd>{formatCount(r.dueToday, locale)}</dd>
              </div>
              <div>
                <dt>{t.dueSoon}</dt>
                <dd>{formatCount(r.dueSoon, locale)}</dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
      {replacement.items.length > 0 ? (
        <section aria-labelledby="replacement-planning" className="card">
          <h2 id="replacement-planning">{t.replacementTitle}</h2>
          <p>
            {t.replacementCounts(
              formatCount(replacement.pastEndOfLife, locale),
              formatCount(replacement.nearingEndOfLife, locale),
            )}
          </p>
          <p>
            <strong>{t.replacementTotal(totals)}</strong>
          </p>
          <h3>{t.replacementSoonest}</h3>
          <ul>
            {replacement.items.map((item) => (
              <li key={item.applianceId}>
                <Link href={`/residences/${item.residenceId}/appliances/${item.applianceId}`}>
                  {item.name}
                </Link>
                {" — "}
                {strings.appliances.status[item.status]}
                {item.endOfLifeOn ? ` (${formatDay(item.endOfLifeOn, locale)})` : null}
                {item.replacementCostCents !== null
                  ? ` · ${formatMoney(item.replacementCostCents, locale, item.currency)}`
                  : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p className="actions">
        <Link href="/residences/new" className="button">
          {strings.household.newResidence}
        </Link>
        <Link href="/residences/join">{t.joinWithCode}</Link>
      </p>
    </section>
  );
}
