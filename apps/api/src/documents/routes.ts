import { type Database, documents, type Queryable, type Role, tasks } from "@honeydue/db";
import { addDays, todayIn } from "@honeydue/domain";
import { and, asc, desc, eq, gte, ilike, lte, or, type SQL, sql } from "drizzle-orm";
import type { ApiDeps } from "../deps.ts";
import { setDocumentFile } from "../files/service.ts";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { invalidField, notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { decodeCursor, encodeCursor, NoContent } from "../http/schemas.ts";
import { requireMembership, requireMembershipOf } from "../residences/access.ts";
import { recordActivity } from "../residences/activity.ts";
import { containsPattern } from "../search/text.ts";
import { assertContractor } from "../tasks/actions.ts";
import { selectDocuments, toDocument } from "./presenter.ts";
import {
  Document,
  DocumentBody,
  DocumentListQuery,
  DocumentPage,
  DocumentParams,
  DocumentPatch,
  ResidenceParams,
} from "./schemas.ts";

async function loadDocument(db: Queryable, documentId: string, userId: string, atLeast: Role) {
  const [row] = await selectDocuments(db, eq(documents.id, documentId)).limit(1);
  if (!row) throw notFound("Document");
  await requireMembershipOf(db, "Document", row.residenceId, userId, atLeast);
  return row;
}

/** A linked task or contractor must belong to the document's residence; anything else is a 400. */
async function checkLinks(
  db: Queryable,
  residenceId: string,
  links: { taskId?: string | null; contractorId?: string | null },
) {
  if (links.taskId) {
    const [task] = await db
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(eq(tasks.id, links.taskId), eq(tasks.residenceId, residenceId)))
      .limit(1);
    if (!task) throw invalidField("body.taskId", "must be a task of this residence");
  }
  if (links.contractorId) await assertContractor(db, residenceId, links.contractorId, "body.contractorId");
}

function checkDates(purchaseOn: string | null | undefined, expiresOn: string | null | undefined) {
  if (purchaseOn && expiresOn && expiresOn < purchaseOn)
    throw invalidField("body.expiresOn", "must not be before purchaseOn");
}

interface ListCursor {
  /** c: newest first by creation; e: soonest expiry first. */
  m: "c" | "e";
  k: string;
  i: string;
}
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isRealDate = (text: string) => {
  const d = new Date(text);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text.slice(0, 10));
};
const isListCursor = (v: unknown): v is ListCursor => {
  if (typeof v !== "object" || v === null) return false;
  const c = v as ListCursor;
  if (typeof c.k !== "string" || typeof c.i !== "string" || !UUID_RE.test(c.i)) return false;
  if (c.m === "c") return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(c.k) && isRealDate(c.k);
  if (c.m === "e") return /^\d{4}-\d{2}-\d{2}$/.test(c.k) && isRealDate(c.k);
  return false;
};

async function reload(db: Database | Queryable, id: string) {
  const [row] = await selectDocuments(db, eq(documents.id, id)).limit(1);
  if (!row) throw notFound("Document");
  return row;
}

