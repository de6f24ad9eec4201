import Link from "next/link";
import type { ResidenceContext } from "../lib/task-page-data.ts";
import { strings } from "../strings.ts";
import { Field } from "./field.tsx";
import { SelectField } from "./inputs.tsx";

export const FILTER_STATES = ["overdue", "dueToday", "dueSoon", "upcoming", "unscheduled"] as const;

export interface TaskFilterValues {
  q: string;
  assigneeId: string;
  priority: string;
  category: string;
  state: string;
}

/** A plain GET form: filters and search live in the address, so they work without JavaScript and can be shared. */
export function TaskFilters({
  residenceId,
  members,
  values,
}: {
  residenceId: string;
  members: ResidenceContext["members"];
  values: TaskFilterValues;
}) {
  const t = strings.filters;
  const f = strings.taskForm;
  const any = ["", t.any] as const;
  const active = Object.values(values).some(Boolean);
  return (
    <search className="filters card">
      <form method="get" action={`/residences/${residenceId}`}>
        <h2 className="visually-hidden">{t.title}</h2>
        <Field label={t.search} name="q" type="search" defaultValue={values.q} maxLength={200} />
        <div className="row">
          <SelectField
            label={t.assignee}
            name="assigneeId"
            defaultValue={values.assigneeId}
            options={[["", t.anyone], ...members.map((m) => [m.userId, m.name] as const)]}
          />
          <SelectField
            label={t.priority}
            name="priority"
            defaultValue={values.priority}
            options={[any, ...Object.entries(f.priorities)]}
          />
          <SelectField
            label={t.category}
            name="category"
            defaultValue={values.category}
            options={[any, ...Object.entries(f.categories)]}
          />
          <SelectField
            label={t.state}
            name="state"
            defaultValue={values.state}
            options={[any, ...FILTER_STATES.map((s) => [s, strings.household.groups[s]] as const)]}
          />
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            {t.apply}
          </button>
          {active ? <Link href={`/residences/${residenceId}`}>{t.clear}</Link> : null}
        </div>
      </form>
    </search>
  );
}
