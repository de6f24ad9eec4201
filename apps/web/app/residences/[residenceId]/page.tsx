import { randomUUID } from "node:crypto";
import "../../../src/styles/tasks.css";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { actOnTask } from "../../../src/actions/household.ts";
import { ActionForm } from "../../../src/components/action-form.tsx";
import { ResidenceNav } from "../../../src/components/residence-nav.tsx";
import { SearchResults } from "../../../src/components/search-results.tsx";
import { FILTER_STATES, TaskFilters } from "../../../src/components/task-filters.tsx";
import { memberApi } from "../../../src/lib/api.ts";
import { formatDay } from "../../../src/lib/format.ts";
import { strings } from "../../../src/strings.ts";

export const metadata: Metadata = { title: strings.tasks.title };

const GROUPS = ["overdue", "dueToday", "dueSoon", "upcoming", "unscheduled"] as const;

function plusDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** One residence's honey-do list, grouped by due state, each task with its quick actions. */
function param(value: string | string[] | undefined): string {
  return typeof value === "string" ? value.trim().slice(0, 200) : "";
}

function oneOf<T extends string>(value: string, allowed: readonly T[]): T | undefined {
  return (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function Residence({
  params,
  searchParams,
}: {
  params: Promise<{ residenceId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { residenceId } = await params;
  const query = await searchParams;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/residences/${residenceId}`);
  const filters = {
    q: param(query.q),
    assigneeId: UUID.test(param(query.assigneeId)) ? param(query.assigneeId) : "",
    priority:
      oneOf(
        param(query.priority),
        Object.keys(strings.taskForm.priorities) as (keyof typeof strings.taskForm.priorities)[],
      ) ?? ("" as const),
    category:
      oneOf(
        param(query.category),
        Object.keys(strings.taskForm.categories) as (keyof typeof strings.taskForm.categories)[],
      ) ?? ("" as const),
    state: oneOf(param(query.state), FILTER_STATES) ?? ("" as const),
  };
  const [me, residence, tasks, members, search] = await Promise.all([
    api.GET("/v1/me"),
    api.GET("/v1/residences/{residenceId}", { params: { path: { residenceId } } }),
    api.GET("/v1/residences/{residenceId}/tasks", {
      params: {
        path: { residenceId },
        query: {
          limit: 100,
          ...(filters.assigneeId ? { assigneeId: filters.assigneeId } : {}),
          ...(filters.priority ? { priority: filters.priority } : {}),
          ...(filters.category ? { category: filters.category } : {}),
          ...(filters.state ? { state: [filters.state] } : {}),
        },
      },
    }),
    api.GET("/v1/residences/{residenceId}/members", { params: { path: { residenceId } } }),
    filters.q
      ? api.GET("/v1/residences/{residenceId}/search", {
          params: { path: { residenceId }, query: { q: filters.q } },
        })
      : null,
  ]);
  if (!me.data || !residence.data || !tasks.data || !members.data) {
    if (residence.response.status === 404 || residence.response.status === 403) redirect("/tasks");
    console.error(`residence page: API answered ${residence.response.status}/${tasks.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  const t = strings.household;
  const locale = me.data.locale || "en";
  const canEdit = residence.data.role !== "viewer";
  const today = new Date().toISOString().slice(0, 10);
  return (
    <section>
      <h1>{residence.data.name}</h1>
      <ResidenceNav residenceId={residenceId} current="list" />
      {canEdit ? (
        <p>
          <Link href={`/residences/${residenceId}/tasks/new`} className="button">
            {strings.taskForm.newTitle}
          </Link>
        </p>
      ) : null}
      <TaskFilters residenceId={residenceId} members={members.data.items} values={filters} />
      {filters.q ? (
        <SearchResults residenceId={residenceId} q={filters.q} hits={search?.data?.items ?? []} />
      ) : null}
      {tasks.data.items.length === 0 ? <p>{t.empty}</p> : null}
      {GROUPS.map((group) => {
        const items = tasks.data.items.filter((task) => task.state === group);
        if (items.length === 0) return null;
        return (
          <section key={group} aria-labelledby={`group-${group}`} className={`group group-${group}`}>
            <h2 id={`group-${group}`}>
              {t.groups[group]} <span className="count">({items.length})</span>
            </h2>
            <ul className="tasks">
              {items.map((task) => (
                <li key={task.id} className="task card">
                  <h3>
                    <Link href={`/tasks/${task.id}`}>{task.title}</Link>
                  </h3>
                  <p className="hint">
                    {task.dueOn ? t.due(formatDay(task.dueOn, locale)) : null}
                    {task.recurrenceText ? ` · ${task.recurrenceText}` : null}
                  </p>
                  {canEdit ? (
                    <div className="task-actions">
                      <ActionForm
                        action={actOnTask}
                        submit={t.complete}
                        offline={{ act: "complete", label: task.title }}
                      >
                        <input type="hidden" name="idempotencyKey" value={randomUUID()} />
                        <input type="hidden" name="taskId" value={task.id} />
                        <input type="hidden" name="residenceId" value={residenceId} />
                        <input type="hidden" name="dueOn" value={task.dueOn ?? ""} />
                        <input type="hidden" name="act" value="complete" />
                      </ActionForm>
                      {task.recurrence && task.dueOn ? (
                        <ActionForm
                          action={actOnTask}
                          submit={t.skip}
                          secondary
                          offline={{ act: "skip", label: task.title }}
                        >
                          <input type="hidden" name="idempotencyKey" value={randomUUID()} />
                          <input type="hidden" name="taskId" value={task.id} />
                          <input type="hidden" name="residenceId" value={residenceId} />
                          <input type="hidden" name="dueOn" value={task.dueOn} />
                          <input type="hidden" name="act" value="skip" />
                        </ActionForm>
                      ) : null}
                      {task.dueOn ? (
                        <ActionForm
                          action={actOnTask}
                          submit={t.snooze}
                          secondary
                          offline={{ act: "snooze", label: task.title }}
                        >
                          <input type="hidden" name="idempotencyKey" value={randomUUID()} />
                          <input type="hidden" name="taskId" value={task.id} />
                          <input type="hidden" name="residenceId" value={residenceId} />
                          <input type="hidden" name="dueOn" value={task.dueOn} />
                          <input type="hidden" name="act" value="snooze" />
                          <input
                            type="hidden"
                            name="until"
                            value={plusDays([task.dueOn, today].sort()[1] ?? today, 7)}
                          />
                        </ActionForm>
                      ) : null}
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </section>
  );
}
