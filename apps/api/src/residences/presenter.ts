import { activity, memberships, type Queryable, type Role, residences, users } from "@honeydue/db";
import { and, eq, getTableColumns, inArray, type SQL, sql } from "drizzle-orm";
import { notFound } from "../http/problem.ts";

/**
 * The residence and member presenters: the one JSON shape of a residence (as one member sees it) and of a
 * membership (routes, export, sync).
 */

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

export function toResidence(row: Row): ResidenceView {
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
  return rows.map(toResidence);
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
  return toResidence(row);
}

const memberColumns = {
  residenceId: memberships.residenceId,
  userId: memberships.userId,
  name: users.name,
  email: users.email,
  avatarFileId: users.avatarFileId,
  role: memberships.role,
  joinedAt: memberships.createdAt,
};
function selectMembers(db: Queryable, where: SQL | undefined) {
  return db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(where);
}
type MemberRow = Awaited<ReturnType<typeof selectMembers>>[number];

/** One member of a residence (schema `Member`). */
export function toMember(row: MemberRow) {
  return {
    userId: row.userId,
    residenceId: row.residenceId,
    name: row.name,
    email: row.email,
    avatarFileId: row.avatarFileId,
    role: row.role,
    joinedAt: row.joinedAt.toISOString(),
  };
}
export type MemberDto = ReturnType<typeof toMember>;

/** The members of these residences, in no particular order. */
export async function loadMembers(db: Queryable, residenceIds: string[]): Promise<MemberDto[]> {
  if (residenceIds.length === 0) return [];
  return (await selectMembers(db, inArray(memberships.residenceId, residenceIds))).map(toMember);
}

/** One member of a residence, or undefined. */
export async function findMember(db: Queryable, residenceId: string, userId: string) {
  const [row] = await selectMembers(
    db,
    and(eq(memberships.residenceId, residenceId), eq(memberships.userId, userId)),
  ).limit(1);
  return row ? toMember(row) : undefined;
}

/** The sort of a member list: owners, members, viewers, each by name. */
export function byRoleThenName(a: { role: Role; name: string }, b: { role: Role; name: string }) {
  const rank = { owner: 0, member: 1, viewer: 2 } as const;
  return rank[a.role] - rank[b.role] || a.name.localeCompare(b.name);
}

/** The columns an activity entry is answered with; select them from `activity` left-joined to `users`. */
export const activityColumns = {
  id: activity.id,
  residenceId: activity.residenceId,
  action: activity.action,
  subjectType: activity.subjectType,
  subjectId: activity.subjectId,
  data: activity.data,
  actorId: activity.actorId,
  actorName: users.name,
  createdAt: activity.createdAt,
};

interface ActivityRow {
  id: number;
  action: string;
  subjectType: string;
  subjectId: string | null;
  data: unknown;
  actorId: string | null;
  actorName: string | null;
  createdAt: Date;
}

/** One entry of a residence's activity feed (schema `ActivitySchema`): the feed and the export. */
export function toActivity(row: ActivityRow) {
  return {
    id: String(row.id),
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    data: (row.data ?? {}) as Record<string, unknown>,
    actor: row.actorId && row.actorName !== null ? { id: row.actorId, name: row.actorName } : null,
    createdAt: row.createdAt.toISOString(),
  };
}
