import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { queryRows } from "@honeydue/db";
import { notify } from "@honeydue/jobs";
import { sql } from "drizzle-orm";
import { multipart, png } from "./files-support.ts";
import { createHousehold, createUser, type Household, type TestUser } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { lastEmailJob, loadEmailJob, startTestApi } from "./support.ts";

/**
 * Idempotency-Key on every bearer POST that creates or acts, generated from the OpenAPI document: every
 * operation that declares the header must have a recipe below (a new one without it fails the first test),
 * and each is sent twice with one key: the retry answers the first response with `Idempotent-Replayed`
 * and changes nothing in the database.
 */

const { app, deps } = await startTestApi();
await app.ready();
const document = app.swagger() as {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
};

/** "POST /v1/tasks/{taskId}/complete" for every operation that takes an Idempotency-Key. */
const idempotentOperations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([, op]) => op.parameters?.some((p) => p.in === "header" && p.name === "idempotency-key"))
    .map(([method]) => `${method.toUpperCase()} ${path}`),
);

interface Call {
  url: string;
  user: TestUser;
  /** A JSON body, or a function making a multipart body (a new boundary on every retry). */
  payload?: unknown;
  multipart?: () => { payload: Buffer; headers: Record<string, string> };
}

const household = (): Promise<Household> => createHousehold(deps);
const today = new Date().toISOString().slice(0, 10);

