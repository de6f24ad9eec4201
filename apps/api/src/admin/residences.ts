import { activity, completions, type Database, memberships, residences, tasks, users } from "@honeydue/db";
import { count, desc, eq, ilike, or, sql } from "drizzle-orm";
import Type from "typebox";
import type { App } from "../http/app-type.ts";
import { notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { Nullable, Timestamp, Uuid } from "../http/schemas.ts";
import { containsPattern } from "../search/text.ts";
import { AdminPage, PageQuery, pageOf, SearchText } from "./paging.ts";
import { type AdminGuard, adminCookie } from "./session.ts";

const tags = ["admin: residences"];

const ResidenceSummary = Type.Object({
  id: Uuid,
  name: Type.String(),
  city: Nullable(Type.String()),
  country: Nullable(Type.String()),
  propertyType: Type.String(),
  timezone: Type.String(),
  memberCount: Type.Integer(),
  openTaskCount: Type.Integer(),
  createdAt: Timestamp,
});

const ResidenceDetail = Type.Object({
  residence: Type.Object({
    ...ResidenceSummary.properties,
    addressLine1: Nullable(Type.String()),
    postalCode: Nullable(Type.String()),
    yearBuilt: Nullable(Type.Integer()),
  }),
  members: Type.Array(
    Type.Object({
      userId: Uuid,
      name: Type.String(),
      email: Type.String(),
      role: Type.String(),
      joinedAt: Timestamp,
    }),
  ),
  tasks: Type.Array(
    Type.Object({
      id: Uuid,
      title: Type.String(),
      category: Type.String(),
      priority: Type.String(),
      dueOn: Nullable(Type.String()),
      completedAt: Nullable(Timestamp),
      archivedAt: Nullable(Timestamp),
      completionCount: Type.Integer(),
      createdAt: Timestamp,
    }),
  ),
  activity: Type.Array(
    Type.Object({
      id: Type.Integer(),
      action: Type.String(),
      actorName: Nullable(Type.String()),
      subjectType: Type.String(),
      createdAt: Timestamp,
    }),
  ),
});

const memberCount = sql<number>`(SELECT count(*)::int FROM memberships m WHERE m.residence_id = ${residences.id})`;
const openTaskCount = sql<number>`(SELECT count(*)::int FROM tasks t WHERE t.residence_id = ${residences.id} AND t.completed_at IS NULL AND t.archived_at IS NULL)`;

function toSummary(r: typeof residences.$inferSelect & { memberCount: number; openTaskCount: number }) {
  return {
    id: r.id,
    name: r.name,
    city: r.city,
    country: r.country,
    propertyType: r.propertyType,
    timezone: r.timezone,
    memberCount: r.memberCount,
    openTaskCount: r.openTaskCount,
    createdAt: r.createdAt.toISOString(),
  };
}

export function registerAdminResidenceRoutes(app: App, deps: { db: Database; guard: AdminGuard }) {
  const { db, guard } = deps;

  app.get(
    "/v1/admin/residences",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "Browse residences by name, city or a member's email (newest first), paged",
        ...adminCookie,
        querystring: Type.Object({ q: SearchText, ...PageQuery }, { additionalProperties: false }),
        response: { 200: AdminPage(ResidenceSummary), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const { page, pageSize, offset } = pageOf(request.query);
      const text = request.query.q?.trim();
      const pattern = text ? containsPattern(text) : undefined;
      const where = pattern
        ? or(
            ilike(residences.name, pattern),
            ilike(residences.city, pattern),
            sql`EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.residence_id = ${residences.id} AND u.email ILIKE ${pattern})`,
          )
        : undefined;
      const [rows, [total]] = await Promise.all([
        db
          .select({ r: residences, memberCount, openTaskCount })
          .from(residences)
          .where(where)
          .orderBy(desc(residences.createdAt), desc(residences.id))
          .limit(pageSize)
          .offset(offset),
        db.select({ n: count() }).from(residences).where(where),
      ]);
      return {
        items: rows.map((x) =>
          toSummary({ ...x.r, memberCount: x.memberCount, openTaskCount: x.openTaskCount }),
        ),
        page,
        pageSize,
        total: total?.n ?? 0,
      };
    },
  );

  app.get(
    "/v1/admin/residences/:residenceId",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "One residence with its members, its latest 100 tasks and its latest 50 activity entries",
        ...adminCookie,
        params: Type.Object({ residenceId: Uuid }),
        response: { 200: ResidenceDetail, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { residenceId } = request.params;
      const [row] = await db
        .select({ r: residences, memberCount, openTaskCount })
        .from(residences)
        .where(eq(residences.id, residenceId))
        .limit(1);
      if (!row) throw notFound("Residence");
      const completionCount = sql<number>`(SELECT count(*)::int FROM ${completions} c WHERE c.task_id = ${tasks.id})`;
      const [members, taskRows, feed] = await Promise.all([
        db
          .select({
            userId: users.id,
            name: users.name,
            email: users.email,
            role: memberships.role,
            joinedAt: memberships.createdAt,
          })
          .from(memberships)
          .innerJoin(users, eq(users.id, memberships.userId))
          .where(eq(memberships.residenceId, residenceId))
          .orderBy(memberships.createdAt),
        db
          .select({ t: tasks, completionCount })
          .from(tasks)
          .where(eq(tasks.residenceId, residenceId))
          .orderBy(desc(tasks.createdAt))
          .limit(100),
        db
          .select({ a: activity, actorName: users.name })
          .from(activity)
          .leftJoin(users, eq(users.id, activity.actorId))
          .where(eq(activity.residenceId, residenceId))
          .orderBy(desc(activity.createdAt), desc(activity.id))
          .limit(50),
      ]);
      const r = row.r;
      return {
        residence: {
          ...toSummary({ ...r, memberCount: row.memberCount, openTaskCount: row.openTaskCount }),
          addressLine1: r.addressLine1,
          postalCode: r.postalCode,
          yearBuilt: r.yearBuilt,
        },
        members: members.map((m) => ({ ...m, joinedAt: m.joinedAt.toISOString() })),
        tasks: taskRows.map(({ t, completionCount: n }) => ({
          id: t.id,
          title: t.title,
          category: t.category,
          priority: t.priority,
          dueOn: t.dueOn,
          completedAt: t.completedAt?.toISOString() ?? null,
          archivedAt: t.archivedAt?.toISOString() ?? null,
          completionCount: n,
          createdAt: t.createdAt.toISOString(),
        })),
        activity: feed.map(({ a, actorName }) => ({
          id: a.id,
          action: a.action,
          actorName,
          subjectType: a.subjectType,
          createdAt: a.createdAt.toISOString(),
        })),
      };
    },
  );
}
