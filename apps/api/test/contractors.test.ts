import assert from "node:assert/strict";
import { test } from "node:test";
import { activity, completions, contractors, tasks } from "@honeydue/db";
import { and, eq } from "drizzle-orm";
import { createHousehold } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();
const home = await createHousehold(deps, { name: "Maple House" });
const other = await createHousehold(deps, { name: "Elsewhere" });

async function post(body: unknown, as = home.member, residenceId = home.residence.id) {
  return app.inject({
    method: "POST",
    url: `/v1/residences/${residenceId}/contractors`,
    headers: as.auth,
    payload: body as object,
  });
}

test("a member adds a contractor; fields are normalised and the activity is recorded", async () => {
  const res = await post({
    name: "  Pat the Plumber ",
    company: "Pipes & Co",
    trades: ["plumbing", "hvac"],
    phone: "+1 (555) 010-2000 x12",
    email: "pat@pipes.example",
    website: "pipes.example/contact",
    notes: "Fixed the boiler",
    rating: 5,
    favorite: true,
  });
  assert.equal(res.statusCode, 201, res.body);
  const c = res.json();
  assert.equal(c.name, "Pat the Plumber");
  assert.equal(c.website, "https://pipes.example/contact");
  assert.deepEqual(c.trades, ["plumbing", "hvac"]);
  assert.equal(c.residenceId, home.residence.id);
  assert.equal(c.favorite, true);
  assert.equal(c.rating, 5);
  const entries = await deps.db
    .select()
    .from(activity)
    .where(and(eq(activity.subjectId, c.id), eq(activity.action, "contractor.created")));
  assert.equal(entries.length, 1);
  assert.equal(entries[0]!.actorId, home.member.id);
  assert.equal(entries[0]!.residenceId, home.residence.id);
});

test("bad contractor input is a 400 problem naming the field", async () => {
  const cases: [unknown, string][] = [
    [{}, "body.name"],
    [{ name: "   " }, "body.name"],
    [{ name: "X", rating: 6 }, "body.rating"],
    [{ name: "X", rating: 0 }, "body.rating"],
    [{ name: "X", email: "not-an-email" }, "body.email"],
    [{ name: "X", website: "javascript:alert(1)" }, "body.website"],
    [{ name: "X", website: "ftp://files.example" }, "body.website"],
    [{ name: "X", website: "not a url" }, "body.website"],
    [{ name: "X", phone: "call me" }, "body.phone"],
    [{ name: "X", trades: ["plumber"] }, "body.trades.0"],
    [{ name: "X", trades: ["yard", "yard"] }, "body.trades"],
    [{ name: "X", favorite: "maybe" }, "body.favorite"],
  ];
  for (const [body, field] of cases) {
    const res = await post(body);
    assertProblem(res, 400);
    const fields = (res.json().errors ?? []).map((e: { field: string }) => e.field);
    assert.ok(fields.includes(field), `${JSON.stringify(body)} → ${res.body}`);
  }
});

test("fields a client must not set are refused, naming each, and nothing is created", async () => {
  const res = await post({
    name: "Sneaky",
    id: "00000000-0000-4000-8000-000000000000",
    residenceId: other.residence.id,
    createdAt: "2000-01-01T00:00:00Z",
  });
  for (const field of ["body.id", "body.residenceId", "body.createdAt"]) assertProblem(res, 400, field);
  const list = await app.inject({
    method: "GET",
    url: `/v1/residences/${other.residence.id}/contractors`,
    headers: other.owner.auth,
  });
  assert.ok(!list.body.includes("Sneaky"), "nothing was created in the other household");
  const mine = await app.inject({
    method: "GET",
    url: `/v1/residences/${home.residence.id}/contractors`,
    headers: home.owner.auth,
  });
  assert.ok(!mine.body.includes("Sneaky"), "nor in the caller's");
});

