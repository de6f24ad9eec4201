import { type Database, PROPERTY_TYPES, taskTemplates } from "@honeydue/db";
import { and, asc, count, eq, ilike, isNotNull, isNull, or, type SQL } from "drizzle-orm";
import Type from "typebox";
import type { App } from "../http/app-type.ts";
import { conflict, notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { Nullable, Timestamp, Uuid } from "../http/schemas.ts";
import { containsPattern } from "../search/text.ts";
import { describeSchedule, parseRecurrence, type Recurrence as RecurrenceType } from "../tasks/schedule.ts";
import { Category, Priority, Recurrence } from "../tasks/schemas.ts";
import { audit } from "./audit.ts";
import { AdminPage, PageQuery, pageOf, SearchText } from "./paging.ts";
import { type AdminGuard, adminCaller, adminCookie } from "./session.ts";

const tags = ["admin: templates"];
const TemplateParams = Type.Object({ templateId: Uuid });
const PropertyTypes = Type.Array(Type.Enum([...PROPERTY_TYPES]), { uniqueItems: true, maxItems: 5 });

const AdminTemplate = Type.Object({
  id: Uuid,
  slug: Type.String(),
  title: Type.String(),
  howTo: Type.String(),
  category: Category,
  priority: Priority,
  recurrence: Nullable(Recurrence),
  recurrenceText: Type.String({ description: "The schedule in words, as the apps show it" }),
  propertyTypes: Type.Array(Type.String()),
  starter: Type.Boolean(),
  retiredAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const TemplateFields = {
  title: Type.String({ minLength: 1, maxLength: 200, pattern: "^[^\\u0000]*$" }),
  howTo: Type.String({ maxLength: 5000, pattern: "^[^\\u0000]*$" }),
  category: Category,
  priority: Priority,
  recurrence: Nullable(Recurrence),
  propertyTypes: PropertyTypes,
  starter: Type.Boolean(),
};
const Slug = Type.String({ minLength: 2, maxLength: 80, pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" });

const CreateTemplateBody = Type.Object(
  {
    ...TemplateFields,
    slug: Type.Optional(Slug),
    howTo: Type.Optional(TemplateFields.howTo),
    priority: Type.Optional(Priority),
    recurrence: Type.Optional(TemplateFields.recurrence),
    propertyTypes: Type.Optional(PropertyTypes),
    starter: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const UpdateTemplateBody = Type.Partial(Type.Object(TemplateFields), { additionalProperties: false });

function toTemplate(t: typeof taskTemplates.$inferSelect) {
  const recurrence = (t.recurrence ?? null) as RecurrenceType | null;
  return {
    id: t.id,
    slug: t.slug,
    title: t.title,
    howTo: t.howTo,
    category: t.category,
    priority: t.priority,
    recurrence,
    recurrenceText: describeSchedule(recurrence),
    propertyTypes: t.propertyTypes,
    starter: t.starter,
    retiredAt: t.retiredAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

const slugOf = (title: string) =>
  title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80) || "template";

/**
 * The template catalog as operators curate it. The user API's catalog (GET /v1/task-templates) reads the
 * same table, so a created template appears there at once and a retired one disappears (tasks made from
 * it keep their link). Templates are retired, never deleted.
 */
export function registerAdminTemplateRoutes(app: App, deps: { db: Database; guard: AdminGuard }) {
  const { db, guard } = deps;

  const load = async (id: string) => {
    const [row] = await db.select().from(taskTemplates).where(eq(taskTemplates.id, id)).limit(1);
    if (!row) throw notFound("Template");
    return row;
  };

  app.get(
    "/v1/admin/templates",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "The template catalog, active and retired, by category and title, paged",
        ...adminCookie,
        querystring: Type.Object(
          {
            q: SearchText,
            status: Type.Optional(Type.Enum(["active", "retired"])),
            category: Type.Optional(Category),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: AdminPage(AdminTemplate), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const { q, status, category } = request.query;
      const { page, pageSize, offset } = pageOf(request.query);
      const conditions: SQL[] = [];
      const text = q?.trim();
      if (text) {
        const pattern = containsPattern(text);
        conditions.push(or(ilike(taskTemplates.title, pattern), ilike(taskTemplates.slug, pattern))!);
      }
      if (status === "active") conditions.push(isNull(taskTemplates.retiredAt));
      if (status === "retired") conditions.push(isNotNull(taskTemplates.retiredAt));
      if (category) conditions.push(eq(taskTemplates.category, category));
      const where = conditions.length ? and(...conditions) : undefined;
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(taskTemplates)
          .where(where)
          .orderBy(asc(taskTemplates.category), asc(taskTemplates.title), asc(taskTemplates.id))
          .limit(pageSize)
          .offset(offset),
        db.select({ n: count() }).from(taskTemplates).where(where),
      ]);
      return { items: rows.map(toTemplate), page, pageSize, total: total?.n ?? 0 };
    },
  );

  app.get(
    "/v1/admin/templates/:templateId",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "One template",
        ...adminCookie,
        params: TemplateParams,
        response: { 200: AdminTemplate, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => toTemplate(await load(request.params.templateId)),
  );

  app.post(
    "/v1/admin/templates",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "Add a template to the catalog (the slug is made from the title unless given)",
        ...adminCookie,
        body: CreateTemplateBody,
        response: { 201: AdminTemplate, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const me = adminCaller(request);
      const b = request.body;
      const recurrence = parseRecurrence(b.recurrence ?? null, "body.recurrence");
      const slug = b.slug ?? slugOf(b.title);
      const [clash] = await db
        .select({ id: taskTemplates.id })
        .from(taskTemplates)
        .where(eq(taskTemplates.slug, slug));
      if (clash) throw conflict(`A template with the slug '${slug}' exists already`, { slug });
      const row = await db.transaction(async (tx) => {
        const [created] = await tx
          .insert(taskTemplates)
          .values({
            slug,
            title: b.title.trim(),
            howTo: b.howTo ?? "",
            category: b.category,
            priority: b.priority ?? "normal",
            recurrence,
            propertyTypes: b.propertyTypes ?? [...PROPERTY_TYPES],
            starter: b.starter ?? false,
          })
          .returning();
        await audit(
          tx,
          request,
          { adminId: me.adminId, email: me.email },
          {
            action: "template.create",
            target: { type: "template", id: created!.id, label: created!.title },
          },
        );
        return created!;
      });
      return reply.status(201).send(toTemplate(row));
    },
  );

  app.patch(
    "/v1/admin/templates/:templateId",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "Edit a template (tasks already made from it keep their own copy)",
        ...adminCookie,
        params: TemplateParams,
        body: UpdateTemplateBody,
        response: { 200: AdminTemplate, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const me = adminCaller(request);
      const before = await load(request.params.templateId);
      const b = request.body;
      const changes: Partial<typeof taskTemplates.$inferInsert> = {};
      if (b.title !== undefined) changes.title = b.title.trim();
      if (b.howTo !== undefined) changes.howTo = b.howTo;
      if (b.category !== undefined) changes.category = b.category;
      if (b.priority !== undefined) changes.priority = b.priority;
      if (b.recurrence !== undefined) changes.recurrence = parseRecurrence(b.recurrence, "body.recurrence");
      if (b.propertyTypes !== undefined) changes.propertyTypes = b.propertyTypes;
      if (b.starter !== undefined) changes.starter = b.starter;
      const row = await db.transaction(async (tx) => {
        const [updated] = await tx
          .update(taskTemplates)
          .set({ ...changes, updatedAt: new Date() })
          .where(eq(taskTemplates.id, before.id))
          .returning();
        await audit(
          tx,
          request,
          { adminId: me.adminId, email: me.email },
          {
            action: "template.update",
            target: { type: "template", id: before.id, label: updated!.title },
            detail: { fields: Object.keys(changes) },
          },
        );
        return updated!;
      });
      return toTemplate(row);
    },
  );

  for (const [verb, retired] of [
    ["retire", true],
    ["restore", false],
  ] as const) {
    app.post(
      `/v1/admin/templates/:templateId/${verb}`,
      {
        onRequest: guard.required,
        schema: {
          tags,
          summary: retired
            ? "Retire a template: it leaves the user API's catalog; tasks made from it are untouched"
            : "Bring a retired template back into the catalog",
          ...adminCookie,
          params: TemplateParams,
          response: { 200: AdminTemplate, ...problems(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const me = adminCaller(request);
        const before = await load(request.params.templateId);
        const row = await db.transaction(async (tx) => {
          const [updated] = await tx
            .update(taskTemplates)
            .set({ retiredAt: retired ? (before.retiredAt ?? new Date()) : null, updatedAt: new Date() })
            .where(eq(taskTemplates.id, before.id))
            .returning();
          await audit(
            tx,
            request,
            { adminId: me.adminId, email: me.email },
            {
              action: `template.${verb}`,
              target: { type: "template", id: before.id, label: before.title },
            },
          );
          return updated!;
        });
        return toTemplate(row);
      },
    );
  }
}
