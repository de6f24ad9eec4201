import { randomUUID } from "node:crypto";
import "../../../src/styles/tasks.css";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { completeTask, moveTask, undoCompletion } from "../../../src/actions/tasks.ts";
import { ActionForm } from "../../../src/components/action-form.tsx";
import { Field } from "../../../src/components/field.tsx";
import { HandoffSection } from "../../../src/components/handoff-section.tsx";
import { SelectField, TextAreaField } from "../../../src/components/inputs.tsx";
import { PhotoThumbnails } from "../../../src/components/photo-thumbnails.tsx";
import { memberApi } from "../../../src/lib/api.ts";
import { formatDay, formatMoney } from "../../../src/lib/format.ts";
import { describeRecurrence, type Recurrence } from "../../../src/lib/recurrence.ts";
import { residenceContext } from "../../../src/lib/task-page-data.ts";
import { strings } from "../../../src/strings.ts";

export const metadata: Metadata = { title: strings.tasks.title };

function plusDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** One task: what and when, mark it done (photos, cost, contractor), skip, snooze, undo, and its history. */
export default async function TaskPage({
  params,
  searchParams,
}: {
  params: Promise<{ taskId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { taskId } = await params;
  const { notice } = await searchParams;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/tasks/${taskId}`);
  const path = { taskId };
  const [task, history, handoff] = await Promise.all([
    api.GET("/v1/tasks/{taskId}", { params: { path } }),
    api.GET("/v1/tasks/{taskId}/completions", { params: { path, query: { limit: 50 } } }),
    api.GET("/v1/tasks/{taskId}/handoff-links", { params: { path } }),
  ]);
  if (!task.data || !history.data || !handoff.data) {
    if (task.response.status === 401) redirect(`/sign-in?next=/tasks/${taskId}`);
    if (task.response.status < 500) notFound();
    console.error(
      `task page: API answered ${task.response.status}/${history.response.status}/${handoff.response.status}`,
    );
    throw new Error(strings.errors.unreachable);
  }
  const context = await residenceContext(api, task.data.residenceId);
  const { locale, residence, canEdit } = context;
  const t = strings.taskDetail;
  const item = task.data;
  const money = (cents: number) => formatMoney(cents, locale, residence.currency);
  const contractorName = new Map(context.contractors.map((c) => [c.id, c.name]));
  const currency =
    new Intl.DisplayNames(locale, { type: "currency" }).of(residence.currency) ?? residence.currency;
  const today = new Date().toISOString().slice(0, 10);
  // The invoice a contractor sent with the completion a member accepted from their hand-off link.
  const invoiceOf = new Map(
    handoff.data.items.flatMap((l) =>
      l.decision?.completionId && l.submission?.invoiceFileId
        ? [[l.decision.completionId, l.submission.invoiceFileId] as const]
        : [],
    ),
  );
  const notices: Record<string, string> = {
    undone: t.undone,
    closed: `${t.completed} ${t.closed}`,
    "handoff-accepted": strings.handoff.accepted,
    "handoff-rejected": strings.handoff.rejected,
    "handoff-revoked": strings.handoff.revoked,
  };
  const shownNotice = typeof notice === "string" ? notices[notice] : undefined;
  const open = !item.completedAt && !item.archivedAt;
  const hidden = (
    <>
      <input type="hidden" name="taskId" value={item.id} />
      <input type="hidden" name="residenceId" value={residence.id} />
      <input type="hidden" name="locale" value={locale} />
      <input type="hidden" name="dueOn" value={item.dueOn ?? ""} />
    </>
  );
  return (
    <article className="task-page">
      <p>
        <Link href={`/residences/${residence.id}`}>{t.back(residence.name)}</Link>
      </p>
      <h1>{item.title}</h1>
      {shownNotice ? (
        <p role="status" className="notice success">
          {shownNotice}
        </p>
      ) : null}
      <dl className="facts">
        <div>
          <dt>{t.state}</dt>
          <dd className={`state state-${item.state}`}>{t.states[item.state]}</dd>
        </div>
        <div>
          <dt>{t.due}</dt>
          <dd>{item.dueOn ? formatDay(item.dueOn, locale) : t.noDue}</dd>
        </div>
        <div>
          <dt>{t.repeats}</dt>
          <dd>{describeRecurrence(item.recurrence as Recurrence, locale, item.recurrenceText)}</dd>
        </div>
        <div>
          <dt>{t.lastDone}</dt>
          <dd>{item.lastCompletedOn ? formatDay(item.lastCompletedOn, locale) : t.never}</dd>
        </div>
        {item.assignee ? (
          <div>
            <dt>{t.assignee}</dt>
            <dd>{item.assignee.name}</dd>
          </div>
        ) : null}
        {item.contractor ? (
          <div>
            <dt>{t.contractor}</dt>
            <dd>{item.contractor.name}</dd>
          </div>
        ) : null}
        {item.estimatedCostCents !== null ? (
          <div>
            <dt>{t.estimatedCost}</dt>
            <dd>{money(item.estimatedCostCents)}</dd>
          </div>
        ) : null}
      </dl>
      {item.notes ? (
        <section aria-labelledby="notes">
          <h2 id="notes">{t.notes}</h2>
          <p className="notes">{item.notes}</p>
        </section>
      ) : null}
      {canEdit ? (
        <p>
          <Link href={`/tasks/${item.id}/edit`} className="button">
            {t.edit}
          </Link>
        </p>
      ) : null}

      {canEdit && open ? (
        <div className="task-forms">
          <section aria-labelledby="complete" className="card">
            <h2 id="complete">{t.completeTitle}</h2>
            <ActionForm
              action={completeTask}
              submit={t.complete}
              offline={{ act: "complete", label: item.title }}
            >
              {hidden}
              <input type="hidden" name="idempotencyKey" value={randomUUID()} />
              <Field label={t.completedOn} name="completedOn" type="date" max={today} defaultValue={today} />
              <Field
                label={`${t.cost} — ${currency}`}
                name="cost"
                inputMode="decimal"
                autoComplete="off"
                hint={t.costHint(formatMoney(4550, locale, residence.currency))}
              />
              <SelectField
                label={t.contractor_}
                name="contractorId"
                defaultValue={item.contractorId ?? ""}
                options={[["", t.myself], ...context.contractors.map((c) => [c.id, c.name] as const)]}
              />
              <Field
                label={t.photos}
                name="photos"
                type="file"
                accept="image/*"
                capture="environment"
                multiple
                hint={t.photosHint}
              />
              <TextAreaField label={t.completionNotes} name="notes" maxLength={10_000} />
            </ActionForm>
          </section>
          {item.dueOn ? (
            <section aria-labelledby="snooze" className="card">
              <h2 id="snooze">{t.snoozeTitle}</h2>
              <ActionForm
                action={moveTask}
                submit={t.snooze}
                secondary
                offline={{ act: "snooze", label: item.title }}
              >
                {hidden}
                <input type="hidden" name="idempotencyKey" value={randomUUID()} />
                <input type="hidden" name="act" value="snooze" />
                <Field
                  label={t.snoozeUntil}
                  name="until"
                  type="date"
                  required
                  min={today}
                  defaultValue={plusDays([item.dueOn, today].sort()[1] ?? today, 7)}
                />
              </ActionForm>
              {item.recurrence ? (
                <ActionForm
                  action={moveTask}
                  submit={t.skip}
                  secondary
                  offline={{ act: "skip", label: item.title }}
                >
                  {hidden}
                  <input type="hidden" name="idempotencyKey" value={randomUUID()} />
                  <input type="hidden" name="act" value="skip" />
                </ActionForm>
              ) : null}
            </section>
          ) : null}
        </div>
      ) : null}

      <HandoffSection
        taskId={item.id}
        links={handoff.data.items}
        locale={locale}
        timeZone={context.me.timezone}
        currency={residence.currency}
        contractors={context.contractors.map((c) => [c.id, c.name] as const)}
        defaultContractorId={item.contractorId ?? ""}
        canEdit={canEdit}
        canMakeLinks={!item.archivedAt && !item.completedAt}
      />

      <section aria-labelledby="history">
        <h2 id="history">{t.history}</h2>
        {history.data.items.length === 0 ? <p>{t.noHistory}</p> : null}
        <ol className="history">
          {history.data.items.map((c) => (
            <li key={c.id} className="card">
              <h3>
                {formatDay(c.completedOn, locale)}
                {c.completedBy ? <span className="hint"> {t.by(c.completedBy.name)}</span> : null}
              </h3>
              {c.costCents !== null || c.contractorId ? (
                <p>
                  {c.costCents !== null ? t.costOf(money(c.costCents)) : null}
                  {c.costCents !== null && c.contractorId ? " · " : null}
                  {c.contractorId ? (
                    <Link href={`/residences/${residence.id}/contractors/${c.contractorId}`}>
                      {contractorName.get(c.contractorId) ?? t.contractor}
                    </Link>
                  ) : null}
                </p>
              ) : null}
              {c.notes ? <p className="notes">{c.notes}</p> : null}
              {invoiceOf.has(c.id) ? (
                <p>
                  <a href={`/files/${invoiceOf.get(c.id)}`}>{strings.handoff.invoiceOf}</a>
                </p>
              ) : null}
              <PhotoThumbnails
                ids={c.photoIds}
                alt={(i) => t.photo(i + 1, formatDay(c.completedOn, locale))}
              />
            </li>
          ))}
        </ol>
        {canEdit && history.data.items.length > 0 ? (
          <ActionForm action={undoCompletion} submit={t.undo} secondary>
            <p className="hint">{t.undoHint}</p>
            <input type="hidden" name="taskId" value={item.id} />
            <input type="hidden" name="residenceId" value={residence.id} />
            <input type="hidden" name="locale" value={locale} />
          </ActionForm>
        ) : null}
      </section>
    </article>
  );
}
