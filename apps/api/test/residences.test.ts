import assert from "node:assert/strict";
import { test } from "node:test";
import { tasks } from "@honeydue/db";
import { addMember, createHousehold, createResidence, createUser } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();

// Users are reused across tests: each test makes its own residences.
const alice = await createUser(deps, { name: "Alice Auckland", timezone: "Pacific/Auckland" });
const bob = await createUser(deps, { name: "Bob Builder", timezone: "America/Los_Angeles" });
const stranger = await createUser(deps, { name: "Sam Stranger" });

async function create(auth: { authorization: string }, body: Record<string, unknown>) {
  return app.inject({ method: "POST", url: "/v1/residences", headers: auth, payload: body });
}

async function activityOf(auth: { authorization: string }, residenceId: string) {
  const res = await app.inject({
    method: "GET",
    url: `/v1/residences/${residenceId}/activity`,
    headers: auth,
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().items as {
    action: string;
    data: Record<string, unknown>;
    actor: { name: string } | null;
  }[];
}

test("creating a residence makes me its owner, in my time zone by default", async () => {
  const res = await create(alice.auth, { name: "Beach house" });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json();
  assert.equal(body.name, "Beach house");
  assert.equal(body.role, "owner");
  assert.equal(body.timezone, "Pacific/Auckland");
  assert.equal(body.propertyType, "house");
  assert.equal(body.floorAreaUnit, "sqft");
  assert.equal(body.currency, "USD");
  assert.equal(body.memberCount, 1);
  assert.equal(body.addressLine1, null);
  const feed = await activityOf(alice.auth, body.id);
  assert.deepEqual(
    feed.map((a) => [a.action, a.actor?.name, a.data.name]),
    [["residence.created", "Alice Auckland", "Beach house"]],
  );
});

test("every field of a residence round-trips; an explicit time zone wins", async () => {
  const input = {
    name: "Maple Street",
    addressLine1: "12 Maple Street",
    addressLine2: "Unit 4",
    city: "Portland",
    region: "OR",
    postalCode: "97201",
    country: "US",
    propertyType: "townhouse",
    yearBuilt: 1987,
    floorArea: 1850.5,
    floorAreaUnit: "sqft",
    timezone: "America/Los_Angeles",
    currency: "USD",
  };
  const res = await create(alice.auth, input);
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json();
  for (const [key, value] of Object.entries(input)) assert.deepEqual(body[key], value, key);
  const again = await app.inject({ method: "GET", url: `/v1/residences/${body.id}`, headers: alice.auth });
  assert.equal(again.statusCode, 200);
  assert.deepEqual(again.json(), body);
});

test("bad residence input is a 400 problem naming the field", async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ name: "X", timezone: "Mars/Olympus_Mons" }, "body.timezone"],
    [{ name: "X", timezone: "+05:00" }, "body.timezone"],
    [{ name: "X", propertyType: "castle" }, "body.propertyType"],
    [{ name: "X", yearBuilt: 3000 }, "body.yearBuilt"],
    [{ name: "X", floorArea: -5 }, "body.floorArea"],
    [{ name: "X", country: "usa" }, "body.country"],
    [{ name: "" }, "body.name"],
    [{}, "body.name"],
  ];
  for (const [body, field] of cases) {
    const res = await create(alice.auth, body);
    assert.equal(res.statusCode, 400, JSON.stringify(body));
    assert.match(res.headers["content-type"] as string, /^application\/problem\+json/);
    const fields = (res.json().errors as { field: string }[]).map((e) => e.field);
    assert.ok(fields.includes(field), `${JSON.stringify(body)} → ${fields.join(", ")}`);
  }
});

test("ids, creator and role cannot be set through the body: each is refused by name", async () => {
  const res = await create(bob.auth, {
    name: "Sneaky",
    id: "00000000-0000-4000-8000-000000000001",
    createdBy: stranger.id,
    role: "viewer",
    memberCount: 99,
  });
  for (const field of ["body.id", "body.createdBy", "body.role", "body.memberCount"])
    assertProblem(res, 400, field);
  const mine = await app.inject({ method: "GET", url: "/v1/residences", headers: bob.auth });
  assert.ok(!mine.body.includes("Sneaky"), "nothing was created");
});

test("I list exactly the residences I belong to, with my role in each", async () => {
  const carol = await createUser(deps);
  const own = await createResidence(deps, carol.id, { name: "Carol's" });
  const other = await createResidence(deps, bob.id, { name: "Bob's cabin" });
  await addMember(deps, other.id, carol.id, "viewer");
  await createResidence(deps, bob.id, { name: "Not Carol's" });
  const res = await app.inject({ method: "GET", url: "/v1/residences", headers: carol.auth });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(
    res
      .json()
      .items.map((r: { id: string; role: string; memberCount: number }) => [r.id, r.role, r.memberCount]),
    [
      [own.id, "owner", 1],
      [other.id, "viewer", 2],
    ],
  );
});

