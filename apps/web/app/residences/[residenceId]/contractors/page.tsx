import "../../../../src/styles/tasks.css";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { ResidenceNav } from "../../../../src/components/residence-nav.tsx";
import { memberApi } from "../../../../src/lib/api.ts";
import { residenceContext } from "../../../../src/lib/task-page-data.ts";
import { strings } from "../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.contractors.title };

export default async function Contractors({ params }: { params: Promise<{ residenceId: string }> }) {
  const { residenceId } = await params;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/residences/${residenceId}/contractors`);
  const { residence, contractors, canEdit } = await residenceContext(api, residenceId);
  const t = strings.contractors;
  const trades = strings.taskForm.categories as Record<string, string>;
  return (
    <section>
      <h1>{t.title}</h1>
      <ResidenceNav residenceId={residenceId} current="contractors" />
      <p className="lead">{t.lead(residence.name)}</p>
      {canEdit ? (
        <p>
          <Link href={`/residences/${residenceId}/contractors/new`} className="button">
            {t.add}
          </Link>
        </p>
      ) : null}
      {contractors.length === 0 ? <p>{t.empty}</p> : null}
      <ul className="table-list">
        {contractors.map((c) => (
          <li key={c.id} className="card">
            <h2>
              <Link href={`/residences/${residenceId}/contractors/${c.id}`}>{c.name}</Link>
              {c.favorite ? <span className="hint"> ★ {t.favorite}</span> : null}
            </h2>
            {c.company || c.trades.length > 0 ? (
              <p className="hint">
                {[c.company, c.trades.map((trade) => trades[trade] ?? trade).join(", ")]
                  .filter(Boolean)
                  .join(" · ")}
              </p>
            ) : null}
            {c.phone || c.email ? (
              <p className="actions">
                {c.phone ? <a href={`tel:${c.phone.replace(/[^+\d]/g, "")}`}>{c.phone}</a> : null}
                {c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : null}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
