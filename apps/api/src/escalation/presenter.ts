import { escalationPolicies, type Queryable, users } from "@honeydue/db";
import { eq } from "drizzle-orm";

/**
 * The escalation policy presenter: one JSON shape for the routes and the export. A residence that never set
 * one has the default: off, no steps.
 */
export async function loadEscalationPolicy(db: Queryable, residenceId: string) {
  const [row] = await db
    .select({
      enabled: escalationPolicies.enabled,
      steps: escalationPolicies.steps,
      updatedBy: escalationPolicies.updatedBy,
      updatedByName: users.name,
      updatedAt: escalationPolicies.updatedAt,
    })
    .from(escalationPolicies)
    .leftJoin(users, eq(users.id, escalationPolicies.updatedBy))
    .where(eq(escalationPolicies.residenceId, residenceId));
  return {
    residenceId,
    enabled: row?.enabled ?? false,
    steps: row?.steps ?? [],
    updatedBy: row?.updatedBy && row.updatedByName ? { id: row.updatedBy, name: row.updatedByName } : null,
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}