test("another household's residence is a 404; no token is a 401", async () => {
  const h = await createHousehold(deps);
  for (const method of ["GET", "PATCH", "DELETE"] as const) {
    const res = await app.inject({
      method,
      url: `/v1/residences/${h.residence.id}`,
      headers: stranger.auth,
      ...(method === "PATCH" ? { payload: { name: "Mine now" } } : {}),
    });
    assert.equal(res.statusCode, 404, `${method}: ${res.body}`);
  }
  const anon = await app.inject({ method: "GET", url: `/v1/residences/${h.residence.id}` });
  assert.equal(anon.statusCode, 401);
  const malformed = await app.inject({
    method: "GET",
    url: "/v1/residences/not-a-uuid",
    headers: stranger.auth,
  });
  assert.equal(malformed.statusCode, 400);
});

test("owners change a residence's details; members and viewers get 403", async () => {
  const h = await createHousehold(deps);
  const url = `/v1/residences/${h.residence.id}`;
  for (const user of [h.member, h.viewer]) {
    const res = await app.inject({ method: "PATCH", url, headers: user.auth, payload: { name: "Nope" } });
    assert.equal(res.statusCode, 403, res.body);
  }
  const res = await app.inject({
    method: "PATCH",
    url,
    headers: h.owner.auth,
    payload: {
      name: "Renamed",
      timezone: "Europe/Paris",
      floorArea: 120,
      floorAreaUnit: "sqm",
      city: "Paris",
    },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().name, "Renamed");
  assert.equal(res.json().timezone, "Europe/Paris");
  assert.equal(res.json().floorArea, 120);
  assert.equal(res.json().city, "Paris");
  // null clears an optional field; an unchanged value records no activity
  const cleared = await app.inject({ method: "PATCH", url, headers: h.owner.auth, payload: { city: null } });
  assert.equal(cleared.json().city, null);
  const same = await app.inject({
    method: "PATCH",
    url,
    headers: h.owner.auth,
    payload: { name: "Renamed" },
  });
  assert.equal(same.statusCode, 200);
  const badTz = await app.inject({
    method: "PATCH",
    url,
    headers: h.owner.auth,
    payload: { timezone: "Nowhere" },
  });
  assert.equal(badTz.statusCode, 400);
  const feed = await activityOf(h.member.auth, h.residence.id);
  assert.deepEqual(
    feed.filter((a) => a.action === "residence.updated").map((a) => a.data.fields),
    [["city"], ["name", "city", "floorArea", "floorAreaUnit", "timezone"]],
  );
});

test("only an owner deletes a residence, and everything in it goes", async () => {
  const h = await createHousehold(deps);
  const url = `/v1/residences/${h.residence.id}`;
  await deps.db.insert(tasks).values({ residenceId: h.residence.id, title: "Clean gutters" });
  for (const user of [h.member, h.viewer]) {
    const res = await app.inject({ method: "DELETE", url, headers: user.auth });
    assert.equal(res.statusCode, 403, res.body);
  }
  const res = await app.inject({ method: "DELETE", url, headers: h.owner.auth });
  assert.equal(res.statusCode, 204, res.body);
  for (const user of [h.owner, h.member]) {
    const gone = await app.inject({ method: "GET", url, headers: user.auth });
    assert.equal(gone.statusCode, 404);
  }
  const left = await deps.db.select().from(tasks);
  assert.equal(left.filter((t) => t.residenceId === h.residence.id).length, 0);
});

test("the activity feed pages with opaque cursors, newest first", async () => {
  const created = await create(bob.auth, { name: "Pages 0" });
  const id = created.json().id;
  for (let i = 1; i <= 4; i++) {
    const res = await app.inject({
      method: "PATCH",
      url: `/v1/residences/${id}`,
      headers: bob.auth,
      payload: { name: `Pages ${i}` },
    });
    assert.equal(res.statusCode, 200);
  }
  const names: unknown[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : "?limit=2";
    const res = await app.inject({
      method: "GET",
      url: `/v1/residences/${id}/activity${q}`,
      headers: bob.auth,
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.ok(body.items.length <= 2);
    names.push(...body.items.map((a: { data: { name: unknown } }) => a.data.name));
    cursor = body.nextCursor;
    pages++;
  } while (cursor);
  assert.equal(pages, 3);
  assert.deepEqual(names, ["Pages 4", "Pages 3", "Pages 2", "Pages 1", "Pages 0"]);
  const bad = await app.inject({
    method: "GET",
    url: `/v1/residences/${id}/activity?cursor=garbage`,
    headers: bob.auth,
  });
  assert.equal(bad.statusCode, 400);
  const foreign = await app.inject({
    method: "GET",
    url: `/v1/residences/${id}/activity`,
    headers: stranger.auth,
  });
  assert.equal(foreign.statusCode, 404);
});
