import { memberships, type Queryable, type Role, residences } from "@honeydue/db";
import { and, eq, type Placeholder } from "drizzle-orm";
import { forbidden, HttpProblem, notFound } from "../http/problem.ts";

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
  const [row] = await membershipQuery(db, residenceId, userId);
  return checkedAccess(row, residenceId, atLeast);
}

/** The caller's role in a residence and its timezone (no row: not a member). */
export function membershipQuery(
  db: Queryable,
  residenceId: string | Placeholder,
  userId: string | Placeholder,
) {
  return db
    .select({ role: memberships.role, timezone: residences.timezone })
    .from(memberships)
    .innerJoin(residences, eq(residences.id, memberships.residenceId))
    .where(and(eq(memberships.residenceId, residenceId), eq(memberships.userId, userId)))
    .limit(1);
}

/**
 * `requireMembership`'s answers for a membership already read with the session (`prefetchedMembership` of
 * http/auth.ts: the row, or null for none), without a query: the task list's hot path.
 */
export function checkedMembership(
  membership: { role: Role; timezone: string } | null,
  residenceId: string,
  atLeast: Role = "viewer",
): ResidenceAccess {
  return checkedAccess(membership ?? undefined, residenceId, atLeast);
}

function checkedAccess(
  row: { role: Role; timezone: string } | undefined,
  residenceId: string,
  atLeast: Role,
): ResidenceAccess {
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

/**
 * The caller's membership of the residence that a task, contractor, document... belongs to. Outside the
 * household the thing answers 404 under its own name (`Task not found`), revealing neither it nor the
 * residence; a role below `atLeast` answers 403 as in `requireMembership`.
 */
export async function requireMembershipOf(
  db: Queryable,
  thing: string,
  residenceId: string,
  userId: string,
  atLeast: Role = "viewer",
): Promise<ResidenceAccess> {
  try {
    return await requireMembership(db, residenceId, userId, atLeast);
  } catch (error) {
    if (error instanceof HttpProblem && error.status === 404) throw notFound(thing);
    throw error;
  }
}
