import assert from "node:assert/strict";
import { test } from "node:test";
import { activity, contractors, documents, tasks } from "@honeydue/db";
import { addDays, todayIn } from "@honeydue/domain";
import { eq } from "drizzle-orm";
import { createHousehold } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();
const home = await createHousehold(deps, { name: "Oak House", timezone: "Pacific/Auckland" });
const other = await createHousehold(deps, { name: "Elsewhere" });

const [homeTask] = await deps.db
  .insert(tasks)
  .values({ residenceId: home.residence.id, title: "Service the furnace", category: "hvac" })
  .returning();
const [homeContractor] = await deps.db
  .insert(contractors)
  .values({ residenceId: home.residence.id, name: "Furnace Fixers" })
  .returning();
const [otherTask] = await deps.db
  .insert(tasks)
  .values({ residenceId: other.residence.id, title: "Their task" })
  .returning();
const [otherContractor] = await deps.db
  .insert(contractors)
  .values({ residenceId: other.residence.id, name: "Their contractor" })
  .returning();

async function post(body: unknown, as = home.member, residenceId = home.residence.id) {
  return app.inject({
    method: "POST",
    url: `/v1/residences/${residenceId}/documents`,
    headers: as.auth,
    payload: body as object,
  });
}

test("a member adds a warranty linked to a task and a contractor of the residence", async () => {
  const res = await post({
    title: " Furnace warranty ",
    kind: "warranty",
    purchaseOn: "2024-02-29",
    expiresOn: "2034-02-28",
    amountCents: 129_900,
    notes: "Parts and labour",
    taskId: homeTask!.id,
    contractorId: homeContractor!.id,
  });
  assert.equal(res.statusCode, 201, res.body);
  const d = res.json();
  assert.equal(d.title, "Furnace warranty");
  assert.equal(d.kind, "warranty");
  assert.equal(d.purchaseOn, "2024-02-29");
  assert.equal(d.expiresOn, "2034-02-28");
  assert.equal(d.amountCents, 129_900);
  assert.equal(d.fileId, null);
  assert.deepEqual(d.task, { id: homeTask!.id, title: "Service the furnace" });
  assert.deepEqual(d.contractor, { id: homeContractor!.id, name: "Furnace Fixers" });
  const got = await app.inject({ method: "GET", url: `/v1/documents/${d.id}`, headers: home.viewer.auth });
  assert.equal(got.statusCode, 200);
  assert.deepEqual(got.json(), d);
  const entries = await deps.db.select().from(activity).where(eq(activity.subjectId, d.id));
  assert.deepEqual(
    entries.map((e) => [e.action, e.actorId]),
    [["document.created", home.member.id]],
  );
  // defaults
  const minimal = await post({ title: "Something" });
  assert.equal(minimal.statusCode, 201, minimal.body);
  assert.equal(minimal.json().kind, "other");
  assert.equal(minimal.json().task, null);
});

test("bad document input is a 400 problem naming the field", async () => {
  const cases: [unknown, string][] = [
    [{}, "body.title"],
    [{ title: "  " }, "body.title"],
    [{ title: "X", kind: "photo" }, "body.kind"],
    [{ title: "X", purchaseOn: "2024-02-30" }, "body.purchaseOn"],
    [{ title: "X", expiresOn: "31/12/2030" }, "body.expiresOn"],
    [{ title: "X", purchaseOn: "2025-06-01", expiresOn: "2025-05-31" }, "body.expiresOn"],
    [{ title: "X", amountCents: -1 }, "body.amountCents"],
    [{ title: "X", amountCents: 1.5 }, "body.amountCents"],
    [{ title: "X", taskId: "nope" }, "body.taskId"],
    [{ title: "X", taskId: otherTask!.id }, "body.taskId"],
    [{ title: "X", contractorId: otherContractor!.id }, "body.contractorId"],
    [{ title: "X", contractorId: "00000000-0000-4000-8000-000000000000" }, "body.contractorId"],
    [{ title: "X", fileId: "00000000-0000-4000-8000-000000000000" }, "body.fileId"],
  ];
  for (const [body, field] of cases) assertProblem(await post(body), 400, field);
});

test("viewers read but cannot write; another household gets 404 for everything", async () => {
  const d = (await post({ title: "Home insurance", kind: "insurance" })).json();
  assertProblem(await post({ title: "Nope" }, home.viewer), 403);
  assertProblem(
    await app.inject({
      method: "PATCH",
      url: `/v1/documents/${d.id}`,
      headers: home.viewer.auth,
      payload: { title: "Changed" },
    }),
    403,
  );
  assertProblem(
    await app.inject({ method: "DELETE", url: `/v1/documents/${d.id}`, headers: home.viewer.auth }),
    403,
  );
  for (const as of [other.owner, other.viewer]) {
    for (const [method, payload] of [
      ["GET", undefined],
      ["PATCH", { title: "Mine now" }],
      ["DELETE", undefined],
    ] as const) {
      const res = await app.inject({ method, url: `/v1/documents/${d.id}`, headers: as.auth, payload });
      assertProblem(res, 404);
      assert.equal(res.json().detail, "Document not found");
    }
    assertProblem(
      await app.inject({
        method: "GET",
        url: `/v1/residences/${home.residence.id}/documents`,
        headers: as.auth,
      }),
      404,
    );
  }
  assertProblem(await post({ title: "Intruder" }, other.owner), 404);
  // the owner of another household cannot link its own document to our task
  assertProblem(
    await post({ title: "X", taskId: homeTask!.id }, other.owner, other.residence.id),
    400,
    "body.taskId",
  );
  const still = await app.inject({ method: "GET", url: `/v1/documents/${d.id}`, headers: home.owner.auth });
  assert.equal(still.json().title, "Home insurance");
});

