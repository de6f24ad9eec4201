import { adminRecoveryCodes, adminUsers, type Database, type Queryable } from "@honeydue/db";
import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import Type from "typebox";
import { hashPassword } from "../accounts/passwords.ts";
import type { App } from "../http/app-type.ts";
import { conflict, notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { Email, NoContent, Uuid } from "../http/schemas.ts";
import { Admin, AdminRoleSchema, createAdminAccount, oneTimePassword, toAdmin } from "./accounts.ts";
import { audit } from "./audit.ts";
import { type AdminGuard, adminCaller, adminCookie, revokeAdminSessions } from "./session.ts";

const tags = ["admin: admins"];
const AdminParams = Type.Object({ adminId: Uuid });
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: "^[^\\u0000]*$" });
const WithPassword = Type.Object({
  admin: Admin,
  oneTimePassword: Type.String({ description: "Shown once: the admin signs in with it and must change it" }),
});

/** Whether any other enabled superadmin would remain (the panel never loses its last one). */
async function anotherSuperadmin(db: Queryable, adminId: string): Promise<boolean> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(adminUsers)
    .where(and(eq(adminUsers.role, "superadmin"), isNull(adminUsers.disabledAt), ne(adminUsers.id, adminId)));
  return (row?.n ?? 0) > 0;
}

/** Admin accounts: superadmins only. */
export function registerAdminAccountRoutes(app: App, deps: { db: Database; guard: AdminGuard }) {
  const { db, guard } = deps;
  const load = async (id: string) => {
    const [row] = await db.select().from(adminUsers).where(eq(adminUsers.id, id)).limit(1);
    if (!row) throw notFound("Admin");
    return row;
  };

  app.get(
    "/v1/admin/admins",
    {
      onRequest: guard.superadmin,
      schema: {
        tags,
        summary: "Every admin account (superadmin)",
        ...adminCookie,
        response: { 200: Type.Object({ items: Type.Array(Admin) }), ...problems(401, 403) },
      },
    },
    async () => {
      const rows = await db.select().from(adminUsers).orderBy(asc(adminUsers.email));
      return { items: rows.map(toAdmin) };
    },
  );

  app.post(
    "/v1/admin/admins",
    {
      onRequest: guard.superadmin,
      schema: {
        tags,
        summary: "Create an admin account with a one-time password (superadmin)",
        ...adminCookie,
        body: Type.Object(
          { email: Email, name: Name, role: AdminRoleSchema },
          { additionalProperties: false },
        ),
        response: { 201: WithPassword, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const me = adminCaller(request);
      const [clash] = await db
        .select({ id: adminUsers.id })
        .from(adminUsers)
        .where(sql`lower(${adminUsers.email}) = lower(${request.body.email})`);
      if (clash) throw conflict("An admin with this email address exists already");
      const created = await db.transaction(async (tx) => {
        const result = await createAdminAccount(tx, request.body);
        await audit(
          tx,
          request,
          { adminId: me.adminId, email: me.email },
          {
            action: "admin.create",
            target: { type: "admin", id: result.admin.id, label: result.admin.email },
            detail: { role: result.admin.role },
          },
        );
        return result;
      });
      return reply
        .status(201)
        .send({ admin: toAdmin(created.admin), oneTimePassword: created.oneTimePassword! });
    },
  );

  app.patch(
    "/v1/admin/admins/:adminId",
    {
      onRequest: guard.superadmin,
      schema: {
        tags,
        summary:
          "Change an admin's name or role, or disable/enable them (superadmin; never the last superadmin)",
        ...adminCookie,
        params: AdminParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            role: Type.Optional(AdminRoleSchema),
            disabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Admin, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const me = adminCaller(request);
      const before = await load(request.params.adminId);
      const { name, role, disabled } = request.body;
      const demoted = role !== undefined && role !== "superadmin" && before.role === "superadmin";
      if (
        (demoted || disabled === true) &&
        before.role === "superadmin" &&
        !(await anotherSuperadmin(db, before.id))
      )
        throw conflict("This is the last enabled superadmin; make another superadmin first");
      const row = await db.transaction(async (tx) => {
        const [updated] = await tx
          .update(adminUsers)
          .set({
            ...(name !== undefined ? { name } : {}),
            ...(role !== undefined ? { role } : {}),
            ...(disabled !== undefined
              ? { disabledAt: disabled ? (before.disabledAt ?? new Date()) : null }
              : {}),
            updatedAt: new Date(),
          })
          .where(eq(adminUsers.id, before.id))
          .returning();
        await audit(
          tx,
          request,
          { adminId: me.adminId, email: me.email },
          {
            action: "admin.update",
            target: { type: "admin", id: before.id, label: before.email },
            detail: {
              ...(role !== undefined && role !== before.role
                ? { role: { from: before.role, to: role } }
                : {}),
              ...(disabled !== undefined ? { disabled } : {}),
              ...(name !== undefined ? { name } : {}),
            },
          },
        );
        return updated!;
      });
      if (disabled) await revokeAdminSessions(db, before.id);
      return toAdmin(row);
    },
  );

  app.post(
    "/v1/admin/admins/:adminId/reset",
    {
      onRequest: guard.superadmin,
      schema: {
        tags,
        summary:
          "Reset an admin's sign-in: a new one-time password, authenticator and recovery codes removed, sessions ended",
        ...adminCookie,
        params: AdminParams,
        response: { 200: WithPassword, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const me = adminCaller(request);
      const before = await load(request.params.adminId);
      if (before.id === me.adminId) throw conflict("Reset another admin's sign-in, not your own");
      const password = oneTimePassword();
      const passwordHash = await hashPassword(password);
      const row = await db.transaction(async (tx) => {
        const [updated] = await tx
          .update(adminUsers)
          .set({
            passwordHash,
            mustChangePassword: true,
            totpSecret: null,
            totpEnabledAt: null,
            totpLastStep: null,
            updatedAt: new Date(),
          })
          .where(eq(adminUsers.id, before.id))
          .returning();
        await tx.delete(adminRecoveryCodes).where(eq(adminRecoveryCodes.adminId, before.id));
        await audit(
          tx,
          request,
          { adminId: me.adminId, email: me.email },
          {
            action: "admin.reset",
            target: { type: "admin", id: before.id, label: before.email },
          },
        );
        return updated!;
      });
      await revokeAdminSessions(db, before.id);
      return { admin: toAdmin(row), oneTimePassword: password };
    },
  );

  app.delete(
    "/v1/admin/admins/:adminId",
    {
      onRequest: guard.superadmin,
      schema: {
        tags,
        summary:
          "Delete an admin account (superadmin; not yourself, never the last superadmin); its audit entries stay",
        ...adminCookie,
        params: AdminParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const me = adminCaller(request);
      const before = await load(request.params.adminId);
      if (before.id === me.adminId) throw conflict("You cannot delete your own admin account");
      if (before.role === "superadmin" && !(await anotherSuperadmin(db, before.id)))
        throw conflict("This is the last enabled superadmin");
      await db.transaction(async (tx) => {
        await audit(
          tx,
          request,
          { adminId: me.adminId, email: me.email },
          {
            action: "admin.delete",
            target: { type: "admin", id: before.id, label: before.email },
          },
        );
        await tx.delete(adminUsers).where(eq(adminUsers.id, before.id));
      });
      return reply.status(204).send(null);
    },
  );
}
