/**
 * Escalation of overdue tasks: a residence's policy, which of its steps a task has reached, and when a
 * recipient may be told. No I/O: the escalation tick (packages/jobs) and the policy routes use these.
 */
import { TASK_PRIORITIES, type TaskPriority } from "./templates-catalog.ts";

export const ESCALATION_NOTIFY = ["assignee", "owners", "member"] as const;
export type EscalationNotify = (typeof ESCALATION_NOTIFY)[number];

export interface EscalationStepRule {
  /** Whom this step tells: the assignee again, every owner, or one chosen member. */
  notify: EscalationNotify;
  /** With notify = "member": that member's user id. */
  memberId?: string;
  /** Days overdue (counted from the cycle's start) before the step, per priority; null = not for it. */
  afterDays: Record<TaskPriority, number | null>;
}

export const MAX_ESCALATION_STEPS = 5;
export const MAX_ESCALATION_DAYS = 365;
/** Nobody is told after this local hour, whatever their digest hour (quiet hours until their digest hour). */
export const ESCALATION_QUIET_FROM_HOUR = 21;

/** A problem with a policy's steps, as [field path, message], or null when the steps are valid. */
export function validateEscalationSteps(steps: readonly EscalationStepRule[]): [string, string] | null {
  if (steps.length > MAX_ESCALATION_STEPS) return ["steps", `at most ${MAX_ESCALATION_STEPS} steps`];
  for (const [i, step] of steps.entries()) {
    const at = `steps.${i}`;
    if (step.notify === "member" && !step.memberId)
      return [`${at}.memberId`, 'required when notify is "member"'];
    if (step.notify !== "member" && step.memberId !== undefined)
      return [`${at}.memberId`, 'only allowed when notify is "member"'];
    const days = TASK_PRIORITIES.map((p) => step.afterDays[p]);
    if (days.every((d) => d === null)) return [`${at}.afterDays`, "must name at least one priority"];
    for (const p of TASK_PRIORITIES) {
      const d = step.afterDays[p];
      if (d !== null && (!Number.isInteger(d) || d < 1 || d > MAX_ESCALATION_DAYS))
        return [
          `${at}.afterDays.${p}`,
          `must be a whole number of days from 1 to ${MAX_ESCALATION_DAYS}, or null`,
        ];
      // A later step for the same priority must come later: "remind again, then tell the owners".
      const earlier = steps.slice(0, i).map((s) => s.afterDays[p]);
      if (d !== null && earlier.some((e) => e !== null && e >= d))
        return [`${at}.afterDays.${p}`, "must be more days than every earlier step's for this priority"];
    }
  }
  return null;
}

/** The indexes of the steps a task of `priority` has reached after `daysOnClock` days overdue. */
export function reachedSteps(
  steps: readonly EscalationStepRule[],
  priority: TaskPriority,
  daysOnClock: number,
): number[] {
  const reached: number[] = [];
  for (const [i, step] of steps.entries()) {
    const after = step.afterDays[priority];
    if (after !== null && after !== undefined && daysOnClock >= after) reached.push(i);
  }
  return reached;
}

/**
 * Whether a recipient may be told now: from their digest hour (their morning, in their own time zone) until
 * ESCALATION_QUIET_FROM_HOUR; someone whose digest hour is later than that gets it in that one hour.
 */
export function inSendingWindow(localHour: number, digestHour: number): boolean {
  const until = Math.max(digestHour + 1, ESCALATION_QUIET_FROM_HOUR);
  return localHour >= digestHour && localHour < until;
}

/** "Replace smoke alarm batteries is 5 days overdue — assigned to Sam". */
export function escalationMessage(e: {
  taskTitle: string;
  daysOverdue: number;
  assigneeName: string | null;
  toAssignee: boolean;
}): string {
  const days = e.daysOverdue === 1 ? "1 day" : `${e.daysOverdue} days`;
  if (e.toAssignee) return `Reminder: “${e.taskTitle}” is ${days} overdue`;
  return `“${e.taskTitle}” is ${days} overdue — ${e.assigneeName ? `assigned to ${e.assigneeName}` : "not assigned to anyone"}`;
}
