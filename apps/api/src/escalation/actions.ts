import { type Database, escalationPolicies, memberships } from "@honeydue/db";
import { type EscalationStepRule, validateEscalationSteps } from "@honeydue/domain";
import { and, eq, inArray, ne } from "drizzle-orm";
import { invalidField } from "../http/problem.ts";
import { requireMembership } from "../residences/access.ts";
import { recordActivity } from "../residences/activity.ts";

/**
 * Sets a residence's escalation policy (owners): the steps are checked (a later step needs more days, a
 * "member" step names a member who is not a viewer), saved, and the change recorded in the activity feed.
 */
export async function saveEscalationPolicy(
  db: Database,
  residenceId: string,
  userId: string,
  input: { enabled: boolean; steps: EscalationStepRule[] },
  now: Date,
): Promise<void> {
  const problem = validateEscalationSteps(input.steps);
  if (problem) throw invalidField(`body.${problem[0]}`, problem[1]);
  await db.transaction(async (tx) => {
    await requireMembership(tx, residenceId, userId, "owner");
    const named = [...new Set(input.steps.flatMap((s) => (s.memberId ? [s.memberId] : [])))];
    if (named.length > 0) {
      const found = await tx
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(
          and(
            eq(memberships.residenceId, residenceId),
            inArray(memberships.userId, named),
            ne(memberships.role, "viewer"),
          ),
        );
      const known = new Set(found.map((m) => m.userId));
      const index = input.steps.findIndex((s) => s.memberId && !known.has(s.memberId));
      if (index >= 0)
        throw invalidField(`body.steps.${index}.memberId`, "must be an owner or member of this residence");
    }
    const values = { enabled: input.enabled, steps: input.steps, updatedBy: userId, updatedAt: now };
    await tx
      .insert(escalationPolicies)
      .values({ residenceId, ...values })
      .onConflictDoUpdate({ target: escalationPolicies.residenceId, set: values });
    await recordActivity(tx, {
      residenceId,
      actorId: userId,
      action: "escalation.updated",
      subjectType: "residence",
      subjectId: residenceId,
      data: { enabled: input.enabled, steps: input.steps.length },
    });
  });
}
