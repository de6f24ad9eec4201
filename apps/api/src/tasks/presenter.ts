import { contractors, type Database, meters, prepareRows, type Queryable, tasks, users } from "@honeydue/db";
import { describeProjection, describeUsage, type UsageProjection } from "@honeydue/domain";
import { and, asc, eq, inArray, type Placeholder, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import {
  OPEN_STATES,
  type PreparedBounds,
  preparedBounds,
  type StateBounds,
  stateSql,
  statesCondition,
} from "./queries.ts";
import { describeSchedule, type Recurrence } from "./schedule.ts";

/**
 * The task presenter: the one JSON shape of a task, used by the task routes, templates, the export and the
 * sync feed. Its state is derived in the residence's local date with the caller's due-soon horizon.
 */

const assignee = alias(users, "assignee");

/** The task columns every response carries, with its computed state and the names it refers to. */
export function taskSelection(b: StateBounds | PreparedBounds) {
  return {
    id: tasks.id,
    residenceId: tasks.residenceId,
    title: tasks.title,
    notes: tasks.notes,
    category: tasks.category,
    priority: tasks.priority,
    state: stateSql(b),
    dueOn: tasks.dueOn,
    scheduledOn: tasks.scheduledOn,
    recurrence: tasks.recurrence,
    usageProjection: tasks.usageProjection,
    meterName: meters.name,
    meterUnit: meters.unit,
    assigneeId: tasks.assigneeId,
    assigneeName: assignee.name,
    estimatedCostCents: tasks.estimatedCostCents,
    contractorId: tasks.contractorId,
    contractorName: contractors.name,
    templateId: tasks.templateId,
    lastCompletedOn: sql<
      string | null
    >`(SELECT max(c.completed_on)::text FROM completions c WHERE c.task_id = ${tasks.id})`,
    completedAt: tasks.completedAt,
    archivedAt: tasks.archivedAt,
    createdBy: tasks.createdBy,
    createdAt: tasks.createdAt,
    updatedAt: tasks.updatedAt,
  };
}

type TaskRow = Awaited<ReturnType<typeof selectTasks>>[number];

/** Tasks with their joins, filtered by `where`, sorted by due date (nulls last) then id. */
export function selectTasks(
  db: Queryable,
  b: StateBounds | PreparedBounds,
  where: SQL | undefined,
  limit?: number | Placeholder,
) {
  const q = db
    .select(taskSelection(b))
    .from(tasks)
    .leftJoin(assignee, eq(assignee.id, tasks.assigneeId))
    .leftJoin(contractors, eq(contractors.id, tasks.contractorId))
    // Usage schedules name their meter in the recurrence (validated as a uuid when stored).
    .leftJoin(
      meters,
      sql`${tasks.recurrence} ->> 'kind' = 'usage' AND ${meters.id} = (${tasks.recurrence} ->> 'meterId')::uuid`,
    )
    .where(where)
    .orderBy(sql`${tasks.dueOn} ASC NULLS LAST`, asc(tasks.id));
  return limit === undefined ? q : q.limit(limit);
}

/**
 * The task list's default view (a residence's open tasks, first page) as a named prepared statement: its
 * SQL is built once here and PostgreSQL parses and plans it once per connection, not on every request.
 * Executed with { residenceId, today, soonEnd, limit }.
 */
export function prepareOpenTasksPage(db: Database) {
  return prepareRows(db, "task_list_open_page", openTasksPageQuery(db));
}

export function openTasksPageQuery(db: Database) {
  return selectTasks(
    db,
    preparedBounds,
    and(eq(tasks.residenceId, sql.placeholder("residenceId")), statesCondition(OPEN_STATES, preparedBounds)),
    sql.placeholder("limit"),
  );
}

/** A usage task's projection as the API shows it (null for other schedules, or before the first projection). */
function usageOf(row: TaskRow) {
  const recurrence = row.recurrence as Recurrence | null;
  const p = row.usageProjection as UsageProjection | null;
  if (recurrence?.kind !== "usage" || !p || !row.meterName) return null;
  return {
    meterId: recurrence.meterId,
    meterName: row.meterName,
    unit: row.meterUnit!,
    used: p.used,
    remaining: p.remaining,
    dueBy: p.dueBy,
    usageDueOn: p.usageDueOn,
    intervalDueOn: p.intervalDueOn,
    rate: p.rate,
    latestReadingOn: p.latestReadingOn,
    basis: describeProjection(p, row.meterUnit!),
  };
}

/** One task as the API returns it. */
export function toTask(row: TaskRow) {
  const recurrence = (row.recurrence ?? null) as Recurrence | null;
  return {
    id: row.id,
    residenceId: row.residenceId,
    title: row.title,
    notes: row.notes,
    category: row.category,
    priority: row.priority,
    state: row.state,
    dueOn: row.dueOn,
    scheduledOn: row.scheduledOn,
    recurrence,
    recurrenceText:
      recurrence?.kind === "usage"
        ? describeUsage(recurrence, row.meterName ? { name: row.meterName, unit: row.meterUnit! } : null)
        : describeSchedule(recurrence),
    usage: usageOf(row),
    assigneeId: row.assigneeId,
    assignee: row.assigneeId && row.assigneeName ? { id: row.assigneeId, name: row.assigneeName } : null,
    estimatedCostCents: row.estimatedCostCents,
    contractorId: row.contractorId,
    contractor:
      row.contractorId && row.contractorName ? { id: row.contractorId, name: row.contractorName } : null,
    templateId: row.templateId,
    lastCompletedOn: row.lastCompletedOn,
    completedAt: row.completedAt?.toISOString() ?? null,
    archivedAt: row.archivedAt?.toISOString() ?? null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type TaskDto = ReturnType<typeof toTask>;

/** One task by id with its state, or undefined. */
export async function loadTask(db: Queryable, taskId: string, b: StateBounds): Promise<TaskDto | undefined> {
  const [row] = await selectTasks(db, b, eq(tasks.id, taskId), 1);
  return row ? toTask(row) : undefined;
}

/** Several tasks by id (any order), as the API returns them. */
export async function loadTasks(db: Queryable, taskIds: string[], b: StateBounds): Promise<TaskDto[]> {
  if (taskIds.length === 0) return [];
  const rows = await selectTasks(db, b, inArray(tasks.id, taskIds));
  return rows.map(toTask);
}
