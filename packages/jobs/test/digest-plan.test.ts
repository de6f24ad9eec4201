import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { memberships, residences, tasks, users } from "@honeydue/db";
import { createTestDatabase } from "@honeydue/testkit";
import { PgDialect } from "drizzle-orm/pg-core";
import { digestDueTasksQuery } from "../src/reminders.ts";

type PlanNode = { "Node Type": string; "Relation Name"?: string; "Index Name"?: string; Plans?: PlanNode[] };
const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

test("the digest's due tasks for a batch are index lookups per user, without table statistics", async () => {
  const { handle } = await createTestDatabase();
  const db = handle.db;
  // A few thousand tasks, never analysed: the plan must not depend on what autovacuum has seen.
  const batch: { id: string; due_soon_days: number }[] = [];
  for (let i = 0; i < 20; i++) {
    const [u] = await db
      .insert(users)
      .values({ email: `plan${i}@example.test`, name: `P${i}`, passwordHash: "x" })
      .returning({ id: users.id });
    const [r] = await db
      .insert(residences)
      .values({ name: `R${i}`, timezone: "UTC" })
      .returning();
    await db.insert(memberships).values({ residenceId: r!.id, userId: u!.id, role: "owner" });
    await db.insert(tasks).values(
      Array.from({ length: 150 }, (_, k) => ({
        residenceId: r!.id,
        title: `t${k}`,
        dueOn: `2026-${String((k % 12) + 1).padStart(2, "0")}-15`,
      })),
    );
    batch.push({ id: u!.id, due_soon_days: 7 });
  }
  batch.push({ id: randomUUID(), due_soon_days: 3 });
  const query = new PgDialect().sqlToQuery(digestDueTasksQuery("2026-06-10T08:00:00Z", batch));
  const session = await handle.session();
  try {
    const { rows } = await session.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
      `EXPLAIN (FORMAT JSON) ${query.sql}`,
      query.params,
    );
    const plan = nodes(rows[0]!["QUERY PLAN"][0].Plan);
    const scans = plan.filter((n) => n["Relation Name"]);
    const on = (table: string) => scans.filter((n) => n["Relation Name"] === table);
    assert.deepEqual(
      on("tasks").map((n) => n["Index Name"]),
      ["tasks_residence_due_idx"],
      JSON.stringify(scans),
    );
    assert.ok(
      on("memberships").every((n) => n["Node Type"] !== "Seq Scan"),
      `memberships by user index: ${JSON.stringify(on("memberships"))}`,
    );
    assert.ok(!scans.some((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "tasks"));
  } finally {
    session.release();
  }
  // And the query runs: the 20 users' tasks due by 2026-06-17 (overdue ones included), none for the stranger.
  const { rows } = (await db.execute(digestDueTasksQuery("2026-06-10T08:00:00Z", batch))) as unknown as {
    rows: { user_id: string }[];
  };
  assert.equal(rows.length, 20 * 78);
});