export function registerDocumentRoutes(
  app: App,
  deps: Pick<ApiDeps, "db" | "notifyOutbox"> & { auth: AuthGuard },
) {
  const { db, auth } = deps;
  const tags = ["documents"];

  app.get(
    "/v1/residences/:residenceId/documents",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary:
          "List a residence's documents, newest first, or soonest expiry first with expiringWithinDays",
        params: ResidenceParams,
        querystring: DocumentListQuery,
        response: { 200: DocumentPage, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const me = principal(request);
      const { residenceId } = request.params;
      const query = request.query;
      const access = await requireMembership(db, residenceId, me.userId, "viewer");
      const limit = query.limit ?? 50;
      const mode = query.expiringWithinDays !== undefined ? "e" : "c";
      const cursor = decodeCursor(query.cursor, isListCursor);
      if (query.cursor !== undefined && (!cursor || cursor.m !== mode))
        throw invalidField("query.cursor", "is not a valid cursor for this list");
      const conditions: (SQL | undefined)[] = [eq(documents.residenceId, residenceId)];
      if (query.kind) conditions.push(eq(documents.kind, query.kind));
      if (query.q) {
        const pattern = containsPattern(query.q.trim());
        conditions.push(or(ilike(documents.title, pattern), ilike(documents.notes, pattern)));
      }
      if (query.expiringWithinDays !== undefined) {
        const today = todayIn(access.timezone);
        conditions.push(
          gte(documents.expiresOn, today),
          lte(documents.expiresOn, addDays(today, query.expiringWithinDays)),
        );
      }
      if (cursor?.m === "c")
        conditions.push(
          sql`(${documents.createdAt}, ${documents.id}) < (${cursor.k}::timestamptz, ${cursor.i}::uuid)`,
        );
      if (cursor?.m === "e")
        conditions.push(
          sql`(${documents.expiresOn}, ${documents.id}) > (${cursor.k}::date, ${cursor.i}::uuid)`,
        );
      const rows = await selectDocuments(db, and(...conditions))
        .orderBy(
          ...(mode === "e"
            ? [asc(documents.expiresOn), asc(documents.id)]
            : [desc(documents.createdAt), desc(documents.id)]),
        )
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toDocument),
        nextCursor:
          rows.length > limit && last
            ? encodeCursor({ m: mode, k: mode === "e" ? last.expiresOn : last.createdKey, i: last.id })
            : null,
      };
    },
  );

  app.post(
    "/v1/residences/:residenceId/documents",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Add a document to a residence (members and owners)",
        params: ResidenceParams,
        body: DocumentBody,
        response: { 201: Document, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const me = principal(request);
      const { residenceId } = request.params;
      const body = request.body;
      const title = body.title.trim();
      if (!title) throw invalidField("body.title", "must not be blank");
      checkDates(body.purchaseOn, body.expiresOn);
      const id = await db.transaction(async (tx) => {
        await requireMembership(tx, residenceId, me.userId, "member");
        await checkLinks(tx, residenceId, body);
        const [created] = await tx
          .insert(documents)
          .values({
            residenceId,
            title,
            kind: body.kind ?? "other",
            purchaseOn: body.purchaseOn ?? null,
            expiresOn: body.expiresOn ?? null,
            amountCents: body.amountCents ?? null,
            notes: body.notes ?? null,
            taskId: body.taskId ?? null,
            contractorId: body.contractorId ?? null,
            createdBy: me.userId,
          })
          .returning({ id: documents.id });
        if (body.fileId)
          await setDocumentFile(tx, {
            documentId: created!.id,
            residenceId,
            userId: me.userId,
            fileId: body.fileId,
          });
        await recordActivity(tx, {
          residenceId,
          actorId: me.userId,
          action: "document.created",
          subjectType: "document",
          subjectId: created!.id,
          data: { title, kind: body.kind ?? "other" },
        });
        return created!.id;
      });
      deps.notifyOutbox();
      return reply.status(201).send(toDocument(await reload(db, id)));
    },
  );

  app.get(
    "/v1/documents/:documentId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "A document",
        params: DocumentParams,
        response: { 200: Document, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const me = principal(request);
      return toDocument(await loadDocument(db, request.params.documentId, me.userId, "viewer"));
    },
  );

  app.patch(
    "/v1/documents/:documentId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Change a document (members and owners); null clears a field",
        params: DocumentParams,
        body: DocumentPatch,
        response: { 200: Document, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const me = principal(request);
      const body = request.body;
      const changes: Partial<typeof documents.$inferInsert> = {};
      if (body.title !== undefined) {
        const title = body.title.trim();
        if (!title) throw invalidField("body.title", "must not be blank");
        changes.title = title;
      }
      if (body.kind !== undefined) changes.kind = body.kind;
      if (body.purchaseOn !== undefined) changes.purchaseOn = body.purchaseOn;
      if (body.expiresOn !== undefined) changes.expiresOn = body.expiresOn;
      if (body.amountCents !== undefined) changes.amountCents = body.amountCents;
      if (body.notes !== undefined) changes.notes = body.notes;
      if (body.taskId !== undefined) changes.taskId = body.taskId;
      if (body.contractorId !== undefined) changes.contractorId = body.contractorId;
      const id = await db.transaction(async (tx) => {
        const current = await loadDocument(tx, request.params.documentId, me.userId, "member");
        if (body.fileId !== undefined) {
          const file = { documentId: current.id, residenceId: current.residenceId, fileId: body.fileId };
          await setDocumentFile(tx, { ...file, userId: me.userId });
        }
        const fields = [...Object.keys(changes), ...(body.fileId !== undefined ? ["fileId"] : [])];
        if (fields.length === 0) return current.id;
        checkDates(
          changes.purchaseOn !== undefined ? changes.purchaseOn : current.purchaseOn,
          changes.expiresOn !== undefined ? changes.expiresOn : current.expiresOn,
        );
        await checkLinks(tx, current.residenceId, {
          taskId: changes.taskId,
          contractorId: changes.contractorId,
        });
        const updated = await tx
          .update(documents)
          .set({ ...changes, updatedAt: new Date() })
          .where(eq(documents.id, current.id))
          .returning({ id: documents.id });
        if (updated.length === 0) throw notFound("Document");
        await recordActivity(tx, {
          residenceId: current.residenceId,
          actorId: me.userId,
          action: "document.updated",
          subjectType: "document",
          subjectId: current.id,
          data: { title: changes.title ?? current.title, fields },
        });
        return current.id;
      });
      deps.notifyOutbox();
      return toDocument(await reload(db, id));
    },
  );

  app.delete(
    "/v1/documents/:documentId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Delete a document (members and owners)",
        params: DocumentParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const me = principal(request);
      await db.transaction(async (tx) => {
        const current = await loadDocument(tx, request.params.documentId, me.userId, "member");
        const deleted = await tx
          .delete(documents)
          .where(eq(documents.id, current.id))
          .returning({ id: documents.id });
        if (deleted.length === 0) throw notFound("Document");
        await recordActivity(tx, {
          residenceId: current.residenceId,
          actorId: me.userId,
          action: "document.deleted",
          subjectType: "document",
          subjectId: current.id,
          data: { title: current.title, kind: current.kind },
        });
      });
      deps.notifyOutbox();
      return reply.status(204).send(null);
    },
  );
}
