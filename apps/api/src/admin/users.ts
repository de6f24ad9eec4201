import type { KeyRing } from "@honeydue/config";
import {
  type Database,
  devices,
  emailMessages,
  memberships,
  residences,
  sessions,
  users,
  userTokens,
} from "@honeydue/db";
import { enqueueJob } from "@honeydue/jobs";
import { and, count, desc, eq, gt, ilike, isNotNull, isNull, or, type SQL, sql } from "drizzle-orm";
import Type from "typebox";
import { issueVerification, RESET_TOKEN_TTL_MS, retirePendingTokens } from "../accounts/actions.ts";
import { hashToken, randomToken } from "../accounts/tokens.ts";
import { toDevice } from "../devices/presenter.ts";
import { Device } from "../devices/routes.ts";
import type { App } from "../http/app-type.ts";
import { conflict, HttpProblem, notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { Email, NoContent, Nullable, Timestamp, Uuid } from "../http/schemas.ts";
import { deleteAccount } from "../me/delete.ts";
import { toSession } from "../me/presenter.ts";
import { Session } from "../me/schemas.ts";
import { containsPattern } from "../search/text.ts";
import { audit } from "./audit.ts";
import { AdminPage, PageQuery, pageOf, SearchText } from "./paging.ts";
import { type AdminGuard, adminCaller, adminCookie } from "./session.ts";

export interface AdminUserRouteDeps {
  db: Database;
  guard: AdminGuard;
  /** The verification-code key, for the verification emails admins resend. */
  keys: Pick<KeyRing, "verification-code">;
  notifyOutbox: () => void;
}

const tags = ["admin: users"];
const UserParams = Type.Object({ userId: Uuid });

const UserSummary = Type.Object({
  id: Uuid,
  email: Email,
  name: Type.String(),
  emailVerified: Type.Boolean(),
  disabledAt: Nullable(Timestamp),
  createdAt: Timestamp,
  residenceCount: Type.Integer(),
  lastActiveAt: Nullable(Timestamp),
});

const UserDetail = Type.Object({
  user: Type.Object({
    ...UserSummary.properties,
    timezone: Type.String(),
    locale: Type.String(),
    updatedAt: Timestamp,
  }),
  residences: Type.Array(
    Type.Object({ id: Uuid, name: Type.String(), role: Type.String(), joinedAt: Timestamp }),
  ),
  devices: Type.Array(Device),
  sessions: Type.Array(Session, { description: "Live sessions; `current` is always false here" }),
  emails: Type.Array(
    Type.Object({ id: Uuid, template: Type.String(), status: Type.String(), createdAt: Timestamp }),
  ),
});

const STATUSES = ["active", "disabled", "unverified"] as const;

const residenceCount = sql<number>`(SELECT count(*)::int FROM memberships m WHERE m.user_id = ${users.id})`;
const lastActiveAt = sql<Date | null>`(SELECT max(s.last_used_at) FROM sessions s WHERE s.user_id = ${users.id})`;

function toSummary(
  row: typeof users.$inferSelect & { residenceCount: number; lastActiveAt: Date | string | null },
) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    emailVerified: row.emailVerifiedAt !== null,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    residenceCount: row.residenceCount,
    lastActiveAt: row.lastActiveAt ? new Date(row.lastActiveAt).toISOString() : null,
  };
}

async function loadUser(db: Database, userId: string) {
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw notFound("User");
  return user;
}

