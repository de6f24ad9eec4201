import {
  contractors,
  type Database,
  documents,
  files,
  handoffFiles,
  handoffLinks,
  type Queryable,
  residences,
  tasks,
} from "@honeydue/db";
import { todayIn } from "@honeydue/domain";
import { and, eq, sql } from "drizzle-orm";
import { hashToken, randomToken, sameHash } from "../accounts/tokens.ts";
import { findCompletion } from "../completions/presenter.ts";
import { attachFile } from "../files/service.ts";
import { conflict, HttpProblem, invalidField, notFound } from "../http/problem.ts";
import { requireMembershipOf } from "../residences/access.ts";
import { recordActivity } from "../residences/activity.ts";
import { assertContractor, recordCompletion } from "../tasks/actions.ts";
import { notifyHandoffProposed } from "./notifications.ts";
import { findHandoffLink, type HandoffLinkDto, stateOf } from "./presenter.ts";

/** Photos a contractor may send through one link (a completion holds at most 20). */
export const HANDOFF_MAX_PHOTOS = 20;

type LinkRow = typeof handoffLinks.$inferSelect;

/** A member makes a link for one task; the token is returned once and only its hash is kept. */
export async function createHandoffLink(
  db: Database,
  input: {
    taskId: string;
    userId: string;
    showAddress: boolean;
    expiresInDays: number;
    contractorId: string | null;
  },
): Promise<{ link: HandoffLinkDto; token: string }> {
  const [task] = await db
    .select({ residenceId: tasks.residenceId, title: tasks.title, archivedAt: tasks.archivedAt })
    .from(tasks)
    .where(eq(tasks.id, input.taskId))
    .limit(1);
  if (!task) throw notFound("Task");
  await requireMembershipOf(db, "Task", task.residenceId, input.userId, "member");
  if (task.archivedAt) throw conflict("This task is archived; unarchive it first");
  const token = randomToken();
  const id = await db.transaction(async (tx) => {
    if (input.contractorId)
      await assertContractor(tx, task.residenceId, input.contractorId, "body.contractorId");
    const [row] = await tx
      .insert(handoffLinks)
      .values({
        residenceId: task.residenceId,
        taskId: input.taskId,
        tokenHash: hashToken(token),
        contractorId: input.contractorId,
        showAddress: input.showAddress,
        createdBy: input.userId,
        expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000),
      })
      .returning({ id: handoffLinks.id });
    await recordActivity(tx, {
      residenceId: task.residenceId,
      actorId: input.userId,
      action: "handoff.created",
      subjectType: "task",
      subjectId: input.taskId,
      data: { title: task.title, handoffLinkId: row!.id },
    });
    return row!.id;
  });
  return { link: (await findHandoffLink(db, id))!, token };
}

/** The link behind `/v1/handoff-links/{id}` for a member of its residence (404 for anyone else). */
export async function requireLinkAccess(
  db: Queryable,
  linkId: string,
  userId: string,
  atLeast: "viewer" | "member",
) {
  const [link] = await db.select().from(handoffLinks).where(eq(handoffLinks.id, linkId)).limit(1);
  if (!link) throw notFound("Hand-off link");
  await requireMembershipOf(db, "Hand-off link", link.residenceId, userId, atLeast);
  return link;
}

/** Revokes a link: the contractor's page stops working. A submission already made stays to be decided. */
export async function revokeHandoffLink(db: Database, linkId: string, userId: string) {
  const link = await requireLinkAccess(db, linkId, userId, "member");
  if (link.revokedAt) return;
  await db.transaction(async (tx) => {
    await tx.update(handoffLinks).set({ revokedAt: new Date() }).where(eq(handoffLinks.id, linkId));
    await recordActivity(tx, {
      residenceId: link.residenceId,
      actorId: userId,
      action: "handoff.revoked",
      subjectType: "task",
      subjectId: link.taskId,
      data: { handoffLinkId: linkId },
    });
  });
}

