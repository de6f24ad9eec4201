import { adminAuditLog, type Database } from "@honeydue/db";
import { and, count, desc, eq, gte, ilike, like, lt, or, type SQL } from "drizzle-orm";
import Type from "typebox";
import type { App } from "../http/app-type.ts";
import { problems } from "../http/responses.ts";
import { Nullable, Timestamp, Uuid } from "../http/schemas.ts";
import { containsPattern } from "../search/text.ts";
import { AdminPage, PageQuery, pageOf } from "./paging.ts";
import { type AdminGuard, adminCookie } from "./session.ts";

const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  adminId: Nullable(Uuid),
  adminEmail: Type.String(),
  action: Type.String(),
  targetType: Nullable(Type.String()),
  targetId: Nullable(Type.String()),
  targetLabel: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
  ip: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
});

export function registerAdminAuditRoutes(app: App, deps: { db: Database; guard: AdminGuard }) {
  const { db, guard } = deps;
  app.get(
    "/v1/admin/audit",
    {
      onRequest: guard.required,
      schema: {
        tags: ["admin: audit"],
        summary: "The audit log: who did what to whom, when and from where (newest first), filtered, paged",
        ...adminCookie,
        querystring: Type.Object(
          {
            q: Type.Optional(
              Type.String({ maxLength: 200, description: "Text in the admin's email or the target's label" }),
            ),
            action: Type.Optional(
              Type.String({ maxLength: 64, description: "An action or its prefix, e.g. `user.` " }),
            ),
            adminId: Type.Optional(Uuid),
            targetType: Type.Optional(Type.String({ maxLength: 32 })),
            targetId: Type.Optional(Type.String({ maxLength: 64 })),
            from: Type.Optional(Timestamp),
            to: Type.Optional(Timestamp),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: AdminPage(AuditEntry), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const f = request.query;
      const { page, pageSize, offset } = pageOf(f);
      const conditions: SQL[] = [];
      if (f.q?.trim()) {
        const pattern = containsPattern(f.q.trim());
        conditions.push(
          or(ilike(adminAuditLog.adminEmail, pattern), ilike(adminAuditLog.targetLabel, pattern))!,
        );
      }
      if (f.action) {
        conditions.push(
          f.action.endsWith(".")
            ? like(adminAuditLog.action, `${f.action.replace(/[\\%_]/g, "\\$&")}%`)
            : eq(adminAuditLog.action, f.action),
        );
      }
      if (f.adminId) conditions.push(eq(adminAuditLog.adminId, f.adminId));
      if (f.targetType) conditions.push(eq(adminAuditLog.targetType, f.targetType));
      if (f.targetId) conditions.push(eq(adminAuditLog.targetId, f.targetId));
      if (f.from) conditions.push(gte(adminAuditLog.at, new Date(f.from)));
      if (f.to) conditions.push(lt(adminAuditLog.at, new Date(f.to)));
      const where = conditions.length ? and(...conditions) : undefined;
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(adminAuditLog)
          .where(where)
          .orderBy(desc(adminAuditLog.at), desc(adminAuditLog.id))
          .limit(pageSize)
          .offset(offset),
        db.select({ n: count() }).from(adminAuditLog).where(where),
      ]);
      return {
        items: rows.map((r) => ({ ...r, at: r.at.toISOString() })),
        page,
        pageSize,
        total: total?.n ?? 0,
      };
    },
  );
}
