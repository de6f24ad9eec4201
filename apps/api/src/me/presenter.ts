import { type Queryable, type sessions, users } from "@honeydue/db";
import { eq } from "drizzle-orm";

/**
 * The presenters of the signed-in user: the profile (`toUser`, schema `User`) and a session (`toSession`),
 * used by the me and account routes, the export, the sync feed and the admin views.
 */

type UserRow = typeof users.$inferSelect;

/** The JSON shape of the signed-in user (schema `User`). */
export function toUser(row: UserRow) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    emailVerified: row.emailVerifiedAt !== null,
    timezone: row.timezone,
    locale: row.locale,
    dueSoonDays: row.dueSoonDays,
    notifications: {
      digestEnabled: row.digestEnabled,
      digestHour: row.digestHour,
      pushEnabled: row.pushEnabled,
    },
    avatarFileId: row.avatarFileId,
    createdAt: row.createdAt.toISOString(),
  };
}

/** One user's profile by id, or undefined. */
export async function findUser(db: Queryable, userId: string) {
  const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return row ? toUser(row) : undefined;
}

type SessionRow = typeof sessions.$inferSelect;

/** One signed-in device (schema `Session`); `current` marks the caller's own session. */
export function toSession(row: SessionRow, currentSessionId?: string) {
  return {
    id: row.id,
    deviceName: row.deviceName,
    userAgent: row.userAgent,
    ip: row.ip,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    current: row.id === currentSessionId,
  };
}