const unavailable = (detail: string) =>
  new HttpProblem({ status: 410, type: "handoff-link-unavailable", title: "Gone", detail });

/**
 * The link a contractor's token names, usable for `purpose`: unknown tokens answer 404; revoked and
 * expired links 410; a link whose work was already marked done accepts nothing more (409).
 */
export async function linkForToken(
  db: Queryable,
  token: string,
  purpose: "view" | "write",
  lock = false,
): Promise<LinkRow> {
  const hash = hashToken(token);
  const query = db.select().from(handoffLinks).where(eq(handoffLinks.tokenHash, hash)).limit(1);
  const [link] = lock ? await query.for("update") : await query;
  if (!link || !sameHash(link.tokenHash, hash)) throw notFound("Hand-off link");
  if (link.revokedAt) throw unavailable("This link was withdrawn by the household");
  if (link.expiresAt <= new Date() && !link.submittedAt) throw unavailable("This link has expired");
  if (purpose === "write" && link.submittedAt)
    throw conflict("The work was already marked done through this link");
  if (purpose === "write" && link.expiresAt <= new Date()) throw unavailable("This link has expired");
  return link;
}

/** What the contractor sees: the task's title and notes, the address line if the member chose so, the files sent. */
export async function contractorView(db: Queryable, link: LinkRow) {
  const [row] = await db
    .select({
      title: tasks.title,
      notes: tasks.notes,
      addressLine1: residences.addressLine1,
      addressLine2: residences.addressLine2,
      city: residences.city,
      postalCode: residences.postalCode,
      currency: residences.currency,
    })
    .from(tasks)
    .innerJoin(residences, eq(residences.id, tasks.residenceId))
    .where(eq(tasks.id, link.taskId))
    .limit(1);
  if (!row) throw notFound("Hand-off link");
  const sent = await db
    .select({
      id: files.id,
      kind: handoffFiles.kind,
      contentType: files.contentType,
      sizeBytes: files.sizeBytes,
      filename: files.originalName,
    })
    .from(handoffFiles)
    .innerJoin(files, eq(files.id, handoffFiles.fileId))
    .where(and(eq(handoffFiles.handoffLinkId, link.id), sql`${files.status} <> 'pending'`))
    .orderBy(handoffFiles.createdAt, handoffFiles.fileId);
  const address = [row.addressLine1, row.addressLine2, [row.postalCode, row.city].filter(Boolean).join(" ")]
    .filter((part) => part && part.trim() !== "")
    .join(", ");
  return {
    task: { title: row.title, notes: row.notes },
    address: link.showAddress && address !== "" ? address : null,
    currency: row.currency,
    state: link.submittedAt ? ("submitted" as const) : ("open" as const),
    expiresAt: link.expiresAt.toISOString(),
    files: sent,
    maxPhotos: HANDOFF_MAX_PHOTOS,
  };
}

/** Room for one more file of `kind` on a link: one invoice (a new one replaces it), at most 20 photos. */
export async function checkRoomFor(db: Queryable, linkId: string, kind: "invoice" | "photo") {
  if (kind === "invoice") return;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(handoffFiles)
    .where(and(eq(handoffFiles.handoffLinkId, linkId), eq(handoffFiles.kind, "photo")));
  if (Number(row?.n ?? 0) >= HANDOFF_MAX_PHOTOS)
    throw conflict(`At most ${HANDOFF_MAX_PHOTOS} photos can be sent through one link`);
}

/** Records a checked file as sent through the link (a second invoice replaces the first, which is deleted). */
export async function recordContractorFile(
  db: Database,
  link: LinkRow,
  fileId: string,
  kind: "invoice" | "photo",
) {
  await db.transaction(async (tx) => {
    const current = await lockLink(tx, link.id);
    if (current.submittedAt) throw conflict("The work was already marked done through this link");
    if (kind === "invoice")
      await tx
        .delete(handoffFiles)
        .where(and(eq(handoffFiles.handoffLinkId, link.id), eq(handoffFiles.kind, "invoice")));
    await tx.insert(handoffFiles).values({ handoffLinkId: link.id, fileId, kind });
  });
}

