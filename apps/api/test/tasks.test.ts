import assert from "node:assert/strict";
import { test } from "node:test";
import { contractors, tasks, taskTemplates } from "@honeydue/db";
import { dueState } from "@honeydue/domain";
import { eq } from "drizzle-orm";
import { addMember, createHousehold, createResidence, createUser } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();
const h = await createHousehold(deps, { timezone: "UTC" });
const other = await createHousehold(deps, { name: "Someone else's house" });
const member = h.member.auth;

function at(iso: string) {
  deps.clock = () => new Date(iso);
}

async function create(body: Record<string, unknown>, auth = member, residenceId = h.residence.id) {
  return app.inject({
    method: "POST",
    url: `/v1/residences/${residenceId}/tasks`,
    headers: auth,
    payload: body,
  });
}

async function list(query: string, auth = member, residenceId = h.residence.id) {
  const res = await app.inject({
    method: "GET",
    url: `/v1/residences/${residenceId}/tasks${query}`,
    headers: auth,
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { items: Record<string, unknown>[]; nextCursor: string | null };
}

async function activityFor(taskId: string) {
  const res = await app.inject({
    method: "GET",
    url: `/v1/residences/${h.residence.id}/activity?limit=100`,
    headers: member,
  });
  assert.equal(res.statusCode, 200, res.body);
  return res
    .json()
    .items.filter((a: { subjectId: string }) => a.subjectId === taskId)
    .map((a: { action: string }) => a.action)
    .reverse();
}

test("create, read, update, archive and delete a task, each recorded in the activity feed", async () => {
  at("2026-05-01T12:00:00Z");
  const [contractor] = await deps.db
    .insert(contractors)
    .values({ residenceId: h.residence.id, name: "Ace Plumbing" })
    .returning();
  const created = await create({
    title: "Flush water heater",
    notes: "Drain a few gallons",
    category: "plumbing",
    priority: "high",
    assigneeId: h.owner.id,
    dueOn: "2026-05-03",
    estimatedCostCents: 15000,
    contractorId: contractor!.id,
  });
  assert.equal(created.statusCode, 201, created.body);
  const task = created.json();
  assert.equal(task.title, "Flush water heater");
  assert.equal(task.category, "plumbing");
  assert.equal(task.priority, "high");
  assert.equal(task.state, "dueSoon");
  assert.equal(task.dueOn, "2026-05-03");
  assert.equal(task.recurrence, null);
  assert.deepEqual(task.assignee, { id: h.owner.id, name: "Olivia Owner" });
  assert.deepEqual(task.contractor, { id: contractor!.id, name: "Ace Plumbing" });
  assert.equal(task.estimatedCostCents, 15000);
  assert.equal(task.createdBy, h.member.id);

  const read = await app.inject({ method: "GET", url: `/v1/tasks/${task.id}`, headers: h.viewer.auth });
  assert.equal(read.statusCode, 200);
  assert.deepEqual(read.json(), task);

  const change = {
    title: "Flush the water heater",
    priority: "urgent",
    assigneeId: null,
    recurrence: { kind: "fixed", interval: 1, unit: "year" },
  };
  // fields a client must not set are refused by name, and nothing of the change is applied
  const sneaky = await app.inject({
    method: "PATCH",
    url: `/v1/tasks/${task.id}`,
    headers: member,
    payload: {
      ...change,
      residenceId: other.residence.id,
      id: "00000000-0000-4000-8000-000000000000",
      createdBy: h.owner.id,
    },
  });
  for (const field of ["body.residenceId", "body.id", "body.createdBy"]) assertProblem(sneaky, 400, field);
  const unchanged = await app.inject({ method: "GET", url: `/v1/tasks/${task.id}`, headers: member });
  assert.notEqual(unchanged.json().title, change.title);
  const patched = await app.inject({
    method: "PATCH",
    url: `/v1/tasks/${task.id}`,
    headers: member,
    payload: change,
  });
  assert.equal(patched.statusCode, 200, patched.body);
  const p = patched.json();
  assert.equal(p.title, "Flush the water heater");
  assert.equal(p.priority, "urgent");
  assert.equal(p.assignee, null);
  assert.equal(p.id, task.id);
  assert.equal(p.residenceId, h.residence.id);
  assert.equal(p.createdBy, h.member.id);
  assert.equal(p.recurrenceText, "Every year");
  assert.equal(p.dueOn, "2026-05-03");

  const archived = await app.inject({
    method: "PATCH",
    url: `/v1/tasks/${task.id}`,
    headers: member,
    payload: { archived: true },
  });
  assert.equal(archived.json().state, "archived");
  assert.ok(archived.json().archivedAt);
  const complete = await app.inject({
    method: "POST",
    url: `/v1/tasks/${task.id}/complete`,
    headers: member,
    payload: { dueOn: "2026-05-03" },
  });
  assert.equal(complete.statusCode, 409, "an archived task cannot be completed");
  const unarchived = await app.inject({
    method: "PATCH",
    url: `/v1/tasks/${task.id}`,
    headers: member,
    payload: { archived: false },
  });
  assert.equal(unarchived.json().state, "dueSoon");

  const del = await app.inject({ method: "DELETE", url: `/v1/tasks/${task.id}`, headers: member });
  assert.equal(del.statusCode, 204);
  const gone = await app.inject({ method: "GET", url: `/v1/tasks/${task.id}`, headers: member });
  assert.equal(gone.statusCode, 404);
  assert.deepEqual(await activityFor(task.id), [
    "task.created",
    "task.updated",
    "task.archived",
    "task.unarchived",
    "task.deleted",
  ]);
});

test("a new due date re-anchors a recurring task's schedule", async () => {
  at("2026-01-01T12:00:00Z");
  const task = (
    await create({
      title: "Monthly",
      dueOn: "2026-01-10",
      recurrence: { kind: "fixed", interval: 1, unit: "month" },
    })
  ).json();
  const res = await app.inject({
    method: "PATCH",
    url: `/v1/tasks/${task.id}`,
    headers: member,
    payload: { dueOn: "2026-01-31" },
  });
  assert.equal(res.json().dueOn, "2026-01-31");
  at("2026-01-31T12:00:00Z");
  const done = await app.inject({
    method: "POST",
    url: `/v1/tasks/${task.id}/complete`,
    headers: member,
    payload: { dueOn: "2026-01-31" },
  });
  assert.equal(done.json().task.dueOn, "2026-02-28");
});

test("a recurring task without a due date gets a first one; template and references are checked", async () => {
  at("2026-03-05T12:00:00Z");
  const recurring = await create({
    title: "Test smoke alarms",
    recurrence: { kind: "fixed", interval: 6, unit: "month" },
  });
  assert.equal(recurring.json().dueOn, "2026-03-05");
  const [template] = await deps.db.select({ id: taskTemplates.id }).from(taskTemplates).limit(1);
  assert.ok(template, "the template catalog is seeded");
  const linked = await create({ title: "From a template", templateId: template.id });
  assert.equal(linked.statusCode, 201);
  assert.equal(linked.json().templateId, template.id);
  const outsider = await createUser(deps);
  for (const [body, field] of [
    [{ title: "x", assigneeId: outsider.id }, "body.assigneeId"],
    [{ title: "x", assigneeId: h.viewer.id }, "body.assigneeId"],
    [{ title: "x", templateId: "00000000-0000-4000-8000-000000000000" }, "body.templateId"],
    [{ title: "x", category: "garden" }, "body.category"],
    [{ title: "x", priority: "asap" }, "body.priority"],
    [{ title: "x", dueOn: "2026-02-30" }, "body.dueOn"],
    [{ title: "x", dueOn: "tomorrow" }, "body.dueOn"],
    [{ title: "x", estimatedCostCents: -1 }, "body.estimatedCostCents"],
    [{ title: "" }, "body.title"],
    [{}, "body.title"],
  ] as [Record<string, unknown>, string][]) {
    const res = await create(body);
    assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
    assert.ok(
      res.json().errors.some((e: { field: string }) => e.field === field),
      `${JSON.stringify(body)} names ${field}: ${res.body}`,
    );
  }
  const [foreign] = await deps.db
    .insert(contractors)
    .values({ residenceId: other.residence.id, name: "Not ours" })
    .returning();
  const res = await create({ title: "x", contractorId: foreign!.id });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().errors[0].field, "body.contractorId");
});

test("the same instant is a different day in Auckland and Los Angeles: due states follow each residence", async () => {
  const owner = await createUser(deps, { timezone: "UTC" });
  const auckland = await createResidence(deps, owner.id, { name: "Auckland", timezone: "Pacific/Auckland" });
  const la = await createResidence(deps, owner.id, { name: "Los Angeles", timezone: "America/Los_Angeles" });
  // 2026-03-10T20:00Z is 09:00 on Mar 11 in Auckland (NZDT) and 13:00 on Mar 10 in Los Angeles (PDT).
  at("2026-03-10T20:00:00Z");
  const states: Record<string, Record<string, string>> = {};
  for (const r of [auckland, la]) {
    states[r.name] = {};
    for (const dueOn of ["2026-03-10", "2026-03-11"]) {
      const res = await create({ title: `due ${dueOn}`, dueOn }, owner.auth, r.id);
      assert.equal(res.statusCode, 201, res.body);
      states[r.name]![dueOn] = res.json().state;
    }
  }
  assert.deepEqual(states, {
    Auckland: { "2026-03-10": "overdue", "2026-03-11": "dueToday" },
    "Los Angeles": { "2026-03-10": "dueToday", "2026-03-11": "dueSoon" },
  });
  const overdueInAuckland = await list("?state=overdue", owner.auth, auckland.id);
  assert.deepEqual(
    overdueInAuckland.items.map((t) => t.dueOn),
    ["2026-03-10"],
  );
  const overdueInLa = await list("?state=overdue", owner.auth, la.id);
  assert.deepEqual(overdueInLa.items, []);
  // Completing "today" uses the residence's date: Mar 11 in Auckland, Mar 10 in Los Angeles.
  const aTask = overdueInAuckland.items[0]!;
  const done = await app.inject({
    method: "POST",
    url: `/v1/tasks/${aTask.id}/complete`,
    headers: owner.auth,
    payload: { dueOn: "2026-03-10" },
  });
  assert.equal(done.json().completion.completedOn, "2026-03-11");
  const laToday = (await list("?state=dueToday", owner.auth, la.id)).items[0]!;
  const laDone = await app.inject({
    method: "POST",
    url: `/v1/tasks/${laToday.id}/complete`,
    headers: owner.auth,
    payload: { dueOn: "2026-03-10" },
  });
  assert.equal(laDone.json().completion.completedOn, "2026-03-10");
});

test("the due-soon horizon is the caller's own setting", async () => {
  const shortSighted = await createUser(deps, { dueSoonDays: 2 });
  await addMember(deps, h.residence.id, shortSighted.id, "viewer");
  at("2026-07-01T12:00:00Z");
  const task = (await create({ title: "In five days", dueOn: "2026-07-06" })).json();
  assert.equal(task.state, "dueSoon");
  const seen = await app.inject({ method: "GET", url: `/v1/tasks/${task.id}`, headers: shortSighted.auth });
  assert.equal(seen.json().state, "upcoming");
});

test("list filters by state, assignee, category, priority and text, sorted by due date with nulls last", async () => {
  const r = await createResidence(deps, h.owner.id, { name: "Filters", timezone: "UTC" });
  await addMember(deps, r.id, h.member.id, "member");
  at("2026-08-10T12:00:00Z");
  const make = async (title: string, extra: Record<string, unknown>) => {
    const res = await create({ title, ...extra }, member, r.id);
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  };
  const overdue = await make("Clean dryer vent", {
    dueOn: "2026-08-01",
    category: "appliances",
    priority: "high",
  });
  const today = await make("Water the lawn", {
    dueOn: "2026-08-10",
    category: "yard",
    assigneeId: h.member.id,
  });
  const soon = await make("Test GFCI outlets", {
    dueOn: "2026-08-15",
    category: "electrical",
    notes: "Bathroom 100% dry",
  });
  const upcoming = await make("Service furnace", { dueOn: "2026-10-01", category: "hvac", priority: "high" });
  const unscheduled = await make("Paint fence", { category: "exterior" });
  const completed = await make("Replace bulb", { dueOn: "2026-08-09", category: "electrical" });
  await app.inject({
    method: "POST",
    url: `/v1/tasks/${completed.id}/complete`,
    headers: member,
    payload: { dueOn: "2026-08-09" },
  });
  const archived = await make("Old task", { dueOn: "2026-08-02" });
  await app.inject({
    method: "PATCH",
    url: `/v1/tasks/${archived.id}`,
    headers: member,
    payload: { archived: true },
  });

  const ids = (page: { items: Record<string, unknown>[] }) => page.items.map((t) => t.id);
  const url = (q: string) => `${q}`;
  const open = await app.inject({ method: "GET", url: `/v1/residences/${r.id}/tasks`, headers: member });
  assert.deepEqual(ids(open.json()), [overdue.id, today.id, soon.id, upcoming.id, unscheduled.id]);
  assert.deepEqual(
    open.json().items.map((t: { state: string }) => t.state),
    ["overdue", "dueToday", "dueSoon", "upcoming", "unscheduled"],
  );
  // The state computed in SQL agrees with the domain's dueState for every task.
  const everything = await list(
    "?state=overdue,dueToday,dueSoon,upcoming,unscheduled,completed,archived",
    member,
    r.id,
  );
  assert.equal(everything.items.length, 7);
  for (const t of everything.items) {
    const expected = dueState(
      t as { dueOn: string | null; archivedAt: string | null; completedAt: string | null },
      "2026-08-10",
      7,
    );
    assert.equal(t.state, expected, String(t.title));
  }
  const byState = async (q: string) => ids(await list(url(q), member, r.id));
  assert.deepEqual(await byState("?state=overdue"), [overdue.id]);
  assert.deepEqual(await byState("?state=dueToday"), [today.id]);
  assert.deepEqual(await byState("?state=dueSoon"), [soon.id]);
  assert.deepEqual(await byState("?state=upcoming"), [upcoming.id]);
  assert.deepEqual(await byState("?state=unscheduled"), [unscheduled.id]);
  assert.deepEqual(await byState("?state=completed"), [completed.id]);
  assert.deepEqual(await byState("?state=archived"), [archived.id]);
  assert.deepEqual(await byState("?state=overdue&state=dueToday"), [overdue.id, today.id]);
  assert.deepEqual(await byState("?state=overdue,dueToday"), [overdue.id, today.id]);
  assert.deepEqual(await byState("?state=completed,archived"), [archived.id, completed.id]);
  assert.deepEqual(await byState(`?assigneeId=${h.member.id}`), [today.id]);
  assert.deepEqual(await byState("?category=electrical"), [soon.id]);
  assert.deepEqual(await byState("?category=electrical&state=completed"), [completed.id]);
  assert.deepEqual(await byState("?priority=high"), [overdue.id, upcoming.id]);
  assert.deepEqual(await byState("?q=DRYER"), [overdue.id]);
  assert.deepEqual(await byState("?q=100%25"), [soon.id], "notes are searched, % is literal");
  assert.deepEqual(await byState("?q=_"), [], "_ is literal");
  for (const bad of [
    "?state=late",
    "?limit=101",
    "?limit=0",
    "?cursor=nonsense",
    "?category=garden",
    "?assigneeId=x",
  ]) {
    const res = await app.inject({
      method: "GET",
      url: `/v1/residences/${r.id}/tasks${bad}`,
      headers: member,
    });
    assert.equal(res.statusCode, 400, `${bad}: ${res.body}`);
  }
});

test("pages through every task exactly once with opaque cursors, across equal and missing due dates", async () => {
  const r = await createResidence(deps, h.owner.id, { name: "Paging", timezone: "UTC" });
  at("2026-09-01T12:00:00Z");
  const expected: string[] = [];
  for (let i = 0; i < 23; i++) {
    const dueOn = i % 5 === 4 ? null : `2026-09-${String(10 + (i % 3)).padStart(2, "0")}`;
    const res = await create({ title: `Task ${i}`, dueOn }, h.owner.auth, r.id);
    expected.push(res.json().id);
  }
  const all = await list("?limit=100", h.owner.auth, r.id);
  assert.equal(all.items.length, 23);
  assert.equal(all.nextCursor, null);
  const sorted = all.items.map((t) => [t.dueOn ?? "~", t.id] as [string, string]);
  assert.deepEqual(
    sorted,
    [...sorted].sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1)),
  );
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await list(`?limit=5${cursor ? `&cursor=${cursor}` : ""}`, h.owner.auth, r.id);
    assert.ok(page.items.length <= 5);
    seen.push(...page.items.map((t) => t.id as string));
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  assert.equal(pages, 5);
  assert.deepEqual(
    seen,
    all.items.map((t) => t.id),
  );
  assert.deepEqual([...seen].sort(), [...expected].sort());
});

