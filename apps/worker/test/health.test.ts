import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "@honeydue/observability";
import { createTestDatabase, postgresReachable } from "@honeydue/testkit";
import { startWorker } from "../src/worker.ts";
import { startOwnRedis, workerSettings } from "./support.ts";

const skip = (await postgresReachable()) ? false : "the worker needs PostgreSQL";
const log = createLogger({ level: "silent", role: "worker" });

async function ready(port: number) {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`);
  return {
    status: res.status,
    body: (await res.json()) as { status: string; checks: { name: string; ok: boolean; detail?: string }[] },
  };
}

test("readiness reports PostgreSQL and Redis, fails when maxmemory-policy is not noeviction", {
  skip,
}, async () => {
  const database = await createTestDatabase();
  const good = await startOwnRedis();
  const lru = await startOwnRedis(["--maxmemory-policy", "allkeys-lru"]);
  const base = { DATABASE_URL: database.url!, RUN_SCHEDULES: "false", RELAY_POLL_MS: "60000" };

  const w1 = await startWorker(workerSettings({ ...base, REDIS_URL: good.url }), log);
  try {
    const ok = await ready(w1.healthPort);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(
      ok.body.checks.map((c) => [c.name, c.ok]),
      [
        ["shutdown", true],
        ["database", true],
        ["redis", true],
        ["redis-maxmemory-policy", true],
      ],
    );
    for (const path of ["/livez", "/healthz"]) {
      const health = await fetch(`http://127.0.0.1:${w1.healthPort}${path}`);
      assert.equal(health.status, 200, path);
    }
    const metrics = await (await fetch(`http://127.0.0.1:${w1.healthPort}/metrics`)).text();
    assert.match(metrics, /queue_jobs\{[^}]*queue="email"/);
    assert.match(metrics, /outbox_backlog/);
  } finally {
    await w1.stop();
  }

  const w2 = await startWorker(workerSettings({ ...base, REDIS_URL: lru.url }), log);
  try {
    const bad = await ready(w2.healthPort);
    assert.equal(bad.status, 503);
    const policy = bad.body.checks.find((c) => c.name === "redis-maxmemory-policy");
    assert.equal(policy?.ok, false);
    assert.match(policy?.detail ?? "", /allkeys-lru/);
    w2.lifecycle.shuttingDown = true;
    const stopping = await ready(w2.healthPort);
    assert.equal(stopping.body.checks.find((c) => c.name === "shutdown")?.ok, false);
  } finally {
    await w2.stop();
  }
});
