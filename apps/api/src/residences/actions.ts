import { type Database, memberships, type Role, residences, tasks, users } from "@honeydue/db";
import { and, eq } from "drizzle-orm";
import { setResidencePhoto } from "../files/service.ts";
import { forbidden, notFound } from "../http/problem.ts";
import { requireMembership } from "./access.ts";
import { recordActivity } from "./activity.ts";
import { loadResidence, type ResidenceView } from "./presenter.ts";
import { countOwners, lastOwner, lockResidence } from "./queries.ts";

export interface ResidenceInput {
  name?: string;
  addressLine1?: string | null;
  addressLine2?: string | null;
  city?: string | null;
  region?: string | null;
  postalCode?: string | null;
  country?: string | null;
  propertyType?: ResidenceView["propertyType"];
  yearBuilt?: number | null;
  floorArea?: number | null;
  floorAreaUnit?: "sqft" | "sqm";
  timezone?: string;
  currency?: string;
  /** Set through the files feature (`setResidencePhoto`), not as a plain column. */
  photoFileId?: string | null;
}

const FIELDS = [
  "name",
  "addressLine1",
  "addressLine2",
  "city",
  "region",
  "postalCode",
  "country",
  "propertyType",
  "yearBuilt",
  "floorArea",
  "floorAreaUnit",
  "timezone",
  "currency",
] as const;

function columns(input: ResidenceInput) {
  const out: Partial<typeof residences.$inferInsert> = {};
  for (const field of FIELDS) {
    const value = input[field];
    if (value === undefined) continue;
    if (field === "floorArea") out.floorArea = value === null ? null : String(value);
    else (out as Record<string, unknown>)[field] = value;
  }
  return out;
}

/** Creates a residence with its creator as owner, and its first activity entry. */
export async function createResidence(
  db: Database,
  creator: { userId: string; timezone: string },
  input: ResidenceInput & { name: string },
): Promise<ResidenceView> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(residences)
      .values({
        ...columns(input),
        name: input.name,
        timezone: input.timezone ?? creator.timezone,
        createdBy: creator.userId,
      })
      .returning({ id: residences.id });
    await tx.insert(memberships).values({ residenceId: row!.id, userId: creator.userId, role: "owner" });
    await recordActivity(tx, {
      residenceId: row!.id,
      actorId: creator.userId,
      action: "residence.created",
      subjectType: "residence",
      subjectId: row!.id,
      data: { name: input.name },
    });
    return loadResidence(tx, row!.id, creator.userId);
  });
}

/** Changes a residence's details (owners only); records which fields changed. */
export async function updateResidence(
  db: Database,
  residenceId: string,
  actorId: string,
  input: ResidenceInput,
): Promise<ResidenceView> {
  await requireMembership(db, residenceId, actorId, "owner");
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(residences).where(eq(residences.id, residenceId)).for("update");
    if (!current) throw notFound("Residence");
    const next = columns(input);
    const photo = input.photoFileId !== undefined && input.photoFileId !== current.photoFileId;
    if (photo) {
      const fileId = input.photoFileId ?? null;
      await setResidencePhoto(tx, { residenceId, userId: actorId, fileId, field: "body.photoFileId" });
    }
    const changed = Object.keys(next).filter((key) => comparable(key, next) !== comparable(key, current));
    if (photo) changed.push("photoFileId");
    if (changed.length > 0) {
      await tx
        .update(residences)
        .set({ ...next, updatedAt: new Date() })
        .where(eq(residences.id, residenceId));
      await recordActivity(tx, {
        residenceId,
        actorId,
        action: "residence.updated",
        subjectType: "residence",
        subjectId: residenceId,
        data: { fields: changed, ...(changed.includes("name") ? { name: input.name } : {}) },
      });
    }
    return loadResidence(tx, residenceId, actorId);
  });
}

/** A field's value for change detection; numeric(10,2) comes back as "120.50", so floor areas compare as numbers. */
function comparable(key: string, row: Record<string, unknown>): unknown {
  const value = row[key] ?? null;
  return key === "floorArea" && value !== null ? Number(value) : value;
}

/** Deletes a residence and everything in it (owners only). */
export async function deleteResidence(db: Database, residenceId: string, actorId: string): Promise<void> {
  await requireMembership(db, residenceId, actorId, "owner");
  await db.transaction(async (tx) => {
    await lockResidence(tx, residenceId);
    await requireMembership(tx, residenceId, actorId, "owner");
    await tx.delete(residences).where(eq(residences.id, residenceId));
  });
}

async function targetMembership(
  tx: Parameters<typeof requireMembership>[0],
  residenceId: string,
  userId: string,
) {
  const [row] = await tx
    .select({ role: memberships.role, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.residenceId, residenceId), eq(memberships.userId, userId)))
    .limit(1);
  if (!row) throw notFound("Member");
  return row;
}

/** Changes a member's role (owners only). The last owner cannot be demoted. */
export async function changeRole(
  db: Database,
  residenceId: string,
  actorId: string,
  userId: string,
  role: Role,
): Promise<void> {
  await requireMembership(db, residenceId, actorId, "owner");
  await db.transaction(async (tx) => {
    await lockResidence(tx, residenceId);
    await requireMembership(tx, residenceId, actorId, "owner");
    const target = await targetMembership(tx, residenceId, userId);
    if (target.role === role) return;
    if (target.role === "owner" && (await countOwners(tx, residenceId)) <= 1) {
      throw lastOwner("This is the residence's only owner: make someone else an owner first");
    }
    await tx
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.residenceId, residenceId), eq(memberships.userId, userId)));
    await recordActivity(tx, {
      residenceId,
      actorId,
      action: "member.roleChanged",
      subjectType: "member",
      subjectId: userId,
      data: { name: target.name, from: target.role, to: role },
    });
  });
}

/**
 * Removes a member: owners remove anyone, any member removes themself (leaving). The last owner can do
 * neither. Tasks assigned to the person who goes are unassigned.
 */
export async function removeMember(db: Database, residenceId: string, actorId: string, userId: string) {
  const leaving = actorId === userId;
  await requireMembership(db, residenceId, actorId, leaving ? "viewer" : "owner");
  await db.transaction(async (tx) => {
    await lockResidence(tx, residenceId);
    const actor = await requireMembership(tx, residenceId, actorId, "viewer");
    if (!leaving && actor.role !== "owner")
      throw forbidden("Only an owner of this residence can remove members");
    const target = await targetMembership(tx, residenceId, userId);
    if (target.role === "owner" && (await countOwners(tx, residenceId)) <= 1) {
      throw lastOwner(
        leaving
          ? "You are the residence's only owner: make someone else an owner first, or delete the residence"
          : "This is the residence's only owner",
      );
    }
    await tx
      .delete(memberships)
      .where(and(eq(memberships.residenceId, residenceId), eq(memberships.userId, userId)));
    await tx
      .update(tasks)
      .set({ assigneeId: null, updatedAt: new Date() })
      .where(and(eq(tasks.residenceId, residenceId), eq(tasks.assigneeId, userId)));
    await recordActivity(tx, {
      residenceId,
      actorId,
      action: leaving ? "member.left" : "member.removed",
      subjectType: "member",
      subjectId: userId,
      data: { name: target.name, role: target.role },
    });
  });
}
