import assert from "node:assert/strict";
import { test } from "node:test";
import { deriveKeyRing } from "@honeydue/config";
import { devices, users } from "@honeydue/db";
import { unsubscribeToken } from "@honeydue/email";
import { notify } from "@honeydue/jobs";
import { eq } from "drizzle-orm";
import { notifyTaskCompleted } from "../src/tasks/notifications.ts";
import { createResidence, createUser } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();
const alice = await createUser(deps);
const bob = await createUser(deps);
const UNSUBSCRIBE_KEYS = deps.keys["unsubscribe-link"];

test("POST /v1/devices registers a device, upserts by token, and never echoes the token", async () => {
  const token = "a".repeat(64);
  const first = await app.inject({
    method: "POST",
    url: "/v1/devices",
    headers: alice.auth,
    payload: { platform: "ios", token, name: "Alice's iPhone" },
  });
  assert.equal(first.statusCode, 201, first.body);
  assert.equal(first.json().platform, "ios");
  assert.equal(first.json().token, undefined);
  const again = await app.inject({
    method: "POST",
    url: "/v1/devices",
    headers: alice.auth,
    payload: { platform: "ios", token },
  });
  assert.equal(again.statusCode, 200);
  assert.equal(again.json().id, first.json().id);
  assert.equal(again.json().name, "Alice's iPhone");
  // The same phone signed into Bob's account: the token moves to Bob.
  const moved = await app.inject({
    method: "POST",
    url: "/v1/devices",
    headers: bob.auth,
    payload: { platform: "ios", token },
  });
  assert.equal(moved.statusCode, 200);
  const rows = await deps.db.select().from(devices).where(eq(devices.token, token));
  assert.deepEqual(
    rows.map((r) => r.userId),
    [bob.id],
  );
  const list = await app.inject({ method: "GET", url: "/v1/devices", headers: alice.auth });
  assert.deepEqual(list.json().items, []);
});

test("DELETE /v1/devices/{id} removes my device; someone else's is a 404", async () => {
  const res = await app.inject({
    method: "POST",
    url: "/v1/devices",
    headers: alice.auth,
    payload: { platform: "android", token: "fcm-token-123456" },
  });
  const id = res.json().id;
  const other = await app.inject({ method: "DELETE", url: `/v1/devices/${id}`, headers: bob.auth });
  assert.equal(other.statusCode, 404);
  const mine = await app.inject({ method: "DELETE", url: `/v1/devices/${id}`, headers: alice.auth });
  assert.equal(mine.statusCode, 204);
  const gone = await app.inject({ method: "DELETE", url: `/v1/devices/${id}`, headers: alice.auth });
  assert.equal(gone.statusCode, 404);
});

test("bad device input is a 400 problem, no token a 401", async () => {
  for (const payload of [
    { platform: "windows", token: "x".repeat(20) },
    { platform: "ios", token: "short" },
    { platform: "ios" },
    { platform: "ios", token: "has spaces in it" },
  ]) {
    const res = await app.inject({ method: "POST", url: "/v1/devices", headers: alice.auth, payload });
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
    assert.match(res.headers["content-type"] as string, /problem\+json/);
  }
  const anon = await app.inject({
    method: "POST",
    url: "/v1/devices",
    payload: { platform: "ios", token: "b".repeat(64) },
  });
  assert.equal(anon.statusCode, 401);
  const badId = await app.inject({ method: "DELETE", url: "/v1/devices/not-a-uuid", headers: alice.auth });
  assert.equal(badId.statusCode, 400);
});

