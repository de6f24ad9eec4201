import type { Queryable } from "@honeydue/db";
import { notify } from "@honeydue/jobs";

/** What the people around a task are told, in their words (delivered by `notify`: in-app and push). */

/** A task was assigned to someone other than the actor: tell the assignee. */
export async function notifyTaskAssigned(
  tx: Queryable,
  e: {
    taskId: string;
    taskTitle: string;
    residenceId: string;
    assigneeId: string;
    actorId: string;
    actorName: string;
  },
): Promise<string | null> {
  if (e.assigneeId === e.actorId) return null;
  return notify(tx, {
    userId: e.assigneeId,
    kind: "task.assigned",
    title: `${e.actorName} assigned you “${e.taskTitle}”`,
    residenceId: e.residenceId,
    subjectType: "task",
    subjectId: e.taskId,
  });
}

/**
 * A task was completed: tell its assignee and its creator, unless they did it themselves.
 * `completionId` makes it once per completion.
 */
export async function notifyTaskCompleted(
  tx: Queryable,
  e: {
    taskId: string;
    taskTitle: string;
    residenceId: string;
    completionId: string;
    completedBy: string;
    completedByName: string;
    assigneeId: string | null;
    createdBy: string | null;
  },
): Promise<void> {
  const recipients = new Set(
    [e.assigneeId, e.createdBy].filter((u): u is string => !!u && u !== e.completedBy),
  );
  for (const userId of recipients) {
    await notify(tx, {
      userId,
      kind: "task.completed",
      title: `${e.completedByName} completed “${e.taskTitle}”`,
      residenceId: e.residenceId,
      subjectType: "task",
      subjectId: e.taskId,
      dedupeKey: `task.completed:${e.completionId}`,
    });
  }
}