test("viewers cannot write (403) and another household's tasks answer 404", async () => {
  at("2026-05-01T12:00:00Z");
  const task = (
    await create({
      title: "Ours",
      dueOn: "2026-05-02",
      recurrence: { kind: "fixed", interval: 1, unit: "week" },
    })
  ).json();
  const outsider = other.owner.auth;
  const viewer = h.viewer.auth;
  const writes = [
    { method: "POST", url: `/v1/residences/${h.residence.id}/tasks`, payload: { title: "x" } },
    { method: "PATCH", url: `/v1/tasks/${task.id}`, payload: { title: "y" } },
    { method: "POST", url: `/v1/tasks/${task.id}/complete`, payload: { dueOn: "2026-05-02" } },
    { method: "POST", url: `/v1/tasks/${task.id}/skip`, payload: {} },
    { method: "POST", url: `/v1/tasks/${task.id}/snooze`, payload: { until: "2026-05-04" } },
    { method: "DELETE", url: `/v1/tasks/${task.id}/completions/latest` },
    { method: "DELETE", url: `/v1/tasks/${task.id}` },
  ] as const;
  const reads = [
    { method: "GET", url: `/v1/residences/${h.residence.id}/tasks` },
    { method: "GET", url: `/v1/tasks/${task.id}` },
    { method: "GET", url: `/v1/tasks/${task.id}/completions` },
  ] as const;
  for (const r of writes) {
    const asViewer = await app.inject({ ...r, headers: viewer });
    assert.equal(asViewer.statusCode, 403, `viewer ${r.method} ${r.url}: ${asViewer.body}`);
    const asOutsider = await app.inject({ ...r, headers: outsider });
    assert.equal(asOutsider.statusCode, 404, `outsider ${r.method} ${r.url}: ${asOutsider.body}`);
    const anonymous = await app.inject({ ...r });
    assert.equal(anonymous.statusCode, 401);
  }
  for (const r of reads) {
    assert.equal((await app.inject({ ...r, headers: viewer })).statusCode, 200, `viewer ${r.url}`);
    assert.equal((await app.inject({ ...r, headers: outsider })).statusCode, 404, `outsider ${r.url}`);
  }
  const unknown = await app.inject({
    method: "GET",
    url: "/v1/tasks/00000000-0000-4000-8000-000000000000",
    headers: member,
  });
  assert.equal(unknown.statusCode, 404);
  const notUuid = await app.inject({ method: "GET", url: "/v1/tasks/not-a-uuid", headers: member });
  assert.equal(notUuid.statusCode, 400);
  const still = await app.inject({ method: "GET", url: `/v1/tasks/${task.id}`, headers: member });
  assert.equal(still.json().title, "Ours");
  assert.equal(still.json().dueOn, "2026-05-02");
});

