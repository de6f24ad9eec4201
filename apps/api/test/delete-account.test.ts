import assert from "node:assert/strict";
import { test } from "node:test";
import {
  activity,
  completions,
  contractors,
  memberships,
  residences,
  sessions,
  tasks,
  users,
} from "@honeydue/db";
import { and, eq } from "drizzle-orm";
import { hashPassword } from "../src/accounts/passwords.ts";
import { addMember, createResidence, createUser, rolesIn, signIn, type TestUser } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const { app, deps, database } = await startTestApi({ LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR: "3" });

const PASSWORD = "correct horse battery staple 9";
const passwordHash = await hashPassword(PASSWORD);

async function userWithPassword(name: string): Promise<TestUser> {
  const user = await createUser(deps, { name });
  await deps.db.update(users).set({ passwordHash }).where(eq(users.id, user.id));
  return user;
}

function deleteMe(user: TestUser, payload: unknown = { password: PASSWORD }) {
  return app.inject({ method: "DELETE", url: "/v1/me", headers: user.auth, payload: payload as object });
}

/** Joins members one by one with distinct, increasing join times. */
async function join(
  residenceId: string,
  userId: string,
  role: "owner" | "member" | "viewer",
  minutesAgo: number,
) {
  await addMember(deps, residenceId, userId, role);
  await deps.db
    .update(memberships)
    .set({ createdAt: new Date(Date.now() - minutesAgo * 60_000) })
    .where(and(eq(memberships.residenceId, residenceId), eq(memberships.userId, userId)));
}

const exists = async (residenceId: string) =>
  (await deps.db.select({ id: residences.id }).from(residences).where(eq(residences.id, residenceId)))
    .length === 1;

test("a wrong or missing password deletes nothing; repeated wrong passwords are throttled", async () => {
  const user = await userWithPassword("Careful Carl");
  const home = await createResidence(deps, user.id);
  const wrong = await deleteMe(user, { password: "not my password" });
  assert.equal(wrong.statusCode, 403, wrong.body);
  assert.match(String(wrong.headers["content-type"]), /^application\/problem\+json/);
  assert.match(wrong.json().type, /wrong-password$/);
  for (const body of [{}, { password: "" }, { password: { x: 1 } }, { password: null }]) {
    const res = await deleteMe(user, body);
    assert.equal(res.statusCode, 400, res.body);
  }
  assert.ok(await exists(home.id));
  const still = await app.inject({ method: "GET", url: "/v1/me/export", headers: user.auth });
  assert.equal(still.statusCode, 200, "the session still works");

  // the limit is 3 failures per account and hour in this file
  assert.equal((await deleteMe(user, { password: "wrong 2" })).statusCode, 403);
  assert.equal((await deleteMe(user, { password: "wrong 3" })).statusCode, 403);
  const blocked = await deleteMe(user);
  assert.equal(blocked.statusCode, 429, "even the right password waits once the limit is reached");
  assert.ok(Number(blocked.headers["retry-after"]) > 0);
  assert.ok(await exists(home.id));
  const [row] = await deps.db.select({ id: users.id }).from(users).where(eq(users.id, user.id));
  assert.ok(row);
});

