import { contractors, documents, type Queryable, tasks } from "@honeydue/db";
import { eq, inArray, type SQL, sql } from "drizzle-orm";

/** The document presenter: the one JSON shape of a document (routes, export, sync). */

/** A document with the names of what it links to; `sortKey` is the exact created_at for cursors. */
const documentSelect = {
  id: documents.id,
  residenceId: documents.residenceId,
  title: documents.title,
  kind: documents.kind,
  fileId: documents.fileId,
  purchaseOn: documents.purchaseOn,
  expiresOn: documents.expiresOn,
  amountCents: documents.amountCents,
  notes: documents.notes,
  taskId: documents.taskId,
  taskTitle: tasks.title,
  contractorId: documents.contractorId,
  contractorName: contractors.name,
  createdAt: documents.createdAt,
  updatedAt: documents.updatedAt,
  createdKey: sql<string>`to_char(${documents.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
};

type DocumentRow = Awaited<ReturnType<typeof selectDocuments>>[number];

export function selectDocuments(db: Queryable, where: SQL | undefined) {
  return db
    .select(documentSelect)
    .from(documents)
    .leftJoin(tasks, eq(tasks.id, documents.taskId))
    .leftJoin(contractors, eq(contractors.id, documents.contractorId))
    .where(where);
}

export function toDocument(row: DocumentRow) {
  return {
    id: row.id,
    residenceId: row.residenceId,
    title: row.title,
    kind: row.kind,
    fileId: row.fileId,
    purchaseOn: row.purchaseOn,
    expiresOn: row.expiresOn,
    amountCents: row.amountCents,
    notes: row.notes,
    taskId: row.taskId,
    task: row.taskId && row.taskTitle !== null ? { id: row.taskId, title: row.taskTitle } : null,
    contractorId: row.contractorId,
    contractor:
      row.contractorId && row.contractorName !== null
        ? { id: row.contractorId, name: row.contractorName }
        : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Several documents by id, as the API returns them. */
export async function loadDocuments(db: Queryable, ids: string[]) {
  if (ids.length === 0) return [];
  return (await selectDocuments(db, inArray(documents.id, ids))).map(toDocument);
}

/** One document by id, or undefined. */
