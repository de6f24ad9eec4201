import { createHash, randomBytes } from "node:crypto";
import { calendarFeeds, type Database, memberships, meters, residences, tasks, users } from "@honeydue/db";
import { describeProjection, type UsageProjection } from "@honeydue/domain";
import { and, asc, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import ical from "ical-generator";
import Type from "typebox";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { NoContent, Nullable } from "../http/schemas.ts";

export interface CalendarRouteDeps {
  db: Database;
  auth: AuthGuard;
  publicApiUrl: string;
}

/** At most this many events in a feed: calendar apps poll it, it must stay small. */
export const MAX_FEED_EVENTS = 2000;

const hashToken = (token: string) => createHash("sha256").update(token).digest();
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

const FeedUrl = Type.Object({
  url: Type.String({ description: "Private iCalendar URL: anyone with it can read my due tasks" }),
});

/** The task's notes, and for a usage task the basis of its projected date ("150 hours to go at ..."). */
function eventDescription(t: {
  notes: string | null;
  usageProjection: unknown;
  meterName: string | null;
  meterUnit: string | null;
}): string | undefined {
  const projection = t.usageProjection as UsageProjection | null;
  const basis =
    projection && t.meterName && t.meterUnit
      ? `${t.meterName}: ${describeProjection(projection, t.meterUnit)}`
      : null;
  return [t.notes, basis].filter(Boolean).join("\n\n") || undefined;
}

const FeedStatus = Type.Object({
  active: Type.Boolean({ description: "Whether a calendar feed URL of mine works now" }),
  createdAt: Nullable(
    Type.String({
      format: "date-time",
      description:
        "When the working URL was made (null when none works). The URL itself cannot be shown again: only its hash is kept",
    }),
  ),
});

export function registerCalendarRoutes(app: App, deps: CalendarRouteDeps) {
  const { db, auth } = deps;

  app.post(
    "/v1/me/calendar-feed",
    {
      onRequest: auth.required,
      schema: {
        tags: ["calendar"],
        summary: "A new private calendar feed URL of my due tasks; any previous URL stops working",
        ...bearer,
        response: { 201: FeedUrl, ...problems(401) },
      },
    },
    async (request, reply) => {
      const who = principal(request);
      // 32 random bytes; only the SHA-256 is stored, so the URL cannot be recovered from the database.
      const token = randomBytes(32).toString("base64url");
      await db.transaction(async (tx) => {
        await tx
          .update(calendarFeeds)
          .set({ revokedAt: new Date() })
          .where(and(eq(calendarFeeds.userId, who.userId), isNull(calendarFeeds.revokedAt)));
        await tx.insert(calendarFeeds).values({ userId: who.userId, tokenHash: hashToken(token) });
      });
      return reply.status(201).send({ url: `${deps.publicApiUrl}/v1/calendar/${token}.ics` });
    },
  );

  app.get(
    "/v1/me/calendar-feed",
    {
      onRequest: auth.required,
      schema: {
        tags: ["calendar"],
        summary: "Whether my private calendar feed URL is on, and since when",
        ...bearer,
        response: { 200: FeedStatus, ...problems(401) },
      },
    },
    async (request) => {
      const [feed] = await db
        .select({ createdAt: calendarFeeds.createdAt })
        .from(calendarFeeds)
        .where(and(eq(calendarFeeds.userId, principal(request).userId), isNull(calendarFeeds.revokedAt)))
        .orderBy(desc(calendarFeeds.createdAt))
        .limit(1);
      return { active: feed !== undefined, createdAt: feed ? feed.createdAt.toISOString() : null };
    },
  );

  app.delete(
    "/v1/me/calendar-feed",
    {
      onRequest: auth.required,
      schema: {
        tags: ["calendar"],
        summary: "Revoke my calendar feed URL",
        ...bearer,
        response: { 204: NoContent, ...problems(401) },
      },
    },
    async (request, reply) => {
      const who = principal(request);
      await db
        .update(calendarFeeds)
        .set({ revokedAt: new Date() })
        .where(and(eq(calendarFeeds.userId, who.userId), isNull(calendarFeeds.revokedAt)));
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/v1/calendar/:token.ics",
    {
      schema: {
        tags: ["calendar"],
        summary: "The iCalendar feed (public; the secret token is the credential)",
        description:
          "Every open task with a due date across the feed owner's residences, as all-day events. The UID is " +
          "stable per task occurrence (`<taskId>-<dueOn>@honeydue`). A revoked or unknown token answers 404.",
        params: Type.Object({ token: Type.String({ maxLength: 100 }) }),
        response: {
          200: {
            description: "An iCalendar (RFC 5545) document",
            content: { "text/calendar": { schema: Type.String() } },
          },
          ...problems(404),
        },
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      if (!TOKEN_RE.test(token)) throw notFound("Calendar feed");
      const [feed] = await db
        .select({ userId: calendarFeeds.userId })
        .from(calendarFeeds)
        .innerJoin(users, eq(users.id, calendarFeeds.userId))
        .where(
          and(
            eq(calendarFeeds.tokenHash, hashToken(token)),
            isNull(calendarFeeds.revokedAt),
            isNull(users.disabledAt),
          ),
        )
        .limit(1);
      if (!feed) throw notFound("Calendar feed");
      const rows = await db
        .select({
          id: tasks.id,
          title: tasks.title,
          notes: tasks.notes,
          dueOn: tasks.dueOn,
          residenceName: residences.name,
          usageProjection: tasks.usageProjection,
          meterName: meters.name,
          meterUnit: meters.unit,
        })
        .from(tasks)
        .innerJoin(
          memberships,
          and(eq(memberships.residenceId, tasks.residenceId), eq(memberships.userId, feed.userId)),
        )
        .innerJoin(residences, eq(residences.id, tasks.residenceId))
        .leftJoin(
          meters,
          sql`${tasks.recurrence} ->> 'kind' = 'usage' AND ${meters.id} = (${tasks.recurrence} ->> 'meterId')::uuid`,
        )
        .where(and(isNull(tasks.archivedAt), isNull(tasks.completedAt), isNotNull(tasks.dueOn)))
        .orderBy(asc(tasks.dueOn), asc(tasks.id))
        .limit(MAX_FEED_EVENTS);
      const calendar = ical({
        name: "honeyDue",
        prodId: { company: "honeyDue", product: "tasks", language: "EN" },
        ttl: 3600,
      });
      for (const t of rows) {
        const start = new Date(`${t.dueOn}T00:00:00Z`);
        calendar.createEvent({
          id: `${t.id}-${t.dueOn}@honeydue`,
          start,
          end: new Date(start.getTime() + 86_400_000),
          allDay: true,
          summary: t.title,
          location: t.residenceName,
          description: eventDescription(t),
        });
      }
      return reply
        .header("cache-control", "private, max-age=300")
        .type("text/calendar; charset=utf-8")
        .send(calendar.toString());
    },
  );
}
