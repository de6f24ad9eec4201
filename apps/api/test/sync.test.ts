import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { type ApiClient, createApiClient } from "@honeydue/api-client";
import pg from "pg";
import { createHousehold, type TestUser } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

/**
 * The offline story end to end, through the generated client against a real server: a local copy kept by
 * GET /v1/sync, writes queued offline with Idempotency-Keys and replayed after lost responses, a second
 * device editing meanwhile (If-Match), removal from a residence; and the late-commit interleaving.
 */

const { app, deps, database } = await startTestApi();
const base = await app.listen({ port: 0, host: "127.0.0.1" });
const today = new Date().toISOString().slice(0, 10);

type Change = { type: string; id: string; residenceId: string | null; op: string; data?: unknown };

const snapshotOf = (items: Map<string, unknown>) =>
  JSON.stringify(
    [...items.entries()].sort(([a], [b]) => a.localeCompare(b)),
    null,
    1,
  );

/** An app's local copy: entities by type and id, changed only by the feed. */
class Device {
  readonly items = new Map<string, { residenceId: string | null; data: unknown }>();
  cursor: string | undefined;
  readonly api: ApiClient;
  readonly user: TestUser;
  constructor(user: TestUser) {
    this.user = user;
    this.api = createApiClient(base, { headers: user.auth });
  }
  apply(changes: Change[]) {
    for (const c of changes) {
      const key = `${c.type}:${c.residenceId ?? ""}:${c.id}`;
      if (c.op === "upsert") this.items.set(key, { residenceId: c.residenceId, data: c.data });
      else if (c.type === "residence") {
        for (const [k, v] of this.items) if (v.residenceId === c.id) this.items.delete(k);
      } else this.items.delete(key);
    }
  }
  async sync() {
    for (;;) {
      const { data, error, response } = await this.api.GET("/v1/sync", {
        params: { query: this.cursor ? { since: this.cursor } : {} },
      });
      assert.ok(data, `${response.status} ${JSON.stringify(error)}`);
      this.apply(data.changes as Change[]);
      this.cursor = data.nextCursor;
      if (!data.hasMore) return;
    }
  }
  /** What a fresh install would hold: the local copy must equal it. */
  async fresh() {
    const other = new Device(this.user);
    await other.sync();
    return other.items;
  }
  /** Syncs until the local copy is exactly what a fresh install would get. Transactions still running
   * anywhere on the database server hold the feed back for a moment, so this polls (60 s at most). */
  async converge() {
    const deadline = Date.now() + 60_000;
    for (;;) {
      await this.sync();
      const [mine, fresh] = [snapshotOf(this.items), snapshotOf(await this.fresh())];
      if (mine === fresh || Date.now() > deadline) {
        assert.equal(mine, fresh);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  titles() {
    return [...this.items.entries()]
      .filter(([k]) => k.startsWith("task:"))
      .map(([, v]) => (v.data as { title: string }).title)
      .sort();
  }
}

test("an offline device converges: queued writes replayed after lost responses, a second device, removal", async () => {
  const h = await createHousehold(deps);
  const phone = new Device(h.owner);
  const other = new Device(h.member);
  const viewer = new Device(h.viewer);
  const seed = await phone.api.POST("/v1/residences/{residenceId}/tasks", {
    params: { path: { residenceId: h.residence.id } },
    body: {
      title: "Change the furnace filter",
      dueOn: today,
      recurrence: { kind: "afterCompletion", interval: 90, unit: "day" },
    },
  });
  assert.ok(seed.data);
  await Promise.all([phone.sync(), other.sync(), viewer.sync()]);
  assert.deepEqual(phone.titles(), ["Change the furnace filter"]);
  const taskId = seed.data.id;
  const { response: read } = await phone.api.GET("/v1/tasks/{taskId}", { params: { path: { taskId } } });
  const etag = read.headers.get("etag")!;

  // Offline: three writes queued, each with its key. The first attempt reaches the server but its
  // response is lost; the whole queue is replayed when the network returns.
  const keys = [randomUUID(), randomUUID(), randomUUID()];
  const queue = [
    () =>
      phone.api.POST("/v1/residences/{residenceId}/tasks", {
        params: { path: { residenceId: h.residence.id }, header: { "idempotency-key": keys[0]! } },
        body: { title: "Test the smoke alarms", dueOn: today },
      }),
    () =>
      phone.api.POST("/v1/tasks/{taskId}/complete", {
        params: { path: { taskId }, header: { "idempotency-key": keys[1]! } },
        body: { dueOn: today, notes: "done offline" },
      }),
    () =>
      phone.api.POST("/v1/residences/{residenceId}/contractors", {
        params: { path: { residenceId: h.residence.id }, header: { "idempotency-key": keys[2]! } },
        body: { name: "Ada Electric" },
      }),
  ];
  await queue[0]!(); // lost on the way back
  await queue[1]!(); // lost too
  // Meanwhile the other device edits the same task (with its own If-Match).
  const { response: otherRead } = await other.api.GET("/v1/tasks/{taskId}", { params: { path: { taskId } } });
  const edited = await other.api.PATCH("/v1/tasks/{taskId}", {
    params: { path: { taskId }, header: { "if-match": otherRead.headers.get("etag")! } },
    body: { notes: "Use MERV 11" },
  });
  assert.equal(edited.response.status, 200);
  // Back online: the queue again, all of it.
  for (const send of queue) {
    const { response } = await send();
    assert.ok(response.status < 300, String(response.status));
  }
  // A queued edit based on the old copy is refused rather than overwriting the other device's change.
  const stale = await phone.api.PATCH("/v1/tasks/{taskId}", {
    params: { path: { taskId }, header: { "if-match": etag } },
    body: { priority: "high" },
  });
  assert.equal(stale.response.status, 412);
  await phone.sync();
  const { response: again } = await phone.api.GET("/v1/tasks/{taskId}", { params: { path: { taskId } } });
  const redone = await phone.api.PATCH("/v1/tasks/{taskId}", {
    params: { path: { taskId }, header: { "if-match": again.headers.get("etag")! } },
    body: { priority: "high" },
  });
  assert.equal(redone.response.status, 200);
  assert.equal(redone.data?.notes, "Use MERV 11", "the other device's change is kept");

  await Promise.all([phone.converge(), other.converge(), viewer.converge()]);
  assert.deepEqual(phone.titles(), ["Change the furnace filter", "Test the smoke alarms"], "no duplicates");
  const completions = [...phone.items.keys()].filter((k) => k.startsWith("completion:"));
  assert.equal(completions.length, 1);
  for (const device of [phone, other, viewer]) await device.converge();

  // The viewer is removed: the residence and everything in it leave their copy.
  const removed = await phone.api.DELETE("/v1/residences/{residenceId}/members/{userId}", {
    params: { path: { residenceId: h.residence.id, userId: h.viewer.id } },
  });
  assert.equal(removed.response.status, 204);
  await Promise.all([viewer.converge(), phone.converge()]);
  assert.deepEqual(
    [...viewer.items.keys()].filter((k) => !k.startsWith("profile:") && !k.startsWith("notification:")),
    [],
  );

  // A deleted task arrives as a deletion.
  await other.api.DELETE("/v1/tasks/{taskId}", { params: { path: { taskId } } });
  await phone.converge();
  assert.deepEqual(phone.titles(), ["Test the smoke alarms"]);
});

test("a transaction that commits late is not skipped by a cursor taken while it ran", {
  skip: !database.url,
}, async () => {
  const h = await createHousehold(deps);
  const phone = new Device(h.owner);
  await phone.sync();
  const late = new pg.Client({ connectionString: database.url });
  await late.connect();
  try {
    // Begins first (so it has the smaller transaction id) but commits last.
    await late.query("BEGIN");
    await late.query("INSERT INTO tasks (residence_id, title) VALUES ($1, 'Late task')", [h.residence.id]);
    const early = await phone.api.POST("/v1/residences/{residenceId}/tasks", {
      params: { path: { residenceId: h.residence.id } },
      body: { title: "Early task" },
    });
    assert.equal(early.response.status, 201);
    await phone.sync(); // the early task has committed; the late one has not
    await late.query("COMMIT");
    await phone.converge();
    assert.deepEqual(phone.titles(), ["Early task", "Late task"]);
  } finally {
    await late.end();
  }
});

test("a bad or expired cursor is a problem, not a 500", async () => {
  const h = await createHousehold(deps);
  const api = createApiClient(base, { headers: h.owner.auth });
  const bad = await api.GET("/v1/sync", { params: { query: { since: "nonsense" } } });
  assert.equal(bad.response.status, 400);
  const old = Buffer.from(
    JSON.stringify({ k: "c", t: "1", i: 0, at: Date.now() - 91 * 86_400_000 }),
  ).toString("base64url");
  const gone = await api.GET("/v1/sync", { params: { query: { since: old } } });
  assert.equal(gone.response.status, 410);
  assert.match(String((gone.error as { detail?: string }).detail), /without since/);
});
