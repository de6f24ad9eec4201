import "../../../../src/styles/tasks.css";
import { replacementStatus } from "@honeydue/domain/appliances";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { ResidenceNav } from "../../../../src/components/residence-nav.tsx";
import { memberApi } from "../../../../src/lib/api.ts";
import { formatDay, formatMoney } from "../../../../src/lib/format.ts";
import { strings } from "../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.appliances.title };

/** A residence's appliances and systems, with what is due for replacement within two years and its cost. */
export default async function Appliances({ params }: { params: Promise<{ residenceId: string }> }) {
  const { residenceId } = await params;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/residences/${residenceId}/appliances`);
  const path = { residenceId };
  const [me, residence, appliances, plan] = await Promise.all([
    api.GET("/v1/me"),
    api.GET("/v1/residences/{residenceId}", { params: { path } }),
    api.GET("/v1/residences/{residenceId}/appliances", { params: { path, query: { limit: 100 } } }),
    api.GET("/v1/residences/{residenceId}/replacement-plan", { params: { path } }),
  ]);
  if (!me.data || !residence.data || !appliances.data || !plan.data) {
    if (residence.response.status === 404 || residence.response.status === 400) notFound();
    console.error(`appliances page: API answered ${residence.response.status}/${appliances.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  const t = strings.appliances;
  const locale = me.data.locale || "en";
  const money = (cents: number) => formatMoney(cents, locale, residence.data.currency);
  const today = new Date().toISOString().slice(0, 10);
  return (
    <section>
      <h1>{t.title}</h1>
      <ResidenceNav residenceId={residenceId} current="appliances" />
      <p className="lead">{t.lead}</p>
      {residence.data.role !== "viewer" ? (
        <p>
          <Link href={`/residences/${residenceId}/appliances/new`} className="button">
            {t.add}
          </Link>
        </p>
      ) : null}
      {plan.data.items.length > 0 ? (
        <section aria-labelledby="replacement-plan" className="card">
          <h2 id="replacement-plan">{t.planTitle}</h2>
          <ul>
            {plan.data.items.map((item) => (
              <li key={item.applianceId}>
                <Link href={`/residences/${residenceId}/appliances/${item.applianceId}`}>{item.name}</Link>
                {" — "}
                {t.status[item.status]}
                {item.endOfLifeOn ? ` (${formatDay(item.endOfLifeOn, locale)})` : null}
                {item.replacementCostCents !== null ? ` · ${money(item.replacementCostCents)}` : null}
              </li>
            ))}
          </ul>
          <p>
            <strong>{t.planTotal(money(plan.data.totalCostCents))}</strong>
          </p>
        </section>
      ) : null}
      {appliances.data.items.length === 0 ? <p>{t.empty}</p> : null}
      <ul className="table-list">
        {appliances.data.items.map((a) => {
          const status = replacementStatus(a.endOfLifeOn, today);
          return (
            <li key={a.id} className="card">
              <h2>
                <Link href={`/residences/${residenceId}/appliances/${a.id}`}>{a.name}</Link>
              </h2>
              <p className="hint">
                {t.kinds[a.kind]}
                {a.brand || a.model ? ` · ${[a.brand, a.model].filter(Boolean).join(" ")}` : null}
                {a.location ? ` · ${a.location}` : null}
                {status !== "unknown" ? (
                  <>
                    {" · "}
                    <span className={status === "past_end_of_life" ? "expired" : undefined}>
                      {t.status[status]}
                    </span>
                  </>
                ) : null}
              </p>
              {a.recalls.length > 0 ? (
                <p className="notice error">{t.recallCount(a.recalls.length)}</p>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
