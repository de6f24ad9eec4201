import assert from "node:assert/strict";
import { test } from "node:test";
import { memberships, tasks } from "@honeydue/db";
import { and, eq } from "drizzle-orm";
import {
  addMember,
  createHousehold,
  createUser,
  type Household,
  rolesIn,
  type TestUser,
} from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();
const stranger = await createUser(deps, { name: "Sam Stranger" });

const memberUrl = (h: Household, userId: string) => `/v1/residences/${h.residence.id}/members/${userId}`;

async function setRole(h: Household, by: TestUser, userId: string, role: string) {
  return app.inject({ method: "PATCH", url: memberUrl(h, userId), headers: by.auth, payload: { role } });
}
async function remove(h: Household, by: TestUser, userId: string) {
  return app.inject({ method: "DELETE", url: memberUrl(h, userId), headers: by.auth });
}
async function actions(h: Household) {
  const res = await app.inject({
    method: "GET",
    url: `/v1/residences/${h.residence.id}/activity`,
    headers: h.owner.auth,
  });
  return res
    .json()
    .items.map((a: { action: string; actor: { name: string }; data: Record<string, unknown> }) => [
      a.action,
      a.actor.name,
      a.data.name,
    ]);
}

test("every member sees the members with name, email and role, owners first", async () => {
  const h = await createHousehold(deps);
  for (const user of [h.owner, h.member, h.viewer]) {
    const res = await app.inject({
      method: "GET",
      url: `/v1/residences/${h.residence.id}/members`,
      headers: user.auth,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      res
        .json()
        .items.map((m: { userId: string; name: string; email: string; role: string }) => [
          m.userId,
          m.name,
          m.email,
          m.role,
        ]),
      [
        [h.owner.id, "Olivia Owner", h.owner.email, "owner"],
        [h.member.id, "Mark Member", h.member.email, "member"],
        [h.viewer.id, "Vera Viewer", h.viewer.email, "viewer"],
      ],
    );
  }
  const foreign = await app.inject({
    method: "GET",
    url: `/v1/residences/${h.residence.id}/members`,
    headers: stranger.auth,
  });
  assert.equal(foreign.statusCode, 404);
});

test("owners change roles; members and viewers cannot", async () => {
  const h = await createHousehold(deps);
  assert.equal((await setRole(h, h.member, h.viewer.id, "member")).statusCode, 403);
  assert.equal((await setRole(h, h.viewer, h.viewer.id, "owner")).statusCode, 403);
  assert.equal((await setRole(h, stranger, h.viewer.id, "owner")).statusCode, 404);
  const res = await setRole(h, h.owner, h.viewer.id, "member");
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().role, "member");
  assert.equal(res.json().userId, h.viewer.id);
  assert.equal(res.json().avatarFileId, null);
  assert.equal((await setRole(h, h.owner, stranger.id, "member")).statusCode, 404);
  assert.equal((await setRole(h, h.owner, h.member.id, "admin")).statusCode, 400);
  assert.deepEqual(await rolesIn(deps, h.residence.id), {
    [h.owner.id]: "owner",
    [h.member.id]: "member",
    [h.viewer.id]: "member",
  });
  assert.deepEqual((await actions(h))[0], ["member.roleChanged", "Olivia Owner", "Vera Viewer"]);
});

test("the last owner cannot be demoted, removed or leave: 409 last-owner", async () => {
  const h = await createHousehold(deps);
  for (const res of [await setRole(h, h.owner, h.owner.id, "member"), await remove(h, h.owner, h.owner.id)]) {
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json().type, "https://docs.honeydue.app/problems/last-owner");
  }
  // With a second owner, the first may step down.
  assert.equal((await setRole(h, h.owner, h.member.id, "owner")).statusCode, 200);
  const down = await setRole(h, h.owner, h.owner.id, "viewer");
  assert.equal(down.statusCode, 200, down.body);
  // Now the former member is the only owner: removing them is refused too.
  const attempt = await remove(h, h.member, h.member.id);
  assert.equal(attempt.statusCode, 409);
  assert.deepEqual(await rolesIn(deps, h.residence.id), {
    [h.owner.id]: "viewer",
    [h.member.id]: "owner",
    [h.viewer.id]: "viewer",
  });
});

