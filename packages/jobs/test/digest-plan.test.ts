import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { memberships, queryRows, residences, tasks, users } from "@honeydue/db";
import { createTestDatabase } from "@honeydue/testkit";
import { PgDialect } from "drizzle-orm/pg-core";
import { digestDueTasksQuery } from "../src/jobs/reminders/digest.ts";

type PlanNode = {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Plans?: PlanNode[];
};
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
    const described = JSON.stringify(plan.map(({ Plans: _, ...n }) => n));
    // No table is read whole: every relation is reached through an index lookup keyed by the outer row.
    assert.ok(!plan.some((n) => n["Node Type"] === "Seq Scan"), described);
    const lookups = plan.filter((n) => n["Index Name"]);
    const lookup = (index: string, key: RegExp) =>
      assert.ok(
        lookups.some((n) => n["Index Name"] === index && key.test(n["Index Cond"] ?? "")),
        `${index} by ${key}: ${described}`,
      );
    lookup("memberships_user_id_idx", /user_id = b\.user_id/);
    lookup("residences_pkey", /id = m\.residence_id/);
    lookup("tasks_residence_due_idx", /residence_id = r\.id/);
  } finally {
    session.release();
  }
  // And the query runs: the 20 users' tasks due by 2026-06-17 (overdue ones included), none for the stranger.
  const rows = await queryRows<{ user_id: string }>(db, digestDueTasksQuery("2026-06-10T08:00:00Z", batch));
  assert.equal(rows.length, 20 * 78);
});
