import "../../../../../src/styles/tasks.css";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { ContractorForm } from "../../../../../src/components/contractor-form.tsx";
import { memberApi } from "../../../../../src/lib/api.ts";
import { formatCount, formatDay, formatMoney } from "../../../../../src/lib/format.ts";
import { residenceContext } from "../../../../../src/lib/task-page-data.ts";
import { strings } from "../../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.contractors.title };

/** A contractor: how to reach them, the jobs they did for this residence and what they cost, and an edit form. */
export default async function ContractorPage({
  params,
}: {
  params: Promise<{ residenceId: string; contractorId: string }>;
}) {
  const { residenceId, contractorId } = await params;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/residences/${residenceId}/contractors/${contractorId}`);
  const [context, contractor] = await Promise.all([
    residenceContext(api, residenceId),
    api.GET("/v1/contractors/{contractorId}", { params: { path: { contractorId } } }),
  ]);
  if (!contractor.data) {
    if (contractor.response.status < 500) notFound();
    console.error(`contractor page: API answered ${contractor.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  if (contractor.data.residenceId !== residenceId) notFound();
  const { locale, residence, canEdit } = context;
  const c = contractor.data;
  const t = strings.contractors;
  const money = (cents: number) => formatMoney(cents, locale, residence.currency);
  return (
    <article>
      <p>
        <Link href={`/residences/${residenceId}/contractors`}>{t.back}</Link>
      </p>
      <h1>{c.name}</h1>
      {c.company ? <p className="lead">{c.company}</p> : null}
      <p className="actions">
        {c.phone ? <a href={`tel:${c.phone.replace(/[^+\d]/g, "")}`}>{c.phone}</a> : null}
        {c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : null}
        {c.website ? (
          <a href={c.website} rel="noopener noreferrer nofollow">
            {c.website}
          </a>
        ) : null}
      </p>
      <section aria-labelledby="jobs">
        <h2 id="jobs">{t.jobs}</h2>
        {c.jobCount > 0 ? (
          <p>
            {t.jobCount(formatCount(c.jobCount, locale))} · {t.total(money(c.totalCostCents))}
          </p>
        ) : (
          <p>{t.noJobs}</p>
        )}
        <ol className="history">
          {c.jobs.map((job) => (
            <li key={job.completionId} className="card">
              <h3>
                <Link href={`/tasks/${job.taskId}`}>{job.taskTitle}</Link>
              </h3>
              <p>
                {formatDay(job.completedOn, locale)}
                {job.costCents !== null ? ` · ${money(job.costCents)}` : null}
              </p>
              {job.notes ? <p className="notes">{job.notes}</p> : null}
            </li>
          ))}
        </ol>
      </section>
      {c.notes ? <p className="notes">{c.notes}</p> : null}
      {canEdit ? (
        <section aria-labelledby="edit-contractor" className="wide-form">
          <h2 id="edit-contractor">{t.edit}</h2>
          <ContractorForm residenceId={residenceId} contractor={c} />
        </section>
      ) : null}
    </article>
  );
}