export function registerAdminUserRoutes(app: App, deps: AdminUserRouteDeps) {
  const { db, guard } = deps;
  const label = (u: { email: string }) => u.email;

  app.get(
    "/v1/admin/users",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "Find users by email or name (newest first), paged",
        ...adminCookie,
        querystring: Type.Object(
          { q: SearchText, status: Type.Optional(Type.Enum([...STATUSES])), ...PageQuery },
          { additionalProperties: false },
        ),
        response: { 200: AdminPage(UserSummary), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const { q, status } = request.query;
      const { page, pageSize, offset } = pageOf(request.query);
      const conditions: SQL[] = [];
      const text = q?.trim();
      if (text) {
        const pattern = containsPattern(text);
        conditions.push(or(ilike(users.email, pattern), ilike(users.name, pattern))!);
      }
      if (status === "disabled") conditions.push(isNotNull(users.disabledAt));
      if (status === "active") conditions.push(isNull(users.disabledAt));
      if (status === "unverified") conditions.push(isNull(users.emailVerifiedAt));
      const where = conditions.length ? and(...conditions) : undefined;
      const [rows, [total]] = await Promise.all([
        db
          .select({ user: users, residenceCount, lastActiveAt })
          .from(users)
          .where(where)
          .orderBy(desc(users.createdAt), desc(users.id))
          .limit(pageSize)
          .offset(offset),
        db.select({ n: count() }).from(users).where(where),
      ]);
      return {
        items: rows.map((r) =>
          toSummary({ ...r.user, residenceCount: r.residenceCount, lastActiveAt: r.lastActiveAt }),
        ),
        page,
        pageSize,
        total: total?.n ?? 0,
      };
    },
  );

  app.get(
    "/v1/admin/users/:userId",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "One user with their residences, push devices, live sessions and latest emails",
        ...adminCookie,
        params: UserParams,
        response: { 200: UserDetail, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { userId } = request.params;
      const [row] = await db
        .select({ user: users, residenceCount, lastActiveAt })
        .from(users)
        .where(eq(users.id, userId))
        .limit(1);
      if (!row) throw notFound("User");
      const [homes, pushDevices, live, mails] = await Promise.all([
        db
          .select({
            id: residences.id,
            name: residences.name,
            role: memberships.role,
            joinedAt: memberships.createdAt,
          })
          .from(memberships)
          .innerJoin(residences, eq(residences.id, memberships.residenceId))
          .where(eq(memberships.userId, userId))
          .orderBy(residences.name),
        db.select().from(devices).where(eq(devices.userId, userId)).orderBy(desc(devices.createdAt)),
        db
          .select()
          .from(sessions)
          .where(
            and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())),
          )
          .orderBy(desc(sessions.lastUsedAt)),
        db
          .select()
          .from(emailMessages)
          .where(eq(emailMessages.userId, userId))
          .orderBy(desc(emailMessages.createdAt))
          .limit(20),
      ]);
      const u = row.user;
      return {
        user: {
          ...toSummary({ ...u, residenceCount: row.residenceCount, lastActiveAt: row.lastActiveAt }),
          timezone: u.timezone,
          locale: u.locale,
          updatedAt: u.updatedAt.toISOString(),
        },
        residences: homes.map((h) => ({ ...h, joinedAt: h.joinedAt.toISOString() })),
        devices: pushDevices.map(toDevice),
        sessions: live.map((row) => toSession(row)),
        emails: mails.map((m) => ({
          id: m.id,
          template: m.template,
          status: m.status,
          createdAt: m.createdAt.toISOString(),
        })),
      };
    },
  );

  app.post(
    "/v1/admin/users/:userId/disable",
    {
      onRequest: guard.superadmin,
      schema: {
        tags,
        summary: "Disable a user: every session ends at once and sign-in is refused (superadmin)",
        ...adminCookie,
        params: UserParams,
        body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) })),
        response: { 204: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const me = adminCaller(request);
      const user = await loadUser(db, request.params.userId);
      await db.transaction(async (tx) => {
        const now = new Date();
        await tx
          .update(users)
          .set({ disabledAt: user.disabledAt ?? now, updatedAt: now })
          .where(eq(users.id, user.id));
        const revoked = await tx
          .update(sessions)
          .set({ revokedAt: now, revokedReason: "disabled_by_admin" })
          .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt)))
          .returning({ id: sessions.id });
        await audit(
          tx,
          request,
          { adminId: me.adminId, email: me.email },
          {
            action: "user.disable",
            target: { type: "user", id: user.id, label: label(user) },
            detail: {
              sessionsRevoked: revoked.length,
              ...(request.body?.reason ? { reason: request.body.reason } : {}),
            },
          },
        );
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/v1/admin/users/:userId/enable",
    {
      onRequest: guard.superadmin,
      schema: {
        tags,
        summary: "Enable a disabled user again (superadmin)",
        ...adminCookie,
        params: UserParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const me = adminCaller(request);
      const user = await loadUser(db, request.params.userId);
      await db.transaction(async (tx) => {
        await tx.update(users).set({ disabledAt: null, updatedAt: new Date() }).where(eq(users.id, user.id));
        await audit(
          tx,
          request,
          { adminId: me.adminId, email: me.email },
          {
            action: "user.enable",
            target: { type: "user", id: user.id, label: label(user) },
          },
        );
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/v1/admin/users/:userId/resend-verification",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "Send the user a new verification email (older links and codes stop working)",
        ...adminCookie,
        params: UserParams,
        response: { 202: NoContent, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const me = adminCaller(request);
      const user = await loadUser(db, request.params.userId);
      if (user.emailVerifiedAt) throw conflict("This user's email address is already verified");
      if (user.disabledAt) throw conflict("This user is disabled; enable them first");
      await db.transaction(async (tx) => {
        await retirePendingTokens(tx, user.id, "verify_email");
        await issueVerification(tx, user);
        await audit(
          tx,
          request,
          { adminId: me.adminId, email: me.email },
          {
            action: "user.resend-verification",
            target: { type: "user", id: user.id, label: label(user) },
          },
        );
      });
      deps.notifyOutbox();
      return reply.status(202).send(null);
    },
  );

  app.post(
    "/v1/admin/users/:userId/password-reset",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "Email the user a password reset link (valid one hour, single use)",
        ...adminCookie,
        params: UserParams,
        response: { 202: NoContent, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const me = adminCaller(request);
      const user = await loadUser(db, request.params.userId);
      if (user.disabledAt) throw conflict("This user is disabled; enable them first");
      await db.transaction(async (tx) => {
        await retirePendingTokens(tx, user.id, "reset_password");
        // The link is minted when the email is sent; until then the row holds a secret nobody has.
        const [row] = await tx
          .insert(userTokens)
          .values({
            userId: user.id,
            purpose: "reset_password",
            tokenHash: hashToken(randomToken()),
            expiresAt: new Date(Date.now() + RESET_TOKEN_TTL_MS),
          })
          .returning({ id: userTokens.id });
        await enqueueJob(tx, "email.send", { template: "reset-password", userId: user.id, tokenId: row!.id });
        await audit(
          tx,
          request,
          { adminId: me.adminId, email: me.email },
          {
            action: "user.password-reset",
            target: { type: "user", id: user.id, label: label(user) },
          },
        );
      });
      deps.notifyOutbox();
      return reply.status(202).send(null);
    },
  );

  app.delete(
    "/v1/admin/users/:userId",
    {
      onRequest: guard.superadmin,
      schema: {
        tags,
        summary:
          "Delete a user as they would delete their own account; confirm by typing their email (superadmin)",
        ...adminCookie,
        params: UserParams,
        body: Type.Object({ confirmEmail: Type.String({ maxLength: 254 }) }, { additionalProperties: false }),
        response: { 204: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const me = adminCaller(request);
      const user = await loadUser(db, request.params.userId);
      if (request.body.confirmEmail.trim().toLowerCase() !== user.email.toLowerCase()) {
        throw new HttpProblem({
          status: 400,
          type: "confirmation-mismatch",
          title: "Confirmation does not match",
          detail: "Type the user's email address exactly to confirm the deletion",
        });
      }
      await db.transaction(async (tx) => {
        const summary = await deleteAccount(tx, user.id);
        await audit(
          tx,
          request,
          { adminId: me.adminId, email: me.email },
          {
            action: "user.delete",
            target: { type: "user", id: user.id, label: label(user) },
            detail: {
              residencesDeleted: summary.deletedResidenceIds.length,
              residencesLeft: summary.leftResidenceIds.length,
              ownersPromoted: summary.promoted.length,
            },
          },
        );
      });
      deps.notifyOutbox();
      return reply.status(204).send(null);
    },
  );
}
