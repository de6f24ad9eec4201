import { randomUUID } from "node:crypto";
import {
  activity,
  completions,
  contractors,
  type Database,
  documents,
  type HandoverKeep,
  handoffLinks,
  handovers,
  invites,
  memberships,
  type Queryable,
  reportLinks,
  residences,
  shareCodes,
  tasks,
  users,
} from "@honeydue/db";
import { todayIn } from "@honeydue/domain";
import { enqueueJob } from "@honeydue/jobs";
import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Principal } from "../http/auth.ts";
import { HttpProblem, notFound } from "../http/problem.ts";
import { requireMembership } from "../residences/access.ts";
import { recordActivity } from "../residences/activity.ts";
import { lockResidence } from "../residences/queries.ts";

/** How long a hand-over offer stays open. */
export const HANDOVER_TTL_MS = 30 * 24 * 3600 * 1000;

export type HandoverState = "open" | "expired" | "accepted" | "declined" | "revoked";

const creator = alias(users, "handover_creator");

function selectHandovers(db: Queryable) {
  return db
    .select({
      h: handovers,
      residenceName: residences.name,
      addressLine1: residences.addressLine1,
      city: residences.city,
      creatorName: creator.name,
    })
    .from(handovers)
    .innerJoin(residences, eq(residences.id, handovers.residenceId))
    .leftJoin(creator, eq(creator.id, handovers.createdBy));
}
type Row = Awaited<ReturnType<ReturnType<typeof selectHandovers>["where"]>>[number];

function stateOf(h: typeof handovers.$inferSelect, now = new Date()): HandoverState {
  if (h.acceptedAt) return "accepted";
  if (h.declinedAt) return "declined";
  if (h.revokedAt) return "revoked";
  return h.expiresAt <= now ? "expired" : "open";
}

/** The hand-over presenter: the one JSON shape of an offer (the seller's list, the buyer's list). */
export function toHandover(row: Row) {
  const h = row.h;
  return {
    id: h.id,
    residenceId: h.residenceId,
    residenceName: row.residenceName,
    address: [row.addressLine1, row.city].filter(Boolean).join(", ") || null,
    email: h.email,
    keep: h.keep,
    message: h.message,
    state: stateOf(h),
    expiresAt: h.expiresAt.toISOString(),
    createdBy: h.createdBy && row.creatorName !== null ? { id: h.createdBy, name: row.creatorName } : null,
    createdAt: h.createdAt.toISOString(),
    acceptedAt: h.acceptedAt?.toISOString() ?? null,
  };
}
export type HandoverView = ReturnType<typeof toHandover>;

const open = () =>
  and(
    isNull(handovers.acceptedAt),
    isNull(handovers.declinedAt),
    isNull(handovers.revokedAt),
    gt(handovers.expiresAt, sql`now()`),
  );

const notVerified = () =>
  new HttpProblem({
    status: 403,
    type: "email-not-verified",
    title: "Email address not verified",
    detail: "Verify your email address first",
  });

/**
 * An owner offers the residence to someone by email. A new offer replaces the open one. The offer is
 * accepted by whoever signs in with that verified address: no secret travels by email.
 */
export async function offerHandover(
  db: Database,
  residenceId: string,
  seller: Principal,
  input: { email: string; keep: HandoverKeep[]; message?: string },
): Promise<{ view: HandoverView; id: string }> {
  await requireMembership(db, residenceId, seller.userId, "owner");
  if (!seller.emailVerified) throw notVerified();
  const email = input.email.trim();
  const id = await db.transaction(async (tx) => {
    await lockResidence(tx, residenceId);
    await requireMembership(tx, residenceId, seller.userId, "owner");
    await tx
      .update(handovers)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(handovers.residenceId, residenceId),
          isNull(handovers.acceptedAt),
          isNull(handovers.declinedAt),
          isNull(handovers.revokedAt),
        ),
      );
    const [row] = await tx
      .insert(handovers)
      .values({
        residenceId,
        email,
        keep: [...new Set(input.keep)],
        message: input.message?.trim() || null,
        createdBy: seller.userId,
        expiresAt: new Date(Date.now() + HANDOVER_TTL_MS),
      })
      .returning({ id: handovers.id });
    // Names only (looked up when sent): the offer is accepted by signing in with the address, no secret.
    await enqueueJob(tx, "email.send", { template: "handover-offered", handoverId: row!.id });
    await recordActivity(tx, {
      residenceId,
      actorId: seller.userId,
      action: "residence.handoverOffered",
      subjectType: "handover",
      subjectId: row!.id,
      data: { email, keep: input.keep },
    });
    return row!.id;
  });
  const [row] = await selectHandovers(db).where(eq(handovers.id, id));
  return { view: toHandover(row!), id };
}

