import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { test } from "node:test";
import { calendarFeeds } from "@honeydue/db";
import { eq } from "drizzle-orm";
import ICAL from "ical.js";
import { createHousehold, createResidence } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();
deps.clock = () => new Date("2026-06-01T12:00:00Z");
const h = await createHousehold(deps, { name: "Maple Street", timezone: "America/Chicago" });
const second = await createResidence(deps, h.member.id, { name: "Lake cabin", timezone: "Europe/Oslo" });
const other = await createHousehold(deps, { name: "Elsewhere" });

async function task(residenceId: string, auth: { authorization: string }, body: Record<string, unknown>) {
  const res = await app.inject({
    method: "POST",
    url: `/v1/residences/${residenceId}/tasks`,
    headers: auth,
    payload: body,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function newFeed(auth: { authorization: string }): Promise<string> {
  const res = await app.inject({ method: "POST", url: "/v1/me/calendar-feed", headers: auth });
  assert.equal(res.statusCode, 201, res.body);
  const url = new URL(res.json().url);
  assert.equal(url.origin, "https://api.honeydue.test");
  assert.match(url.pathname, /^\/v1\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
  return url.pathname;
}

type Event = { uid: string; summary: string; start: string; allDay: boolean; location: string };

async function events(path: string): Promise<Event[]> {
  const res = await app.inject({ method: "GET", url: path });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(res.headers["content-type"] as string, /^text\/calendar/);
  const calendar = new ICAL.Component(ICAL.parse(res.body) as unknown[]);
  assert.equal(calendar.name, "vcalendar");
  return calendar.getAllSubcomponents("vevent").map((c) => {
    const e = new ICAL.Event(c);
    return {
      uid: e.uid,
      summary: e.summary,
      start: e.startDate.toString(),
      allDay: e.startDate.isDate,
      location: e.location,
    };
  });
}

test("the feed has every dated open task of my residences as all-day events with stable UIDs", async () => {
  const gutters = await task(h.residence.id, h.owner.auth, {
    title: "Clean gutters",
    recurrence: { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=1" },
  });
  const filter = await task(h.residence.id, h.owner.auth, { title: "Replace filter", dueOn: "2026-05-20" });
  await task(h.residence.id, h.owner.auth, { title: "Someday, no date" });
  const done = await task(h.residence.id, h.owner.auth, { title: "Already done", dueOn: "2026-05-30" });
  await app.inject({
    method: "POST",
    url: `/v1/tasks/${done.id}/complete`,
    headers: h.owner.auth,
    payload: { dueOn: "2026-05-30" },
  });
  const archived = await task(h.residence.id, h.owner.auth, { title: "Archived", dueOn: "2026-06-03" });
  await app.inject({
    method: "PATCH",
    url: `/v1/tasks/${archived.id}`,
    headers: h.owner.auth,
    payload: { archived: true },
  });
  const cabin = await task(second.id, h.member.auth, { title: "Drain cabin pipes", dueOn: "2026-06-02" });
  await task(other.residence.id, other.owner.auth, { title: "Not my task", dueOn: "2026-06-02" });

  const path = await newFeed(h.member.auth);
  const feed = await events(path);
  assert.deepEqual(
    feed.map((e) => [e.summary, e.start, e.allDay, e.uid, e.location]),
    [
      ["Replace filter", "2026-05-20", true, `${filter.id}-2026-05-20@honeydue`, "Maple Street"],
      ["Drain cabin pipes", "2026-06-02", true, `${cabin.id}-2026-06-02@honeydue`, "Lake cabin"],
      ["Clean gutters", "2026-10-01", true, `${gutters.id}-2026-10-01@honeydue`, "Maple Street"],
    ],
  );
  assert.deepEqual(await events(path), feed, "the same feed twice has the same UIDs");

  // Completing an occurrence replaces its event by the next occurrence's.
  deps.clock = () => new Date("2026-10-01T15:00:00Z");
  await app.inject({
    method: "POST",
    url: `/v1/tasks/${gutters.id}/complete`,
    headers: h.owner.auth,
    payload: { dueOn: "2026-10-01" },
  });
  deps.clock = () => new Date("2026-06-01T12:00:00Z");
  const after = await events(path);
  assert.ok(after.some((e) => e.uid === `${gutters.id}-2027-04-01@honeydue` && e.start === "2027-04-01"));
  assert.ok(!after.some((e) => e.uid === `${gutters.id}-2026-10-01@honeydue`));
  // The viewer's own feed shows the shared residence only.
  const viewerFeed = await events(await newFeed(h.viewer.auth));
  assert.deepEqual(viewerFeed.map((e) => e.summary).sort(), ["Clean gutters", "Replace filter"]);
});

test("a new feed URL revokes the old one; DELETE revokes it; unknown tokens are 404", async () => {
  const first = await newFeed(h.owner.auth);
  assert.equal((await app.inject({ method: "GET", url: first })).statusCode, 200);
  const second = await newFeed(h.owner.auth);
  assert.notEqual(first, second);
  const old = await app.inject({ method: "GET", url: first });
  assert.equal(old.statusCode, 404);
  assert.match(old.headers["content-type"] as string, /application\/problem\+json/);
  assert.equal((await app.inject({ method: "GET", url: second })).statusCode, 200);

  const del = await app.inject({ method: "DELETE", url: "/v1/me/calendar-feed", headers: h.owner.auth });
  assert.equal(del.statusCode, 204);
  assert.equal((await app.inject({ method: "GET", url: second })).statusCode, 404);

  for (const url of [
    `/v1/calendar/${randomBytes(32).toString("base64url")}.ics`,
    "/v1/calendar/short.ics",
    "/v1/calendar/..%2F..%2Fetc.ics",
  ]) {
    assert.equal((await app.inject({ method: "GET", url })).statusCode, 404, url);
  }
  const anonymous = await app.inject({ method: "POST", url: "/v1/me/calendar-feed" });
  assert.equal(anonymous.statusCode, 401);
});

test("the feed's status: off, on since it was made (the newest URL), off again; mine only", async () => {
  const someone = await createHousehold(deps, { name: "Status Street" });
  const status = async (auth: { authorization: string }) => {
    const res = await app.inject({ method: "GET", url: "/v1/me/calendar-feed", headers: auth });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { active: boolean; createdAt: string | null };
  };
  assert.deepEqual(await status(someone.owner.auth), { active: false, createdAt: null });
  const before = Date.now();
  await newFeed(someone.owner.auth);
  const first = await status(someone.owner.auth);
  assert.equal(first.active, true);
  assert.ok(Date.parse(first.createdAt!) >= before - 1000, first.createdAt!);
  await newFeed(someone.owner.auth);
  const renewed = await status(someone.owner.auth);
  assert.equal(renewed.active, true);
  assert.ok(Date.parse(renewed.createdAt!) >= Date.parse(first.createdAt!), "the newer URL's time");
  // Another member of the same residence has no feed of their own.
  assert.deepEqual(await status(someone.member.auth), { active: false, createdAt: null });
  const off = await app.inject({
    method: "DELETE",
    url: "/v1/me/calendar-feed",
    headers: someone.owner.auth,
  });
  assert.equal(off.statusCode, 204);
  assert.deepEqual(await status(someone.owner.auth), { active: false, createdAt: null });
  const anonymous = await app.inject({ method: "GET", url: "/v1/me/calendar-feed" });
  assert.equal(anonymous.statusCode, 401);
});

test("only the SHA-256 of the token is stored", async () => {
  const path = await newFeed(h.viewer.auth);
  const token = path.slice("/v1/calendar/".length, -".ics".length);
  const rows = await deps.db.select().from(calendarFeeds).where(eq(calendarFeeds.userId, h.viewer.id));
  const live = rows.filter((r) => r.revokedAt === null);
  assert.equal(live.length, 1);
  assert.deepEqual(live[0]!.tokenHash, createHash("sha256").update(token).digest());
  assert.ok(!rows.some((r) => r.tokenHash.toString("utf8").includes(token)));
});