async function lockLink(tx: Queryable, linkId: string): Promise<LinkRow> {
  const [link] = await tx.select().from(handoffLinks).where(eq(handoffLinks.id, linkId)).for("update");
  if (!link) throw notFound("Hand-off link");
  return link;
}

/** The contractor marks the work done: what they entered becomes a proposed completion for a member to decide. */
export async function submitHandoff(
  db: Database,
  token: string,
  input: {
    contractorName: string;
    company?: string;
    email?: string;
    phone?: string;
    completedOn?: string;
    amountCents?: number;
    note?: string;
  },
) {
  return db.transaction(async (tx) => {
    const link = await linkForToken(tx, token, "write", true);
    const [residence] = await tx
      .select({ timezone: residences.timezone })
      .from(residences)
      .where(eq(residences.id, link.residenceId));
    const today = todayIn(residence!.timezone, new Date());
    const completedOn = input.completedOn ?? today;
    if (completedOn > today) throw invalidField("body.completedOn", "cannot be in the future");
    const clean = (s: string | undefined) => (s === undefined || s.trim() === "" ? null : s.trim());
    const name = input.contractorName.trim();
    if (name === "") throw invalidField("body.contractorName", "must not be blank");
    const [updated] = await tx
      .update(handoffLinks)
      .set({
        submittedAt: new Date(),
        contractorName: name,
        contractorCompany: clean(input.company),
        contractorEmail: clean(input.email),
        contractorPhone: clean(input.phone),
        completedOn,
        amountCents: input.amountCents ?? null,
        note: clean(input.note),
      })
      .where(eq(handoffLinks.id, link.id))
      .returning();
    await recordActivity(tx, {
      residenceId: link.residenceId,
      actorId: null,
      action: "handoff.proposed",
      subjectType: "task",
      subjectId: link.taskId,
      data: { handoffLinkId: link.id, contractorName: name, amountCents: input.amountCents ?? null },
    });
    const [task] = await tx.select({ title: tasks.title }).from(tasks).where(eq(tasks.id, link.taskId));
    await notifyHandoffProposed(tx, {
      handoffLinkId: link.id,
      residenceId: link.residenceId,
      taskId: link.taskId,
      taskTitle: task!.title,
      contractorName: name,
    });
    return contractorView(tx, updated!);
  });
}

async function lockForDecision(tx: Queryable, linkId: string, userId: string) {
  const [link] = await tx.select().from(handoffLinks).where(eq(handoffLinks.id, linkId)).for("update");
  if (!link) throw notFound("Hand-off link");
  const access = await requireMembershipOf(tx, "Hand-off link", link.residenceId, userId, "member");
  const state = stateOf(link);
  if (state !== "proposed")
    throw conflict(
      state === "accepted" || state === "rejected"
        ? `This submission was already ${state}`
        : "Nothing was sent through this link yet",
      { state },
    );
  return { link, access };
}

/**
 * A member accepts a proposed completion: it becomes a normal completion of the task (its photos, the
 * contractor's note and amount, the contractor), and the invoice becomes an invoice document of the task.
 * All in one transaction with the decision.
 */