export async function listHandovers(db: Queryable, residenceId: string): Promise<HandoverView[]> {
  const rows = await selectHandovers(db)
    .where(eq(handovers.residenceId, residenceId))
    .orderBy(sql`${handovers.createdAt} DESC`);
  return rows.map(toHandover);
}

/** Open offers addressed to the caller's verified email address. */
export async function handoversFor(db: Queryable, who: Principal): Promise<HandoverView[]> {
  if (!who.emailVerified) return [];
  const rows = await selectHandovers(db)
    .where(and(open(), sql`lower(${handovers.email}) = lower(${who.email})`))
    .orderBy(sql`${handovers.createdAt} DESC`);
  return rows.map(toHandover);
}

export async function revokeHandover(db: Database, residenceId: string, userId: string, handoverId: string) {
  await requireMembership(db, residenceId, userId, "owner");
  const [row] = await db
    .update(handovers)
    .set({ revokedAt: new Date() })
    .where(and(eq(handovers.id, handoverId), eq(handovers.residenceId, residenceId), open()))
    .returning({ id: handovers.id });
  if (!row) throw notFound("Hand-over");
}

/** The open offer `handoverId` addressed to the caller, locked; anyone else's answers 404. */
async function offerFor(tx: Queryable, handoverId: string, who: Principal) {
  if (!who.emailVerified) throw notVerified();
  const [h] = await tx
    .select()
    .from(handovers)
    .where(and(eq(handovers.id, handoverId), open(), sql`lower(${handovers.email}) = lower(${who.email})`))
    .for("update");
  if (!h) throw notFound("Hand-over");
  return h;
}

export async function declineHandover(db: Database, handoverId: string, who: Principal) {
  await db.transaction(async (tx) => {
    const h = await offerFor(tx, handoverId, who);
    await tx.update(handovers).set({ declinedAt: new Date() }).where(eq(handovers.id, h.id));
  });
}

/**
 * The buyer accepts: one transaction. First the seller's household gets the copy it chose (a new residence
 * of its own with the same members); then the residence changes hands: every membership ends and the buyer
 * is its only owner, with the tasks (unassigned), the log with its photos and costs, the documents (less the
 * warranties that have run out), the contractors and the appliances. What only concerned the seller's
 * household goes: its activity feed, pending invites and share codes, open hand-off links, shared reports,
 * and the names of who completed what.
 */
export async function acceptHandover(db: Database, handoverId: string, buyer: Principal): Promise<string> {
  return db.transaction(async (tx) => {
    const [target] = await tx
      .select({ residenceId: handovers.residenceId })
      .from(handovers)
      .where(eq(handovers.id, handoverId));
    if (!target) throw notFound("Hand-over");
    await lockResidence(tx, target.residenceId);
    const h = await offerFor(tx, handoverId, buyer);
    const residenceId = h.residenceId;
    const [home] = await tx.select().from(residences).where(eq(residences.id, residenceId));
    const today = todayIn(home!.timezone, new Date());
    const sellers = await tx
      .select({ userId: memberships.userId, role: memberships.role })
      .from(memberships)
      .where(eq(memberships.residenceId, residenceId));

    let copyId: string | null = null;
    if (h.keep.length > 0)
      copyId = await copyForSeller(tx, home!, sellers, buyer.userId, h.keep, h.createdBy);

    await tx.delete(memberships).where(eq(memberships.residenceId, residenceId));
    await tx.insert(memberships).values({ residenceId, userId: buyer.userId, role: "owner" });
    const now = new Date();
    await tx
      .update(tasks)
      .set({ assigneeId: null, updatedAt: now })
      .where(and(eq(tasks.residenceId, residenceId), sql`${tasks.assigneeId} IS NOT NULL`));
    await tx
      .update(completions)
      .set({ completedBy: null })
      .where(and(eq(completions.residenceId, residenceId), sql`${completions.completedBy} IS NOT NULL`));
    // Warranties no longer in force stay with the seller's copy (if kept), not with the home.
    await tx
      .delete(documents)
      .where(
        and(
          eq(documents.residenceId, residenceId),
          eq(documents.kind, "warranty"),
          lt(documents.expiresOn, today),
        ),
      );
    await tx.delete(activity).where(eq(activity.residenceId, residenceId));
    await tx
      .update(invites)
      .set({ revokedAt: now })
      .where(
        and(eq(invites.residenceId, residenceId), isNull(invites.acceptedAt), isNull(invites.revokedAt)),
      );
    await tx
      .update(shareCodes)
      .set({ revokedAt: now })
      .where(and(eq(shareCodes.residenceId, residenceId), isNull(shareCodes.revokedAt)));
    await tx
      .update(handoffLinks)
      .set({ revokedAt: now })
      .where(and(eq(handoffLinks.residenceId, residenceId), isNull(handoffLinks.revokedAt)));
    await tx
      .update(reportLinks)
      .set({ revokedAt: now })
      .where(and(eq(reportLinks.residenceId, residenceId), isNull(reportLinks.revokedAt)));
    await tx
      .update(handovers)
      .set({ acceptedAt: now, acceptedBy: buyer.userId, copyResidenceId: copyId })
      .where(eq(handovers.id, h.id));
    await tx.update(residences).set({ updatedAt: now }).where(eq(residences.id, residenceId));
    await recordActivity(tx, {
      residenceId,
      actorId: buyer.userId,
      action: "residence.handedOver",
      subjectType: "residence",
      subjectId: residenceId,
      data: {},
    });
    if (copyId)
      await recordActivity(tx, {
        residenceId: copyId,
        actorId: h.createdBy,
        action: "residence.keptAfterHandover",
        subjectType: "residence",
        subjectId: copyId,
        data: { keep: h.keep, name: home!.name },
      });
    return residenceId;
  });
}

