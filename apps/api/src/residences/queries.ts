import { memberships, type Queryable, type Role, residences, users } from "@honeydue/db";
import { and, asc, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import { HttpProblem, notFound } from "../http/problem.ts";

/** A residence as the API shows it to one of its members. */
export interface ResidenceView {
  id: string;
  name: string;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
  propertyType: (typeof residences.$inferSelect)["propertyType"];
  yearBuilt: number | null;
  floorArea: number | null;
  floorAreaUnit: "sqft" | "sqm";
  photoFileId: string | null;
  timezone: string;
  currency: string;
  role: Role;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

const memberCount = sql<number>`(SELECT count(*)::int FROM memberships mc WHERE mc.residence_id = ${residences.id})`;

const selection = { ...getTableColumns(residences), role: memberships.role, memberCount };

type Row = typeof residences.$inferSelect & { role: Role; memberCount: number };

function toView(row: Row): ResidenceView {
  return {
    id: row.id,
    name: row.name,
    addressLine1: row.addressLine1,
    addressLine2: row.addressLine2,
    city: row.city,
    region: row.region,
    postalCode: row.postalCode,
    country: row.country,
    propertyType: row.propertyType,
    yearBuilt: row.yearBuilt,
    floorArea: row.floorArea === null ? null : Number(row.floorArea),
    floorAreaUnit: row.floorAreaUnit,
    photoFileId: row.photoFileId,
    timezone: row.timezone,
    currency: row.currency,
    role: row.role,
    memberCount: Number(row.memberCount),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Every residence the user belongs to, with their role, oldest membership first. */
export async function listResidences(db: Queryable, userId: string): Promise<ResidenceView[]> {
  const rows = await db
    .select(selection)
    .from(memberships)
    .innerJoin(residences, eq(residences.id, memberships.residenceId))
    .where(eq(memberships.userId, userId))
    .orderBy(memberships.createdAt, residences.id);
  return rows.map(toView);
}

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

/** One residence as seen by one of its members; 404 when the user is not a member. */
export async function loadResidence(
  db: Queryable,
  residenceId: string,
  userId: string,
): Promise<ResidenceView> {
  const [row] = await db
    .select(selection)
    .from(memberships)
    .innerJoin(residences, eq(residences.id, memberships.residenceId))
    .where(and(eq(memberships.residenceId, residenceId), eq(memberships.userId, userId)))
    .limit(1);
  if (!row) throw notFound("Residence");
  return toView(row);
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
