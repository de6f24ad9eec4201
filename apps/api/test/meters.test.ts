import assert from "node:assert/strict";
import { test } from "node:test";
import { outbox } from "@honeydue/db";
import { addDays, addMonths, todayIn } from "@honeydue/domain";
import { enqueueJob } from "@honeydue/jobs";
import { and, eq, isNotNull, or } from "drizzle-orm";
import ICAL from "ical.js";
import { createHousehold, type TestUser } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { startTestApi } from "./support.ts";

// Meters, readings and usage/hybrid schedules through the real API on PostgreSQL; the digest through the
// embedded runner to a real SMTP server. Dates are relative to today in the residence (UTC).
const { app, deps, smtp } = await startTestApi({ smtp: true });
const home = await createHousehold(deps, { name: "Furnace House" });
const other = await createHousehold(deps, { name: "Elsewhere" });
const today = todayIn("UTC");
const day = (n: number) => addDays(today, n);

const call = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, as: TestUser, payload?: object) =>
  app.inject({ method, url, headers: as.auth, ...(payload ? { payload } : {}) });

async function created(res: Awaited<ReturnType<typeof call>>) {
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}
const meter = async (body: object, as = home.member, residenceId = home.residence.id) =>
  created(await call("POST", `/v1/residences/${residenceId}/meters`, as, body));
const reading = async (meterId: string, body: object, as = home.member) =>
  created(await call("POST", `/v1/meters/${meterId}/readings`, as, body));
const task = async (body: object, as = home.member) =>
  created(await call("POST", `/v1/residences/${home.residence.id}/tasks`, as, body));
const getTask = async (id: string) => (await call("GET", `/v1/tasks/${id}`, home.viewer)).json();

function badField(res: Awaited<ReturnType<typeof call>>, field: string) {
  assertProblem(res, 400);
  assert.ok(
    res.json().errors?.some((e: { field: string }) => e.field === field || e.field.includes(field)),
    `${field}: ${res.body}`,
  );
}

