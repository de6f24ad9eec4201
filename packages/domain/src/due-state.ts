/**
 * Derived state of a task relative to "today" in the residence's time zone (see todayIn in dates.ts).
 */
import { addDays, isValidLocalDate, type LocalDate } from "./dates.ts";

export const DUE_STATES = [
  "overdue",
  "dueToday",
  "dueSoon",
  "upcoming",
  "unscheduled",
  "completed",
  "archived",
] as const;
export type DueState = (typeof DUE_STATES)[number];

/** Default "due soon" horizon in days (the user's preference may override it). */
export const DEFAULT_DUE_SOON_DAYS = 7;
export const MAX_DUE_SOON_DAYS = 365;

function checkHorizon(horizonDays: number): void {
  if (!Number.isInteger(horizonDays) || horizonDays < 0 || horizonDays > MAX_DUE_SOON_DAYS) {
    throw new RangeError(
      `horizonDays must be a whole number from 0 to ${MAX_DUE_SOON_DAYS}, got ${horizonDays}`,
    );
  }
}

function checkToday(today: LocalDate): void {
  if (!isValidLocalDate(today))
    throw new RangeError(`today must be a calendar date YYYY-MM-DD, got ${today}`);
}

/**
 * archived wins, then completed (a closed one-off: completedAt set), then unscheduled (no due date), then by
 * due date vs today: before today = overdue, today = dueToday, up to today + horizonDays = dueSoon, later =
 * upcoming. (With horizonDays = 0 nothing is dueSoon.)
 */
export function dueState(
  task: { dueOn: LocalDate | null; archivedAt: Date | string | null; completedAt: Date | string | null },
  today: LocalDate,
  horizonDays: number = DEFAULT_DUE_SOON_DAYS,
): DueState {
  checkToday(today);
  checkHorizon(horizonDays);
  if (task.archivedAt !== null && task.archivedAt !== undefined) return "archived";
  if (task.completedAt !== null && task.completedAt !== undefined) return "completed";
  if (task.dueOn === null || task.dueOn === undefined) return "unscheduled";
  if (!isValidLocalDate(task.dueOn))
    throw new RangeError(`dueOn must be a calendar date YYYY-MM-DD, got ${task.dueOn}`);
  if (task.dueOn < today) return "overdue";
  if (task.dueOn === today) return "dueToday";
  if (task.dueOn <= addDays(today, horizonDays)) return "dueSoon";
  return "upcoming";
}

/**
 * Date boundaries for filtering by state in SQL (for open, non-archived tasks with a due date):
 *   overdue:  due_on <  today
 *   dueToday: due_on =  today
 *   dueSoon:  due_on >  today AND due_on <= soonThrough
 *   upcoming: due_on >  soonThrough
 * (unscheduled: due_on IS NULL; completed/archived are decided by completed_at/archived_at, which win.)
 */
export function dueStateBounds(
  today: LocalDate,
  horizonDays: number = DEFAULT_DUE_SOON_DAYS,
): { today: LocalDate; soonThrough: LocalDate } {
  checkToday(today);
  checkHorizon(horizonDays);
  return { today, soonThrough: addDays(today, horizonDays) };
}
