import assert from "node:assert/strict";
import { test } from "node:test";
import { createHousehold } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

// Every recurrence rule of issue 3, through HTTP, with concrete dates. "Now" is set with deps.clock.
const { app, deps } = await startTestApi();
const h = await createHousehold(deps, { timezone: "UTC" });
const auth = h.member.auth;

/** Sets the API's clock to noon UTC of a date (the residence is in UTC). */
function on(date: string) {
  deps.clock = () => new Date(`${date}T12:00:00Z`);
}

async function createTask(body: Record<string, unknown>) {
  const res = await app.inject({
    method: "POST",
    url: `/v1/residences/${h.residence.id}/tasks`,
    headers: auth,
    payload: { title: "A task", ...body },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function complete(taskId: string, dueOn: string | null, extra: Record<string, unknown> = {}) {
  const res = await app.inject({
    method: "POST",
    url: `/v1/tasks/${taskId}/complete`,
    headers: auth,
    payload: { dueOn, ...extra },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { completion: Record<string, unknown>; task: Record<string, unknown> };
}

async function getTask(taskId: string) {
  const res = await app.inject({ method: "GET", url: `/v1/tasks/${taskId}`, headers: auth });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function completions(taskId: string) {
  const res = await app.inject({ method: "GET", url: `/v1/tasks/${taskId}/completions`, headers: auth });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().items as Record<string, unknown>[];
}

test("monthly from Jan 31 across a leap year clamps to Feb 29 and recovers to Mar 31", async () => {
  on("2028-01-31");
  const task = await createTask({
    dueOn: "2028-01-31",
    recurrence: { kind: "fixed", interval: 1, unit: "month" },
  });
  assert.equal(task.recurrenceText, "Every month");
  const seen: string[] = [task.dueOn];
  let due = task.dueOn as string;
  for (let i = 0; i < 4; i++) {
    on(due);
    const { task: next } = await complete(task.id, due);
    due = next.dueOn as string;
    seen.push(due);
  }
  assert.deepEqual(seen, ["2028-01-31", "2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31"]);
});

test("monthly from Jan 31 in a common year falls on Feb 28, then Mar 31", async () => {
  on("2027-01-31");
  const task = await createTask({
    dueOn: "2027-01-31",
    recurrence: { kind: "fixed", interval: 1, unit: "month" },
  });
  const first = await complete(task.id, "2027-01-31");
  assert.equal(first.task.dueOn, "2027-02-28");
  on("2027-02-28");
  const second = await complete(task.id, "2027-02-28");
  assert.equal(second.task.dueOn, "2027-03-31");
});

test("yearly from Feb 29 falls on Feb 28 in common years and Feb 29 again in the next leap year", async () => {
  on("2028-02-29");
  const task = await createTask({
    dueOn: "2028-02-29",
    recurrence: { kind: "fixed", interval: 1, unit: "year" },
  });
  const seen: string[] = [];
  let due = "2028-02-29";
  for (let i = 0; i < 4; i++) {
    on(due);
    due = (await complete(task.id, due)).task.dueOn as string;
    seen.push(due);
  }
  assert.deepEqual(seen, ["2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"]);
});

test("every April and October by RRULE: first date from today, then the schedule", async () => {
  on("2026-05-15");
  const task = await createTask({
    title: "Clean gutters",
    recurrence: { kind: "fixed", rrule: "rrule:freq=yearly;bymonth=4,10;bymonthday=1" },
  });
  assert.deepEqual(task.recurrence, { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=1" });
  assert.match(task.recurrenceText, /April and October/);
  assert.equal(task.dueOn, "2026-10-01");
  assert.equal(task.state, "upcoming");
  on("2026-10-03");
  const a = await complete(task.id, "2026-10-01");
  assert.equal(a.task.dueOn, "2027-04-01");
  on("2027-04-01");
  const b = await complete(task.id, "2027-04-01");
  assert.equal(b.task.dueOn, "2027-10-01");
});

test("after completion: a late completion counts 90 days from the day it was done", async () => {
  on("2026-03-20");
  const task = await createTask({
    title: "Replace HVAC filter",
    dueOn: "2026-03-01",
    recurrence: { kind: "afterCompletion", interval: 90, unit: "day" },
  });
  assert.equal(task.state, "overdue");
  assert.equal(task.recurrenceText, "90 days after completion");
  const { completion, task: next } = await complete(task.id, "2026-03-01");
  assert.equal(completion.completedOn, "2026-03-20");
  assert.equal(completion.dueOn, "2026-03-01");
  assert.equal(next.dueOn, "2026-06-18");
  assert.equal(next.lastCompletedOn, "2026-03-20");
});

test("a late completion does not shift a fixed schedule", async () => {
  on("2026-01-25");
  const task = await createTask({
    dueOn: "2026-01-15",
    recurrence: { kind: "fixed", interval: 3, unit: "month" },
  });
  const { task: next } = await complete(task.id, "2026-01-15");
  assert.equal(next.dueOn, "2026-04-15");
  assert.equal(next.state, "upcoming");
});

test("a completion dated in the past is logged on that date", async () => {
  on("2026-01-25");
  const task = await createTask({
    dueOn: "2026-01-15",
    recurrence: { kind: "afterCompletion", interval: 2, unit: "week" },
  });
  const { completion, task: next } = await complete(task.id, "2026-01-15", { completedOn: "2026-01-20" });
  assert.equal(completion.completedOn, "2026-01-20");
  assert.equal(next.dueOn, "2026-02-03");
});

test("an early completion of a fixed task moves to the next occurrence after the current due date", async () => {
  on("2026-06-05");
  const task = await createTask({
    dueOn: "2026-06-15",
    recurrence: { kind: "fixed", interval: 1, unit: "month" },
  });
  const { task: next, completion } = await complete(task.id, "2026-06-15");
  assert.equal(completion.completedOn, "2026-06-05");
  assert.equal(next.dueOn, "2026-07-15");
});

test("a one-off task closes when completed", async () => {
  on("2026-06-05");
  const task = await createTask({ dueOn: "2026-06-10" });
  assert.equal(task.recurrenceText, "Does not repeat");
  const { task: done } = await complete(task.id, "2026-06-10");
  assert.equal(done.state, "completed");
  assert.equal(done.dueOn, "2026-06-10");
  assert.ok(done.completedAt);
  const again = await app.inject({
    method: "POST",
    url: `/v1/tasks/${task.id}/complete`,
    headers: auth,
    payload: { dueOn: "2026-06-10" },
  });
  assert.equal(again.statusCode, 409);
});

test("an unscheduled one-off can be completed by naming dueOn null", async () => {
  on("2026-06-05");
  const task = await createTask({ title: "Someday" });
  assert.equal(task.state, "unscheduled");
  const { task: done } = await complete(task.id, null);
  assert.equal(done.state, "completed");
});

test("skip advances a fixed task to its next occurrence without a log entry", async () => {
  on("2026-06-20");
  const task = await createTask({
    dueOn: "2026-06-15",
    recurrence: { kind: "fixed", interval: 1, unit: "month" },
  });
  const res = await app.inject({
    method: "POST",
    url: `/v1/tasks/${task.id}/skip`,
    headers: auth,
    payload: {},
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().dueOn, "2026-07-15");
  assert.deepEqual(await completions(task.id), []);
  const activity = await app.inject({
    method: "GET",
    url: `/v1/residences/${h.residence.id}/activity`,
    headers: auth,
  });
  assert.equal(activity.statusCode, 200, activity.body);
  const actions = activity.json().items.filter((a: { subjectId: string }) => a.subjectId === task.id);
  assert.deepEqual(
    actions.map((a: { action: string }) => a.action),
    ["task.skipped", "task.created"],
  );
});

test("skip of an after-completion task adds one interval to the current due date", async () => {
  on("2026-06-20");
  const task = await createTask({
    dueOn: "2026-06-15",
    recurrence: { kind: "afterCompletion", interval: 1, unit: "month" },
  });
  const res = await app.inject({
    method: "POST",
    url: `/v1/tasks/${task.id}/skip`,
    headers: auth,
    payload: { dueOn: "2026-06-15" },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().dueOn, "2026-07-15");
});

test("skip of a one-off task is refused; a stale skip is 409", async () => {
  on("2026-06-20");
  const oneOff = await createTask({ dueOn: "2026-06-15" });
  const res = await app.inject({ method: "POST", url: `/v1/tasks/${oneOff.id}/skip`, headers: auth });
  assert.equal(res.statusCode, 409, res.body);
  const monthly = await createTask({
    dueOn: "2026-06-15",
    recurrence: { kind: "fixed", interval: 1, unit: "month" },
  });
  const stale = await app.inject({
    method: "POST",
    url: `/v1/tasks/${monthly.id}/skip`,
    headers: auth,
    payload: { dueOn: "2026-05-15" },
  });
  assert.equal(stale.statusCode, 409);
  assert.equal(stale.json().currentDueOn, "2026-06-15");
});

test("snooze changes only this occurrence: the next one follows the schedule", async () => {
  on("2026-06-14");
  const task = await createTask({
    dueOn: "2026-06-15",
    recurrence: { kind: "fixed", interval: 1, unit: "month" },
  });
  const snoozed = await app.inject({
    method: "POST",
    url: `/v1/tasks/${task.id}/snooze`,
    headers: auth,
    payload: { until: "2026-06-20" },
  });
  assert.equal(snoozed.statusCode, 200, snoozed.body);
  assert.equal(snoozed.json().dueOn, "2026-06-20");
  assert.equal(snoozed.json().scheduledOn, "2026-06-15");
  on("2026-06-20");
  const { task: next } = await complete(task.id, "2026-06-20");
  assert.equal(next.dueOn, "2026-07-15");
  assert.equal(next.scheduledOn, "2026-07-15");
});

test("snooze into the past is a 400 naming body.until", async () => {
  on("2026-06-14");
  const task = await createTask({ dueOn: "2026-06-15" });
  const res = await app.inject({
    method: "POST",
    url: `/v1/tasks/${task.id}/snooze`,
    headers: auth,
    payload: { until: "2026-06-01" },
  });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().errors[0].field, "body.until");
});

test("undo restores the previous due date and state exactly, even of a snoozed occurrence", async () => {
  on("2026-06-14");
  const task = await createTask({
    dueOn: "2026-06-15",
    recurrence: { kind: "fixed", interval: 1, unit: "month" },
  });
  await app.inject({
    method: "POST",
    url: `/v1/tasks/${task.id}/snooze`,
    headers: auth,
    payload: { until: "2026-06-18" },
  });
  const before = await getTask(task.id);
  on("2026-06-16");
  const { completion, task: after } = await complete(task.id, "2026-06-18", {
    notes: "done",
    costCents: 1250,
  });
  assert.equal(after.dueOn, "2026-07-15");
  const undo = await app.inject({
    method: "DELETE",
    url: `/v1/tasks/${task.id}/completions/latest`,
    headers: auth,
  });
  assert.equal(undo.statusCode, 200, undo.body);
  assert.equal(undo.json().completion.id, completion.id);
  const restored = await getTask(task.id);
  for (const key of ["dueOn", "scheduledOn", "state", "completedAt", "recurrence"])
    assert.deepEqual(restored[key], before[key], key);
  assert.equal(restored.lastCompletedOn, null);
  assert.deepEqual(await completions(task.id), []);
  const none = await app.inject({
    method: "DELETE",
    url: `/v1/tasks/${task.id}/completions/latest`,
    headers: auth,
  });
  assert.equal(none.statusCode, 404);
});

test("undo reopens a completed one-off task in its previous state", async () => {
  on("2026-06-20");
  const task = await createTask({ dueOn: "2026-06-15" });
  assert.equal(task.state, "overdue");
  await complete(task.id, "2026-06-15");
  const undo = await app.inject({
    method: "DELETE",
    url: `/v1/tasks/${task.id}/completions/latest`,
    headers: auth,
  });
  assert.equal(undo.statusCode, 200);
  assert.equal(undo.json().task.state, "overdue");
  assert.equal(undo.json().task.completedAt, null);
  assert.equal(undo.json().task.dueOn, "2026-06-15");
});

test("undo takes back only the latest of several completions", async () => {
  on("2026-01-10");
  const task = await createTask({
    dueOn: "2026-01-10",
    recurrence: { kind: "fixed", interval: 1, unit: "week" },
  });
  await complete(task.id, "2026-01-10");
  on("2026-01-17");
  await complete(task.id, "2026-01-17");
  const undo = await app.inject({
    method: "DELETE",
    url: `/v1/tasks/${task.id}/completions/latest`,
    headers: auth,
  });
  assert.equal(undo.json().task.dueOn, "2026-01-17");
  const log = await completions(task.id);
  assert.deepEqual(
    log.map((c) => c.dueOn),
    ["2026-01-10"],
  );
});

test("recurrence is validated with a 400 naming the field", async () => {
  on("2026-06-14");
  const cases: [unknown, string][] = [
    [{ kind: "fixed", rrule: "FREQ=HOURLY" }, "body.recurrence.rrule"],
    [{ kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30" }, "body.recurrence.rrule"],
    [{ kind: "fixed", rrule: "not a rule" }, "body.recurrence.rrule"],
    [{ kind: "fixed", rrule: "FREQ=YEARLY", interval: 2, unit: "year" }, "body.recurrence.rrule"],
    [{ kind: "afterCompletion", interval: 2, unit: "year" }, "body.recurrence.unit"],
    [{ kind: "fixed", interval: 0, unit: "day" }, "body.recurrence.interval"],
    [{ kind: "fixed", unit: "day" }, "body.recurrence.interval"],
    [{ kind: "weekly" }, "body.recurrence.kind"],
  ];
  for (const [recurrence, field] of cases) {
    const res = await app.inject({
      method: "POST",
      url: `/v1/residences/${h.residence.id}/tasks`,
      headers: auth,
      payload: { title: "Bad", recurrence },
    });
    assert.equal(res.statusCode, 400, `${JSON.stringify(recurrence)} → ${res.body}`);
    assert.match(res.headers["content-type"] as string, /application\/problem\+json/);
    assert.ok(
      res.json().errors.some((e: { field: string }) => e.field === field),
      `${JSON.stringify(recurrence)} should name ${field}: ${res.body}`,
    );
  }
});

test("completedOn in the future is refused", async () => {
  on("2026-06-14");
  const task = await createTask({ dueOn: "2026-06-15" });
  const res = await app.inject({
    method: "POST",
    url: `/v1/tasks/${task.id}/complete`,
    headers: auth,
    payload: { dueOn: "2026-06-15", completedOn: "2026-06-16" },
  });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().errors[0].field, "body.completedOn");
});

test("changing the recurrence restarts the schedule from the current occurrence", async () => {
  on("2026-01-20");
  const task = await createTask({
    dueOn: "2026-01-31",
    recurrence: { kind: "fixed", interval: 1, unit: "month" },
  });
  const patched = await app.inject({
    method: "PATCH",
    url: `/v1/tasks/${task.id}`,
    headers: auth,
    payload: { dueOn: "2026-01-31", recurrence: { kind: "fixed", interval: 2, unit: "week" } },
  });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(patched.json().recurrenceText, "Every 2 weeks");
  const { task: next } = await complete(task.id, "2026-01-31");
  assert.equal(next.dueOn, "2026-02-14");

  const someday = await createTask({ title: "Unscheduled" });
  const recurring = await app.inject({
    method: "PATCH",
    url: `/v1/tasks/${someday.id}`,
    headers: auth,
    payload: { recurrence: { kind: "fixed", rrule: "FREQ=MONTHLY;BYMONTHDAY=1" } },
  });
  assert.equal(recurring.json().dueOn, "2026-02-01");
  const oneOff = await app.inject({
    method: "PATCH",
    url: `/v1/tasks/${someday.id}`,
    headers: auth,
    payload: { recurrence: null },
  });
  assert.equal(oneOff.json().recurrence, null);
  assert.equal(oneOff.json().dueOn, "2026-02-01");
  const closed = await complete(someday.id, "2026-02-01");
  assert.equal(closed.task.state, "completed");
});