test("odd input is a 4xx problem, never a 5xx", async () => {
  at("2026-01-01T12:00:00Z");
  const r = h.residence.id;
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const farTask = (
    await create({
      title: "Far",
      dueOn: "2199-12-31",
      recurrence: { kind: "afterCompletion", interval: 1000, unit: "month" },
    })
  ).json();
  // A schedule that has run to the end of the calendar (year 9999) cannot move on: 409, not 500.
  await deps.db
    .update(tasks)
    .set({ dueOn: "9990-01-01", scheduledOn: "9990-01-01", anchorOn: "9990-01-01" })
    .where(eq(tasks.id, farTask.id));
  const skip = await app.inject({
    method: "POST",
    url: `/v1/tasks/${farTask.id}/skip`,
    headers: member,
    payload: {},
  });
  assert.equal(skip.statusCode, 409, skip.body);
  const cases: { method: "GET" | "POST" | "PATCH"; url: string; payload?: unknown }[] = [
    { method: "POST", url: `/v1/residences/${r}/tasks`, payload: { title: "a", dueOn: "0000-01-01" } },
    { method: "POST", url: `/v1/residences/${r}/tasks`, payload: { title: "a", dueOn: "2026-02-29" } },
    { method: "POST", url: `/v1/residences/${r}/tasks`, payload: { title: "a\u0000b" } },
    { method: "POST", url: `/v1/residences/${r}/tasks`, payload: { title: "a", notes: "x\u0000" } },
    { method: "POST", url: `/v1/residences/${r}/tasks`, payload: { title: "a", recurrence: "monthly" } },
    {
      method: "POST",
      url: `/v1/residences/${r}/tasks`,
      payload: { title: "a", recurrence: { kind: "fixed", rrule: "x".repeat(501) } },
    },
    { method: "POST", url: `/v1/residences/${r}/tasks`, payload: { title: "a", estimatedCostCents: 1.5 } },
    { method: "POST", url: `/v1/residences/${r}/tasks`, payload: [] },
    { method: "PATCH", url: `/v1/tasks/${farTask.id}`, payload: {} },
    { method: "PATCH", url: `/v1/tasks/${farTask.id}`, payload: { dueOn: "99999-01-01" } },
    { method: "POST", url: `/v1/tasks/${farTask.id}/snooze`, payload: { until: "0001-01-01" } },
    {
      method: "POST",
      url: `/v1/tasks/${farTask.id}/complete`,
      payload: { dueOn: "2026-01-01", completedOn: "1000-01-01" },
    },
    { method: "GET", url: `/v1/residences/${r}/tasks?q=%00` },
    { method: "GET", url: `/v1/residences/${r}/tasks?cursor=${enc({ d: "2026-13-45", i: farTask.id })}` },
    { method: "GET", url: `/v1/residences/${r}/tasks?cursor=${enc({ d: null, i: "nope" })}` },
    {
      method: "GET",
      url: `/v1/tasks/${farTask.id}/completions?cursor=${enc({ t: "2026-99-99T99:99:99.000000Z", i: farTask.id })}`,
    },
  ];
  for (const c of cases) {
    const res = await app.inject({
      method: c.method,
      url: c.url,
      headers: member,
      ...(c.payload === undefined ? {} : { payload: c.payload as object }),
    });
    assert.ok(
      res.statusCode >= 400 && res.statusCode < 500,
      `${c.method} ${c.url} ${JSON.stringify(c.payload)}: ${res.statusCode} ${res.body}`,
    );
    assert.match(res.headers["content-type"] as string, /application\/problem\+json/);
  }
});
