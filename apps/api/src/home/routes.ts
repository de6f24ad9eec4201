import { type Database, prepareRows } from "@honeydue/db";
import { type Param, type Placeholder, sql } from "drizzle-orm";
import Type from "typebox";
import { prepareReplacementPlan } from "../appliances/replacement.ts";
import { CostTotal, ReplacementItem } from "../appliances/schemas.ts";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, prefetchedResidences, principal } from "../http/auth.ts";
import { problems } from "../http/responses.ts";
import { Uuid } from "../http/schemas.ts";
import { boundsFor } from "../tasks/access.ts";
import type { StateBounds } from "../tasks/queries.ts";

export interface HomeRouteDeps {
  db: Database;
  auth: AuthGuard;
  now: () => Date;
}

const Count = Type.Integer({ minimum: 0 });
const Counts = { overdue: Count, dueToday: Count, dueSoon: Count };

const Home = Type.Object({
  ...Counts,
  dueSoonDays: Type.Integer({ description: "My due-soon horizon in days" }),
  residences: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String(),
      timezone: Type.String(),
      today: Type.String({
        pattern: "^\\d{4}-\\d{2}-\\d{2}$",
        format: "date",
        description: "Today in the residence's timezone",
      }),
      ...Counts,
    }),
  ),
  replacement: Type.Object(
    {
      pastEndOfLife: Count,
      nearingEndOfLife: Type.Integer({ minimum: 0, description: "Within two years of their end of life" }),
      totalCostCents: Type.Integer({
        minimum: 0,
        description: "The estimates added up whatever their currency: read `totals` when residences differ",
      }),
      totals: Type.Array(CostTotal, { description: "The estimated cost per currency of my residences" }),
      items: Type.Array(ReplacementItem, { maxItems: 5, description: "The five soonest" }),
    },
    {
      description:
        "The replacement plan across my residences: appliances past or nearing their expected end of life (GET /v1/residences/{id}/replacement-plan for all of one residence)",
    },
  ),
});

/** How many of the soonest replacements the home screen lists. */
const HOME_REPLACEMENTS = 5;

export type ResidenceBounds = { id: string; name: string; timezone: string } & StateBounds;

/**
 * Open tasks due up to each residence's due-soon end, counted per residence in one statement. Every
 * residence brings its own local "today", so one instant can be overdue in Auckland and due today in
 * Los Angeles. The join condition is a range on the partial index tasks_residence_due_idx. The residences
 * come as three parallel arrays, so the SQL text is the same for any number of them and is prepared once.
 */
export function dueCountsQuery(
  db: Database,
  ids: Param | Placeholder,
  todays: Param | Placeholder,
  soonEnds: Param | Placeholder,
) {
  // LATERAL: one range scan of the partial index per residence with that residence's own bounds.
  return db
    .select({
      residenceId: sql<string>`b.residence_id`,
      overdue: sql<number>`c.overdue`,
      dueToday: sql<number>`c.due_today`,
      dueSoon: sql<number>`c.due_soon`,
    })
    .from(sql`unnest(${ids}::uuid[], ${todays}::date[], ${soonEnds}::date[]) AS b (residence_id, today, soon_end)
     CROSS JOIN LATERAL (
       SELECT count(*) FILTER (WHERE t.due_on < b.today)::int AS overdue,
              count(*) FILTER (WHERE t.due_on = b.today)::int AS due_today,
              count(*) FILTER (WHERE t.due_on > b.today)::int AS due_soon
         FROM tasks t
        WHERE t.residence_id = b.residence_id
          AND t.archived_at IS NULL
          AND t.completed_at IS NULL
          AND t.due_on <= b.soon_end
     ) AS c`);
}

/** The counting statement for these residences, as SQL (for EXPLAIN). */
export function countDueSql(db: Database, list: ResidenceBounds[]) {
  const column = (key: "id" | "today" | "soonEnd") => sql.param(list.map((r) => r[key]));
  return dueCountsQuery(db, column("id"), column("today"), column("soonEnd"));
}

/** Counts per residence with the statement prepared once on `db`. */
export function prepareCountDue(db: Database) {
  const query = prepareRows(
    db,
    "home_due_counts",
    dueCountsQuery(db, sql.placeholder("ids"), sql.placeholder("todays"), sql.placeholder("soonEnds")),
  );
  return async (list: ResidenceBounds[]) => {
    if (list.length === 0) return new Map<string, DueCounts>();
    const rows = await query({
      ids: list.map((r) => r.id),
      todays: list.map((r) => r.today),
      soonEnds: list.map((r) => r.soonEnd),
    });
    return new Map(rows.map(({ residenceId, ...counts }) => [residenceId, counts]));
  };
}

export function registerHomeRoutes(app: App, deps: HomeRouteDeps) {
  const { db, auth } = deps;
  // The home screen is the app's first request: its statements are prepared once (reads, outside any
  // write transaction, so on the database itself).
  const countDue = prepareCountDue(db);
  const replacements = prepareReplacementPlan(db);

  app.get(
    "/v1/me/home",
    {
      // The caller's residences come with the session check, in one statement.
      onRequest: auth.requiredWithResidences,
      schema: {
        tags: ["home"],
        summary: "The home screen: overdue, due today and due soon across all my residences",
        ...bearer,
        response: { 200: Home, ...problems(401) },
      },
    },
    async (request) => {
      const who = principal(request);
      const now = deps.now();
      const list = prefetchedResidences(request).map((r) => ({ ...r, ...boundsFor(r.timezone, who, now) }));
      const todayOf = new Map(list.map((r) => [r.id, r.today]));
      const [counts, plan] = await Promise.all([
        countDue(list),
        replacements(
          list.map((r) => r.id),
          (id) => todayOf.get(id)!,
        ),
      ]);
      return toHome(list, counts, who.dueSoonDays, plan);
    },
  );
}

type DueCounts = { overdue: number; dueToday: number; dueSoon: number };

type ReplacementPlan = Awaited<ReturnType<ReturnType<typeof prepareReplacementPlan>>>;

/** The home screen as the API returns it: per residence and summed, and the replacement summary. */
export function toHome(
  list: ResidenceBounds[],
  counts: Map<string, DueCounts>,
  dueSoonDays: number,
  plan: ReplacementPlan,
) {
  const items = list.map((r) => ({
    id: r.id,
    name: r.name,
    timezone: r.timezone,
    today: r.today,
    ...(counts.get(r.id) ?? { overdue: 0, dueToday: 0, dueSoon: 0 }),
  }));
  const sum = (key: keyof DueCounts) => items.reduce((n, r) => n + r[key], 0);
  return {
    overdue: sum("overdue"),
    dueToday: sum("dueToday"),
    dueSoon: sum("dueSoon"),
    dueSoonDays,
    residences: items,
    replacement: {
      pastEndOfLife: plan.items.filter((i) => i.status === "past_end_of_life").length,
      nearingEndOfLife: plan.items.filter((i) => i.status === "nearing_end_of_life").length,
      totalCostCents: plan.totalCostCents,
      totals: plan.totals,
      items: plan.items.slice(0, HOME_REPLACEMENTS),
    },
  };
}
