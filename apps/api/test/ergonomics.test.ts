import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createTestDatabase, freePort, startNodeProcess } from "@honeydue/testkit";
import { createHousehold } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { startTestApi } from "./support.ts";

// What a new user of the API ran into (issue 11, item 5), each answered plainly now.
const { app, deps } = await startTestApi();
const home = await createHousehold(deps, { name: "Ergonomics House" });

test("a body field the schema does not name is a 400 that names it, and nothing is written", async () => {
  const res = await app.inject({
    method: "POST",
    url: "/v1/residences",
    headers: home.owner.auth,
    payload: { name: "Cabin", address: { street: "1 Lake Rd", city: "Tahoe" } },
  });
  const problem = assertProblem(res, 400, "body.address");
  assert.match(JSON.stringify(problem.errors), /is not allowed/);
  const list = await app.inject({ method: "GET", url: "/v1/residences", headers: home.owner.auth });
  assert.ok(!list.body.includes("Cabin"), "the refused residence was not created");

  const typo = await app.inject({
    method: "POST",
    url: "/v1/residences",
    headers: home.owner.auth,
    payload: { displayName: "Cabin" },
  });
  const body = assertProblem(typo, 400, "body.displayName");
  assert.ok(
    body.errors.some((e: { field: string }) => e.field === "body.name"),
    "the missing field is named too",
  );
});

test("a nested unknown field is named with its path", async () => {
  const res = await app.inject({
    method: "PATCH",
    url: "/v1/me",
    headers: home.owner.auth,
    payload: { notifications: { digestEnabled: false, smoke: true } },
  });
  assertProblem(res, 400, "body.notifications.smoke");
  const me = await app.inject({ method: "GET", url: "/v1/me", headers: home.owner.auth });
  assert.equal(me.json().notifications.digestEnabled, true, "the refused change was not applied");
});

test("an impossible date says it is not a calendar date", async () => {
  const res = await app.inject({
    method: "POST",
    url: `/v1/residences/${home.residence.id}/tasks`,
    headers: home.owner.auth,
    payload: { title: "Clean gutters", dueOn: "2026-02-30" },
  });
  const problem = assertProblem(res, 400, "body.dueOn");
  assert.deepEqual(
    problem.errors.filter((e: { field: string }) => e.field === "body.dueOn"),
    [{ field: "body.dueOn", message: "is not a calendar date (YYYY-MM-DD)" }],
  );
});

test("undoing a completion after a later skip or snooze is refused with 409; without one it restores exactly", async () => {
  const created = await app.inject({
    method: "POST",
    url: `/v1/residences/${home.residence.id}/tasks`,
    headers: home.member.auth,
    payload: {
      title: "Water the ferns",
      dueOn: "2026-01-05",
      recurrence: { kind: "fixed", interval: 1, unit: "week" },
    },
  });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id as string;
  const post = (path: string, payload: Record<string, unknown>) =>
    app.inject({ method: "POST", url: `/v1/tasks/${id}/${path}`, headers: home.member.auth, payload });
  const undo = () =>
    app.inject({ method: "DELETE", url: `/v1/tasks/${id}/completions/latest`, headers: home.member.auth });
  const dueOn = async () =>
    (await app.inject({ method: "GET", url: `/v1/tasks/${id}`, headers: home.member.auth })).json().dueOn;

  // complete → undo: exactly as before
  assert.equal((await post("complete", { dueOn: "2026-01-05", completedOn: "2026-01-05" })).statusCode, 201);
  assert.equal(await dueOn(), "2026-01-12");
  const undone = await undo();
  assert.equal(undone.statusCode, 200, undone.body);
  assert.equal(undone.json().task.dueOn, "2026-01-05");

  // complete, then skip: the undo would drop the skip, so it is refused and nothing changes
  assert.equal((await post("complete", { dueOn: "2026-01-05", completedOn: "2026-01-05" })).statusCode, 201);
  assert.equal((await post("skip", { dueOn: "2026-01-12" })).statusCode, 200);
  const refused = assertProblem(await undo(), 409);
  assert.match(refused.detail, /skipped, snoozed or edited/);
  assert.equal(refused.currentDueOn, "2026-01-19");
  assert.equal(refused.dueOnAfterCompletion, "2026-01-12");
  assert.equal(await dueOn(), "2026-01-19", "the skip stands");
  const log = await app.inject({
    method: "GET",
    url: `/v1/tasks/${id}/completions`,
    headers: home.member.auth,
  });
  assert.equal(log.json().items.length, 1, "the completion stays in the log");

  // complete, then snooze: refused the same way
  assert.equal((await post("complete", { dueOn: "2026-01-19", completedOn: "2026-01-06" })).statusCode, 201);
  assert.equal((await post("snooze", { dueOn: "2026-01-26", until: "2099-01-01" })).statusCode, 200);
  assertProblem(await undo(), 409);
  assert.equal(await dueOn(), "2099-01-01", "the snooze stands");
});

test("with PORT set and PUBLIC_API_URL unset, the OpenAPI servers entry, calendar links and start-up line follow the port", async () => {
  const port = await freePort();
  const own = await startTestApi({ PORT: String(port), PUBLIC_API_URL: "" });
  const doc = await own.app.inject({ method: "GET", url: "/openapi.json" });
  assert.deepEqual(doc.json().servers, [{ url: `http://localhost:${port}` }]);
  const someone = await createHousehold(own.deps);
  const feed = await own.app.inject({
    method: "POST",
    url: "/v1/me/calendar-feed",
    headers: someone.owner.auth,
  });
  assert.equal(feed.statusCode, 201, feed.body);
  assert.ok(feed.json().url.startsWith(`http://localhost:${port}/v1/calendar/`), feed.json().url);

  const database = await createTestDatabase();
  const api = await startNodeProcess({
    args: ["apps/api/src/main.ts"],
    cwd: new URL("../../../", import.meta.url).pathname,
    env: {
      PORT: String(port),
      PUBLIC_API_URL: "",
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      DATA_DIR: await mkdtemp(join(tmpdir(), "honeydue-port-")),
      METRICS_PORT: "0",
      LOG_LEVEL: "info",
      ADMIN_BOOTSTRAP: "false",
    },
    readyUrl: `http://127.0.0.1:${port}/healthz`,
  });
  await waitFor(
    () => api.output().includes("honeyDue API ready"),
    () => api.output(),
  );
  assert.match(api.output(), new RegExp(`honeyDue API ready: http://localhost:${port}/docs`));
  const served = await fetch(`http://127.0.0.1:${port}/openapi.json`).then((r) => r.json());
  assert.deepEqual(served.servers, [{ url: `http://localhost:${port}` }]);
});

async function waitFor(condition: () => boolean, describe: () => string) {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(condition(), describe());
}
