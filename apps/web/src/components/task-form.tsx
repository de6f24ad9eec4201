import { randomUUID } from "node:crypto";
import "../styles/tasks.css";
import { saveTask } from "../actions/tasks.ts";
import { moneyInputValue } from "../lib/money.ts";
import { fieldsFromRecurrence, type MeterChoice, type Recurrence } from "../lib/recurrence.ts";
import type { ResidenceContext } from "../lib/task-page-data.ts";
import { strings } from "../strings.ts";
import { ActionForm } from "./action-form.tsx";
import { Field } from "./field.tsx";
import { SelectField, TextAreaField } from "./inputs.tsx";
import { RecurrenceFields } from "./recurrence-fields.tsx";

export interface EditableTask {
  id: string;
  title: string;
  notes: string | null;
  category: string;
  priority: string;
  assigneeId: string | null;
  contractorId: string | null;
  dueOn: string | null;
  estimatedCostCents: number | null;
  recurrence: Recurrence;
}

/** Create (no task) or edit a task: what, when and how often (on a calendar or by a meter's use), who, and what it may cost. */
export function TaskForm({
  context,
  meters,
  task,
}: {
  context: ResidenceContext;
  meters: MeterChoice[];
  task?: EditableTask;
}) {
  const t = strings.taskForm;
  const { locale, residence } = context;
  const currency =
    new Intl.DisplayNames(locale, { type: "currency" }).of(residence.currency) ?? residence.currency;
  return (
    <ActionForm
      action={saveTask}
      submit={task ? t.save : t.create}
      offline={task ? undefined : { act: "create" }}
    >
      <input type="hidden" name="residenceId" value={residence.id} />
      <input type="hidden" name="locale" value={locale} />
      {task ? (
        <>
          <input type="hidden" name="taskId" value={task.id} />
          <input type="hidden" name="previousDueOn" value={task.dueOn ?? ""} />
        </>
      ) : (
        <input type="hidden" name="idempotencyKey" value={randomUUID()} />
      )}
      <Field label={t.title} name="title" required maxLength={200} defaultValue={task?.title} />
      <RecurrenceFields
        initial={fieldsFromRecurrence(task?.recurrence ?? null)}
        locale={locale}
        meters={meters}
        metersHref={`/residences/${residence.id}/meters`}
        dueOn={{ label: t.dueOn, hint: t.dueOnHint, defaultValue: task?.dueOn ?? "" }}
      />
      <div className="row">
        <SelectField
          label={t.category}
          name="category"
          defaultValue={task?.category ?? "other"}
          options={Object.entries(t.categories)}
        />
        <SelectField
          label={t.priority}
          name="priority"
          defaultValue={task?.priority ?? "normal"}
          options={Object.entries(t.priorities)}
        />
      </div>
      <SelectField
        label={t.assignee}
        name="assigneeId"
        defaultValue={task?.assigneeId ?? ""}
        options={[["", t.nobody], ...context.members.map((m) => [m.userId, m.name] as const)]}
      />
      <SelectField
        label={t.contractor}
        name="contractorId"
        defaultValue={task?.contractorId ?? ""}
        options={[["", t.noContractor], ...context.contractors.map((c) => [c.id, c.name] as const)]}
      />
      <Field
        label={`${t.estimatedCost} — ${currency}`}
        name="estimatedCost"
        inputMode="decimal"
        autoComplete="off"
        defaultValue={moneyInputValue(task?.estimatedCostCents, locale)}
      />
      <TextAreaField label={t.notes} name="notes" maxLength={10_000} defaultValue={task?.notes ?? ""} />
    </ActionForm>
  );
}
