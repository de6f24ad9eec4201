import assert from "node:assert/strict";
import { test } from "node:test";
import { addMember, createResidence, createUser } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();

// 2026-03-10T20:00Z is 09:00 on Mar 11 in Auckland (NZDT) and 13:00 on Mar 10 in Los Angeles (PDT).
deps.clock = () => new Date("2026-03-10T20:00:00Z");

const me = await createUser(deps, { timezone: "Europe/Berlin" });
const auckland = await createResidence(deps, me.id, { name: "Auckland bach", timezone: "Pacific/Auckland" });
const la = await createResidence(deps, me.id, { name: "LA bungalow", timezone: "America/Los_Angeles" });
const stranger = await createUser(deps);
const notMine = await createResidence(deps, stranger.id, { name: "Not mine", timezone: "UTC" });

async function task(residenceId: string, auth: { authorization: string }, body: Record<string, unknown>) {
  const res = await app.inject({
    method: "POST",
    url: `/v1/residences/${residenceId}/tasks`,
    headers: auth,
    payload: { title: "t", ...body },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function home(auth: { authorization: string }) {
  const res = await app.inject({ method: "GET", url: "/v1/me/home", headers: auth });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

test("an empty home is all zeros", async () => {
  const loner = await createUser(deps);
  assert.deepEqual(await home(loner.auth), {
    overdue: 0,
    dueToday: 0,
    dueSoon: 0,
    dueSoonDays: 7,
    residences: [],
    replacement: { pastEndOfLife: 0, nearingEndOfLife: 0, totalCostCents: 0, totals: [], items: [] },
  });
});

test("home counts overdue, due today and due soon per residence in each residence's own local date", async () => {
  for (const r of [auckland, la]) {
    for (const dueOn of ["2026-03-10", "2026-03-11", "2026-03-12", "2026-04-30"])
      await task(r.id, me.auth, { dueOn });
    await task(r.id, me.auth, {}); // unscheduled: not counted
  }
  // closed and archived tasks are not counted, whatever their date
  const closed = await task(auckland.id, me.auth, { dueOn: "2026-03-01" });
  await app.inject({
    method: "POST",
    url: `/v1/tasks/${closed.id}/complete`,
    headers: me.auth,
    payload: { dueOn: "2026-03-01" },
  });
  const archived = await task(auckland.id, me.auth, { dueOn: "2026-03-02" });
  await app.inject({
    method: "PATCH",
    url: `/v1/tasks/${archived.id}`,
    headers: me.auth,
    payload: { archived: true },
  });
  await task(notMine.id, stranger.auth, { dueOn: "2026-03-01" });

  const h = await home(me.auth);
  assert.deepEqual(h.residences, [
    {
      id: auckland.id,
      name: "Auckland bach",
      timezone: "Pacific/Auckland",
      today: "2026-03-11",
      overdue: 1,
      dueToday: 1,
      dueSoon: 1,
    },
    {
      id: la.id,
      name: "LA bungalow",
      timezone: "America/Los_Angeles",
      today: "2026-03-10",
      overdue: 0,
      dueToday: 1,
      dueSoon: 2,
    },
  ]);
  assert.equal(h.overdue, 1);
  assert.equal(h.dueToday, 2);
  assert.equal(h.dueSoon, 3);
  assert.equal(h.dueSoonDays, 7);

  // The list filter agrees with the home counts.
  const dueSoonInLa = await app.inject({
    method: "GET",
    url: `/v1/residences/${la.id}/tasks?state=dueSoon`,
    headers: me.auth,
  });
  assert.equal(dueSoonInLa.json().items.length, 2);
});

test("home uses the caller's own due-soon horizon and only residences they belong to", async () => {
  const partner = await createUser(deps, { dueSoonDays: 1 });
  await addMember(deps, la.id, partner.id, "viewer");
  const h = await home(partner.auth);
  assert.equal(h.dueSoonDays, 1);
  assert.deepEqual(
    h.residences.map((r: { id: string }) => r.id),
    [la.id],
  );
  // Mar 11 is within one day of Mar 10; Mar 12 is not.
  assert.deepEqual([h.overdue, h.dueToday, h.dueSoon], [0, 1, 1]);
  const anonymous = await app.inject({ method: "GET", url: "/v1/me/home" });
  assert.equal(anonymous.statusCode, 401);
});

test("home moves with the clock: the next day in Los Angeles", async () => {
  deps.clock = () => new Date("2026-03-11T20:00:00Z");
  try {
    const la1 = (await home(me.auth)).residences.find((r: { id: string }) => r.id === la.id);
    assert.deepEqual([la1.today, la1.overdue, la1.dueToday, la1.dueSoon], ["2026-03-11", 1, 1, 1]);
  } finally {
    deps.clock = () => new Date("2026-03-10T20:00:00Z");
  }
});
