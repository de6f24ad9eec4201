import { sessions, users } from "@honeydue/db";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { AccountContext } from "../accounts/actions.ts";
import { checkLocale, checkName, checkTimezone } from "../accounts/users.ts";
import type { Principal } from "../http/auth.ts";
import { notFound, unauthorized } from "../http/problem.ts";
import { toSession, toUser } from "./presenter.ts";

export async function getMe(ctx: Pick<AccountContext, "db">, caller: Principal) {
  const [row] = await ctx.db.select().from(users).where(eq(users.id, caller.userId)).limit(1);
  if (!row) throw unauthorized();
  return toUser(row);
}

export async function updateMe(
  ctx: Pick<AccountContext, "db">,
  caller: Principal,
  input: {
    name?: string;
    timezone?: string;
    locale?: string;
    dueSoonDays?: number;
    notifications?: { digestEnabled?: boolean; digestHour?: number; pushEnabled?: boolean };
  },
) {
  const changes: Partial<typeof users.$inferInsert> = {};
  if (input.name !== undefined) changes.name = checkName(input.name, "body.name");
  if (input.timezone !== undefined) changes.timezone = checkTimezone(input.timezone, "body.timezone");
  if (input.locale !== undefined) changes.locale = checkLocale(input.locale, "body.locale");
  if (input.dueSoonDays !== undefined) changes.dueSoonDays = input.dueSoonDays;
  const n = input.notifications;
  if (n?.digestEnabled !== undefined) changes.digestEnabled = n.digestEnabled;
  if (n?.digestHour !== undefined) changes.digestHour = n.digestHour;
  if (n?.pushEnabled !== undefined) changes.pushEnabled = n.pushEnabled;
  if (Object.keys(changes).length === 0) return getMe(ctx, caller);
  const [row] = await ctx.db
    .update(users)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(users.id, caller.userId))
    .returning();
  if (!row) throw unauthorized();
  return toUser(row);
}

/** The user's live sessions (signed-in devices), most recently used first. */
export async function listSessions(ctx: Pick<AccountContext, "db">, caller: Principal) {
  const rows = await ctx.db
    .select()
    .from(sessions)
    .where(
      and(eq(sessions.userId, caller.userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())),
    )
    .orderBy(desc(sessions.lastUsedAt), desc(sessions.createdAt));
  return {
    items: rows.map((s) => toSession(s, caller.sessionId)),
  };
}

/** Signs out one of the user's devices. Someone else's or an already ended session is a 404. */
export async function revokeSession(ctx: Pick<AccountContext, "db">, caller: Principal, sessionId: string) {
  const revoked = await ctx.db
    .update(sessions)
    .set({ revokedAt: new Date(), revokedReason: "revoked_by_user" })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, caller.userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  if (revoked.length === 0) throw notFound("Session");
}