test("an owner removes a member; their tasks become unassigned", async () => {
  const h = await createHousehold(deps);
  const [task] = await deps.db
    .insert(tasks)
    .values({ residenceId: h.residence.id, title: "Mow the lawn", assigneeId: h.member.id })
    .returning();
  assert.equal((await remove(h, h.viewer, h.member.id)).statusCode, 403);
  assert.equal((await remove(h, h.member, h.viewer.id)).statusCode, 403);
  assert.equal((await remove(h, h.owner, stranger.id)).statusCode, 404);
  const res = await remove(h, h.owner, h.member.id);
  assert.equal(res.statusCode, 204, res.body);
  assert.deepEqual(Object.keys(await rolesIn(deps, h.residence.id)).sort(), [h.owner.id, h.viewer.id].sort());
  const [after] = await deps.db.select().from(tasks).where(eq(tasks.id, task!.id));
  assert.equal(after!.assigneeId, null);
  const gone = await app.inject({
    method: "GET",
    url: `/v1/residences/${h.residence.id}`,
    headers: h.member.auth,
  });
  assert.equal(gone.statusCode, 404);
  assert.deepEqual((await actions(h))[0], ["member.removed", "Olivia Owner", "Mark Member"]);
});

test("any member can leave; an owner can leave when another owner stays", async () => {
  const h = await createHousehold(deps);
  assert.equal((await remove(h, h.viewer, h.viewer.id)).statusCode, 204);
  assert.equal((await remove(h, h.member, h.member.id)).statusCode, 204);
  const second = await createUser(deps, { name: "Second Owner" });
  await addMember(deps, h.residence.id, second.id, "owner");
  assert.equal((await remove(h, h.owner, h.owner.id)).statusCode, 204);
  assert.deepEqual(await rolesIn(deps, h.residence.id), { [second.id]: "owner" });
  const feed = await app.inject({
    method: "GET",
    url: `/v1/residences/${h.residence.id}/activity`,
    headers: second.auth,
  });
  assert.deepEqual(
    feed.json().items.map((a: { action: string; data: { name: string } }) => [a.action, a.data.name]),
    [
      ["member.left", "Olivia Owner"],
      ["member.left", "Mark Member"],
      ["member.left", "Vera Viewer"],
    ],
  );
});

test("two owners stepping down at the same moment leave exactly one owner", async () => {
  // Run truly in parallel on PostgreSQL: the residence row lock serialises the owner count.
  // round 0: one demotes themself while the other leaves; 1: each demotes the other; 2: both leave.
  for (let round = 0; round < 3; round++) {
    const h = await createHousehold(deps);
    await addMember(deps, h.residence.id, h.member.id, "owner");
    const [a, b] = await Promise.all([
      round === 2
        ? remove(h, h.owner, h.owner.id)
        : setRole(h, h.owner, round === 1 ? h.member.id : h.owner.id, "member"),
      round === 1 ? setRole(h, h.member, h.owner.id, "viewer") : remove(h, h.member, h.member.id),
    ]);
    const statuses = [a.statusCode, b.statusCode].sort();
    const detail = `round ${round}: ${a.body} ${b.body}`;
    assert.ok([200, 204].includes(statuses[0]!), detail);
    // The loser finds no other owner left (409), or, when demoted by the winner, no longer an owner itself (403).
    assert.equal(statuses[1], round === 1 ? 403 : 409, detail);
    const owners = await deps.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.residenceId, h.residence.id), eq(memberships.role, "owner")));
    assert.equal(owners.length, 1, `round ${round}`);
  }
});
