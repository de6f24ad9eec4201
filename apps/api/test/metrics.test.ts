import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, test } from "node:test";
import { startApiMetricsServer } from "../src/start.ts";
import { signUp, startTestApi } from "./support.ts";

const TOKEN = "metrics-token-for-the-api-test";
const api = await startTestApi({
  env: { METRICS_PORT: "0", METRICS_HOST: "127.0.0.1", METRICS_TOKEN: TOKEN },
  smtp: true,
});
const { app, deps } = api;
const server = await startApiMetricsServer(deps, deps.log);
assert.ok(server, "the metrics port is listening");
after(() => server.close());

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition → samples (comments skipped). */
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `unparseable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`http://127.0.0.1:${server!.port}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
  return parse(await res.text());
}

/** The value of the one series `name` with (at least) these labels; 0 when absent. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} matches ${found.length} series`);
  return found[0]?.value ?? 0;
}

const task = { method: "GET", route: "/v1/tasks/:taskId" };

test("the metrics port answers 401 without the bearer token and with a wrong one", async () => {
  const url = `http://127.0.0.1:${server.port}/metrics`;
  const none = await fetch(url);
  assert.equal(none.status, 401);
  assert.match(none.headers.get("www-authenticate") ?? "", /^Bearer/);
  assert.doesNotMatch(await none.text(), /http_requests_total/);
  const wrong = await fetch(url, { headers: { authorization: "Bearer not-the-token-at-all" } });
  assert.equal(wrong.status, 401);
  assert.equal((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
});

test("requests are counted and timed by method, route template (never the raw path) and status", async () => {
  const email = `metrics-${randomBytes(5).toString("hex")}@example.com`;
  const { accessToken } = await signUp(api, {
    email,
    password: "correct horse battery",
    name: "Metrics Person",
  });

  const before = await scrape();
  // A fresh registry per API: the one registration so far is exactly one series with count 1.
  const register = { method: "POST", route: "/v1/auth/register", status_code: "202" };
  assert.equal(value(before, "http_requests_total", register), 1);
  assert.equal(value(before, "http_request_duration_seconds_count", register), 1);

  const ids = [randomUUID(), randomUUID(), randomUUID()];
  for (const id of ids) {
    const res = await app.inject({
      method: "GET",
      url: `/v1/tasks/${id}`,
      headers: { authorization: `Bearer ${accessToken}` },
    });
    assert.equal(res.statusCode, 404, res.body);
  }
  for (let i = 0; i < 2; i++) {
    assert.equal((await app.inject({ method: "GET", url: `/v1/tasks/${randomUUID()}` })).statusCode, 401);
  }
  assert.equal((await app.inject({ method: "GET", url: `/no/such/${randomUUID()}` })).statusCode, 404);
  const afterRequests = await scrape();

  const delta = (name: string, labels: Record<string, string>) =>
    value(afterRequests, name, labels) - value(before, name, labels);
  assert.equal(delta("http_requests_total", { ...task, status_code: "404" }), 3);
  assert.equal(delta("http_requests_total", { ...task, status_code: "401" }), 2);
  assert.equal(delta("http_request_duration_seconds_count", { ...task, status_code: "404" }), 3);
  assert.equal(delta("http_request_duration_seconds_bucket", { ...task, status_code: "404", le: "+Inf" }), 3);
  assert.ok(delta("http_request_duration_seconds_sum", { ...task, status_code: "404" }) > 0);
  // Buckets for an API whose p50 is a few ms: the first is 1 ms.
  assert.ok(
    afterRequests.some((s) => s.name === "http_request_duration_seconds_bucket" && s.labels.le === "0.001"),
  );
  assert.equal(delta("http_requests_total", { method: "GET", route: "unmatched", status_code: "404" }), 1);
  // Bounded cardinality: no raw path (no id) ever becomes a label.
  for (const s of afterRequests.filter((x) => x.labels.route !== undefined)) {
    assert.doesNotMatch(s.labels.route!, /[0-9a-f]{8}-[0-9a-f]{4}-/, `raw path in ${s.name}`);
    assert.doesNotMatch(s.labels.route!, /^\/no\/such/);
  }
  for (const s of afterRequests.filter((x) => x.name.startsWith("http_"))) assert.equal(s.labels.role, "api");
  assert.equal(value(afterRequests, "http_requests_in_flight"), 0);

  // Every task lookup read the database: selects were timed.
  assert.ok(
    delta("db_query_duration_seconds_count", { operation: "select" }) >= ids.length,
    "select queries were timed",
  );
  assert.ok(value(afterRequests, "db_query_duration_seconds_count", { operation: "insert" }) >= 1);
});

test("the pool gauges and the Node runtime defaults are exported", async () => {
  const samples = await scrape();
  for (const state of ["in_use", "idle", "waiting"]) {
    assert.ok(
      samples.some((s) => s.name === "db_pool_connections" && s.labels.state === state),
      `db_pool_connections{state="${state}"}`,
    );
  }
  assert.equal(value(samples, "db_pool_connections", { state: "waiting" }), 0);
  assert.ok(value(samples, "db_pool_connections", { state: "idle" }) >= 1);
  for (const name of [
    "nodejs_eventloop_lag_seconds",
    "nodejs_heap_size_used_bytes",
    "process_cpu_user_seconds_total",
  ]) {
    const s = samples.find((x) => x.name === name);
    assert.ok(s, `${name} is exported`);
    assert.equal(s.labels.role, "api");
  }
  assert.ok(samples.some((s) => s.name.startsWith("nodejs_gc_duration_seconds")));
});

test("embedded mode: the API's own job runner counts the email job, the email and the outbox backlog", async () => {
  const embedded = await startTestApi({ smtp: true });
  const email = `embedded-${randomBytes(5).toString("hex")}@example.com`;
  const reg = await embedded.app.inject({
    method: "POST",
    url: "/v1/auth/register",
    payload: { email, password: "correct horse battery", name: "Embedded Person" },
  });
  assert.equal(reg.statusCode, 202, reg.body);
  await embedded.smtp!.waitFor(email);
  const job = { queue: "email", job: "email.send" };
  let samples: Sample[] = [];
  // The job counts once its handler returned, just after the mail was accepted.
  for (let i = 0; i < 200; i++) {
    samples = parse(await embedded.deps.metrics.metrics());
    if (value(samples, "jobs_total", { ...job, outcome: "completed" }) === 1) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(value(samples, "jobs_total", { ...job, outcome: "completed" }), 1);
  assert.equal(value(samples, "job_duration_seconds_count", job), 1);
  assert.equal(value(samples, "emails_total", { template: "verify-email", outcome: "sent" }), 1);
  assert.equal(value(samples, "emails_total", { template: "verify-email", outcome: "failed" }), 0);
  assert.ok(
    samples.some((s) => s.name === "outbox_backlog"),
    "outbox_backlog is exported",
  );
  assert.ok(samples.some((s) => s.name === "outbox_oldest_age_seconds"));
});
