import { memberships, type Queryable, type Role, residences } from "@honeydue/db";
import { and, eq } from "drizzle-orm";
import { forbidden, notFound } from "../http/problem.ts";

const RANK: Record<Role, number> = { viewer: 0, member: 1, owner: 2 };

export interface ResidenceAccess {
  residenceId: string;
  role: Role;
  timezone: string;
}

/**
 * The caller's membership of a residence, checked on every residence-scoped route. A residence the caller
 * does not belong to answers 404 (its existence is not revealed); a role below `atLeast` answers 403.
 */
export async function requireMembership(
  db: Queryable,
  residenceId: string,
  userId: string,
  atLeast: Role = "viewer",
): Promise<ResidenceAccess> {
  const [row] = await db
    .select({ role: memberships.role, timezone: residences.timezone })
    .from(memberships)
    .innerJoin(residences, eq(residences.id, memberships.residenceId))
    .where(and(eq(memberships.residenceId, residenceId), eq(memberships.userId, userId)))
    .limit(1);
  if (!row) throw notFound("Residence");
  if (RANK[row.role] < RANK[atLeast]) {
    throw forbidden(
      atLeast === "owner"
        ? "Only an owner of this residence can do this"
        : "Viewers of this residence cannot make changes",
    );
  }
  return { residenceId, role: row.role, timezone: row.timezone };
}

export function roleAtLeast(role: Role, atLeast: Role): boolean {
  return RANK[role] >= RANK[atLeast];
}
