import { notifications, type Queryable } from "@honeydue/db";
import { and, eq, inArray } from "drizzle-orm";
import Type from "typebox";
import { Nullable, Timestamp, Uuid } from "../http/schemas.ts";

/** The notification presenter: the one JSON shape of an in-app notification (routes, export, sync). */

export const Notification = Type.Object({
  id: Uuid,
  kind: Type.String({
    description:
      "task.assigned | task.completed | task.due_today | task.escalated | invite.accepted | warranty.expiring | appliance.recalled | handoff.proposed",
  }),
  title: Type.String(),
  body: Type.String(),
  residenceId: Nullable(Uuid),
  subjectType: Nullable(Type.String()),
  subjectId: Nullable(Uuid),
  data: Type.Record(Type.String(), Type.Unknown()),
  readAt: Nullable(Timestamp),
  createdAt: Timestamp,
});

type Row = typeof notifications.$inferSelect;
export const toNotification = (row: Row) => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  body: row.body,
  residenceId: row.residenceId,
  subjectType: row.subjectType,
  subjectId: row.subjectId,
  data: row.data,
  readAt: row.readAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
});

/** Several of one user's notifications by id. */
export async function loadNotifications(db: Queryable, ids: string[], userId: string) {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(notifications)
    .where(and(inArray(notifications.id, ids), eq(notifications.userId, userId)));
  return rows.map(toNotification);
}

/** One of the user's notifications, or undefined (someone else's is undefined too). */
export async function findNotification(db: Queryable, id: string, userId: string) {
  const [row] = await loadNotifications(db, [id], userId);
  return row;
}