test("viewers read but cannot write; other households get 404", async () => {
  const created = (await post({ name: "Vic Electric", trades: ["electrical"] })).json();
  // viewer reads
  const list = await app.inject({
    method: "GET",
    url: `/v1/residences/${home.residence.id}/contractors`,
    headers: home.viewer.auth,
  });
  assert.equal(list.statusCode, 200);
  const one = await app.inject({
    method: "GET",
    url: `/v1/contractors/${created.id}`,
    headers: home.viewer.auth,
  });
  assert.equal(one.statusCode, 200);
  // viewer writes → 403
  assertProblem(await post({ name: "Nope" }, home.viewer), 403);
  assertProblem(
    await app.inject({
      method: "PATCH",
      url: `/v1/contractors/${created.id}`,
      headers: home.viewer.auth,
      payload: { rating: 1 },
    }),
    403,
  );
  assertProblem(
    await app.inject({ method: "DELETE", url: `/v1/contractors/${created.id}`, headers: home.viewer.auth }),
    403,
  );
  // another household: everything is 404, the same as a contractor that does not exist
  for (const as of [other.owner, other.member, other.viewer]) {
    for (const [method, payload] of [
      ["GET", undefined],
      ["PATCH", { rating: 1 }],
      ["DELETE", undefined],
    ] as const) {
      const res = await app.inject({
        method,
        url: `/v1/contractors/${created.id}`,
        headers: as.auth,
        payload,
      });
      assertProblem(res, 404);
      assert.equal(res.json().detail, "Contractor not found");
    }
  }
  assertProblem(
    await app.inject({
      method: "GET",
      url: `/v1/residences/${home.residence.id}/contractors`,
      headers: other.owner.auth,
    }),
    404,
  );
  assertProblem(await post({ name: "Intruder" }, other.owner), 404);
  const missing = await app.inject({
    method: "GET",
    url: "/v1/contractors/00000000-0000-4000-8000-000000000001",
    headers: home.owner.auth,
  });
  assertProblem(missing, 404);
  assert.equal(missing.json().detail, "Contractor not found");
  assertProblem(
    await app.inject({ method: "GET", url: "/v1/contractors/not-a-uuid", headers: home.owner.auth }),
    400,
  );
  assertProblem(await app.inject({ method: "GET", url: `/v1/contractors/${created.id}` }), 401);
  // unchanged
  const after = await app.inject({
    method: "GET",
    url: `/v1/contractors/${created.id}`,
    headers: home.owner.auth,
  });
  assert.equal(after.json().rating, null);
});

