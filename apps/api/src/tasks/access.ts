import { type Queryable, type Role, tasks } from "@honeydue/db";
import { dueStateBounds, todayIn } from "@honeydue/domain";
import { eq } from "drizzle-orm";
import type { Principal } from "../http/auth.ts";
import { notFound } from "../http/problem.ts";
import { type ResidenceAccess, requireMembershipOf } from "../residences/access.ts";
import type { StateBounds } from "./queries.ts";

/**
 * The caller's access to a task through its residence. A task of another household (or none at all)
 * answers 404 "Task not found"; a viewer asking for a write gets 403.
 */
export async function requireTaskAccess(
  db: Queryable,
  taskId: string,
  userId: string,
  atLeast: Role = "viewer",
): Promise<ResidenceAccess> {
  const [row] = await db
    .select({ residenceId: tasks.residenceId })
    .from(tasks)
    .where(eq(tasks.id, taskId))
    .limit(1);
  if (!row) throw notFound("Task");
  return requireMembershipOf(db, "Task", row.residenceId, userId, atLeast);
}

/** The state bounds for a caller looking at a residence: its local today and the caller's horizon. */
export function boundsFor(timezone: string, who: Pick<Principal, "dueSoonDays">, now: Date): StateBounds {
  const { today, soonThrough } = dueStateBounds(todayIn(timezone, now), who.dueSoonDays);
  return { today, soonEnd: soonThrough };
}
