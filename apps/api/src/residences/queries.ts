import { memberships, type Queryable, residences, users } from "@honeydue/db";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { HttpProblem, notFound } from "../http/problem.ts";

/** The members of these residences (name and role, not email), earliest to join first. */
export function residenceMembers(db: Queryable, residenceIds: string[]) {
  return db
    .select({
      residenceId: memberships.residenceId,
      userId: memberships.userId,
      name: users.name,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(inArray(memberships.residenceId, residenceIds))
    .orderBy(asc(memberships.createdAt), asc(memberships.userId));
}

/**
 * Locks the residence row for the rest of the transaction. Every change to who is a member (and in which
 * role) takes this lock first, so "is there another owner?" cannot be answered twice at once.
 */
export async function lockResidence(tx: Queryable, residenceId: string): Promise<void> {
  const [row] = await tx
    .select({ id: residences.id })
    .from(residences)
    .where(eq(residences.id, residenceId))
    .for("update");
  if (!row) throw notFound("Residence");
}

export async function countOwners(tx: Queryable, residenceId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.residenceId, residenceId), eq(memberships.role, "owner")));
  return Number(row?.n ?? 0);
}

export const lastOwner = (detail: string) =>
  new HttpProblem({ status: 409, type: "last-owner", title: "A residence must keep an owner", detail });