test("deleting an account applies the ownership rules to every residence, in one go", async () => {
  const me = await userWithPassword("Departing Dana");
  const otherDevice = await signIn(deps, me);
  const coOwner = await createUser(deps, { name: "Co Owner" });
  const earlyViewer = await createUser(deps, { name: "Early Viewer" });
  const firstMember = await createUser(deps, { name: "First Member" });
  const laterMember = await createUser(deps, { name: "Later Member" });
  const onlyViewer = await createUser(deps, { name: "Only Viewer" });
  const landlord = await createUser(deps, { name: "Landlord" });

  // 1. only me → deleted with everything in it
  const solo = await createResidence(deps, me.id, { name: "Solo" });
  const soloContractor = await app.inject({
    method: "POST",
    url: `/v1/residences/${solo.id}/contractors`,
    headers: me.auth,
    payload: { name: "Solo Sparky" },
  });
  assert.equal(soloContractor.statusCode, 201);
  const [soloTask] = await deps.db
    .insert(tasks)
    .values({ residenceId: solo.id, title: "Solo task" })
    .returning();
  // 2. another owner → survives, my membership goes
  const shared = await createResidence(deps, me.id, { name: "Shared" });
  await join(shared.id, coOwner.id, "owner", 5);
  // 3. only owner, others remain → the longest-standing *member* becomes owner (before an earlier viewer)
  const heir = await createResidence(deps, me.id, { name: "Heir" });
  await join(heir.id, earlyViewer.id, "viewer", 60);
  await join(heir.id, firstMember.id, "member", 30);
  await join(heir.id, laterMember.id, "member", 10);
  // 4. only owner, only a viewer remains → the viewer becomes owner
  const viewerOnly = await createResidence(deps, me.id, { name: "Viewer only" });
  await join(viewerOnly.id, onlyViewer.id, "viewer", 5);
  // 5. a member of someone else's residence: my membership goes, my work stays without my name
  const guest = await createResidence(deps, landlord.id, { name: "Guest" });
  await join(guest.id, me.id, "member", 5);
  const [assigned] = await deps.db
    .insert(tasks)
    .values({ residenceId: guest.id, title: "Mine to do", assigneeId: me.id, createdBy: me.id })
    .returning();
  const [done] = await deps.db
    .insert(completions)
    .values({
      taskId: assigned!.id,
      residenceId: guest.id,
      completedBy: me.id,
      completedOn: "2026-03-01",
      previousTaskState: {},
    })
    .returning();

  const res = await deleteMe(me);
  assert.equal(res.statusCode, 204, res.body);

  // the account and every session are gone
  for (const device of [me, otherDevice]) {
    const after = await app.inject({ method: "GET", url: "/v1/me/export", headers: device.auth });
    assert.equal(after.statusCode, 401);
  }
  assert.equal((await deps.db.select().from(users).where(eq(users.id, me.id))).length, 0);
  assert.equal((await deps.db.select().from(sessions).where(eq(sessions.userId, me.id))).length, 0);
  assert.equal((await deps.db.select().from(memberships).where(eq(memberships.userId, me.id))).length, 0);

  // 1
  assert.equal(await exists(solo.id), false);
  assert.equal((await deps.db.select().from(tasks).where(eq(tasks.id, soloTask!.id))).length, 0);
  assert.equal(
    (await deps.db.select().from(contractors).where(eq(contractors.residenceId, solo.id))).length,
    0,
  );
  // 2
  assert.ok(await exists(shared.id));
  assert.deepEqual(await rolesIn(deps, shared.id), { [coOwner.id]: "owner" });
  // 3
  assert.deepEqual(await rolesIn(deps, heir.id), {
    [earlyViewer.id]: "viewer",
    [firstMember.id]: "owner",
    [laterMember.id]: "member",
  });
  const heirLog = await deps.db
    .select({ action: activity.action, subjectId: activity.subjectId, data: activity.data })
    .from(activity)
    .where(eq(activity.residenceId, heir.id));
  assert.ok(
    heirLog.some(
      (a) =>
        a.action === "member.roleChanged" &&
        a.subjectId === firstMember.id &&
        (a.data as { to: string }).to === "owner",
    ),
    JSON.stringify(heirLog),
  );
  assert.ok(heirLog.some((a) => a.action === "member.left" && a.subjectId === me.id));
  // the new owner can act as owner through the API
  const ownerNow = await app.inject({
    method: "GET",
    url: `/v1/residences/${heir.id}/contractors`,
    headers: firstMember.auth,
  });
  assert.equal(ownerNow.statusCode, 200);
  // 4
  assert.deepEqual(await rolesIn(deps, viewerOnly.id), { [onlyViewer.id]: "owner" });
  // 5
  assert.deepEqual(await rolesIn(deps, guest.id), { [landlord.id]: "owner" });
  const [t] = await deps.db.select().from(tasks).where(eq(tasks.id, assigned!.id));
  assert.equal(t!.assigneeId, null);
  assert.equal(t!.createdBy, null);
  const [c] = await deps.db.select().from(completions).where(eq(completions.id, done!.id));
  assert.equal(c!.completedBy, null);

  // and the token cannot delete twice
  assert.equal((await deleteMe(me)).statusCode, 401);
});

test("two co-owners deleting their accounts at the same moment never leave a residence without an owner", async () => {
  const a = await userWithPassword("Twin A");
  const b = await userWithPassword("Twin B");
  const stayer = await createUser(deps, { name: "Stayer" });
  const both = await createResidence(deps, a.id, { name: "Both" });
  await join(both.id, b.id, "owner", 20);
  await join(both.id, stayer.id, "viewer", 10);
  const justUs = await createResidence(deps, a.id, { name: "Just us" });
  await join(justUs.id, b.id, "owner", 5);

  const [ra, rb] = await Promise.all([deleteMe(a), deleteMe(b)]);
  assert.equal(ra.statusCode, 204, ra.body);
  assert.equal(rb.statusCode, 204, rb.body);
  assert.deepEqual(await rolesIn(deps, both.id), { [stayer.id]: "owner" });
  assert.equal(await exists(justUs.id), false, "the last of the two took the residence with them");
  void database;
});