test("meters: members add them and log readings, viewers read, other households get 404, bad input 400", async () => {
  const appliance = await created(
    await call("POST", `/v1/residences/${home.residence.id}/appliances`, home.member, { name: "Furnace" }),
  );
  const furnace = await meter({ name: "Furnace run time", unit: "hours", applianceId: appliance.id });
  assert.equal(furnace.unit, "hours");
  assert.equal(furnace.applianceId, appliance.id);
  assert.equal(furnace.latestReading, null);

  assertProblem(
    await call("POST", `/v1/residences/${home.residence.id}/meters`, home.viewer, {
      name: "X",
      unit: "hours",
    }),
    403,
  );
  assertProblem(await call("POST", `/v1/meters/${furnace.id}/readings`, home.viewer, { value: 1 }), 403);
  assertProblem(await call("PATCH", `/v1/meters/${furnace.id}`, home.viewer, { name: "Y" }), 403);
  assertProblem(await call("DELETE", `/v1/meters/${furnace.id}`, home.viewer), 403);
  for (const [method, url, body] of [
    ["GET", `/v1/meters/${furnace.id}`, undefined],
    ["GET", `/v1/meters/${furnace.id}/readings`, undefined],
    ["POST", `/v1/meters/${furnace.id}/readings`, { value: 5 }],
    ["PATCH", `/v1/meters/${furnace.id}`, { name: "Mine now" }],
    ["DELETE", `/v1/meters/${furnace.id}`, undefined],
    ["GET", `/v1/residences/${home.residence.id}/meters`, undefined],
  ] as const) {
    const res = await call(method, url, other.owner, body);
    assertProblem(res, 404);
    assert.doesNotMatch(res.body, /Furnace/);
  }
  assertProblem(await app.inject({ method: "GET", url: `/v1/meters/${furnace.id}` }), 401);

  badField(
    await call("POST", `/v1/residences/${home.residence.id}/meters`, home.member, {
      name: "X",
      unit: "parsecs",
    }),
    "unit",
  );
  badField(
    await call("POST", `/v1/residences/${home.residence.id}/meters`, home.member, {
      name: "",
      unit: "hours",
    }),
    "name",
  );
  const theirs = await created(
    await call("POST", `/v1/residences/${other.residence.id}/appliances`, other.member, {
      name: "Their furnace",
    }),
  );
  badField(
    await call("POST", `/v1/residences/${home.residence.id}/meters`, home.member, {
      name: "X",
      unit: "hours",
      applianceId: theirs.id,
    }),
    "body.applianceId",
  );

  const first = await reading(furnace.id, { value: 100.5, readOn: day(-10) });
  assert.equal(first.reading.total, 0);
  const second = await reading(furnace.id, { value: 140.5, readOn: day(-5) });
  assert.equal(second.reading.total, 40);
  assert.deepEqual(second.meter.rate, { perDay: 8, from: day(-10), to: day(-5), readings: 2 });
  // Readings only go up, are not dated before the latest, nor in the future.
  badField(
    await call("POST", `/v1/meters/${furnace.id}/readings`, home.member, { value: 120 }),
    "body.value",
  );
  badField(
    await call("POST", `/v1/meters/${furnace.id}/readings`, home.member, { value: 150, readOn: day(-6) }),
    "body.readOn",
  );
  badField(
    await call("POST", `/v1/meters/${furnace.id}/readings`, home.member, { value: 150, readOn: day(1) }),
    "body.readOn",
  );
  badField(await call("POST", `/v1/meters/${furnace.id}/readings`, home.member, { value: -1 }), "value");
  badField(await call("POST", `/v1/meters/${furnace.id}/readings`, home.member, { value: 1.234 }), "value");
  badField(
    await call("POST", `/v1/meters/${furnace.id}/readings`, home.member, { value: 150, kind: "rolled" }),
    "kind",
  );
  // ...unless the meter was reset: recorded, and the use counted so far is kept.
  const reset = await reading(furnace.id, {
    value: 0,
    kind: "reset",
    readOn: day(-5),
    note: "new controller",
  });
  assert.equal(reset.reading.total, 40);
  const after = await reading(furnace.id, { value: 12, readOn: day(-1) });
  assert.equal(after.reading.total, 52);
  const feed = (await call("GET", `/v1/residences/${home.residence.id}/activity`, home.viewer)).json().items;
  assert.ok(feed.some((a: { action: string }) => a.action === "meter.reset"));

  const list = (await call("GET", `/v1/meters/${furnace.id}/readings`, home.viewer)).json().items;
  assert.deepEqual(
    list.map((r: { value: number; kind: string }) => [r.value, r.kind]),
    [
      [12, "reading"],
      [0, "reset"],
      [140.5, "reading"],
      [100.5, "reading"],
    ],
  );
  const meters = (await call("GET", `/v1/residences/${home.residence.id}/meters`, home.viewer)).json().items;
  assert.ok(
    meters.some(
      (m: { id: string; latestReading: { value: number } }) =>
        m.id === furnace.id && m.latestReading.value === 12,
    ),
  );
});

test("a hybrid task becomes due by use before its interval; completing records the reading", async () => {
  const hours = await meter({ name: "Boiler burner", unit: "hours" });
  await reading(hours.id, { value: 900, readOn: day(-30) });
  const filter = await task({
    title: "Replace the furnace filter",
    recurrence: { kind: "usage", meterId: hours.id, every: 300, interval: 90, unit: "day" },
  });
  assert.equal(
    filter.recurrenceText,
    "Every 300 hours of Boiler burner or every 90 days, whichever comes first",
  );
  assert.equal(filter.usage.dueBy, "interval", "one reading: no rate yet, the calendar decides");
  assert.equal(filter.dueOn, day(90));

  // Done 20 days ago at 1000 hours: the period starts there.
  const done = await created(
    await call("POST", `/v1/tasks/${filter.id}/complete`, home.member, {
      dueOn: filter.dueOn,
      completedOn: day(-20),
      meterReading: 1000,
    }),
  );
  assert.equal(done.task.usage.used, 0);
  assert.equal(done.task.usage.intervalDueOn, day(70));
  // The rate so far: 100 hours in 10 days → 10/day, 300 to go → due in 30 days by use, before day 70.
  assert.equal(done.task.usage.dueBy, "usage");
  assert.equal(done.task.dueOn, day(10));
  const log = (await call("GET", `/v1/meters/${hours.id}/readings`, home.viewer)).json().items;
  assert.equal(log[0].completionId, done.completion.id, "the completion's reading is on the meter");

  // 10 days ago 1150: 250 hours in 20 days (12.5/day), 150 to go → 12 days later.
  const r1 = await reading(hours.id, { value: 1150, readOn: day(-10) });
  assert.deepEqual(r1.reprojectedTaskIds, [filter.id]);
  let now = await getTask(filter.id);
  assert.equal(now.dueOn, day(2));
  assert.equal(now.state, "dueSoon");
  assert.equal(now.usage.remaining, 150);
  assert.equal(now.usage.rate.perDay, 12.5);
  assert.match(now.usage.basis, /150 hours to go at 12\.5 hours a day/);

  // Today 1310: 310 hours since it was done → due now by use, 70 days before its interval.
  await reading(hours.id, { value: 1310 });
  now = await getTask(filter.id);
  assert.equal(now.usage.dueBy, "reached");
  assert.equal(now.dueOn, today);
  assert.equal(now.state, "dueToday");
  assert.equal(now.usage.intervalDueOn, day(70));

  // The list and its state filter know it.
  const dueToday = (
    await call("GET", `/v1/residences/${home.residence.id}/tasks?state=dueToday`, home.viewer)
  ).json().items;
  assert.ok(
    dueToday.some((t: { id: string }) => t.id === filter.id),
    JSON.stringify(dueToday),
  );
});