test("the list filters by kind, text and expiry within N days (residence's today), and pages", async () => {
  const h = await createHousehold(deps, { name: "Docs House", timezone: "America/Los_Angeles" });
  const today = todayIn("America/Los_Angeles");
  const make = async (body: object) => {
    const res = await post(body, h.owner, h.residence.id);
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  };
  await make({ title: "Dishwasher manual", kind: "manual" });
  await make({ title: "Roof warranty", kind: "warranty", expiresOn: addDays(today, 20) });
  await make({ title: "Fridge warranty", kind: "warranty", expiresOn: addDays(today, 5) });
  await make({ title: "Expired warranty", kind: "warranty", expiresOn: addDays(today, -1) });
  await make({ title: "Today warranty", kind: "warranty", expiresOn: today });
  await make({ title: "Permit 2019", kind: "permit", notes: "Deck permit, 50% paid" });
  const list = async (query: string) => {
    const res = await app.inject({
      method: "GET",
      url: `/v1/residences/${h.residence.id}/documents?${query}`,
      headers: h.viewer.auth,
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { items: { title: string }[]; nextCursor: string | null };
  };
  const titles = (p: { items: { title: string }[] }) => p.items.map((d) => d.title);
  assert.deepEqual(titles(await list("kind=permit")), ["Permit 2019"]);
  assert.deepEqual(titles(await list("q=deck")), ["Permit 2019"]);
  assert.deepEqual(titles(await list("q=50%25")), ["Permit 2019"]);
  assert.deepEqual(titles(await list("expiringWithinDays=30")), [
    "Today warranty",
    "Fridge warranty",
    "Roof warranty",
  ]);
  assert.deepEqual(titles(await list("expiringWithinDays=7&kind=warranty")), [
    "Today warranty",
    "Fridge warranty",
  ]);
  assert.deepEqual(titles(await list("expiringWithinDays=0")), ["Today warranty"]);
  // newest first, paged 4 + 2
  const first = await list("limit=4");
  assert.deepEqual(titles(first), ["Permit 2019", "Today warranty", "Expired warranty", "Fridge warranty"]);
  assert.ok(first.nextCursor);
  const second = await list(`limit=4&cursor=${first.nextCursor}`);
  assert.deepEqual(titles(second), ["Roof warranty", "Dishwasher manual"]);
  assert.equal(second.nextCursor, null);
  // expiry paging
  const e1 = await list("expiringWithinDays=30&limit=2");
  assert.deepEqual(titles(e1), ["Today warranty", "Fridge warranty"]);
  const e2 = await list(`expiringWithinDays=30&limit=2&cursor=${e1.nextCursor}`);
  assert.deepEqual(titles(e2), ["Roof warranty"]);
  // a cursor of one ordering does not fit the other; garbage cursors and bad filters are 400s
  const forged = Buffer.from(JSON.stringify({ m: "c", k: "2024-13-45T00:00:00.000000Z", i: "x" })).toString(
    "base64url",
  );
  for (const q of [
    `cursor=${e1.nextCursor}`,
    "cursor=abc",
    `cursor=${forged}`,
    "kind=photo",
    "expiringWithinDays=-1",
    "limit=500",
  ]) {
    const res = await app.inject({
      method: "GET",
      url: `/v1/residences/${h.residence.id}/documents?${q}`,
      headers: h.viewer.auth,
    });
    assertProblem(res, 400);
  }
});

test("PATCH validates the merged dates and links, clears with null; DELETE removes and records", async () => {
  const d = (
    await post({ title: "Receipt", kind: "receipt", purchaseOn: "2025-01-10", expiresOn: "2026-01-10" })
  ).json();
  const patch = (payload: object, as = home.member) =>
    app.inject({ method: "PATCH", url: `/v1/documents/${d.id}`, headers: as.auth, payload });
  assertProblem(await patch({ expiresOn: "2025-01-09" }), 400, "body.expiresOn");
  assertProblem(await patch({ purchaseOn: "2026-02-01" }), 400, "body.expiresOn");
  assertProblem(await patch({ taskId: otherTask!.id }), 400, "body.taskId");
  assertProblem(await patch({ fileId: "00000000-0000-4000-8000-000000000000" }), 400, "body.fileId");
  const ok = await patch({
    kind: "invoice",
    expiresOn: null,
    purchaseOn: "2026-02-01",
    taskId: homeTask!.id,
    amountCents: 0,
  });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().kind, "invoice");
  assert.equal(ok.json().expiresOn, null);
  assert.equal(ok.json().purchaseOn, "2026-02-01");
  assert.equal(ok.json().amountCents, 0);
  assert.equal(ok.json().task.id, homeTask!.id);
  const unlink = await patch({ taskId: null });
  assert.equal(unlink.json().task, null);
  assert.equal(unlink.json().title, "Receipt");

  const del = await app.inject({ method: "DELETE", url: `/v1/documents/${d.id}`, headers: home.owner.auth });
  assert.equal(del.statusCode, 204);
  assert.equal((await deps.db.select().from(documents).where(eq(documents.id, d.id))).length, 0);
  assertProblem(
    await app.inject({ method: "GET", url: `/v1/documents/${d.id}`, headers: home.owner.auth }),
    404,
  );
  const actions = (await deps.db.select().from(activity).where(eq(activity.subjectId, d.id))).map(
    (a) => a.action,
  );
  assert.deepEqual(actions.sort(), [
    "document.created",
    "document.deleted",
    "document.updated",
    "document.updated",
  ]);
});
