import { type Database, queryRows } from "@honeydue/db";
import { isJobName, QUEUE_NAMES, queueOf } from "@honeydue/jobs";
import { sql } from "drizzle-orm";
import Type from "typebox";
import type { App } from "../http/app-type.ts";
import { problems } from "../http/responses.ts";
import { type AdminGuard, adminCookie } from "./session.ts";

const DAYS = 30;

export const QueueHealth = Type.Object({
  queue: Type.String(),
  waiting: Type.Integer({ description: "Due and not yet picked up" }),
  delayed: Type.Integer({ description: "Waiting for a retry or a later time" }),
  active: Type.Integer({ description: "Being run (or handed to the worker's queue and not finished)" }),
  failed: Type.Integer({ description: "Failed for good: kept for inspection, retry or discard" }),
});

const Series = Type.Array(Type.Object({ day: Type.String({ format: "date" }), value: Type.Integer() }));

const Dashboard = Type.Object({
  totals: Type.Object({
    users: Type.Integer(),
    disabledUsers: Type.Integer(),
    residences: Type.Integer(),
    tasks: Type.Integer(),
    completions: Type.Integer(),
    emailsSent: Type.Integer({ description: "In the last 30 days" }),
    emailsFailed: Type.Integer({ description: "In the last 30 days" }),
  }),
  series: Type.Object({
    signUps: Series,
    activeUsers: Series,
    tasksCreated: Series,
    tasksCompleted: Series,
    emailsSent: Series,
    emailsFailed: Series,
  }),
  queues: Type.Array(QueueHealth),
});

/**
 * Queue health read from the outbox, which holds every job until its effect is done (embedded mode and
 * with the worker alike), so it needs no Redis and shows the same numbers in both modes.
 */
export async function queueHealth(db: Database) {
  const rows = await queryRows<{
    job: string;
    waiting: number;
    delayed: number;
    active: number;
    failed: number;
  }>(
    db,
    sql`
    SELECT job,
      count(*) FILTER (WHERE failed_at IS NULL AND processed_at IS NULL AND published_at IS NULL
        AND available_at <= now() AND (locked_until IS NULL OR locked_until < now()))::int AS waiting,
      count(*) FILTER (WHERE failed_at IS NULL AND processed_at IS NULL AND published_at IS NULL
        AND available_at > now())::int AS delayed,
      count(*) FILTER (WHERE failed_at IS NULL AND processed_at IS NULL
        AND (published_at IS NOT NULL OR locked_until >= now()))::int AS active,
      count(*) FILTER (WHERE failed_at IS NOT NULL)::int AS failed
    FROM outbox WHERE processed_at IS NULL GROUP BY job`,
  );
  const byQueue = new Map<
    string,
    { queue: string; waiting: number; delayed: number; active: number; failed: number }
  >(QUEUE_NAMES.map((queue) => [queue, { queue, waiting: 0, delayed: 0, active: 0, failed: 0 }]));
  for (const row of rows) {
    const queue = isJobName(row.job) ? queueOf(row.job) : "unknown";
    const q = byQueue.get(queue) ?? { queue, waiting: 0, delayed: 0, active: 0, failed: 0 };
    q.waiting += row.waiting;
    q.delayed += row.delayed;
    q.active += row.active;
    q.failed += row.failed;
    byQueue.set(queue, q);
  }
  return [...byQueue.values()];
}

/** One value per day of the last 30 (UTC), zeros included, from a query of (day, n) rows. */
async function daily(db: Database, query: ReturnType<typeof sql>) {
  return queryRows<{ day: string; value: number }>(
    db,
    sql`
    WITH days AS (
      SELECT generate_series((now() AT TIME ZONE 'UTC')::date - ${DAYS - 1}::int, (now() AT TIME ZONE 'UTC')::date, interval '1 day')::date AS day
    ), counts AS (${query})
    SELECT to_char(days.day, 'YYYY-MM-DD') AS day, coalesce(counts.n, 0)::int AS value
    FROM days LEFT JOIN counts ON counts.day = days.day ORDER BY days.day`,
  );
}

const since = sql`(now() AT TIME ZONE 'UTC')::date - ${DAYS - 1}::int`;
const dayOf = (column: string) => sql.raw(`(${column} AT TIME ZONE 'UTC')::date`);

export function registerAdminDashboardRoutes(app: App, deps: { db: Database; guard: AdminGuard }) {
  const { db, guard } = deps;
  app.get(
    "/v1/admin/dashboard",
    {
      onRequest: guard.required,
      schema: {
        tags: ["admin: dashboard"],
        summary: "Totals, 30-day trends (UTC days) and queue health",
        description:
          "Active users of a day: distinct users who used a session (signed in or refreshed) or acted in a " +
          "residence (the activity feed) that day.",
        ...adminCookie,
        response: { 200: Dashboard, ...problems(401, 403) },
      },
    },
    async () => {
      const [totals] = await queryRows<Record<string, number>>(
        db,
        sql`SELECT
          (SELECT count(*)::int FROM users) AS users,
          (SELECT count(*)::int FROM users WHERE disabled_at IS NOT NULL) AS "disabledUsers",
          (SELECT count(*)::int FROM residences) AS residences,
          (SELECT count(*)::int FROM tasks) AS tasks,
          (SELECT count(*)::int FROM completions) AS completions,
          (SELECT count(*)::int FROM email_messages WHERE status = 'sent' AND created_at >= ${since}) AS "emailsSent",
          (SELECT count(*)::int FROM email_messages WHERE status = 'failed' AND created_at >= ${since}) AS "emailsFailed"`,
      );
      const [signUps, activeUsers, tasksCreated, tasksCompleted, emailsSent, emailsFailed, queues] =
        await Promise.all([
          daily(
            db,
            sql`SELECT ${dayOf("created_at")} AS day, count(*) AS n FROM users WHERE created_at >= ${since} GROUP BY 1`,
          ),
          daily(
            db,
            sql`SELECT day, count(DISTINCT user_id) AS n FROM (
                SELECT ${dayOf("last_used_at")} AS day, user_id FROM sessions WHERE last_used_at >= ${since}
                UNION ALL SELECT ${dayOf("created_at")}, user_id FROM sessions WHERE created_at >= ${since}
                UNION ALL SELECT ${dayOf("created_at")}, actor_id FROM activity WHERE created_at >= ${since} AND actor_id IS NOT NULL
              ) a GROUP BY day`,
          ),
          daily(
            db,
            sql`SELECT ${dayOf("created_at")} AS day, count(*) AS n FROM tasks WHERE created_at >= ${since} GROUP BY 1`,
          ),
          daily(
            db,
            sql`SELECT ${dayOf("created_at")} AS day, count(*) AS n FROM completions WHERE created_at >= ${since} GROUP BY 1`,
          ),
          daily(
            db,
            sql`SELECT ${dayOf("created_at")} AS day, count(*) AS n FROM email_messages WHERE status = 'sent' AND created_at >= ${since} GROUP BY 1`,
          ),
          daily(
            db,
            sql`SELECT ${dayOf("created_at")} AS day, count(*) AS n FROM email_messages WHERE status = 'failed' AND created_at >= ${since} GROUP BY 1`,
          ),
          queueHealth(db),
        ]);
      return {
        totals: totals as Record<
          "users" | "disabledUsers" | "residences" | "tasks" | "completions" | "emailsSent" | "emailsFailed",
          number
        >,
        series: { signUps, activeUsers, tasksCreated, tasksCompleted, emailsSent, emailsFailed },
        queues,
      };
    },
  );
}