test("a hybrid task with little use becomes due by its interval; a usage-only task waits for a rate", async () => {
  const car = await meter({ name: "Car", unit: "miles" });
  await reading(car.id, { value: 10_000, readOn: day(-120) });
  const service = await task({
    title: "Service the car",
    recurrence: { kind: "usage", meterId: car.id, every: 5000, interval: 3, unit: "month" },
  });
  const done = await created(
    await call("POST", `/v1/tasks/${service.id}/complete`, home.member, {
      dueOn: service.dueOn,
      completedOn: day(-100),
      meterReading: 10_020,
    }),
  );
  assert.equal(done.task.usage.intervalDueOn, addMonths(day(-100), 3));
  await reading(car.id, { value: 10_300 });
  const now = await getTask(service.id);
  assert.equal(now.usage.dueBy, "interval");
  assert.equal(now.dueOn, addMonths(day(-100), 3));
  assert.equal(now.state, "overdue");
  assert.ok(now.usage.usageDueOn > today, "at ~2.8 miles a day, 5,000 miles are far away");

  // A usage-only task has no date until two readings on different days give a rate.
  const mower = await meter({ name: "Mower", unit: "hours", initialReading: 10 });
  const blade = await task({
    title: "Sharpen the blade",
    recurrence: { kind: "usage", meterId: mower.id, every: 25 },
  });
  assert.equal(blade.dueOn, null);
  assert.equal(blade.state, "unscheduled");
  assert.equal(blade.usage.dueBy, "unknown");
  assert.equal(blade.recurrenceText, "Every 25 hours of Mower");
});

test("usage schedules: bad input is a 400 naming the field, other households' meters are refused", async () => {
  const gallons = await meter({ name: "Water softener", unit: "gallons" });
  const theirs = await meter({ name: "Their meter", unit: "hours" }, other.member, other.residence.id);
  const url = `/v1/residences/${home.residence.id}/tasks`;
  badField(
    await call("POST", url, home.member, {
      title: "X",
      recurrence: { kind: "usage", meterId: theirs.id, every: 5 },
    }),
    "body.recurrence.meterId",
  );
  badField(
    await call("POST", url, home.member, {
      title: "X",
      recurrence: { kind: "usage", meterId: gallons.id, every: 0 },
    }),
    "every",
  );
  badField(
    await call("POST", url, home.member, { title: "X", recurrence: { kind: "usage", meterId: gallons.id } }),
    "body.recurrence.every",
  );
  badField(
    await call("POST", url, home.member, {
      title: "X",
      recurrence: { kind: "usage", meterId: gallons.id, every: 5, interval: 3 },
    }),
    "body.recurrence",
  );
  badField(
    await call("POST", url, home.member, {
      title: "X",
      dueOn: today,
      recurrence: { kind: "usage", meterId: gallons.id, every: 5 },
    }),
    "body.dueOn",
  );
  const plain = await task({
    title: "Plain",
    recurrence: { kind: "afterCompletion", interval: 1, unit: "month" },
  });
  badField(
    await call("POST", `/v1/tasks/${plain.id}/complete`, home.member, {
      dueOn: plain.dueOn,
      meterReading: 5,
    }),
    "body.meterReading",
  );
  // A task scheduled by a meter keeps it from being deleted.
  await task({ title: "Regenerate", recurrence: { kind: "usage", meterId: gallons.id, every: 1000 } });
  assertProblem(await call("DELETE", `/v1/meters/${gallons.id}`, home.member), 409);
});

