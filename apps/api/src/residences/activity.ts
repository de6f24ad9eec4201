import { activity, type Queryable } from "@honeydue/db";

/** One entry of a residence's activity feed. Call it inside the transaction of the change it records. */
export async function recordActivity(
  db: Queryable,
  entry: {
    residenceId: string;
    actorId: string | null;
    /** e.g. "task.created", "task.completed", "member.invited", "residence.updated" */
    action: string;
    subjectType: string;
    subjectId?: string | null;
    data?: Record<string, unknown>;
  },
): Promise<void> {
  await db.insert(activity).values({
    residenceId: entry.residenceId,
    actorId: entry.actorId,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId ?? null,
    data: entry.data ?? {},
  });
}
