import assert from "node:assert/strict";
import { test } from "node:test";
import type { Queryable } from "@honeydue/db";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { searchResidence } from "../src/search/query.ts";
import { explain, planNodes } from "./explain.ts";
import { createResidence, createUser } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

// Search on a residence of 10,000 tasks (plus 30,000 in other residences): selective queries are served by
// the GIN index on tasks.search, none by a sequential scan; and the route answers with the right hits at
// that size.
const { app, deps, database } = await startTestApi();
const onPostgres = database.url !== undefined;
const skip = onPostgres ? false : "EXPLAIN plans are checked on real PostgreSQL only (PGlite here)";

/** The SQL searchResidence runs, captured instead of executed. */
async function searchSql(residenceId: string, q: string) {
  let captured: SQL | undefined;
  const capture = {
    execute: async (query: SQL) => {
      captured = query;
      return { rows: [] };
    },
  } as unknown as Queryable;
  await searchResidence(capture, { residenceId, q, types: ["task", "contractor", "document"], limit: 20 });
  return new PgDialect().sqlToQuery(captured!);
}

const owner = await createUser(deps);
let residenceId = "";

test("seed 10,000 tasks in one residence and 30,000 elsewhere", { skip }, async () => {
  residenceId = (await createResidence(deps, owner.id, { name: "Big house" })).id;
  const ids = [residenceId];
  for (let i = 0; i < 3; i++) ids.push((await createResidence(deps, owner.id, { name: `Other ${i}` })).id);
  const session = await deps.database.session();
  try {
    for (const id of ids) {
      // 1 task in 1,000 mentions a chimney; the rest are about common chores.
      await session.query(
        `INSERT INTO tasks (residence_id, title, notes, category)
         SELECT $1::uuid,
           CASE WHEN g % 1000 = 0 THEN 'Sweep the chimney ' || g ELSE 'Water the lawn ' || g END,
           'Routine job number ' || g, 'other'
         FROM generate_series(1, 10000) g`,
        [id],
      );
    }
    await session.query("ANALYZE tasks");
  } finally {
    session.release();
  }
});

test("selective searches use the GIN index on tasks; none scans the whole table", { skip }, async () => {
  const describe = async (q: string) => {
    const all = planNodes(await explain(deps.database, await searchSql(residenceId, q)));
    const text = JSON.stringify(all.map((n) => [n["Node Type"], n["Relation Name"], n["Index Name"]]));
    assert.ok(
      !all.some((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "tasks"),
      `${q}: no Seq Scan on tasks: ${text}`,
    );
    return { all, text };
  };
  // whole words, and whole words followed by the word being typed: the GIN index
  for (const q of ['"chimney"', "sweep chim", "sweep chimney"]) {
    const { all, text } = await describe(q);
    assert.ok(
      all.some((n) => n["Index Name"] === "tasks_search_idx"),
      `${q}: a scan of tasks_search_idx: ${text}`,
    );
  }
  // a lone prefix term is estimated as unselective: the planner may take the residence's index and
  // recheck its rows instead (measured ~4 ms at 10,000 tasks), but it always uses an index
  const { all, text } = await describe("chimney");
  assert.ok(
    all.some(
      (n) => n["Index Name"] === "tasks_search_idx" || n["Index Name"]?.startsWith("tasks_residence_"),
    ),
    `chimney: an index on tasks: ${text}`,
  );
});

test("at that size the route answers with this residence's hits only", { skip }, async () => {
  const res = await app.inject({
    method: "GET",
    url: `/v1/residences/${residenceId}/search?q=chimney&limit=50`,
    headers: owner.auth,
  });
  assert.equal(res.statusCode, 200, res.body);
  const items = res.json().items as { id: string; title: string }[];
  assert.equal(items.length, 10);
  const ids = items.map((i) => i.id);
  const session = await deps.database.session();
  try {
    const { rows } = await session.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM tasks WHERE id = ANY($1::uuid[]) AND residence_id = $2",
      [ids, residenceId],
    );
    assert.equal(rows[0]!.n, 10);
  } finally {
    session.release();
  }
  for (const item of items) assert.match(item.title, /^Sweep the chimney \d+$/);
});
