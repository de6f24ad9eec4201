import assert from "node:assert/strict";
import { test } from "node:test";
import { tasks } from "@honeydue/db";
import type { DueState } from "@honeydue/domain";
import { and, eq, type SQL } from "drizzle-orm";
import { countDueSql } from "../src/home/routes.ts";
import { selectTasks } from "../src/tasks/presenter.ts";
import { afterCursor, statesCondition } from "../src/tasks/queries.ts";
import { explain, type PlanNode, planNodes } from "./explain.ts";
import { createResidence, createUser } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

// The task list and home-screen queries on a residence of 10,000 tasks (plus 30,000 in other residences)
// must be served by the tasks indexes: EXPLAIN shows an index scan on tasks and no sequential scan.
const { deps, database } = await startTestApi();
const onPostgres = database.url !== undefined;
const skip = onPostgres ? false : "EXPLAIN plans are checked on real PostgreSQL only (PGlite here)";

const TODAY = "2026-06-01";
const bounds = { today: TODAY, soonEnd: "2026-06-08" };

function assertIndexed(plan: PlanNode, what: string) {
  const all = planNodes(plan);
  const onTasks = all.filter((n) => n["Relation Name"] === "tasks" || n["Index Name"]?.startsWith("tasks_"));
  const text = JSON.stringify(all.map((n) => [n["Node Type"], n["Relation Name"], n["Index Name"]]));
  assert.ok(
    onTasks.some((n) => /Index/.test(n["Node Type"]) && n["Index Name"]?.startsWith("tasks_")),
    `${what}: an index scan on a tasks index: ${text}`,
  );
  assert.ok(!onTasks.some((n) => n["Node Type"] === "Seq Scan"), `${what}: no Seq Scan on tasks: ${text}`);
  return `${what}: ${onTasks.map((n) => `${n["Node Type"]} ${n["Index Name"] ? `using ${n["Index Name"]}` : `on ${n["Relation Name"]}`}`).join(", ")}`;
}

let residenceId = "";
let others: string[] = [];

test("seed 10,000 tasks in one residence and 30,000 elsewhere", { skip }, async () => {
  const owner = await createUser(deps);
  residenceId = (await createResidence(deps, owner.id, { name: "Big house" })).id;
  others = [];
  for (let i = 0; i < 3; i++) others.push((await createResidence(deps, owner.id, { name: `Other ${i}` })).id);
  const session = await deps.database.session();
  try {
    for (const id of [residenceId, ...others]) {
      // Due dates spread over about three years around today; some unscheduled, completed or archived.
      await session.query(
        `INSERT INTO tasks (residence_id, title, category, priority, due_on, scheduled_on, anchor_on, completed_at, archived_at)
         SELECT $1::uuid, 'Task ' || g,
                (ARRAY['hvac','plumbing','electrical','appliances','exterior','interior','yard','safety','cleaning','pest','other'])[1 + g % 11],
                (ARRAY['low','normal','high','urgent'])[1 + g % 4],
                d, d, d,
                CASE WHEN g % 20 = 0 THEN now() END,
                CASE WHEN g % 50 = 1 THEN now() END
           FROM generate_series(1, 10000) AS g,
                LATERAL (SELECT CASE WHEN g % 33 = 0 THEN NULL ELSE $2::date + (g % 1100) - 30 END AS d) AS x`,
        [id, TODAY],
      );
    }
    await session.query("ANALYZE tasks");
    const { rows } = await session.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM tasks WHERE residence_id = $1",
      [residenceId],
    );
    assert.equal(rows[0]!.n, 10_000);
  } finally {
    session.release();
  }
});

test("the task list queries use the tasks indexes", { skip }, async (t) => {
  const list = (where: SQL) => selectTasks(deps.db, bounds, where, 51).toSQL();
  const inResidence = (...more: SQL[]) => and(eq(tasks.residenceId, residenceId), ...more)!;
  const cases: [string, SQL][] = [
    [
      "default (open) list",
      inResidence(statesCondition(["overdue", "dueToday", "dueSoon", "upcoming", "unscheduled"], bounds)),
    ],
    ...(["overdue", "dueToday", "dueSoon", "upcoming"] as DueState[]).map(
      (s) => [`state=${s}`, inResidence(statesCondition([s], bounds))] as [string, SQL],
    ),
    ["state=overdue&state=dueToday", inResidence(statesCondition(["overdue", "dueToday"], bounds))],
    ["state=completed", inResidence(statesCondition(["completed"], bounds))],
    ["state=archived", inResidence(statesCondition(["archived"], bounds))],
    ["state=unscheduled", inResidence(statesCondition(["unscheduled"], bounds))],
    [
      "open list, second page",
      inResidence(
        statesCondition(["overdue", "dueToday", "dueSoon", "upcoming", "unscheduled"], bounds),
        afterCursor({ d: "2026-07-01", i: "00000000-0000-4000-8000-000000000000" }),
      ),
    ],
    [
      "category filter",
      inResidence(
        statesCondition(["overdue", "dueToday", "dueSoon", "upcoming", "unscheduled"], bounds),
        eq(tasks.category, "hvac"),
      ),
    ],
  ];
  for (const [what, where] of cases)
    t.diagnostic(assertIndexed(await explain(deps.database, list(where)), what));
});

test("the home-screen query uses the tasks indexes", { skip }, async (t) => {
  const list = [residenceId, ...others].map((id) => ({ id, name: "", timezone: "UTC", ...bounds }));
  t.diagnostic(
    assertIndexed(
      await explain(deps.database, countDueSql(deps.db, list).toSQL()),
      "home counts, 4 residences",
    ),
  );
  t.diagnostic(
    assertIndexed(
      await explain(deps.database, countDueSql(deps.db, list.slice(0, 1)).toSQL()),
      "home counts, 1 residence",
    ),
  );
});