async function post(user: TestUser, url: string, payload?: unknown) {
  const res = await app.inject({
    method: "POST",
    url,
    headers: user.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function newTask(h: Household, body: Record<string, unknown> = {}) {
  return post(h.member, `/v1/residences/${h.residence.id}/tasks`, {
    title: "Clean the gutters",
    dueOn: today,
    recurrence: { kind: "fixed", interval: 1, unit: "month" },
    ...body,
  });
}

/** The data the newest email of `template` whose job names `key` = `value` would mail (token minted now). */
async function mintedEmail(template: string, key: string, value: string) {
  return (await loadEmailJob(deps, await lastEmailJob(deps.db, template, key, value))).data;
}

/** A task of a new household with a hand-off link through which a contractor marked the work done. */
async function proposedHandoff() {
  const h = await household();
  const task = await newTask(h);
  const link = await post(h.member, `/v1/tasks/${task.id}/handoff-links`, {});
  const sent = await app.inject({
    method: "POST",
    url: `/v1/handoff/${link.token}/submit`,
    payload: { contractorName: "Pat", amountCents: 1000 },
  });
  assert.equal(sent.statusCode, 200, sent.body);
  return { h, link };
}

/** A home offered by a new household's owner to a new, verified user. */
async function offeredHome() {
  const h = await household();
  const buyer = await createUser(deps);
  const offer = await post(h.owner, `/v1/residences/${h.residence.id}/handovers`, { email: buyer.email });
  return { buyer, offer };
}

/** How to call each idempotent operation once, on fresh data of its own. */
const recipes: Record<string, () => Promise<Call>> = {
  "POST /v1/handoff-links/{handoffLinkId}/accept": async () => {
    const { h, link } = await proposedHandoff();
    return { url: `/v1/handoff-links/${link.id}/accept`, user: h.member, payload: {} };
  },
  "POST /v1/handoff-links/{handoffLinkId}/reject": async () => {
    const { h, link } = await proposedHandoff();
    return { url: `/v1/handoff-links/${link.id}/reject`, user: h.member, payload: { reason: "no" } };
  },
  "POST /v1/residences/{residenceId}/handovers": async () => {
    const h = await household();
    return {
      url: `/v1/residences/${h.residence.id}/handovers`,
      user: h.owner,
      payload: { email: `${randomUUID()}@example.com`, keep: ["log"] },
    };
  },
  "POST /v1/handovers/{handoverId}/accept": async () => {
    const { buyer, offer } = await offeredHome();
    return { url: `/v1/handovers/${offer.id}/accept`, user: buyer };
  },
  "POST /v1/handovers/{handoverId}/decline": async () => {
    const { buyer, offer } = await offeredHome();
    return { url: `/v1/handovers/${offer.id}/decline`, user: buyer };
  },
  "POST /v1/residences": async () => ({
    url: "/v1/residences",
    user: await createUser(deps),
    payload: { name: "Lake house" },
  }),
  "POST /v1/residences/{residenceId}/invites": async () => {
    const h = await household();
    return {
      url: `/v1/residences/${h.residence.id}/invites`,
      user: h.owner,
      payload: { email: `${randomUUID()}@example.com`, role: "member" },
    };
  },
  "POST /v1/invites/{token}/accept": async () => {
    const h = await household();
    const email = `${randomUUID()}@example.com`;
    const invite = await post(h.owner, `/v1/residences/${h.residence.id}/invites`, { email });
    const { token } = await mintedEmail("invite", "inviteId", invite.id);
    return { url: `/v1/invites/${token}/accept`, user: await createUser(deps, { email }) };
  },
  "POST /v1/residences/{residenceId}/share-code": async () => {
    const h = await household();
    return { url: `/v1/residences/${h.residence.id}/share-code`, user: h.owner, payload: { role: "viewer" } };
  },
  "POST /v1/share-codes/{code}/join": async () => {
    const h = await household();
    const { code } = await post(h.owner, `/v1/residences/${h.residence.id}/share-code`, {});
    return { url: `/v1/share-codes/${code}/join`, user: await createUser(deps) };
  },
  "POST /v1/residences/{residenceId}/tasks": async () => {
    const h = await household();
    return {
      url: `/v1/residences/${h.residence.id}/tasks`,
      user: h.member,
      payload: { title: "Bleed the radiators", dueOn: today },
    };
  },
  "POST /v1/tasks/{taskId}/complete": async () => {
    const h = await household();
    const task = await newTask(h);
    return { url: `/v1/tasks/${task.id}/complete`, user: h.member, payload: { dueOn: task.dueOn } };
  },
  "POST /v1/tasks/{taskId}/skip": async () => {
    const h = await household();
    const task = await newTask(h);
    return { url: `/v1/tasks/${task.id}/skip`, user: h.member, payload: { dueOn: task.dueOn } };
  },
  "POST /v1/tasks/{taskId}/snooze": async () => {
    const h = await household();
    const task = await newTask(h);
    return { url: `/v1/tasks/${task.id}/snooze`, user: h.member, payload: { until: "2099-01-01" } };
  },
  "POST /v1/residences/{residenceId}/tasks/from-templates": async () => {
    const h = await household();
    const templates = await app.inject({ method: "GET", url: "/v1/task-templates", headers: h.member.auth });
    const [first] = templates.json().items as { id: string }[];
    return {
      url: `/v1/residences/${h.residence.id}/tasks/from-templates`,
      user: h.member,
      payload: { templateIds: [first!.id] },
    };
  },
  "POST /v1/residences/{residenceId}/appliances": async () => {
    const h = await household();
    return {
      url: `/v1/residences/${h.residence.id}/appliances`,
      user: h.member,
      payload: { name: "Furnace" },
    };
  },
  "POST /v1/residences/{residenceId}/meters": async () => {
    const h = await household();
    return {
      url: `/v1/residences/${h.residence.id}/meters`,
      user: h.member,
      payload: { name: "Furnace hours", unit: "hours" },
    };
  },
  "POST /v1/meters/{meterId}/readings": async () => {
    const h = await household();
    const meter = await post(h.member, `/v1/residences/${h.residence.id}/meters`, {
      name: "Car",
      unit: "miles",
    });
    return { url: `/v1/meters/${meter.id}/readings`, user: h.member, payload: { value: 1200 } };
  },
  "POST /v1/appliances/{applianceId}/tasks/from-templates": async () => {
    const h = await household();
    const a = await post(h.member, `/v1/residences/${h.residence.id}/appliances`, {
      name: "F",
      kind: "furnace",
    });
    const offered = await app.inject({
      method: "GET",
      url: `/v1/appliances/${a.id}/suggested-tasks`,
      headers: h.member.auth,
    });
    const [first] = offered.json().items as { templateId: string }[];
    return {
      url: `/v1/appliances/${a.id}/tasks/from-templates`,
      user: h.member,
      payload: { templateIds: [first!.templateId] },
    };
  },
  "POST /v1/residences/{residenceId}/contractors": async () => {
    const h = await household();
    return {
      url: `/v1/residences/${h.residence.id}/contractors`,
      user: h.member,
      payload: { name: "Pat Plumber" },
    };
  },
  "POST /v1/residences/{residenceId}/documents": async () => {
    const h = await household();
    return {
      url: `/v1/residences/${h.residence.id}/documents`,
      user: h.member,
      payload: { title: "Boiler warranty", kind: "warranty" },
    };
  },
  "POST /v1/devices": async () => ({
    url: "/v1/devices",
    user: await createUser(deps),
    payload: { platform: "ios", token: `apns-${randomUUID()}` },
  }),
  "POST /v1/notifications/read": async () => {
    const user = await createUser(deps);
    await notify(deps.db, { userId: user.id, kind: "invite.accepted", title: "Hello" });
    return { url: "/v1/notifications/read", user, payload: { all: true } };
  },
  "POST /v1/auth/verify-email": async () => {
    const user = await createUser(deps, { verified: false });
    await post(user, "/v1/auth/resend-verification");
    const { code } = await mintedEmail("verify-email", "userId", user.id);
    return { url: "/v1/auth/verify-email", user, payload: { code } };
  },
  "POST /v1/auth/resend-verification": async () => ({
    url: "/v1/auth/resend-verification",
    user: await createUser(deps, { verified: false }),
  }),
  "POST /v1/uploads": async () => {
    const h = await household();
    const data = await png(20, 20);
    return {
      url: "/v1/uploads",
      user: h.member,
      multipart: () =>
        multipart(
          { purpose: "document", residenceId: h.residence.id },
          { filename: "receipt.png", contentType: "image/png", data },
        ),
    };
  },
  "POST /v1/uploads/presign": async () => {
    const h = await household();
    return {
      url: "/v1/uploads/presign",
      user: h.member,
      payload: { purpose: "document", contentType: "image/png", size: 100, residenceId: h.residence.id },
    };
  },
  "POST /v1/uploads/{uploadId}/complete": async () => {
    const h = await household();
    const data = await png(24, 24);
    const start = await post(h.member, "/v1/uploads/presign", {
      purpose: "document",
      contentType: "image/png",
      size: data.length,
      residenceId: h.residence.id,
    });
    const target = new URL(start.url);
    const put = await app.inject({
      method: "PUT",
      url: target.pathname + target.search,
      headers: start.headers,
      payload: data,
    });
    assert.equal(put.statusCode, 200, put.body);
    return { url: `/v1/uploads/${start.uploadId}/complete`, user: h.member };
  },
};

/** Every row of every table (but sessions, whose last use moves, and the keys themselves), as one digest. */
async function databaseDigest(): Promise<string> {
  const tables = (
    await queryRows<{ table_name: string }>(
      deps.db,
      sql`SELECT table_name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
            AND table_name NOT IN ('sessions', 'idempotency_keys', 'schema_migrations')
          ORDER BY table_name`,
    )
  ).map((r) => r.table_name);
  const parts: string[] = [];
  for (const table of tables) {
    const [digest] = await queryRows<{ d: string }>(
      deps.db,
      sql`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS d FROM ${sql.identifier(table)} t`,
    );
    parts.push(`${table}:${digest!.d}`);
  }
  return parts.join("\n");
}

function send(call: Call, key: string) {
  const body = call.multipart?.();
  return app.inject({
    method: "POST",
    url: call.url,
    headers: { ...call.user.auth, ...body?.headers, "idempotency-key": key },
    ...(body
      ? { payload: body.payload }
      : call.payload === undefined
        ? {}
        : { payload: call.payload as object }),
  });
}

test("every bearer POST that creates or acts declares Idempotency-Key, and each has a recipe here", () => {
  assert.ok(idempotentOperations.length >= 15, idempotentOperations.join("\n"));
  assert.deepEqual([...idempotentOperations].sort(), Object.keys(recipes).sort());
  for (const op of ["POST /v1/me/password", "POST /v1/auth/login"])
    assert.ok(!idempotentOperations.includes(op));
});

for (const operation of Object.keys(recipes)) {
  test(`${operation}: a retry with the same key returns the first response and changes nothing`, async () => {
    const call = await recipes[operation]!();
    const key = randomUUID();
    const first = await send(call, `"${key}"`);
    assert.ok(first.statusCode >= 200 && first.statusCode < 300, `${first.statusCode} ${first.body}`);
    assert.equal(first.headers["idempotent-replayed"], undefined);
    const after = await databaseDigest();
    const retry = await send(call, key);
    assert.equal(retry.statusCode, first.statusCode, retry.body);
    assert.equal(retry.headers["idempotent-replayed"], "true");
    assert.equal(retry.body, first.body);
    assert.equal(await databaseDigest(), after, "the retry changed the database");
    // The same key for another request is refused.
    const other = await app.inject({
      method: "POST",
      url: "/v1/residences",
      headers: { ...call.user.auth, "idempotency-key": key },
      payload: { name: "Another request" },
    });
    assertProblem(other, 422);
  });
}

test("concurrent duplicates make one effect: the other waits its turn (409) or gets the replay", async () => {
  const h = await household();
  const key = randomUUID();
  const url = `/v1/residences/${h.residence.id}/tasks`;
  const results = await Promise.all(
    Array.from({ length: 6 }, () =>
      app.inject({
        method: "POST",
        url,
        headers: { ...h.member.auth, "idempotency-key": key },
        payload: { title: "Only once" },
      }),
    ),
  );
  const statuses = results.map((r) => r.statusCode).sort();
  assert.ok(
    statuses.every((s) => s === 201 || s === 409),
    statuses.join(),
  );
  const created = new Set(results.filter((r) => r.statusCode === 201).map((r) => r.json().id));
  assert.equal(created.size, 1);
  for (const r of results.filter((r) => r.statusCode === 409)) assertProblem(r, 409);
  const list = await app.inject({ method: "GET", url, headers: h.member.auth });
  assert.equal(list.json().items.filter((t: { title: string }) => t.title === "Only once").length, 1);
});

test("keys are the caller's own, a failed request stores nothing, and a key is checked", async () => {
  const h = await household();
  const key = randomUUID();
  const url = `/v1/residences/${h.residence.id}/contractors`;
  const mine = await send({ url, user: h.member, payload: { name: "Ann" } }, key);
  const theirs = await send({ url, user: h.owner, payload: { name: "Ann" } }, key);
  assert.equal(mine.statusCode, 201);
  assert.equal(theirs.statusCode, 201);
  assert.notEqual(mine.json().id, theirs.json().id);
  assert.equal(theirs.headers["idempotent-replayed"], undefined);

  // A viewer's 403 is not kept: after being made a member, the same key creates.
  const viewerKey = randomUUID();
  const refused = await send({ url, user: h.viewer, payload: { name: "Bo" } }, viewerKey);
  assertProblem(refused, 403);
  await app.inject({
    method: "PATCH",
    url: `/v1/residences/${h.residence.id}/members/${h.viewer.id}`,
    headers: h.owner.auth,
    payload: { role: "member" },
  });
  const allowed = await send({ url, user: h.viewer, payload: { name: "Bo" } }, viewerKey);
  assert.equal(allowed.statusCode, 201, allowed.body);
  assert.equal(allowed.headers["idempotent-replayed"], undefined);

  assertProblem(await send({ url, user: h.member, payload: { name: "C" } }, "x".repeat(256)), 400);
});
