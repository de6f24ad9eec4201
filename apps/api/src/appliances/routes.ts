import {
  applianceKindTemplates,
  applianceRecalls,
  appliances,
  applianceTasks,
  completions,
  contractors,
  type Database,
  files,
  type Queryable,
  tasks,
  taskTemplates,
} from "@honeydue/db";
import { and, asc, desc, eq, ilike, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import Type, { type Static } from "typebox";
import { fileView } from "../files/presenter.ts";
import { AttachFileBody, FileSchema } from "../files/schemas.ts";
import { attachFile } from "../files/service.ts";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { invalidField, notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { decodeCursor, encodeCursor, NoContent, Nullable, Uuid } from "../http/schemas.ts";
import { requireMembership } from "../residences/access.ts";
import { recordActivity } from "../residences/activity.ts";
import { containsPattern } from "../search/text.ts";
import { boundsFor } from "../tasks/access.ts";
import { insertTask } from "../tasks/actions.ts";
import { selectTasks, toTask } from "../tasks/presenter.ts";
import { describeSchedule, firstDueOn, nextAfterCompletion, parseRecurrence } from "../tasks/schedule.ts";
import { Task } from "../tasks/schemas.ts";
import { LINK_FIELDS, replaceLinks } from "./links.ts";
import { type ApplianceRow, columns, loadAppliance, presentAppliances, toRecall } from "./presenter.ts";
import { replacementPlan } from "./replacement.ts";
import {
  Appliance,
  ApplianceBody,
  ApplianceListQuery,
  AppliancePage,
  ApplianceParams,
  AppliancePatch,
  FromTemplatesBody,
  ReplacementPlan,
  ResidenceParams,
  ResidenceRecalls,
  ServiceHistory,
  SuggestedTasks,
} from "./schemas.ts";

export interface ApplianceRouteDeps {
  db: Database;
  auth: AuthGuard;
  now: () => Date;
  notifyOutbox: () => void;
}

const trimOrNull = (v: string | null | undefined) => {
  if (v === undefined || v === null) return v;
  const t = v.trim();
  return t === "" ? null : t;
};

interface NameCursor {
  n: string;
  i: string;
}
const isNameCursor = (v: unknown): v is NameCursor =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as NameCursor).n === "string" &&
  typeof (v as NameCursor).i === "string" &&
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test((v as NameCursor).i);

type Fields = Partial<typeof appliances.$inferInsert>;

/** The body's plain fields as columns (text trimmed, blank = null); `name` checked not blank. */
function fieldsOf(body: Static<typeof AppliancePatch>): Fields {
  const out: Fields = {};
  if (body.name !== undefined) {
    const name = body.name.trim();
    if (!name) throw invalidField("body.name", "must not be blank");
    out.name = name;
  }
  if (body.kind !== undefined) out.kind = body.kind;
  for (const key of ["brand", "model", "serialNumber", "location"] as const)
    if (body[key] !== undefined) out[key] = trimOrNull(body[key]);
  if (body.notes !== undefined) out.notes = body.notes;
  if (body.purchasedOn !== undefined) out.purchasedOn = body.purchasedOn;
  if (body.installedOn !== undefined) out.installedOn = body.installedOn;
  if (body.lifespanYears !== undefined) out.lifespanYears = body.lifespanYears;
  if (body.replacementCostCents !== undefined) out.replacementCostCents = body.replacementCostCents;
  return out;
}

async function setLinks(
  tx: Queryable,
  row: Pick<ApplianceRow, "id" | "residenceId">,
  body: Static<typeof AppliancePatch>,
) {
  for (const field of LINK_FIELDS) {
    const ids = body[field];
    if (ids !== undefined)
      await replaceLinks(tx, { applianceId: row.id, residenceId: row.residenceId, field, ids });
  }
}

/** The templates an appliance's kind calls for (retired ones left out), with a sensible first due date. */
async function suggestionsFor(db: Queryable, row: ApplianceRow, today: string) {
  const templates = await db
    .select({ t: taskTemplates })
    .from(applianceKindTemplates)
    .innerJoin(taskTemplates, eq(taskTemplates.slug, applianceKindTemplates.templateSlug))
    .where(and(eq(applianceKindTemplates.kind, row.kind), isNull(taskTemplates.retiredAt)))
    .orderBy(asc(applianceKindTemplates.position), asc(taskTemplates.slug));
  const linked = await db
    .select({ templateId: tasks.templateId })
    .from(applianceTasks)
    .innerJoin(tasks, eq(tasks.id, applianceTasks.taskId))
    .where(eq(applianceTasks.applianceId, row.id));
  const linkedTemplates = new Set(linked.map((l) => l.templateId));
  return templates.map(({ t }) => {
    const recurrence = parseRecurrence(t.recurrence ?? null, "template.recurrence");
    return {
      template: t,
      recurrence,
      suggestion: {
        templateId: t.id,
        slug: t.slug,
        title: `${t.title} — ${row.name}`,
        category: t.category,
        recurrenceText: describeSchedule(recurrence),
        firstDueOn: firstDueFor(recurrence, row.installedOn ?? row.purchasedOn, today),
        alreadyLinked: linkedTemplates.has(t.id),
      },
    };
  });
}

/**
 * The first due date of a job for an appliance. A seasonal schedule (an RRULE: the furnace's autumn service)
 * starts at its next season. An interval schedule ("every year", "90 days after I last did it") counts one
 * period from when the appliance was installed (else bought): a water heater fitted last spring has its first
 * flush next spring, a filter fitted a month ago is due in two months; when that date has passed, or the
 * appliance's age is unknown, the job is due today. A one-off is due today.
 */
function firstDueFor(
  recurrence: ReturnType<typeof parseRecurrence>,
  startedOn: string | null,
  today: string,
): string | null {
  if (!recurrence) return today;
  const interval =
    recurrence.kind === "afterCompletion" || (recurrence.kind === "fixed" && !("rrule" in recurrence));
  if (interval && startedOn && startedOn <= today) {
    const next = nextAfterCompletion(
      { recurrence, dueOn: startedOn, scheduledOn: null, anchorOn: startedOn },
      startedOn,
    )?.dueOn;
    return next && next > today ? next : today;
  }
  return firstDueOn(recurrence, today);
}

async function serviceHistory(db: Queryable, applianceId: string) {
  const linkedTasks = db
    .select({ taskId: applianceTasks.taskId })
    .from(applianceTasks)
    .where(eq(applianceTasks.applianceId, applianceId));
  const where = inArray(completions.taskId, linkedTasks);
  const [items, [totals]] = await Promise.all([
    db
      .select({
        completionId: completions.id,
        taskId: completions.taskId,
        taskTitle: tasks.title,
        completedOn: completions.completedOn,
        costCents: completions.costCents,
        notes: completions.notes,
        contractorId: completions.contractorId,
        contractorName: contractors.name,
      })
      .from(completions)
      .innerJoin(tasks, eq(tasks.id, completions.taskId))
      .leftJoin(contractors, eq(contractors.id, completions.contractorId))
      .where(where)
      .orderBy(desc(completions.completedOn), desc(completions.createdAt))
      .limit(200),
    db
      .select({
        serviceCount: sql<number>`count(*)::int`,
        totalCostCents: sql<string>`coalesce(sum(${completions.costCents}), 0)::bigint`,
      })
      .from(completions)
      .where(where),
  ]);
  return {
    items,
    serviceCount: Number(totals?.serviceCount ?? 0),
    totalCostCents: Number(totals?.totalCostCents ?? 0),
  };
}

export function registerApplianceRoutes(app: App, deps: ApplianceRouteDeps) {
  const { db, auth } = deps;
  const tags = ["appliances"];

  app.get(
    "/v1/residences/:residenceId/appliances",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "List a residence's appliances and systems by name (filter by kind, text)",
        params: ResidenceParams,
        querystring: ApplianceListQuery,
        response: { 200: AppliancePage, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const me = principal(request);
      const { residenceId } = request.params;
      const query = request.query;
      await requireMembership(db, residenceId, me.userId, "viewer");
      const limit = query.limit ?? 50;
      const cursor = decodeCursor(query.cursor, isNameCursor);
      if (query.cursor !== undefined && !cursor) throw invalidField("query.cursor", "is not a valid cursor");
      const conditions: (SQL | undefined)[] = [eq(appliances.residenceId, residenceId)];
      if (query.kind) conditions.push(eq(appliances.kind, query.kind));
      if (query.q) {
        const pattern = containsPattern(query.q.trim());
        conditions.push(
          or(
            ilike(appliances.name, pattern),
            ilike(appliances.brand, pattern),
            ilike(appliances.model, pattern),
            ilike(appliances.serialNumber, pattern),
            ilike(appliances.location, pattern),
            ilike(appliances.notes, pattern),
          ),
        );
      }
      if (cursor) conditions.push(sql`(${appliances.name}, ${appliances.id}) > (${cursor.n}, ${cursor.i})`);
      const rows = await db
        .select(columns)
        .from(appliances)
        .where(and(...conditions))
        .orderBy(asc(appliances.name), asc(appliances.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: await presentAppliances(db, page),
        nextCursor: rows.length > limit && last ? encodeCursor({ n: last.name, i: last.id }) : null,
      };
    },
  );

  app.post(
    "/v1/residences/:residenceId/appliances",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Add an appliance or system to a residence (members and owners)",
        description:
          "Then GET /v1/appliances/{applianceId}/suggested-tasks offers the maintenance jobs its kind calls for.",
        params: ResidenceParams,
        body: ApplianceBody,
        response: { 201: Appliance, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const me = principal(request);
      const { residenceId } = request.params;
      const body = request.body;
      const fields = fieldsOf(body);
      const row = await db.transaction(async (tx) => {
        await requireMembership(tx, residenceId, me.userId, "member");
        const [created] = await tx
          .insert(appliances)
          .values({ ...fields, name: fields.name!, residenceId, createdBy: me.userId })
          .returning(columns);
        await setLinks(tx, created!, body);
        await recordActivity(tx, {
          residenceId,
          actorId: me.userId,
          action: "appliance.created",
          subjectType: "appliance",
          subjectId: created!.id,
          data: { name: created!.name, kind: created!.kind },
        });
        return created!;
      });
      deps.notifyOutbox();
      const [out] = await presentAppliances(db, [row]);
      return reply.status(201).send(out!);
    },
  );

  app.get(
    "/v1/appliances/:applianceId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "An appliance with its linked tasks, documents and contractors, and its recalls",
        params: ApplianceParams,
        response: { 200: Appliance, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const me = principal(request);
      const { row } = await loadAppliance(db, request.params.applianceId, me.userId, "viewer");
      const [out] = await presentAppliances(db, [row]);
      return out!;
    },
  );

  app.patch(
    "/v1/appliances/:applianceId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary:
          "Change an appliance (members and owners); null clears a field, a list of ids replaces the links",
        params: ApplianceParams,
        body: AppliancePatch,
        response: { 200: Appliance, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const me = principal(request);
      const body = request.body;
      const changes = fieldsOf(body);
      const row = await db.transaction(async (tx) => {
        const { row: current } = await loadAppliance(tx, request.params.applianceId, me.userId, "member");
        const fields = [...Object.keys(changes), ...LINK_FIELDS.filter((f) => body[f] !== undefined)];
        if (fields.length === 0) return current;
        const [updated] = await tx
          .update(appliances)
          .set({ ...changes, updatedAt: new Date() })
          .where(eq(appliances.id, current.id))
          .returning(columns);
        if (!updated) throw notFound("Appliance");
        await setLinks(tx, updated, body);
        await recordActivity(tx, {
          residenceId: current.residenceId,
          actorId: me.userId,
          action: "appliance.updated",
          subjectType: "appliance",
          subjectId: current.id,
          data: { name: updated.name, fields },
        });
        return updated;
      });
      deps.notifyOutbox();
      const [out] = await presentAppliances(db, [row]);
      return out!;
    },
  );

  app.delete(
    "/v1/appliances/:applianceId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary:
          "Delete an appliance (members and owners). Its tasks, documents and contractors stay, without the link.",
        params: ApplianceParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const me = principal(request);
      await db.transaction(async (tx) => {
        const { row: current } = await loadAppliance(tx, request.params.applianceId, me.userId, "member");
        const deleted = await tx
          .delete(appliances)
          .where(eq(appliances.id, current.id))
          .returning({ id: appliances.id });
        if (deleted.length === 0) throw notFound("Appliance");
        await recordActivity(tx, {
          residenceId: current.residenceId,
          actorId: me.userId,
          action: "appliance.deleted",
          subjectType: "appliance",
          subjectId: current.id,
          data: { name: current.name },
        });
      });
      deps.notifyOutbox();
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/v1/appliances/:applianceId/service-history",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "The completions of an appliance's linked tasks (its service history) and what they cost",
        params: ApplianceParams,
        response: { 200: ServiceHistory, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const me = principal(request);
      const { row } = await loadAppliance(db, request.params.applianceId, me.userId, "viewer");
      return serviceHistory(db, row.id);
    },
  );

  app.get(
    "/v1/appliances/:applianceId/suggested-tasks",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "The maintenance jobs this appliance's kind calls for, pre-filled with first due dates",
        params: ApplianceParams,
        response: { 200: SuggestedTasks, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const me = principal(request);
      const { row, access } = await loadAppliance(db, request.params.applianceId, me.userId, "viewer");
      const today = boundsFor(access.timezone, me, deps.now()).today;
      return { items: (await suggestionsFor(db, row, today)).map((s) => s.suggestion) };
    },
  );

  app.post(
    "/v1/appliances/:applianceId/tasks/from-templates",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Create tasks from the appliance's suggested templates, linked to it (members and owners)",
        params: ApplianceParams,
        body: FromTemplatesBody,
        response: { 201: Type.Object({ items: Type.Array(Task) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const me = principal(request);
      const { templateIds } = request.body;
      const { ids, bounds } = await db.transaction(async (tx) => {
        const { row, access } = await loadAppliance(tx, request.params.applianceId, me.userId, "member");
        const b = boundsFor(access.timezone, me, deps.now());
        const offered = new Map((await suggestionsFor(tx, row, b.today)).map((s) => [s.template.id, s]));
        const missing = templateIds.filter((id) => !offered.has(id));
        if (missing.length)
          throw invalidField("body.templateIds", `not suggested for this appliance: ${missing.join(", ")}`);
        const created: string[] = [];
        for (const id of templateIds) {
          const { template: t, recurrence, suggestion } = offered.get(id)!;
          const taskId = await insertTask(
            tx,
            { userId: me.userId, residenceId: row.residenceId, today: b.today },
            {
              title: suggestion.title,
              notes: t.howTo || null,
              category: t.category,
              priority: t.priority,
              recurrence,
              dueOn: suggestion.firstDueOn,
              templateId: t.id,
            },
          );
          await tx.insert(applianceTasks).values({ applianceId: row.id, taskId });
          created.push(taskId);
        }
        await tx.update(appliances).set({ updatedAt: new Date() }).where(eq(appliances.id, row.id));
        return { ids: created, bounds: b };
      });
      deps.notifyOutbox();
      const rows = await selectTasks(db, bounds, inArray(tasks.id, ids));
      const order = new Map(ids.map((id, i) => [id, i]));
      rows.sort((x, y) => order.get(x.id)! - order.get(y.id)!);
      return reply.status(201).send({ items: rows.map(toTask) });
    },
  );

  app.get(
    "/v1/residences/:residenceId/replacement-plan",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Appliances past or nearing their expected end of life, with the estimated replacement cost",
        params: ResidenceParams,
        response: { 200: ReplacementPlan, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const me = principal(request);
      const access = await requireMembership(db, request.params.residenceId, me.userId, "viewer");
      const today = boundsFor(access.timezone, me, deps.now()).today;
      return replacementPlan(db, [access.residenceId], () => today);
    },
  );

  app.get(
    "/v1/residences/:residenceId/recalls",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Product recalls matched to the residence's appliances (by brand and model)",
        description:
          "The recall check (a scheduled job) matches appliances with a brand and a model against recall notices (U.S. CPSC) and records each match once.",
        params: ResidenceParams,
        response: { 200: ResidenceRecalls, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const me = principal(request);
      const access = await requireMembership(db, request.params.residenceId, me.userId, "viewer");
      const rows = await db
        .select({
          recall: applianceRecalls,
          applianceId: appliances.id,
          applianceName: appliances.name,
          kind: appliances.kind,
          brand: appliances.brand,
          model: appliances.model,
        })
        .from(applianceRecalls)
        .innerJoin(appliances, eq(appliances.id, applianceRecalls.applianceId))
        .where(eq(appliances.residenceId, access.residenceId))
        .orderBy(desc(applianceRecalls.matchedAt), asc(appliances.name), asc(applianceRecalls.recallId))
        .limit(500);
      return {
        items: rows.map(({ recall, ...a }) => ({ ...a, recall: toRecall(recall) })),
      };
    },
  );

  app.put(
    "/v1/appliances/:applianceId/photo",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Set an appliance's photo (members and owners)",
        description:
          "`fileId` of an upload with purpose `appliance_photo` of the appliance's residence (POST /v1/uploads); " +
          "null removes the photo. The previous photo is deleted. Download it from GET /v1/files/{fileId}.",
        params: ApplianceParams,
        body: AttachFileBody,
        response: {
          200: Type.Object({ applianceId: Uuid, photo: Nullable(FileSchema) }),
          ...problems(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const me = principal(request);
      const { fileId } = request.body;
      const applianceId = await db.transaction(async (tx) => {
        const { row } = await loadAppliance(tx, request.params.applianceId, me.userId, "member");
        const [locked] = await tx
          .select({ photoFileId: appliances.photoFileId })
          .from(appliances)
          .where(eq(appliances.id, row.id))
          .for("update");
        if (!locked) throw notFound("Appliance");
        if (locked.photoFileId === fileId) return row.id;
        if (fileId)
          await attachFile(tx, {
            fileId,
            userId: me.userId,
            residenceId: row.residenceId,
            purpose: "appliance_photo",
          });
        // The trigger of migration 0142 deletes the previous photo's file (and, through the outbox, its objects).
        await tx
          .update(appliances)
          .set({ photoFileId: fileId, updatedAt: new Date() })
          .where(eq(appliances.id, row.id));
        await recordActivity(tx, {
          residenceId: row.residenceId,
          actorId: me.userId,
          action: "appliance.photo_changed",
          subjectType: "appliance",
          subjectId: row.id,
          data: { name: row.name },
        });
        return row.id;
      });
      deps.notifyOutbox();
      const [file] = fileId ? await db.select().from(files).where(eq(files.id, fileId)).limit(1) : [];
      return { applianceId, photo: file ? fileView(file) : null };
    },
  );
}
