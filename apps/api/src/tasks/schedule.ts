import {
  type Recurrence as DomainRecurrence,
  describeRecurrence,
  firstDueOn as domainFirstDueOn,
  nextDueAfterCompletion,
  nextDueAfterSkip,
  normalizeRecurrence,
  validateRecurrence,
} from "@honeydue/domain";
import { conflict, invalidField } from "../http/problem.ts";

/**
 * The API's side of task schedules: recurrence JSON from a request body, and the schedule columns of a
 * task (due_on, scheduled_on, anchor_on) after a completion or a skip. The date rules themselves live in
 * @honeydue/domain.
 */

export type Recurrence = Exclude<DomainRecurrence, null>;

/** The schedule columns of a task. */
export interface ScheduleFields {
  recurrence: Recurrence | null;
  /** When the task is due now (a snoozed occurrence's new date). */
  dueOn: string | null;
  /** The occurrence of the schedule the current due date stands for (differs from dueOn after a snooze). */
  scheduledOn: string | null;
  /** The series' first date: interval schedules count from it, so month ends recover. */
  anchorOn: string | null;
}
export type NextSchedule = { dueOn: string; scheduledOn: string; anchorOn: string };

const later = (a: string, b: string) => (a > b ? a : b);

/** Date arithmetic past year 9999 is a 409 about this task, not a server error. */
function inRange<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof RangeError) throw conflict("The next due date of this task would be out of range");
    throw error;
  }
}

/** Which part of the recurrence a domain validation message is about, for a 400 naming the field. */
function fieldOf(message: string, field: string): string {
  if (/rrule/i.test(message)) return `${field}.rrule`;
  if (/^interval/i.test(message)) return `${field}.interval`;
  if (/\bunit\b/i.test(message)) return `${field}.unit`;
  if (/^meterId/i.test(message)) return `${field}.meterId`;
  if (/^every/i.test(message)) return `${field}.every`;
  if (/kind/i.test(message)) return `${field}.kind`;
  return field;
}

/**
 * Validates recurrence JSON into its canonical form (null = one-off), or throws a 400 naming the field.
 * Usage schedules name a residence's meter, so only tasks take them (`allowUsage`), not templates.
 */
export function parseRecurrence(input: unknown, field = "recurrence", allowUsage = false): Recurrence | null {
  if (input === null || input === undefined) return null;
  const error = validateRecurrence(input);
  if (error) throw invalidField(fieldOf(error, field), error);
  const r = normalizeRecurrence(input);
  if (r?.kind === "usage" && !allowUsage)
    throw invalidField(`${field}.kind`, "a usage schedule belongs to a task of a residence with its meter");
  return r;
}

export const isUsage = (r: Recurrence | null | undefined): r is Extract<Recurrence, { kind: "usage" }> =>
  r?.kind === "usage";

/** A sensible first due date for a new recurring task: today, or an RRULE's first date from today (usage tasks are projected). */
export function firstDueOn(r: Recurrence, today: string): string | null {
  return domainFirstDueOn(r, today);
}

/**
 * The schedule after completing the current occurrence on `completedOn`, or null when the task closes
 * (one-off, or an RRULE with no further dates). A snoozed occurrence counts from the later of its
 * scheduled date and its snoozed date, so completing it never hands back the same occurrence.
 */
export function nextAfterCompletion(s: ScheduleFields, completedOn: string): NextSchedule | null {
  const current = s.scheduledOn && s.dueOn ? later(s.scheduledOn, s.dueOn) : (s.dueOn ?? s.scheduledOn);
  const anchorOn = s.anchorOn ?? current ?? completedOn;
  const { nextDueOn } = inRange(() =>
    nextDueAfterCompletion({ recurrence: s.recurrence, anchorOn, dueOn: current, completedOn }),
  );
  if (nextDueOn === null) return null;
  // afterCompletion series restart from every completion; fixed ones keep their anchor.
  return s.recurrence?.kind === "afterCompletion"
    ? { dueOn: nextDueOn, scheduledOn: nextDueOn, anchorOn: nextDueOn }
    : { dueOn: nextDueOn, scheduledOn: nextDueOn, anchorOn };
}

/** The schedule after skipping the current occurrence (no log entry), or null when there is nothing to skip to. */
export function nextAfterSkip(s: ScheduleFields): NextSchedule | null {
  if (!s.recurrence || s.dueOn === null) return null;
  if (s.recurrence.kind === "afterCompletion") {
    const next = inRange(() =>
      nextDueAfterSkip({ recurrence: s.recurrence!, anchorOn: s.anchorOn, dueOn: s.dueOn! }),
    );
    return next ? { dueOn: next, scheduledOn: next, anchorOn: next } : null;
  }
  const current = s.scheduledOn ? later(s.scheduledOn, s.dueOn) : s.dueOn;
  const anchorOn = s.anchorOn ?? current;
  const next = inRange(() => nextDueAfterSkip({ recurrence: s.recurrence!, anchorOn, dueOn: current }));
  return next ? { dueOn: next, scheduledOn: next, anchorOn } : null;
}

/** The schedule in words: "Every 3 months", "90 days after completion", "Does not repeat". */
export function describeSchedule(r: Recurrence | null): string {
  return describeRecurrence(r);
}
