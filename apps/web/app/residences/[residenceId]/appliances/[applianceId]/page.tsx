import "../../../../../src/styles/tasks.css";
import { replacementStatus, wholeYearsBetween } from "@honeydue/domain/appliances";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { addApplianceTasks, deleteAppliance } from "../../../../../src/actions/appliances.ts";
import { ActionForm } from "../../../../../src/components/action-form.tsx";
import { ApplianceForm } from "../../../../../src/components/appliance-form.tsx";
import { memberApi } from "../../../../../src/lib/api.ts";
import { applianceContext } from "../../../../../src/lib/appliance-page-data.ts";
import { formatCount, formatDay, formatMoney } from "../../../../../src/lib/format.ts";
import { strings } from "../../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.appliances.title };

/**
 * One appliance: its photo and facts, where it stands against its expected life and what replacing it may
 * cost, recall notices, its linked documents, contractors and tasks, its service history, and (for members)
 * the jobs its kind calls for (offered right after it is added), the edit form and delete.
 */
export default async function AppliancePage({
  params,
  searchParams,
}: {
  params: Promise<{ residenceId: string; applianceId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { residenceId, applianceId } = await params;
  const { added } = await searchParams;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/residences/${residenceId}/appliances/${applianceId}`);
  const path = { applianceId };
  const [context, appliance, history, suggested] = await Promise.all([
    applianceContext(api, residenceId),
    api.GET("/v1/appliances/{applianceId}", { params: { path } }),
    api.GET("/v1/appliances/{applianceId}/service-history", { params: { path } }),
    api.GET("/v1/appliances/{applianceId}/suggested-tasks", { params: { path } }),
  ]);
  if (!appliance.data || !history.data || !suggested.data) {
    if (appliance.response.status < 500) notFound();
    console.error(
      `appliance page: API answered ${appliance.response.status}/${history.response.status}/${suggested.response.status}`,
    );
    throw new Error(strings.errors.unreachable);
  }
  if (appliance.data.residenceId !== residenceId) notFound();
  const { locale, residence, canEdit, choices } = context;
  const a = appliance.data;
  const t = strings.appliances;
  const money = (cents: number) => formatMoney(cents, locale, residence.currency);
  const today = new Date().toISOString().slice(0, 10);
  const startedOn = a.installedOn ?? a.purchasedOn;
  const status = replacementStatus(a.endOfLifeOn, today);
  const offers = suggested.data.items;
  const toAdd = offers.filter((o) => !o.alreadyLinked);
  const addedCount = typeof added === "string" && /^\d+$/.test(added) ? Number(added) : null;
  const linked = (ids: string[], all: { id: string; label: string }[], href: (id: string) => string) => {
    const names = new Map(all.map((c) => [c.id, c.label]));
    const items = ids.filter((id) => names.has(id));
    if (items.length === 0) return <p>{t.none}</p>;
    return (
      <ul>
        {items.map((id) => (
          <li key={id}>
            <Link href={href(id)}>{names.get(id)}</Link>
          </li>
        ))}
      </ul>
    );
  };
  return (
    <article>
      <p>
        <Link href={`/residences/${residenceId}/appliances`}>{t.back}</Link>
      </p>
      <h1>{a.name}</h1>
      {a.photoFileId ? (
        <p>
          <a href={`/files/${a.photoFileId}`}>
            {/* biome-ignore lint/performance/noImgElement: a member's private file through /files, not optimisable by next/image */}
            <img
              src={`/files/${a.photoFileId}?variant=thumbnail`}
              alt={t.photoAlt(a.name)}
              width={240}
              height={240}
              className="appliance-photo"
            />
          </a>
        </p>
      ) : null}
      <dl className="facts">
        <div>
          <dt>{t.kind}</dt>
          <dd>{t.kinds[a.kind]}</dd>
        </div>
        {a.brand || a.model ? (
          <div>
            <dt>{t.brandModel}</dt>
            <dd>{[a.brand, a.model].filter(Boolean).join(" ")}</dd>
          </div>
        ) : null}
        {a.serialNumber ? (
          <div>
            <dt>{t.serial}</dt>
            <dd>{a.serialNumber}</dd>
          </div>
        ) : null}
        {a.purchasedOn ? (
          <div>
            <dt>{t.bought}</dt>
            <dd>{formatDay(a.purchasedOn, locale)}</dd>
          </div>
        ) : null}
        {a.installedOn ? (
          <div>
            <dt>{t.installed}</dt>
            <dd>{formatDay(a.installedOn, locale)}</dd>
          </div>
        ) : null}
        {a.location ? (
          <div>
            <dt>{t.where}</dt>
            <dd>{a.location}</dd>
          </div>
        ) : null}
      </dl>
      {a.notes ? <p className="notes">{a.notes}</p> : null}

      {canEdit && offers.length > 0 ? (
        <section aria-labelledby="suggested-tasks" className="card suggested-jobs">
          <h2 id="suggested-tasks">{t.suggestedTitle}</h2>
          {addedCount !== null ? (
            <p role="status" className="notice success">
              {t.jobsAdded(addedCount)}
            </p>
          ) : null}
          {toAdd.length === 0 ? (
            <p>{t.suggestedAllAdded}</p>
          ) : (
            <ActionForm action={addApplianceTasks} submit={t.suggestedAdd}>
              <p className="hint">{t.suggestedLead}</p>
              <input type="hidden" name="residenceId" value={residenceId} />
              <input type="hidden" name="applianceId" value={a.id} />
              <fieldset className="choices jobs">
                <legend>{t.suggestedJobs}</legend>
                {toAdd.map((o) => (
                  <label key={o.templateId}>
                    <input type="checkbox" name="templateIds" value={o.templateId} defaultChecked />
                    <span>
                      {o.title}
                      <span className="hint job-schedule">
                        {t.suggestedDue(
                          o.recurrenceText,
                          o.firstDueOn ? formatDay(o.firstDueOn, locale) : "—",
                        )}
                      </span>
                    </span>
                  </label>
                ))}
              </fieldset>
            </ActionForm>
          )}
        </section>
      ) : null}

      <section aria-labelledby="replacement" className="card">
        <h2 id="replacement">{t.replacementTitle}</h2>
        <dl className="facts">
          <div>
            <dt>{t.age}</dt>
            <dd>
              {startedOn ? t.years(formatCount(wholeYearsBetween(startedOn, today), locale)) : t.unknownAge}
            </dd>
          </div>
          {a.expectedLifespanYears ? (
            <div>
              <dt>{t.expectedLife}</dt>
              <dd>{t.years(formatCount(a.expectedLifespanYears, locale))}</dd>
            </div>
          ) : null}
          {a.endOfLifeOn ? (
            <div>
              <dt>{t.endOfLife}</dt>
              <dd className={status === "past_end_of_life" ? "expired" : undefined}>
                {formatDay(a.endOfLifeOn, locale)} — {t.status[status]}
              </dd>
            </div>
          ) : null}
          {a.replacementCostCents !== null ? (
            <div>
              <dt>{t.estimate}</dt>
              <dd>{money(a.replacementCostCents)}</dd>
            </div>
          ) : null}
        </dl>
      </section>

      <section aria-labelledby="recalls">
        <h2 id="recalls">{t.recallsTitle}</h2>
        {a.recalls.length === 0 ? <p>{t.noRecalls}</p> : <p className="hint">{t.recallHint}</p>}
        <ul className="table-list">
          {a.recalls.map((r) => (
            <li key={`${r.source}-${r.recallId}`} className="card notice error">
              <h3>{r.title}</h3>
              {r.recalledOn ? <p>{t.recalled(formatDay(r.recalledOn, locale))}</p> : null}
              {r.remedy ? (
                <p>
                  <strong>{t.remedy}</strong> {r.remedy}
                </p>
              ) : null}
              {r.url?.startsWith("https://") ? (
                <p>
                  <a href={r.url} rel="noopener noreferrer external" target="_blank">
                    {t.notice}
                  </a>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <div className="row">
        <section aria-labelledby="linked-documents">
          <h2 id="linked-documents">{t.documentsTitle}</h2>
          {linked(a.documentIds, choices.documents, (id) => `/residences/${residenceId}/documents/${id}`)}
        </section>
        <section aria-labelledby="linked-contractors">
          <h2 id="linked-contractors">{t.contractorsTitle}</h2>
          {linked(
            a.contractorIds,
            choices.contractors,
            (id) => `/residences/${residenceId}/contractors/${id}`,
          )}
        </section>
        <section aria-labelledby="linked-tasks">
          <h2 id="linked-tasks">{t.tasksTitle}</h2>
          {linked(a.taskIds, choices.tasks, (id) => `/tasks/${id}`)}
        </section>
      </div>

      <section aria-labelledby="service-history">
        <h2 id="service-history">{t.historyTitle}</h2>
        {history.data.items.length === 0 ? (
          <p>{t.noHistory}</p>
        ) : (
          <>
            <p>
              {t.historyTotal(
                history.data.serviceCount,
                formatCount(history.data.serviceCount, locale),
                money(history.data.totalCostCents),
              )}
            </p>
            <ul className="table-list">
              {history.data.items.map((s) => (
                <li key={s.completionId} className="card">
                  <Link href={`/tasks/${s.taskId}`}>{s.taskTitle}</Link> — {formatDay(s.completedOn, locale)}
                  {s.costCents !== null ? ` · ${money(s.costCents)}` : null}
                  {s.contractorName ? ` · ${s.contractorName}` : null}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      {canEdit ? (
        <>
          <section aria-labelledby="edit-appliance" className="wide-form">
            <h2 id="edit-appliance">{t.edit}</h2>
            <ApplianceForm
              residenceId={residenceId}
              locale={locale}
              currency={residence.currency}
              appliance={a}
              {...choices}
            />
          </section>
          <section aria-labelledby="delete-appliance" className="narrow-left">
            <h2 id="delete-appliance">{t.delete}</h2>
            <ActionForm action={deleteAppliance} submit={t.delete} secondary>
              <p className="hint">{t.deleteHint}</p>
              <input type="hidden" name="residenceId" value={residenceId} />
              <input type="hidden" name="applianceId" value={a.id} />
            </ActionForm>
          </section>
        </>
      ) : null}
    </article>
  );
}