test("the list filters by trade, favourite and text, and pages with cursors", async () => {
  const h = await createHousehold(deps, { name: "Listing House" });
  const make = async (body: object) => {
    const res = await post(body, h.member, h.residence.id);
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  };
  await make({ name: "Alpha Roofing", trades: ["exterior"], favorite: true });
  await make({ name: "Bravo Plumbing", trades: ["plumbing"], notes: "100% reliable_ok" });
  await make({ name: "Charlie HVAC", trades: ["hvac", "plumbing"], company: "Cool Air Ltd" });
  await make({ name: "Delta Yards", trades: ["yard"], favorite: true, email: "delta@yards.example" });
  await make({ name: "Echo Electric", trades: ["electrical"] });
  const list = async (query: string) => {
    const res = await app.inject({
      method: "GET",
      url: `/v1/residences/${h.residence.id}/contractors?${query}`,
      headers: h.viewer.auth,
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { items: { name: string }[]; nextCursor: string | null };
  };
  const names = (page: { items: { name: string }[] }) => page.items.map((c) => c.name);
  assert.deepEqual(names(await list("trade=plumbing")), ["Bravo Plumbing", "Charlie HVAC"]);
  assert.deepEqual(names(await list("favorite=true")), ["Alpha Roofing", "Delta Yards"]);
  assert.deepEqual(names(await list("favorite=false&trade=hvac")), ["Charlie HVAC"]);
  assert.deepEqual(names(await list("q=cool%20air")), ["Charlie HVAC"]);
  assert.deepEqual(names(await list("q=yards.example")), ["Delta Yards"]);
  // LIKE wildcards are literal
  assert.deepEqual(names(await list("q=100%25")), ["Bravo Plumbing"]);
  assert.deepEqual(names(await list("q=%25")), ["Bravo Plumbing"]);
  assert.deepEqual(names(await list("q=_ok")), ["Bravo Plumbing"]);
  // paging: 5 contractors, 2 per page, every one exactly once, in name order
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await list(`limit=2${cursor ? `&cursor=${cursor}` : ""}`);
    seen.push(...names(page));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor && pages < 10);
  assert.equal(pages, 3);
  assert.deepEqual(seen, ["Alpha Roofing", "Bravo Plumbing", "Charlie HVAC", "Delta Yards", "Echo Electric"]);
  // bad query input
  for (const q of ["trade=plumber", "limit=0", "limit=101", "favorite=perhaps", "cursor=garbage"]) {
    const res = await app.inject({
      method: "GET",
      url: `/v1/residences/${h.residence.id}/contractors?${q}`,
      headers: h.viewer.auth,
    });
    assertProblem(res, 400);
  }
});

test("a contractor's page shows the jobs done for the residence and their total cost", async () => {
  const c = (await post({ name: "Jobs Galore", trades: ["yard"] })).json();
  const [task] = await deps.db
    .insert(tasks)
    .values({
      residenceId: home.residence.id,
      title: "Mow the lawn",
      category: "yard",
      createdBy: home.owner.id,
    })
    .returning();
  const [task2] = await deps.db
    .insert(tasks)
    .values({
      residenceId: home.residence.id,
      title: "Trim hedges",
      category: "yard",
      createdBy: home.owner.id,
    })
    .returning();
  const log = (taskId: string, completedOn: string, costCents: number | null, contractorId = c.id) =>
    deps.db.insert(completions).values({
      taskId,
      residenceId: home.residence.id,
      completedBy: home.member.id,
      completedOn,
      costCents,
      contractorId,
      previousTaskState: {},
    });
  await log(task!.id, "2026-05-01", 4500);
  await log(task!.id, "2026-06-01", 5500);
  await log(task2!.id, "2026-07-15", null);
  const otherContractor = (await post({ name: "Someone Else" })).json();
  await log(task!.id, "2026-08-01", 99_999, otherContractor.id);

  const res = await app.inject({ method: "GET", url: `/v1/contractors/${c.id}`, headers: home.viewer.auth });
  assert.equal(res.statusCode, 200, res.body);
  const detail = res.json();
  assert.equal(detail.jobCount, 3);
  assert.equal(detail.totalCostCents, 10_000);
  assert.deepEqual(
    detail.jobs.map((j: { taskTitle: string; completedOn: string; costCents: number | null }) => [
      j.taskTitle,
      j.completedOn,
      j.costCents,
    ]),
    [
      ["Trim hedges", "2026-07-15", null],
      ["Mow the lawn", "2026-06-01", 5500],
      ["Mow the lawn", "2026-05-01", 4500],
    ],
  );
  assert.equal(detail.jobs[0].taskId, task2!.id);

  const fresh = await app.inject({
    method: "GET",
    url: `/v1/contractors/${otherContractor.id}`,
    headers: home.viewer.auth,
  });
  assert.equal(fresh.json().jobCount, 1);
  assert.equal(fresh.json().totalCostCents, 99_999);
});

test("PATCH changes and clears fields; DELETE removes it and keeps the history without the link", async () => {
  const c = (
    await post({ name: "Patchy", phone: "555 0100", rating: 2, email: "p@p.example", trades: ["pest"] })
  ).json();
  const patched = await app.inject({
    method: "PATCH",
    url: `/v1/contractors/${c.id}`,
    headers: home.member.auth,
    payload: { rating: 4, phone: null, favorite: true, trades: [], website: "http://patchy.example" },
  });
  assert.equal(patched.statusCode, 200, patched.body);
  const p = patched.json();
  assert.equal(p.rating, 4);
  assert.equal(p.phone, null);
  assert.equal(p.favorite, true);
  assert.deepEqual(p.trades, []);
  assert.equal(p.website, "http://patchy.example/");
  assert.equal(p.email, "p@p.example");
  assert.equal(p.name, "Patchy");
  assert.equal(p.jobCount, 0);

  const bad = await app.inject({
    method: "PATCH",
    url: `/v1/contractors/${c.id}`,
    headers: home.member.auth,
    payload: { rating: 9, name: "" },
  });
  assertProblem(bad, 400);

  const [task] = await deps.db
    .insert(tasks)
    .values({ residenceId: home.residence.id, title: "Spray for ants", contractorId: c.id })
    .returning();
  await deps.db.insert(completions).values({
    taskId: task!.id,
    residenceId: home.residence.id,
    completedOn: "2026-03-03",
    contractorId: c.id,
    previousTaskState: {},
  });

  const del = await app.inject({
    method: "DELETE",
    url: `/v1/contractors/${c.id}`,
    headers: home.member.auth,
  });
  assert.equal(del.statusCode, 204, del.body);
  assertProblem(
    await app.inject({ method: "GET", url: `/v1/contractors/${c.id}`, headers: home.owner.auth }),
    404,
  );
  assertProblem(
    await app.inject({ method: "DELETE", url: `/v1/contractors/${c.id}`, headers: home.owner.auth }),
    404,
  );
  const [t] = await deps.db.select().from(tasks).where(eq(tasks.id, task!.id));
  assert.equal(t!.contractorId, null);
  const logs = await deps.db.select().from(completions).where(eq(completions.taskId, task!.id));
  assert.equal(logs.length, 1);
  assert.equal(logs[0]!.contractorId, null);
  assert.equal((await deps.db.select().from(contractors).where(eq(contractors.id, c.id))).length, 0);

  const actions = (
    await deps.db
      .select({ action: activity.action, data: activity.data })
      .from(activity)
      .where(eq(activity.subjectId, c.id))
  ).map((a) => a.action);
  assert.deepEqual(actions.sort(), ["contractor.created", "contractor.deleted", "contractor.updated"]);
});
