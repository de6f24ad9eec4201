import { queryRows, taskEscalationCycles, taskEscalations } from "@honeydue/db";
import {
  type EscalationStepRule,
  escalationMessage,
  inSendingWindow,
  reachedSteps,
  type TaskPriority,
} from "@honeydue/domain";
import { sql } from "drizzle-orm";
import { remind } from "../push/notify.ts";
import type { ReminderDeps } from "./digest.ts";

interface OverdueTask extends Record<string, unknown> {
  id: string;
  title: string;
  priority: TaskPriority;
  due_on: string;
  assignee_id: string | null;
  assignee_name: string | null;
  residence_id: string;
  residence: string;
  today: string;
  steps: EscalationStepRule[];
  cycle_due_on: string | null;
  cycle_assignee_id: string | null;
  cycle_started_on: string | null;
}

interface Recipient extends Record<string, unknown> {
  id: string;
  email: string;
  name: string;
  role: string;
  digest_enabled: boolean;
  verified: boolean;
  local_hour: number;
  digest_hour: number;
}

const daysBetween = (later: string, earlier: string) =>
  Math.round((Date.parse(`${later}T00:00:00Z`) - Date.parse(`${earlier}T00:00:00Z`)) / 86_400_000);

/**
 * The hourly escalation tick (job `reminders.escalation-tick`). For every open task that is overdue in its
 * residence's time zone, in a residence whose escalation policy is on:
 *  1. its cycle: the occurrence (due date) and the assignee it is about. A new due date (completed, skipped,
 *     snoozed) starts a new cycle counted from that date; a new assignee restarts the clock on the day of
 *     the reassignment. Completing or snoozing also makes the task not overdue, so nothing is sent.
 *  2. the steps whose days overdue (for the task's priority) the cycle has reached, and each step's
 *     recipients; a recipient is told only while it is day for them (inSendingWindow: from their digest
 *     hour, in their own time zone), so one who is asleep gets it in a later tick.
 *  3. per (task, cycle, step, recipient) one `task_escalations` row, claimed in the transaction that writes
 *     the in-app notification (with its push), the email job (ids and names only) when they have reminder
 *     emails on and a verified address, and the activity-feed entry: a tick run twice, or in two processes,
 *     tells nobody twice.
 */
export async function runEscalationTick(deps: ReminderDeps, at: Date): Promise<{ sent: number }> {
  const iso = at.toISOString();
  const overdue = await queryRows<OverdueTask>(
    deps.db,
    sql`
    SELECT t.id, t.title, t.priority, t.due_on::text AS due_on, t.assignee_id::text AS assignee_id,
           a.name AS assignee_name, t.residence_id::text AS residence_id, r.name AS residence,
           r.today::text AS today, p.steps, c.due_on::text AS cycle_due_on,
           c.assignee_id::text AS cycle_assignee_id, c.started_on::text AS cycle_started_on
    FROM escalation_policies p
    JOIN LATERAL (
      SELECT r.id, r.name, (${iso}::timestamptz AT TIME ZONE r.timezone)::date AS today
      FROM residences r WHERE r.id = p.residence_id
    ) r ON true
    JOIN tasks t ON t.residence_id = r.id AND t.completed_at IS NULL AND t.archived_at IS NULL
      AND t.due_on < r.today
    LEFT JOIN users a ON a.id = t.assignee_id
    LEFT JOIN task_escalation_cycles c ON c.task_id = t.id
    WHERE p.enabled AND jsonb_array_length(p.steps) > 0
    ORDER BY t.residence_id, t.due_on, t.id`,
  );

  let sent = 0;
  let failed = 0;
  for (const task of overdue) {
    try {
      sent += await escalateTask(deps, task, iso);
    } catch (error) {
      // One task's failure must not hold back the others; the job fails after the loop so the runner
      // retries, and the rows claimed meanwhile keep what was sent from being sent again.
      deps.log.error({ err: error, taskId: task.id }, "escalation of a task failed");
      failed++;
    }
  }
  if (sent) deps.notifyOutbox?.();
  deps.log.info({ at: iso, overdue: overdue.length, sent, failed }, "escalation tick");
  if (failed) throw new Error(`escalation tick: ${failed} of ${overdue.length} overdue tasks failed`);
  return { sent };
}

