import { tasks } from "@honeydue/db";
import { type DueState, isValidLocalDate } from "@honeydue/domain";
import { type Placeholder, type SQL, sql } from "drizzle-orm";

/** The dates that split open tasks into due states: computed from the residence's local date. */
export interface StateBounds {
  /** Today in the residence's timezone. */
  today: string;
  /** The last day that counts as "due soon" (today + the caller's horizon). */
  soonEnd: string;
}

/** Bounds given at execution time, for a statement prepared once (`sql.placeholder`). */
export interface PreparedBounds {
  today: Placeholder<"today">;
  soonEnd: Placeholder<"soonEnd">;
}
export const preparedBounds: PreparedBounds = {
  today: sql.placeholder("today"),
  soonEnd: sql.placeholder("soonEnd"),
};

/** The due state of a task, computed in SQL so filtering, sorting and the returned state agree. */
export function stateSql(b: StateBounds | PreparedBounds): SQL<DueState> {
  return sql<DueState>`CASE
    WHEN ${tasks.archivedAt} IS NOT NULL THEN 'archived'
    WHEN ${tasks.completedAt} IS NOT NULL THEN 'completed'
    WHEN ${tasks.dueOn} IS NULL THEN 'unscheduled'
    WHEN ${tasks.dueOn} < ${b.today}::date THEN 'overdue'
    WHEN ${tasks.dueOn} = ${b.today}::date THEN 'dueToday'
    WHEN ${tasks.dueOn} <= ${b.soonEnd}::date THEN 'dueSoon'
    ELSE 'upcoming' END`;
}

const open = () => sql`${tasks.archivedAt} IS NULL AND ${tasks.completedAt} IS NULL`;

/**
 * A WHERE condition for one state. Open states are ranges on due_on among open tasks, so they are
 * served by the partial index tasks_residence_due_idx (residence_id, due_on, id).
 */
export function stateCondition(state: DueState, b: StateBounds | PreparedBounds): SQL {
  switch (state) {
    case "archived":
      return sql`${tasks.archivedAt} IS NOT NULL`;
    case "completed":
      return sql`(${tasks.archivedAt} IS NULL AND ${tasks.completedAt} IS NOT NULL)`;
    case "unscheduled":
      return sql`(${open()} AND ${tasks.dueOn} IS NULL)`;
    case "overdue":
      return sql`(${open()} AND ${tasks.dueOn} < ${b.today}::date)`;
    case "dueToday":
      return sql`(${open()} AND ${tasks.dueOn} = ${b.today}::date)`;
    case "dueSoon":
      return sql`(${open()} AND ${tasks.dueOn} > ${b.today}::date AND ${tasks.dueOn} <= ${b.soonEnd}::date)`;
    case "upcoming":
      return sql`(${open()} AND ${tasks.dueOn} > ${b.soonEnd}::date)`;
  }
}

/** The states of a task that is neither completed nor archived: the list's default filter. */
export const OPEN_STATES: readonly DueState[] = ["overdue", "dueToday", "dueSoon", "upcoming", "unscheduled"];

/** Several states: open ones merge into one condition on the open-task index where they can. */
export function statesCondition(states: readonly DueState[], b: StateBounds | PreparedBounds): SQL {
  const set = new Set(states);
  const openStates = OPEN_STATES;
  if (openStates.every((s) => set.has(s))) {
    const rest = [...set].filter((s) => !openStates.includes(s));
    return rest.length === 0
      ? open()
      : sql`(${sql.join([open(), ...rest.map((s) => stateCondition(s, b))], sql` OR `)})`;
  }
  const parts = [...set].map((s) => stateCondition(s, b));
  return parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, sql` OR `)})`;
}

/** The keyset position of a task in the list order. */
export interface TaskCursor {
  d: string | null;
  i: string;
}
export const isTaskCursor = (v: unknown): v is TaskCursor => {
  const c = v as TaskCursor;
  return (
    typeof c === "object" &&
    c !== null &&
    (c.d === null || (typeof c.d === "string" && isValidLocalDate(c.d))) &&
    typeof c.i === "string" &&
    /^[0-9a-f-]{36}$/i.test(c.i)
  );
};

/** Rows after the cursor in (due_on ASC NULLS LAST, id ASC) order. */
export function afterCursor(c: TaskCursor): SQL {
  return c.d === null
    ? sql`(${tasks.dueOn} IS NULL AND ${tasks.id} > ${c.i}::uuid)`
    : sql`((${tasks.dueOn}, ${tasks.id}) > (${c.d}::date, ${c.i}::uuid) OR ${tasks.dueOn} IS NULL)`;
}
