import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { once } from "node:events";
import { test } from "node:test";
import { outbox } from "@honeydue/db";
import { createErrorSink, createLogger } from "@honeydue/observability";
import { createTestDatabase, REDIS_SKIP_REASON, redisReachable, TEST_REDIS_URL } from "@honeydue/testkit";
import { inArray } from "drizzle-orm";
import { createQueues, producerConnection, startQueueWorkers } from "../src/runtime/queues.ts";
import { dataMarkerKey, startReconciler } from "../src/runtime/reconciler.ts";
import { assertHandlers, isJobName, JOBS } from "../src/runtime/registry.ts";
import { startRelay } from "../src/runtime/relay.ts";

/** Connection and worker errors of the test's own queues: logged and counted, as in the worker. */
const testErrors = (source: string) =>
  createErrorSink({ source, log: createLogger({ level: "silent", role: "worker" }) });

const skip = (await redisReachable()) ? false : REDIS_SKIP_REASON;
const log = createLogger({ level: "silent", role: "worker" });
/** A valid email payload (the relay and the queues never look the user up), labelled for the handlers. */
const labels = new Map<string, string>();
const email = (label: string) => {
  const userId = randomUUID();
  labels.set(userId, label);
  return { template: "password-changed", userId };
};

async function until<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("job names are own properties of the registry: Object.prototype keys are unknown", () => {
  for (const key of Object.getOwnPropertyNames(Object.prototype)) assert.equal(isJobName(key), false, key);
  assert.equal(isJobName("email.send"), true);
});

test("poison rows fail alone: every Object.prototype key and malformed payloads among good rows", {
  skip,
}, async () => {
  const { handle } = await createTestDatabase();
  const prefix = `poison${randomBytes(4).toString("hex")}`;
  const redis = producerConnection(TEST_REDIS_URL, testErrors("redis"));
  const queues = createQueues(redis, prefix, testErrors);
  const poisoned: string[] = [];
  const relay = startRelay({
    db: handle.db,
    queues,
    log,
    pollIntervalMs: 60_000,
    batchSize: 500,
    onPoisonRow: (job) => poisoned.push(job),
  });
  try {
    const good = Array.from({ length: 20 }, (_, i) => ({
      job: "email.send",
      payload: email(`g${i}@x.test`),
    }));
    const bad: { job: string; payload: unknown }[] = [
      ...Object.getOwnPropertyNames(Object.prototype).map((job) => ({ job, payload: email("p@x.test") })),
      { job: "email.send", payload: { template: "password-changed" } },
      { job: "email.send", payload: [1, 2, 3] },
      { job: "email.send", payload: null },
      { job: "push.send", payload: { nope: true } },
    ];
    const rows = [...good.slice(0, 10), ...bad, ...good.slice(10)].map((r) => ({ ...r, id: randomUUID() }));
    await handle.db.insert(outbox).values(rows.map((r) => ({ ...r, payload: r.payload ?? "null" })));
    await relay.runOnce();
    const after = await handle.db
      .select()
      .from(outbox)
      .where(
        inArray(
          outbox.id,
          rows.map((r) => r.id),
        ),
      );
    const byId = new Map(after.map((r) => [r.id, r]));
    for (const [i, row] of rows.entries()) {
      const stored = byId.get(row.id)!;
      if (i >= 10 && i < 10 + bad.length) {
        assert.ok(stored.failedAt, `${row.job} failed`);
        assert.equal(stored.publishedAt, null);
        assert.ok(stored.lastError);
      } else {
        assert.ok(stored.publishedAt, "good row published");
        assert.equal(stored.failedAt, null);
        assert.ok(await queues.email.getJob(row.id), "its job is in the queue under the outbox id");
      }
    }
    assert.equal(poisoned.length, bad.length);
    assert.equal(await queues.email.count(), 20);
  } finally {
    await relay.stop();
    await queues.close();
    redis.disconnect();
  }
});

test("jobs finish their outbox rows; permanent errors fail at once; the reconciler re-publishes lost jobs", {
  skip,
}, async () => {
  const { handle } = await createTestDatabase();
  const db = handle.db;
  const prefix = `recon${randomBytes(4).toString("hex")}`;
  const redis = producerConnection(TEST_REDIS_URL, testErrors("redis"));
  const queues = createQueues(redis, prefix, testErrors);
  const relay = startRelay({ db, queues, log, pollIntervalMs: 60_000 });
  const republished: number[] = [];
  let dataLost = 0;
  const reconciler = startReconciler({
    db,
    queues,
    redis,
    prefix,
    log,
    reconcileAfterMs: 60_000,
    pollIntervalMs: 3_600_000,
    metrics: { republished: (n) => republished.push(n), dataLost: () => dataLost++ },
  });
  const sent = new Map<string, number>();
  const handlers: Record<string, unknown> = Object.fromEntries(
    Object.keys(JOBS).map((n) => [n, async () => {}]),
  );
  handlers["email.send"] = async (payload: { userId: string }) => {
    const to = labels.get(payload.userId)!;
    if (to.startsWith("refused")) {
      throw Object.assign(new Error("550 5.1.1 no such user"), { responseCode: 550 });
    }
    sent.set(to, (sent.get(to) ?? 0) + 1);
  };
  assertHandlers(handlers);
  try {
    if (redis.status !== "ready") await once(redis, "ready");
    // First pass of a fresh Redis: the marker is set; nothing to reconcile, no data loss counted.
    assert.deepEqual(await reconciler.runOnce(), {
      checked: 0,
      republished: 0,
      finished: 0,
      dataLost: false,
    });

    const ids = Array.from({ length: 5 }, () => randomUUID());
    const refused = randomUUID();
    await db
      .insert(outbox)
      .values([
        ...ids.map((id, i) => ({ id, job: "email.send", payload: email(`r${i}@x.test`) })),
        { id: refused, job: "email.send", payload: email("refused@x.test") },
      ]);
    await relay.runOnce();
    // Redis loses its data before any worker ran: the queue and the marker are gone.
    const keys = await redis.keys(`${prefix}:*`);
    await redis.del(...keys);
    assert.equal(await redis.exists(dataMarkerKey(prefix)), 0);

    const result = await reconciler.runOnce();
    assert.equal(result.dataLost, true);
    assert.equal(result.republished, 6);
    assert.equal(dataLost, 1);
    // Again: the jobs are there now, nothing is added twice.
    assert.equal((await reconciler.runOnce({ all: true })).republished, 0);

    const workers = startQueueWorkers({
      errors: testErrors,
      redisUrl: TEST_REDIS_URL,
      prefix,
      handlers,
      log,
      queues: ["email"],
      db,
    });
    try {
      const rows = await until(async () => {
        const all = await db.select().from(outbox);
        return all.every((r) => r.processedAt || r.failedAt) && all;
      }, "every row finished");
      for (const id of ids) assert.ok(rows.find((r) => r.id === id)!.processedAt);
      const failed = rows.find((r) => r.id === refused)!;
      assert.ok(failed.failedAt);
      assert.match(failed.lastError!, /550/);
      assert.equal(failed.attempts, 1, "a 5xx refusal is not retried");
      assert.deepEqual([...sent.values()], [1, 1, 1, 1, 1]);
    } finally {
      await workers.close(5000);
    }
  } finally {
    await reconciler.stop();
    await relay.stop();
    await queues.close();
    redis.disconnect();
  }
});