/**
 * The seller household's copy: a new residence with the same members and roles, holding copies of what it
 * chose. Entries only: photos and document files belong to the home and go with it.
 */
async function copyForSeller(
  tx: Queryable,
  home: typeof residences.$inferSelect,
  sellers: { userId: string; role: "owner" | "member" | "viewer" }[],
  buyerId: string,
  keep: HandoverKeep[],
  sellerId: string | null,
): Promise<string> {
  const copyId = randomUUID();
  const { id: _id, photoFileId: _photo, createdAt: _c, updatedAt: _u, ...fields } = home;
  await tx
    .insert(residences)
    .values({ ...fields, id: copyId, name: `${home.name} (before hand-over)`, createdBy: sellerId });
  const members = sellers.filter((m) => m.userId !== buyerId);
  if (members.length)
    await tx.insert(memberships).values(members.map((m) => ({ ...m, residenceId: copyId })));

  const contractorIds = new Map<string, string>();
  if (keep.includes("contractors")) {
    const rows = await tx.select().from(contractors).where(eq(contractors.residenceId, home.id));
    for (const c of rows) contractorIds.set(c.id, randomUUID());
    if (rows.length)
      await tx.insert(contractors).values(
        rows.map(({ createdAt: _c, updatedAt: _u, ...c }) => ({
          ...c,
          id: contractorIds.get(c.id)!,
          residenceId: copyId,
        })),
      );
  }
  const mapContractor = (id: string | null) => (id ? (contractorIds.get(id) ?? null) : null);

  const taskIds = new Map<string, string>();
  if (keep.includes("tasks") || keep.includes("log")) {
    const rows = await tx.select().from(tasks).where(eq(tasks.residenceId, home.id));
    for (const t of rows) taskIds.set(t.id, randomUUID());
    const archivedAt = new Date();
    if (rows.length)
      await tx.insert(tasks).values(
        rows.map(({ createdAt: _c, updatedAt: _u, ...t }) => ({
          ...t,
          id: taskIds.get(t.id)!,
          residenceId: copyId,
          assigneeId: members.some((m) => m.userId === t.assigneeId) ? t.assigneeId : null,
          contractorId: mapContractor(t.contractorId),
          // Kept only for the log: the tasks are history, not work to do.
          archivedAt: keep.includes("tasks") ? t.archivedAt : (t.archivedAt ?? archivedAt),
        })),
      );
  }
  if (keep.includes("log")) {
    const rows = await tx.select().from(completions).where(eq(completions.residenceId, home.id));
    if (rows.length)
      await tx.insert(completions).values(
        rows.map(({ id: _id, createdAt: _c, ...c }) => ({
          ...c,
          taskId: taskIds.get(c.taskId)!,
          residenceId: copyId,
          contractorId: mapContractor(c.contractorId),
        })),
      );
  }
  if (keep.includes("documents")) {
    const rows = await tx.select().from(documents).where(eq(documents.residenceId, home.id));
    if (rows.length)
      await tx.insert(documents).values(
        rows.map(({ id: _id, createdAt: _c, updatedAt: _u, ...d }) => ({
          ...d,
          residenceId: copyId,
          fileId: null,
          taskId: d.taskId ? (taskIds.get(d.taskId) ?? null) : null,
          contractorId: mapContractor(d.contractorId),
        })),
      );
  }
  return copyId;
}
