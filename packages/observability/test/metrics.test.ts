import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMetrics, dbOperation, HTTP_DURATION_BUCKETS, UNMATCHED_ROUTE } from "../src/metrics.ts";

/** Parses exposition lines into [name, labels, value] tuples (enough for assertions). */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `unparseable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!;
    }
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

const find = (text: string, name: string, labels: Record<string, string> = {}) =>
  samples(text).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe("createMetrics", () => {
  it("exposes the HTTP histogram with method/route/status_code labels and the role label", async () => {
    const m = createMetrics("api");
    const end = m.startHttpRequest("get");
    assert.equal((await m.httpRequestsInFlight.get()).values[0]?.value, 1);
    end("/tasks/:id", 200);
    end("/tasks/:id", 200); // idempotent
    m.startHttpRequest("POST")(undefined, 404);
    const text = await m.metrics();

    assert.match(text, /# TYPE http_request_duration_seconds histogram/);
    const count = find(text, "http_request_duration_seconds_count", {
      method: "GET",
      route: "/tasks/:id",
      status_code: "200",
      role: "api",
    });
    assert.equal(count.length, 1);
    assert.equal(count[0]?.value, 1);
    const buckets = find(text, "http_request_duration_seconds_bucket", { route: "/tasks/:id" });
    assert.deepEqual(
      buckets.map((b) => b.labels.le),
      [...HTTP_DURATION_BUCKETS.map(String), "+Inf"],
    );
    assert.equal(
      find(text, "http_requests_total", { route: UNMATCHED_ROUTE, status_code: "404" })[0]?.value,
      1,
    );
    assert.equal(find(text, "http_requests_in_flight")[0]?.value, 0);
  });

  it("registers every contract metric and the Node default metrics", async () => {
    const m = createMetrics("worker");
    m.setPoolStatsSource(() => ({ total: 10, idle: 7, waiting: 2 }));
    m.setQueueStatsSource(async () => ({ email: { waiting: 3, active: 1 } }));
    m.setOutboxStatsSource(async () => ({ backlog: 5, oldestAgeSeconds: 42 }));
    m.observeDbQuery("  /* x */ SELECT 1", 0.002);
    await m.timeDbQuery("update tasks set x=1", async () => {});
    m.observeJob("email", "send-email", "completed", 0.3);
    m.observeJob("email", "send-email", "retried", 0.1);
    m.recordEmail("task-reminder", "sent");
    m.recordPush("ios", "skipped");
    const text = await m.metrics();

    for (const name of [
      "http_request_duration_seconds",
      "http_requests_total",
      "http_requests_in_flight",
      "db_query_duration_seconds",
      "db_pool_connections",
      "job_duration_seconds",
      "jobs_total",
      "queue_jobs",
      "outbox_backlog",
      "outbox_oldest_age_seconds",
      "emails_total",
      "pushes_total",
      "nodejs_eventloop_lag_seconds",
      "nodejs_heap_size_used_bytes",
      "nodejs_gc_duration_seconds",
      "process_cpu_seconds_total",
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, "m"), `${name} missing`);
    }
    assert.equal(find(text, "db_pool_connections", { state: "in_use" })[0]?.value, 3);
    assert.equal(find(text, "db_pool_connections", { state: "waiting" })[0]?.value, 2);
    assert.equal(find(text, "queue_jobs", { queue: "email", state: "waiting" })[0]?.value, 3);
    assert.equal(find(text, "queue_jobs", { queue: "email", state: "delayed" })[0]?.value, 0);
    assert.equal(find(text, "outbox_backlog")[0]?.value, 5);
    assert.equal(find(text, "outbox_oldest_age_seconds")[0]?.value, 42);
    assert.equal(find(text, "db_query_duration_seconds_count", { operation: "select" })[0]?.value, 1);
    assert.equal(find(text, "db_query_duration_seconds_count", { operation: "update" })[0]?.value, 1);
    assert.equal(
      find(text, "jobs_total", { queue: "email", job: "send-email", outcome: "retried" })[0]?.value,
      1,
    );
    assert.equal(
      find(text, "job_duration_seconds_count", { queue: "email", job: "send-email" })[0]?.value,
      2,
    );
    assert.equal(find(text, "emails_total", { template: "task-reminder", outcome: "sent" })[0]?.value, 1);
    assert.equal(find(text, "pushes_total", { platform: "ios", outcome: "skipped" })[0]?.value, 1);
    assert.ok(find(text, "nodejs_heap_size_used_bytes", { role: "worker" }).length === 1);
  });

  it("keeps outbox gauges out of processes without an outbox source, and survives failing sources", async () => {
    const m = createMetrics("api", { defaultMetrics: false });
    assert.doesNotMatch(await m.metrics(), /outbox_backlog/);
    m.setOutboxStatsSource(() => {
      throw new Error("db down");
    });
    m.setPoolStatsSource(() => {
      throw new Error("pool gone");
    });
    const text = await m.metrics();
    assert.ok(Number.isNaN(find(text, "outbox_backlog")[0]?.value));
    assert.equal(find(text, "db_pool_connections").length, 0);
    // Collectors run concurrently, so the error count shows from the next scrape on.
    const next = await m.metrics();
    assert.equal(find(next, "metrics_collect_errors_total", { collector: "outbox" })[0]?.value, 2);
    assert.equal(find(next, "metrics_collect_errors_total", { collector: "pool" })[0]?.value, 2);
    m.setOutboxStatsSource(undefined);
    assert.doesNotMatch(await m.metrics(), /outbox_backlog/);
  });

  it("classifies SQL into operations", () => {
    assert.equal(dbOperation("select 1"), "select");
    assert.equal(dbOperation("INSERT INTO t VALUES (1)"), "insert");
    assert.equal(dbOperation("-- c\nDELETE FROM t"), "delete");
    assert.equal(dbOperation("with x as (select 1) update t set a = 1"), "update");
    assert.equal(dbOperation("BEGIN"), "other");
  });
});

describe("outbox sampling", () => {
  it("calls the outbox source once per scrape", async () => {
    const m = createMetrics("worker", { defaultMetrics: false });
    let calls = 0;
    m.setOutboxStatsSource(async () => {
      calls++;
      return { backlog: calls, oldestAgeSeconds: calls * 10 };
    });
    await m.metrics();
    const text = await m.metrics();
    assert.equal(calls, 2);
    assert.match(text, /^outbox_backlog\{role="worker"\} 2$/m);
    assert.match(text, /^outbox_oldest_age_seconds\{role="worker"\} 20$/m);
  });
});

describe("stats source timeouts", () => {
  it("a hanging source does not hang the scrape", async () => {
    const m = createMetrics("worker", { defaultMetrics: false, sourceTimeoutMs: 50 });
    const never = new Promise<never>(() => {});
    m.setQueueStatsSource(() => never);
    m.setOutboxStatsSource(() => never);
    m.setPoolStatsSource(() => never);
    const started = Date.now();
    const text = await m.metrics();
    assert.ok(Date.now() - started < 1000);
    assert.equal(find(text, "queue_jobs").length, 0);
    assert.ok(Number.isNaN(find(text, "outbox_backlog")[0]?.value));
    const next = await m.metrics();
    for (const collector of ["queues", "outbox", "pool"]) {
      assert.ok((find(next, "metrics_collect_errors_total", { collector })[0]?.value ?? 0) >= 1, collector);
    }
  });
});