export async function acceptHandoff(
  db: Database,
  linkId: string,
  userId: string,
  input: { contractorId?: string | null },
  now: Date,
) {
  const completionId = await db.transaction(async (tx) => {
    const { link, access } = await lockForDecision(tx, linkId, userId);
    const residenceId = link.residenceId;
    let contractorId = input.contractorId ?? link.contractorId;
    if (input.contractorId) await assertContractor(tx, residenceId, input.contractorId, "body.contractorId");
    if (!contractorId) {
      const [made] = await tx
        .insert(contractors)
        .values({
          residenceId,
          name: link.contractorName ?? "Contractor",
          company: link.contractorCompany,
          email: link.contractorEmail,
          phone: link.contractorPhone,
          notes: "Added from a hand-off link",
          createdBy: userId,
        })
        .returning({ id: contractors.id });
      contractorId = made!.id;
    }
    const sent = await tx
      .select({ fileId: handoffFiles.fileId, kind: handoffFiles.kind })
      .from(handoffFiles)
      .innerJoin(files, eq(files.id, handoffFiles.fileId))
      .where(and(eq(handoffFiles.handoffLinkId, link.id), sql`${files.status} = 'uploaded'`))
      .orderBy(handoffFiles.createdAt, handoffFiles.fileId);
    const [task] = await tx
      .select({ dueOn: tasks.dueOn, title: tasks.title })
      .from(tasks)
      .where(eq(tasks.id, link.taskId));
    const today = todayIn(access.timezone, now);
    const completedOn = link.completedOn && link.completedOn <= today ? link.completedOn : today;
    const note = [
      link.note,
      `Done by ${[link.contractorName, link.contractorCompany].filter(Boolean).join(", ")} (hand-off link)`,
    ]
      .filter(Boolean)
      .join("\n\n");
    const id = await recordCompletion(
      tx,
      { userId, residenceId, today },
      link.taskId,
      {
        dueOn: task!.dueOn,
        completedOn,
        notes: note,
        costCents: link.amountCents,
        contractorId,
        photoIds: sent.filter((f) => f.kind === "photo").map((f) => f.fileId),
      },
      now,
    );
    let invoiceDocumentId: string | null = null;
    const invoice = sent.find((f) => f.kind === "invoice");
    if (invoice) {
      await attachFile(tx, {
        fileId: invoice.fileId,
        userId,
        residenceId,
        purpose: "document",
        field: "invoice",
      });
      const [doc] = await tx
        .insert(documents)
        .values({
          residenceId,
          title: `Invoice: ${task!.title}`,
          kind: "invoice",
          fileId: invoice.fileId,
          purchaseOn: completedOn,
          amountCents: link.amountCents,
          notes: link.note,
          taskId: link.taskId,
          contractorId,
          createdBy: userId,
        })
        .returning({ id: documents.id });
      invoiceDocumentId = doc!.id;
    }
    await tx
      .update(handoffLinks)
      .set({
        decision: "accepted",
        decidedBy: userId,
        decidedAt: now,
        completionId: id,
        invoiceDocumentId,
        contractorId,
      })
      .where(eq(handoffLinks.id, link.id));
    await recordActivity(tx, {
      residenceId,
      actorId: userId,
      action: "handoff.accepted",
      subjectType: "task",
      subjectId: link.taskId,
      data: { handoffLinkId: link.id, completionId: id, title: task!.title },
    });
    return id;
  });
  return {
    link: (await findHandoffLink(db, linkId))!,
    completion: (await findCompletion(db, completionId))!,
  };
}

/** A member rejects a proposed completion; the files that came with it are deleted. */
export async function rejectHandoff(
  db: Database,
  linkId: string,
  userId: string,
  reason: string | undefined,
) {
  await db.transaction(async (tx) => {
    const { link } = await lockForDecision(tx, linkId, userId);
    await tx
      .update(handoffLinks)
      .set({
        decision: "rejected",
        decidedBy: userId,
        decidedAt: new Date(),
        rejectReason: reason?.trim() || null,
      })
      .where(eq(handoffLinks.id, link.id));
    // The trigger on handoff_files deletes each unattached file (and, through the outbox, its objects).
    await tx.delete(handoffFiles).where(eq(handoffFiles.handoffLinkId, link.id));
    await recordActivity(tx, {
      residenceId: link.residenceId,
      actorId: userId,
      action: "handoff.rejected",
      subjectType: "task",
      subjectId: link.taskId,
      data: { handoffLinkId: link.id },
    });
  });
  return (await findHandoffLink(db, linkId))!;
}