test("the digest, the iCal feed, sync and the export carry a usage task with its projection", async () => {
  await call("PATCH", "/v1/me", home.owner, { timezone: "UTC", notifications: { digestHour: 7 } });
  const pump = await meter({ name: "Well pump", unit: "cycles" }, home.owner);
  await reading(pump.id, { value: 0, readOn: day(-10) }, home.owner);
  await reading(pump.id, { value: 100, readOn: day(-5) }, home.owner);
  const check = await task(
    { title: "Inspect the pressure tank", recurrence: { kind: "usage", meterId: pump.id, every: 120 } },
    home.owner,
  );
  // 20 a day since 5 days ago, 120 to go from today's total (100) → 6 days after the latest reading.
  assert.equal(check.dueOn, day(1));
  assert.equal(check.state, "dueSoon");

  const feed = await call("POST", "/v1/me/calendar-feed", home.owner);
  const ics = await app.inject({ method: "GET", url: new URL(feed.json().url).pathname });
  assert.equal(ics.statusCode, 200);
  const events = new ICAL.Component(ICAL.parse(ics.body) as unknown[]).getAllSubcomponents("vevent");
  const event = events.find((e) => e.getFirstPropertyValue("summary") === "Inspect the pressure tank");
  assert.ok(event, "the usage task is in the calendar feed");
  assert.equal(String(event.getFirstPropertyValue("dtstart")), day(1));
  assert.match(
    String(event.getFirstPropertyValue("description")),
    /Well pump: 120 cycles to go at 20 cycles a day/,
  );

  // Sync: the task with its projection and the meter with its latest reading; a reading arrives as a change
  // of the meter and of the task whose date it moved.
  type Change = { type: string; id: string; data: Record<string, unknown> };
  const syncAll = async (since?: string) => {
    const changes: Change[] = [];
    let cursor = since;
    for (;;) {
      const page = (
        await call("GET", `/v1/sync${cursor ? `?since=${encodeURIComponent(cursor)}` : ""}`, home.owner)
      ).json();
      changes.push(...page.changes);
      cursor = page.nextCursor;
      if (!page.hasMore) return { changes, cursor };
    }
  };
  const first = await syncAll();
  const syncedTask = first.changes.find((c) => c.type === "task" && c.id === check.id);
  assert.ok(syncedTask, "the task is in the snapshot");
  assert.equal((syncedTask.data.usage as { dueBy: string }).dueBy, "usage");
  const syncedMeter = first.changes.find((c) => c.type === "meter" && c.id === pump.id);
  assert.ok(syncedMeter, "the meter is in the snapshot");
  assert.equal((syncedMeter.data.latestReading as { value: number }).value, 100);
  await reading(pump.id, { value: 220 }, home.owner);
  const deadline = Date.now() + 60_000;
  let cursor = first.cursor;
  const seen = new Map<string, Change>();
  while (!(seen.has(`meter:${pump.id}`) && seen.has(`task:${check.id}`))) {
    assert.ok(Date.now() < deadline, `sync did not bring the reading: ${JSON.stringify([...seen.keys()])}`);
    const next = await syncAll(cursor);
    cursor = next.cursor;
    for (const c of next.changes) seen.set(`${c.type}:${c.id}`, c);
    if (!seen.has(`meter:${pump.id}`)) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal((seen.get(`meter:${pump.id}`)!.data.latestReading as { value: number }).value, 220);
  assert.equal((seen.get(`task:${check.id}`)!.data.usage as { dueBy: string }).dueBy, "reached");

  const exported = (await call("GET", "/v1/me/export", home.owner)).json();
  const house = exported.residences.find((r: { id: string }) => r.id === home.residence.id);
  const t = house.tasks.find((x: { id: string }) => x.id === check.id);
  assert.equal(t.usage.meterName, "Well pump");
  const m = house.meters.find((x: { id: string }) => x.id === pump.id);
  assert.deepEqual(
    m.readings.map((r: { value: number }) => r.value),
    [0, 100, 220],
  );

  // The digest at the owner's hour lists it (due today now: 120 cycles were used).
  const id = await enqueueJob(deps.db, "reminders.digest-tick", { at: `${today}T07:30:00Z` });
  deps.notifyOutbox();
  for (;;) {
    const [row] = await deps.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.id, id), or(isNotNull(outbox.processedAt), isNotNull(outbox.failedAt))));
    if (row) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const digest = await smtp!.waitFor(
    home.owner.email,
    (m) => /Inspect the pressure tank/.test(m.text),
    30_000,
  );
  assert.match(digest.text, /Inspect the pressure tank \(Furnace House\)/);
  assert.match(digest.text, /due today/i);
});
