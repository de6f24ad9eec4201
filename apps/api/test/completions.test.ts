import assert from "node:assert/strict";
import { test } from "node:test";
import { completions, contractors, notifications, outbox } from "@honeydue/db";
import { and, eq, sql } from "drizzle-orm";
import { createHousehold } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const { app, deps, database } = await startTestApi();
const h = await createHousehold(deps, { timezone: "UTC" });
const other = await createHousehold(deps);

function at(date: string) {
  deps.clock = () => new Date(`${date}T12:00:00Z`);
}

async function createTask(body: Record<string, unknown>) {
  const res = await app.inject({
    method: "POST",
    url: `/v1/residences/${h.residence.id}/tasks`,
    headers: h.member.auth,
    payload: { title: "Replace furnace filter", ...body },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

const complete = (taskId: string, auth: { authorization: string }, payload: Record<string, unknown>) =>
  app.inject({ method: "POST", url: `/v1/tasks/${taskId}/complete`, headers: auth, payload });

test("two members completing the same occurrence at the same moment produce one completion", async () => {
  at("2026-04-01");
  // Repeated so a lost race would show; on PGlite the requests serialize, on PostgreSQL they really race.
  for (let round = 0; round < 8; round++) {
    const task = await createTask({
      dueOn: "2026-04-01",
      recurrence: { kind: "fixed", interval: 1, unit: "month" },
    });
    const [a, b] = await Promise.all([
      complete(task.id, h.owner.auth, { dueOn: "2026-04-01", notes: "owner" }),
      complete(task.id, h.member.auth, { dueOn: "2026-04-01", notes: "member" }),
    ]);
    const statuses = [a.statusCode, b.statusCode].sort();
    assert.deepEqual(statuses, [201, 409], `round ${round}: ${a.body} / ${b.body}`);
    const loser = a.statusCode === 409 ? a : b;
    assert.match(loser.headers["content-type"] as string, /application\/problem\+json/);
    assert.equal(loser.json().currentDueOn, "2026-05-01");
    const rows = await deps.db.select().from(completions).where(eq(completions.taskId, task.id));
    assert.equal(rows.length, 1, `round ${round}`);
    const winner = a.statusCode === 201 ? a : b;
    assert.equal(winner.json().task.dueOn, "2026-05-01");
  }
});

test("one-off: two simultaneous completions close it once", async () => {
  at("2026-04-01");
  for (let round = 0; round < 4; round++) {
    const task = await createTask({ dueOn: "2026-04-03" });
    const results = await Promise.all([
      complete(task.id, h.owner.auth, { dueOn: "2026-04-03" }),
      complete(task.id, h.member.auth, { dueOn: "2026-04-03" }),
    ]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409]);
    const rows = await deps.db.select().from(completions).where(eq(completions.taskId, task.id));
    assert.equal(rows.length, 1);
  }
});

test("a stale dueOn gets 409 with the current dueOn", async () => {
  at("2026-04-10");
  const task = await createTask({
    dueOn: "2026-04-10",
    recurrence: { kind: "fixed", interval: 1, unit: "week" },
  });
  const res = await complete(task.id, h.member.auth, { dueOn: "2026-04-03" });
  assert.equal(res.statusCode, 409);
  assert.equal(res.json().currentDueOn, "2026-04-10");
  assert.equal(res.json().status, 409);
  const missing = await complete(task.id, h.member.auth, {});
  assert.equal(missing.statusCode, 400, "dueOn is required");
  assert.equal(missing.json().errors[0].field, "body.dueOn");
});

test("a completion records who, when, notes, cost and contractor; the log pages newest first", async () => {
  at("2026-01-01");
  const [contractor] = await deps.db
    .insert(contractors)
    .values({ residenceId: h.residence.id, name: "Cool Air HVAC" })
    .returning();
  const [foreign] = await deps.db
    .insert(contractors)
    .values({ residenceId: other.residence.id, name: "Not ours" })
    .returning();
  const task = await createTask({
    dueOn: "2026-01-01",
    recurrence: { kind: "fixed", interval: 1, unit: "day" },
  });
  const bad = await complete(task.id, h.member.auth, { dueOn: "2026-01-01", contractorId: foreign!.id });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().errors[0].field, "body.contractorId");
  const negative = await complete(task.id, h.member.auth, { dueOn: "2026-01-01", costCents: -5 });
  assert.equal(negative.statusCode, 400);

  const first = await complete(task.id, h.owner.auth, {
    dueOn: "2026-01-01",
    notes: "Swapped the 16x25 filter",
    costCents: 2599,
    contractorId: contractor!.id,
  });
  assert.equal(first.statusCode, 201, first.body);
  const c = first.json().completion;
  assert.equal(c.taskId, task.id);
  assert.equal(c.residenceId, h.residence.id);
  assert.equal(c.completedOn, "2026-01-01");
  assert.equal(c.dueOn, "2026-01-01");
  assert.equal(c.notes, "Swapped the 16x25 filter");
  assert.equal(c.costCents, 2599);
  assert.equal(c.contractorId, contractor!.id);
  assert.deepEqual(c.completedBy, { id: h.owner.id, name: "Olivia Owner" });

  let due = "2026-01-02";
  for (let i = 0; i < 6; i++) {
    at(due);
    const res = await complete(task.id, h.member.auth, { dueOn: due });
    assert.equal(res.statusCode, 201, res.body);
    due = res.json().task.dueOn;
  }
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/v1/tasks/${task.id}/completions?limit=3${cursor ? `&cursor=${cursor}` : ""}`;
    const res = await app.inject({ method: "GET", url, headers: h.viewer.auth });
    assert.equal(res.statusCode, 200, res.body);
    seen.push(...res.json().items.map((x: { dueOn: string }) => x.dueOn));
    cursor = res.json().nextCursor as string | null;
  } while (cursor);
  assert.deepEqual(seen, [
    "2026-01-07",
    "2026-01-06",
    "2026-01-05",
    "2026-01-04",
    "2026-01-03",
    "2026-01-02",
    "2026-01-01",
  ]);
  const badCursor = await app.inject({
    method: "GET",
    url: `/v1/tasks/${task.id}/completions?cursor=xyz`,
    headers: h.viewer.auth,
  });
  assert.equal(badCursor.statusCode, 400);
  const outsider = await app.inject({
    method: "GET",
    url: `/v1/tasks/${task.id}/completions`,
    headers: other.owner.auth,
  });
  assert.equal(outsider.statusCode, 404);
});

test("completing and undoing write activity entries", async () => {
  at("2026-02-01");
  const task = await createTask({
    dueOn: "2026-02-01",
    recurrence: { kind: "afterCompletion", interval: 3, unit: "month" },
  });
  await complete(task.id, h.member.auth, { dueOn: "2026-02-01" });
  await app.inject({
    method: "DELETE",
    url: `/v1/tasks/${task.id}/completions/latest`,
    headers: h.member.auth,
  });
  await app.inject({
    method: "POST",
    url: `/v1/tasks/${task.id}/snooze`,
    headers: h.member.auth,
    payload: { until: "2026-02-03" },
  });
  const res = await app.inject({
    method: "GET",
    url: `/v1/residences/${h.residence.id}/activity?limit=100`,
    headers: h.member.auth,
  });
  const actions = res
    .json()
    .items.filter((a: { subjectId: string }) => a.subjectId === task.id)
    .map((a: { action: string }) => a.action)
    .reverse();
  assert.deepEqual(actions, ["task.created", "task.completed", "task.completion_undone", "task.snoozed"]);
});

test("the concurrent test ran against PostgreSQL when CI=true", { skip: process.env.CI !== "true" }, () => {
  assert.ok(database.url, "CI=true must use real PostgreSQL");
});

test("assigning and completing notify the others (in-app notification and a push job), never the actor", async () => {
  at("2026-03-01");
  const kinds = async (userId: string, taskId: string) =>
    (
      await deps.db
        .select({ kind: notifications.kind, title: notifications.title })
        .from(notifications)
        .where(and(eq(notifications.userId, userId), eq(notifications.subjectId, taskId)))
    ).map((n) => n.kind);
  const task = await createTask({ title: "Fix the fence", dueOn: "2026-03-01", assigneeId: h.owner.id });
  assert.deepEqual(await kinds(h.owner.id, task.id), ["task.assigned"]);
  const pushes = await deps.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.job, "push.send"), sql`${outbox.payload}->>'userId' = ${h.owner.id}`));
  assert.ok(pushes.some((p) => (p.payload as { kind: string }).kind === "task.assigned"));

  const res = await complete(task.id, h.owner.auth, { dueOn: "2026-03-01" });
  assert.equal(res.statusCode, 201);
  assert.deepEqual(await kinds(h.member.id, task.id), ["task.completed"], "the creator hears of it");
  assert.deepEqual(await kinds(h.owner.id, task.id), ["task.assigned"], "not the one who completed it");

  // Assigning yourself tells nobody; reassigning tells the new assignee.
  const mine = await createTask({ title: "Mine", assigneeId: h.member.id });
  assert.deepEqual(await kinds(h.member.id, mine.id), []);
  await app.inject({
    method: "PATCH",
    url: `/v1/tasks/${mine.id}`,
    headers: h.member.auth,
    payload: { assigneeId: h.owner.id },
  });
  assert.deepEqual(await kinds(h.owner.id, mine.id), ["task.assigned"]);
});
