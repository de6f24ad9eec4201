import assert from "node:assert/strict";
import { test } from "node:test";
import { notify } from "@honeydue/jobs";
import { createHousehold, createUser } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();
const house = await createHousehold(deps);
const stranger = await createUser(deps);

async function call(method: "GET" | "POST", url: string, auth: Record<string, string>, payload?: unknown) {
  const res = await app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  return res;
}

test("a member, a completion and a notification each have a GET of their own, shaped as in their lists", async () => {
  const { residence, owner, member, viewer } = house;
  const members = (await call("GET", `/v1/residences/${residence.id}/members`, viewer.auth)).json();
  const one = await call("GET", `/v1/residences/${residence.id}/members/${member.id}`, viewer.auth);
  assert.equal(one.statusCode, 200, one.body);
  assert.deepEqual(
    one.json(),
    members.items.find((m: { userId: string }) => m.userId === member.id),
  );
  assert.equal(one.json().residenceId, residence.id);
  const outsider = await call("GET", `/v1/residences/${residence.id}/members/${member.id}`, stranger.auth);
  assert.equal(outsider.statusCode, 404);
  const nobody = await call("GET", `/v1/residences/${residence.id}/members/${stranger.id}`, owner.auth);
  assert.equal(nobody.statusCode, 404);

  const task = await call("POST", `/v1/residences/${residence.id}/tasks`, member.auth, {
    title: "Descale the kettle",
    dueOn: "2026-01-10",
  });
  assert.equal(task.statusCode, 201, task.body);
  const done = await call("POST", `/v1/tasks/${task.json().id}/complete`, member.auth, {
    dueOn: "2026-01-10",
    completedOn: "2026-01-09",
    costCents: 1200,
  });
  assert.equal(done.statusCode, 201, done.body);
  const completion = done.json().completion;
  const got = await call("GET", `/v1/completions/${completion.id}`, viewer.auth);
  assert.equal(got.statusCode, 200, got.body);
  assert.deepEqual(got.json(), completion);
  assert.equal((await call("GET", `/v1/completions/${completion.id}`, stranger.auth)).statusCode, 404);

  const noteId = await notify(deps.db, { userId: owner.id, kind: "invite.accepted", title: "Hello" });
  const list = (await call("GET", "/v1/notifications", owner.auth)).json();
  const note = await call("GET", `/v1/notifications/${noteId}`, owner.auth);
  assert.equal(note.statusCode, 200, note.body);
  assert.deepEqual(
    note.json(),
    list.items.find((n: { id: string }) => n.id === noteId),
  );
  assert.equal((await call("GET", `/v1/notifications/${noteId}`, member.auth)).statusCode, 404);
});

test("GET /v1/contractors/{id}/jobs lists the completions that name the contractor", async () => {
  const { residence, member, viewer } = house;
  const pro = await call("POST", `/v1/residences/${residence.id}/contractors`, member.auth, {
    name: "Pat Plumber",
  });
  assert.equal(pro.statusCode, 201, pro.body);
  const task = await call("POST", `/v1/residences/${residence.id}/tasks`, member.auth, {
    title: "Fix the tap",
    dueOn: "2026-01-10",
  });
  await call("POST", `/v1/tasks/${task.json().id}/complete`, member.auth, {
    dueOn: "2026-01-10",
    completedOn: "2026-01-08",
    costCents: 8000,
    contractorId: pro.json().id,
  });
  const jobs = await call("GET", `/v1/contractors/${pro.json().id}/jobs`, viewer.auth);
  assert.equal(jobs.statusCode, 200, jobs.body);
  assert.equal(jobs.json().jobCount, 1);
  assert.equal(jobs.json().totalCostCents, 8000);
  assert.equal(jobs.json().items[0].taskTitle, "Fix the tap");
  assert.equal((await call("GET", `/v1/contractors/${pro.json().id}/jobs`, stranger.auth)).statusCode, 404);
});

test("a date that is not on the calendar is named as such, without the nullable branch's noise", async () => {
  const res = await call("POST", `/v1/residences/${house.residence.id}/tasks`, house.member.auth, {
    title: "Leap day",
    dueOn: "2026-02-30",
  });
  assert.equal(res.statusCode, 400, res.body);
  assert.deepEqual(res.json().errors, [
    { field: "body.dueOn", message: "is not a calendar date (YYYY-MM-DD)" },
  ]);
});
