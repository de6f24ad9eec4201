import { type Database, notifications } from "@honeydue/db";
import { and, count, desc, eq, inArray, isNull, lt, or, type SQL } from "drizzle-orm";
import Type from "typebox";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { invalidField, notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { Cursor, decodeCursor, encodeCursor, Limit, Nullable, Uuid } from "../http/schemas.ts";
import { findNotification, Notification, toNotification } from "./presenter.ts";

const NotificationPage = Type.Object({
  items: Type.Array(Notification),
  nextCursor: Nullable(Type.String()),
  unreadCount: Type.Integer({ minimum: 0 }),
});

// One object rather than a union: the API strips unknown properties, which would empty union branches.
const ReadBody = Type.Object(
  {
    ids: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 500 })),
    all: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false, description: "Either `ids` or `all: true`" },
);

const isCursor = (v: unknown): v is [string, string] =>
  Array.isArray(v) &&
  v.length === 2 &&
  typeof v[0] === "string" &&
  typeof v[1] === "string" &&
  !Number.isNaN(Date.parse(v[0]));

async function unreadCount(db: Database, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** The in-app notification feed, newest first, with the unread count. */
export function registerNotificationRoutes(app: App, deps: { db: Database; auth: AuthGuard }) {
  app.get(
    "/v1/notifications",
    {
      onRequest: deps.auth.required,
      schema: {
        tags: ["notifications"],
        summary: "My notifications, newest first, with the unread count",
        ...bearer,
        querystring: Type.Object({
          limit: Limit,
          cursor: Type.Optional(Cursor),
          unread: Type.Optional(Type.Boolean({ description: "Only unread ones" })),
        }),
        response: { 200: NotificationPage, ...problems(400, 401) },
      },
    },
    async (request) => {
      const { userId } = principal(request);
      const { limit, cursor, unread } = request.query;
      const after = decodeCursor(cursor, isCursor);
      if (cursor !== undefined && !after) throw invalidField("query.cursor", "is not a cursor of this list");
      const where: SQL[] = [eq(notifications.userId, userId)];
      if (unread) where.push(isNull(notifications.readAt));
      if (after) {
        const at = new Date(after[0]);
        where.push(
          or(
            lt(notifications.createdAt, at),
            and(eq(notifications.createdAt, at), lt(notifications.id, after[1])),
          )!,
        );
      }
      const rows = await deps.db
        .select()
        .from(notifications)
        .where(and(...where))
        .orderBy(desc(notifications.createdAt), desc(notifications.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toNotification),
        nextCursor:
          rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
        unreadCount: await unreadCount(deps.db, userId),
      };
    },
  );

  app.get(
    "/v1/notifications/:notificationId",
    {
      onRequest: deps.auth.required,
      schema: {
        tags: ["notifications"],
        summary: "One of my notifications",
        ...bearer,
        params: Type.Object({ notificationId: Uuid }),
        response: { 200: Notification, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const found = await findNotification(deps.db, request.params.notificationId, principal(request).userId);
      if (!found) throw notFound("Notification");
      return found;
    },
  );

  app.post(
    "/v1/notifications/read",
    {
      onRequest: deps.auth.required,
      schema: {
        tags: ["notifications"],
        summary: "Mark notifications read: some by id, or all",
        ...bearer,
        body: ReadBody,
        response: {
          200: Type.Object({
            updated: Type.Integer({ minimum: 0 }),
            unreadCount: Type.Integer({ minimum: 0 }),
          }),
          ...problems(400, 401),
        },
      },
    },
    async (request) => {
      const { userId } = principal(request);
      const body = request.body;
      const where = [eq(notifications.userId, userId), isNull(notifications.readAt)];
      if ((body.ids === undefined) === (body.all === undefined))
        throw invalidField("body", "give either ids or all: true");
      if (body.ids) where.push(inArray(notifications.id, body.ids));
      const updated = await deps.db
        .update(notifications)
        .set({ readAt: new Date() })
        .where(and(...where))
        .returning({ id: notifications.id });
      return { updated: updated.length, unreadCount: await unreadCount(deps.db, userId) };
    },
  );
}
