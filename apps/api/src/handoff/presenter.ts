import { files, handoffFiles, handoffLinks, type Queryable, tasks, users } from "@honeydue/db";
import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

/** The hand-off link presenter: the one JSON shape of a link and what came through it (routes, export). */

const creator = alias(users, "creator");
const decider = alias(users, "decider");

export function selectHandoffLinks(db: Queryable, where: SQL | undefined) {
  return db
    .select({
      link: handoffLinks,
      taskTitle: tasks.title,
      creatorName: creator.name,
      deciderName: decider.name,
    })
    .from(handoffLinks)
    .innerJoin(tasks, eq(tasks.id, handoffLinks.taskId))
    .leftJoin(creator, eq(creator.id, handoffLinks.createdBy))
    .leftJoin(decider, eq(decider.id, handoffLinks.decidedBy))
    .where(where)
    .orderBy(desc(handoffLinks.createdAt), desc(handoffLinks.id));
}
type Row = Awaited<ReturnType<typeof selectHandoffLinks>>[number];
type LinkRow = typeof handoffLinks.$inferSelect;

export type HandoffState = "open" | "expired" | "revoked" | "proposed" | "accepted" | "rejected";

export function stateOf(link: LinkRow, now = new Date()): HandoffState {
  if (link.decision) return link.decision;
  if (link.submittedAt) return "proposed";
  if (link.revokedAt) return "revoked";
  if (link.expiresAt <= now) return "expired";
  return "open";
}

/** The condition for links in a state, as SQL (the list filter). */
export function stateCondition(state: HandoffState): SQL {
  const l = handoffLinks;
  switch (state) {
    case "accepted":
    case "rejected":
      return eq(l.decision, state);
    case "proposed":
      return sql`${l.submittedAt} IS NOT NULL AND ${l.decision} IS NULL`;
    case "revoked":
      return sql`${l.submittedAt} IS NULL AND ${l.revokedAt} IS NOT NULL`;
    case "expired":
      return sql`${l.submittedAt} IS NULL AND ${l.revokedAt} IS NULL AND ${l.expiresAt} <= now()`;
    case "open":
      return sql`${l.submittedAt} IS NULL AND ${l.revokedAt} IS NULL AND ${l.expiresAt} > now()`;
  }
}

/** The files sent through links, in the order they came, by link id. */
export async function handoffFilesOf(db: Queryable, linkIds: string[]) {
  const out = new Map<string, { fileId: string; kind: "invoice" | "photo" }[]>();
  if (linkIds.length === 0) return out;
  const rows = await db
    .select({ linkId: handoffFiles.handoffLinkId, fileId: handoffFiles.fileId, kind: handoffFiles.kind })
    .from(handoffFiles)
    .innerJoin(files, eq(files.id, handoffFiles.fileId))
    .where(and(inArray(handoffFiles.handoffLinkId, linkIds), sql`${files.status} <> 'pending'`))
    .orderBy(asc(handoffFiles.createdAt), asc(handoffFiles.fileId));
  for (const r of rows) {
    const list = out.get(r.linkId) ?? [];
    list.push({ fileId: r.fileId, kind: r.kind });
    out.set(r.linkId, list);
  }
  return out;
}

export function toHandoffLink(row: Row, sent: { fileId: string; kind: "invoice" | "photo" }[] = []) {
  const l = row.link;
  const person = (id: string | null, name: string | null) => (id && name !== null ? { id, name } : null);
  return {
    id: l.id,
    residenceId: l.residenceId,
    taskId: l.taskId,
    taskTitle: row.taskTitle,
    contractorId: l.contractorId,
    showAddress: l.showAddress,
    state: stateOf(l),
    expiresAt: l.expiresAt.toISOString(),
    revokedAt: l.revokedAt?.toISOString() ?? null,
    createdBy: person(l.createdBy, row.creatorName),
    createdAt: l.createdAt.toISOString(),
    submission: l.submittedAt
      ? {
          submittedAt: l.submittedAt.toISOString(),
          contractorName: l.contractorName ?? "",
          contractorCompany: l.contractorCompany,
          contractorEmail: l.contractorEmail,
          contractorPhone: l.contractorPhone,
          completedOn: l.completedOn ?? l.submittedAt.toISOString().slice(0, 10),
          amountCents: l.amountCents,
          note: l.note,
          invoiceFileId: sent.find((f) => f.kind === "invoice")?.fileId ?? null,
          photoIds: sent.filter((f) => f.kind === "photo").map((f) => f.fileId),
        }
      : null,
    decision:
      l.decision && l.decidedAt
        ? {
            decision: l.decision,
            decidedAt: l.decidedAt.toISOString(),
            decidedBy: person(l.decidedBy, row.deciderName),
            reason: l.rejectReason,
            completionId: l.completionId,
            invoiceDocumentId: l.invoiceDocumentId,
          }
        : null,
  };
}
export type HandoffLinkDto = ReturnType<typeof toHandoffLink>;

/** Links matching `where`, as the API returns them. */
export async function loadHandoffLinks(db: Queryable, where: SQL | undefined): Promise<HandoffLinkDto[]> {
  const rows = await selectHandoffLinks(db, where);
  const sent = await handoffFilesOf(
    db,
    rows.map((r) => r.link.id),
  );
  return rows.map((r) => toHandoffLink(r, sent.get(r.link.id)));
}

export async function findHandoffLink(db: Queryable, id: string): Promise<HandoffLinkDto | undefined> {
  const [link] = await loadHandoffLinks(db, eq(handoffLinks.id, id));
  return link;
}