async function escalateTask(deps: ReminderDeps, task: OverdueTask, iso: string): Promise<number> {
  return deps.db.transaction(async (tx) => {
    // The cycle: same due date and assignee → unchanged; new due date → counted from it; new assignee only →
    // counted from today (reassigning restarts the clock).
    let startedOn = task.cycle_started_on;
    if (task.cycle_due_on !== task.due_on || startedOn === null) startedOn = task.due_on;
    else if (task.cycle_assignee_id !== task.assignee_id) startedOn = task.today;
    if (
      startedOn !== task.cycle_started_on ||
      task.cycle_due_on !== task.due_on ||
      task.cycle_assignee_id !== task.assignee_id
    ) {
      await tx
        .insert(taskEscalationCycles)
        .values({ taskId: task.id, dueOn: task.due_on, assigneeId: task.assignee_id, startedOn })
        .onConflictDoUpdate({
          target: taskEscalationCycles.taskId,
          set: { dueOn: task.due_on, assigneeId: task.assignee_id, startedOn, updatedAt: new Date() },
        });
    }
    const steps = reachedSteps(task.steps, task.priority, daysBetween(task.today, startedOn));
    if (steps.length === 0) return 0;
    const daysOverdue = daysBetween(task.today, task.due_on);
    const assigneeKey = task.assignee_id ?? "none";

    const members = await queryRows<Recipient>(
      tx,
      sql`
      SELECT u.id::text AS id, u.email, u.name, m.role, u.digest_enabled, u.digest_hour,
             u.email_verified_at IS NOT NULL AS verified,
             extract(hour FROM (${iso}::timestamptz AT TIME ZONE u.timezone))::int AS local_hour
      FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.residence_id = ${task.residence_id} AND u.disabled_at IS NULL`,
    );

    let sent = 0;
    for (const stepIndex of steps) {
      const step = task.steps[stepIndex]!;
      const recipients = members.filter((m) =>
        step.notify === "assignee"
          ? m.id === task.assignee_id
          : step.notify === "owners"
            ? m.role === "owner" && m.id !== task.assignee_id
            : m.id === step.memberId,
      );
      const told: string[] = [];
      for (const recipient of recipients) {
        if (!inSendingWindow(recipient.local_hour, recipient.digest_hour)) continue;
        const claimed = await tx
          .insert(taskEscalations)
          .values({
            taskId: task.id,
            dueOn: task.due_on,
            assigneeKey,
            step: stepIndex,
            userId: recipient.id,
            daysOverdue,
          })
          .onConflictDoNothing()
          .returning({ userId: taskEscalations.userId });
        if (claimed.length === 0) continue;
        const toAssignee = recipient.id === task.assignee_id;
        await remind(
          tx,
          recipient,
          {
            kind: "task.escalated",
            title: escalationMessage({
              taskTitle: task.title,
              daysOverdue,
              assigneeName: task.assignee_name,
              toAssignee,
            }),
            body: `${task.residence}: due ${task.due_on}`,
            residenceId: task.residence_id,
            subjectType: "task",
            subjectId: task.id,
            dedupeKey: `task.escalated:${task.id}:${task.due_on}:${assigneeKey}:${stepIndex}`,
          },
          {
            template: "task-escalation",
            userId: recipient.id,
            taskTitle: task.title,
            residenceName: task.residence,
            dueOn: task.due_on,
            daysOverdue,
            assigneeName: task.assignee_name ?? "",
            toAssignee,
            residenceId: task.residence_id,
            taskId: task.id,
          },
        );
        told.push(recipient.name);
        sent++;
      }
      if (told.length > 0) {
        await tx.execute(sql`
          INSERT INTO activity (residence_id, actor_id, action, subject_type, subject_id, data)
          VALUES (${task.residence_id}, NULL, 'task.escalated', 'task', ${task.id}, ${JSON.stringify({
            title: task.title,
            step: stepIndex + 1,
            notify: step.notify,
            daysOverdue,
            assigneeName: task.assignee_name,
            notified: told,
          })}::jsonb)`);
      }
    }
    return sent;
  });
}