test("GET /v1/notifications pages newest first with the unread count; POST read marks some or all", async () => {
  const carol = await createUser(deps);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const id = await notify(deps.db, { userId: carol.id, kind: "invite.accepted", title: `Note ${i}` });
    ids.push(id!);
  }
  await notify(deps.db, { userId: alice.id, kind: "invite.accepted", title: "Not Carol's" });
  const page1 = await app.inject({ method: "GET", url: "/v1/notifications?limit=3", headers: carol.auth });
  assert.equal(page1.statusCode, 200, page1.body);
  assert.equal(page1.json().unreadCount, 5);
  assert.equal(page1.json().items.length, 3);
  const page2 = await app.inject({
    method: "GET",
    url: `/v1/notifications?limit=3&cursor=${page1.json().nextCursor}`,
    headers: carol.auth,
  });
  assert.equal(page2.json().items.length, 2);
  assert.equal(page2.json().nextCursor, null);
  const all = [...page1.json().items, ...page2.json().items].map((n: { id: string }) => n.id);
  assert.deepEqual(new Set(all), new Set(ids));

  const some = await app.inject({
    method: "POST",
    url: "/v1/notifications/read",
    headers: carol.auth,
    payload: { ids: ids.slice(0, 2) },
  });
  assert.deepEqual(some.json(), { updated: 2, unreadCount: 3 });
  // Someone else's ids change nothing.
  const foreign = await app.inject({
    method: "POST",
    url: "/v1/notifications/read",
    headers: alice.auth,
    payload: { ids: ids.slice(2) },
  });
  assert.equal(foreign.json().updated, 0);
  const unread = await app.inject({
    method: "GET",
    url: "/v1/notifications?unread=true",
    headers: carol.auth,
  });
  assert.equal(unread.json().items.length, 3);
  const rest = await app.inject({
    method: "POST",
    url: "/v1/notifications/read",
    headers: carol.auth,
    payload: { all: true },
  });
  assert.deepEqual(rest.json(), { updated: 3, unreadCount: 0 });
  for (const payload of [{}, { all: false }, { ids: [] }, { ids: ["nope"] }]) {
    const bad = await app.inject({
      method: "POST",
      url: "/v1/notifications/read",
      headers: carol.auth,
      payload,
    });
    assert.equal(bad.statusCode, 400, JSON.stringify(payload));
  }
  const badCursor = await app.inject({
    method: "GET",
    url: "/v1/notifications?cursor=garbage",
    headers: carol.auth,
  });
  assert.equal(badCursor.statusCode, 400);
});

test("completed-by-someone-else notifies the assignee and creator once, never the one who completed it", async () => {
  const dave = await createUser(deps);
  const erin = await createUser(deps);
  const home = await createResidence(deps, dave.id);
  const event = {
    taskId: crypto.randomUUID(),
    taskTitle: "Replace filter",
    residenceId: home.id,
    completionId: crypto.randomUUID(),
    completedBy: dave.id,
    completedByName: "Dave",
    assigneeId: erin.id,
    createdBy: dave.id,
  };
  await deps.db.transaction(async (tx) => {
    await notifyTaskCompleted(tx, event);
    await notifyTaskCompleted(tx, event);
  });
  const forErin = await app.inject({ method: "GET", url: "/v1/notifications", headers: erin.auth });
  assert.equal(forErin.json().items.length, 1);
  assert.equal(forErin.json().items[0].title, "Dave completed “Replace filter”");
  const forDave = await app.inject({ method: "GET", url: "/v1/notifications", headers: dave.auth });
  assert.equal(forDave.json().items.length, 0);
});

test("unsubscribe: GET shows what it would do and changes nothing; POST turns reminder emails off", async () => {
  const frank = await createUser(deps);
  const url = `/v1/unsubscribe/${unsubscribeToken(UNSUBSCRIBE_KEYS, frank.id)}`;
  const look = await app.inject({ method: "GET", url });
  assert.equal(look.statusCode, 200, look.body);
  assert.equal(look.json().subscribed, true);
  const [before] = await deps.db
    .select({ on: users.digestEnabled })
    .from(users)
    .where(eq(users.id, frank.id));
  assert.equal(before!.on, true, "GET changed nothing");
  // RFC 8058: the mail provider POSTs the form body List-Unsubscribe=One-Click.
  const post = await app.inject({
    method: "POST",
    url,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: "List-Unsubscribe=One-Click",
  });
  assert.equal(post.statusCode, 200, post.body);
  assert.equal(post.json().subscribed, false);
  const [after] = await deps.db.select({ on: users.digestEnabled }).from(users).where(eq(users.id, frank.id));
  assert.equal(after!.on, false);
  // Tampered or foreign tokens are a 404.
  const forged = unsubscribeToken(
    deriveKeyRing({ current: "another-secret-another-secret-another" })["unsubscribe-link"],
    frank.id,
  );
  for (const bad of [forged, `${url.split("/").pop()}x`, "not-a-token-at-all"]) {
    const res = await app.inject({ method: "POST", url: `/v1/unsubscribe/${bad}` });
    assert.equal(res.statusCode, 404, bad);
  }
});
