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
  const [me, home, residences, offers] = await Promise.all([
    api.GET("/v1/me"),
    api.GET("/v1/me/home"),
    api.GET("/v1/residences"),
    api.GET("/v1/me/handovers"),
  ]);
  if (me.response.status === 401) redirect("/sign-in?next=/tasks");
  if (!me.data || !home.data || !residences.data) {
    console.error(
      `tasks page: API answered ${me.response.status}/${home.response.status}/${residences.response.status}`,
    );
    throw new Error(strings.errors.unreachable);
  }
  if (!offers.data) console.error(`tasks page: offered homes answered ${offers.response.status}`);
  const t = strings.tasks;
  const locale = me.data.locale || "en";
  const currencyOf = new Map(residences.data.items.map((r) => [r.id, r.currency]));
  const currencies = new Set(currencyOf.values());
  // The plan's total adds up every residence's estimates: shown only when they are all in one currency.
  const [onlyCurrency] = currencies.size === 1 ? [...currencies] : [];
  const replacement = home.data.replacement;
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
          {onlyCurrency ? (
            <p>
              <strong>
                {t.replacementTotal(formatMoney(replacement.totalCostCents, locale, onlyCurrency))}
              </strong>
            </p>
          ) : null}
          <h3>{t.replacementSoonest}</h3>
          <ul>
            {replacement.items.map((item) => {
              const currency = currencyOf.get(item.residenceId);
              return (
                <li key={item.applianceId}>
                  <Link href={`/residences/${item.residenceId}/appliances/${item.applianceId}`}>
                    {item.name}
                  </Link>
                  {" — "}
                  {strings.appliances.status[item.status]}
                  {item.endOfLifeOn ? ` (${formatDay(item.endOfLifeOn, locale)})` : null}
                  {item.replacementCostCents !== null && currency
                    ? ` · ${formatMoney(item.replacementCostCents, locale, currency)}`
                    : null}
                </li>
              );
            })}
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
