/**
 * Observability end to end: the API and the worker as processes (tracing must start before their imports),
 * against real PostgreSQL, Redis, SMTP and a local OTLP receiver. One registration must give one trace
 * from the API request span to the worker's email span, log lines carrying that trace, and both metrics
 * ports must count it.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  createTestDatabase,
  postgresReachable,
  redisReachable,
  startSmtpServer,
  TEST_REDIS_URL,
} from "@honeydue/testkit";
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
} from "../../../packages/observability/test/otlp-receiver.ts";
import { freePort, SECRET, spawnWorker, until } from "./support.ts";

const skip = (await postgresReachable()) && (await redisReachable()) ? false : "needs PostgreSQL and Redis";
const API_MAIN = fileURLToPath(new URL("../../api/src/main.ts", import.meta.url));
const TOKEN = "metrics-token-observability-e2e";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

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

async function scrape(port: number): Promise<Sample[]> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(res.status, 200);
  return parse(await res.text());
}

/** The one series `name` with these labels (undefined when absent). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} matches ${found.length} series`);
  return found[0]?.value;
}

/** Ancestors of `span` among the received spans, nearest first. */
function ancestors(receiver: OtlpReceiver, span: ReceivedSpan): ReceivedSpan[] {
  const byId = new Map(receiver.spans().map((s) => [s.spanId, s]));
  const out: ReceivedSpan[] = [];
  for (let p = span.parentSpanId; p && byId.has(p); p = byId.get(p)!.parentSpanId) out.push(byId.get(p)!);
  return out;
}

/** Spawns the API's main.ts (Node 24) and collects its output. */
function spawnApi(env: Record<string, string>) {
  const child = spawn(process.execPath, [API_MAIN], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      COMPILE_VALIDATORS_ON_FIRST_USE: "true",
      LOG_LEVEL: "info",
      AUTH_SECRET: SECRET,
      PUBLIC_WEB_URL: "https://web.honeydue.test",
      PUBLIC_API_URL: "https://api.honeydue.test",
      DATA_DIR: "/tmp/honeydue-test-data",
      HOST: "127.0.0.1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    output += d.toString();
  });
  after(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return {
    output: () => output,
    ready: () =>
      until(
        async () => {
          if (child.exitCode !== null) throw new Error(`API exited (${child.exitCode}):\n${output}`);
          return /honeyDue API ready/.test(output);
        },
        "the API to be ready",
        // A loaded CI machine (three test files at once, Chromium among them) can take minutes to boot.
        180_000,
      ),
  };
}

function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test("one trace from POST /v1/auth/register to the worker's email; logs carry it; both metrics ports count it", {
  skip,
}, async () => {
  const receiver = await startOtlpReceiver();
  after(() => receiver.close());
  const smtp = await startSmtpServer();
  after(() => smtp.close());
  const database = await createTestDatabase();
  const prefix = `obs-${randomBytes(4).toString("hex")}`;
  const shared = {
    DATABASE_URL: database.url!,
    REDIS_URL: TEST_REDIS_URL,
    SMTP_URL: smtp.url,
    METRICS_TOKEN: TOKEN,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: "50",
  };

  // Both processes boot at once.
  const worker = spawnWorker({ ...shared, QUEUE_PREFIX: prefix, RUN_SCHEDULES: "false" });
  const apiPort = await freePort();
  const api = spawnApi({
    ...shared,
    PORT: String(apiPort),
    METRICS_PORT: "0",
    MIGRATE_ON_START: "false",
    RUN_EMBEDDED_WORKER: "false",
    REDIS_KEY_PREFIX: `${prefix}:`,
  });
  await Promise.all([worker.waitFor(/honeyDue worker ready/, 180_000), api.ready()]);
  const workerPort = Number(/"healthPort":(\d+)/.exec(worker.output())?.[1]);
  assert.ok(workerPort > 0);
  const apiMetricsPort = Number(/"metricsPort":(\d+)/.exec(api.output())?.[1]);
  assert.ok(apiMetricsPort > 0);

  // Both metrics ports want the token.
  for (const port of [apiMetricsPort, workerPort]) {
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 401);
  }

  const email = `trace-${randomBytes(4).toString("hex")}@example.com`;
  const res = await fetch(`http://127.0.0.1:${apiPort}/v1/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "correct horse battery", name: "Trace Person" }),
  });
  assert.equal(res.status, 202, await res.text());
  const mail = await smtp.waitFor(email);
  assert.match(mail.subject, /confirm/i);

  // The trace: the API's server span, the worker's job span and its email span, one trace id.
  const request = await receiver.waitForSpan(
    (s) => s.serviceName === "honeydue-api" && s.kind === 2 && s.name === "POST /v1/auth/register",
  );
  const job = await receiver.waitForSpan(
    (s) => s.serviceName === "honeydue-worker" && s.name === "job email/email.send",
  );
  const sending = await receiver.waitForSpan(
    (s) => s.serviceName === "honeydue-worker" && s.name === "email.send verify-email",
  );
  assert.equal(job.traceId, request.traceId);
  assert.equal(sending.traceId, request.traceId);
  assert.equal(sending.parentSpanId, job.spanId);
  assert.equal(job.kind, 5, "the job span is a CONSUMER span");
  // The job span descends from the request span (through the handler span that wrote the outbox row).
  assert.ok(
    ancestors(receiver, job).some((s) => s.spanId === request.spanId),
    "the worker's job span is a descendant of the API request span",
  );

  // Logs: the API's request line and the worker's email line carry the trace.
  // Both processes log asynchronously: a line may be written after the span that it names is exported.
  const requestLine = await until(
    async () => jsonLines(api.output()).find((l) => l.msg === "request" && l.route === "/v1/auth/register"),
    "the API's request log line",
    30_000,
  );
  assert.equal(requestLine.trace_id, request.traceId);
  assert.match(String(requestLine.span_id), /^[0-9a-f]{16}$/);
  const sentLine = await until(
    async () => jsonLines(worker.output()).find((l) => l.msg === "email sent"),
    "the worker's 'email sent' log line",
    30_000,
  );
  assert.equal(sentLine.trace_id, request.traceId);
  assert.equal(sentLine.span_id, sending.spanId);

  // The API's metrics port: exactly the one registration, timed; queries timed; the pool sampled.
  const apiSamples = await scrape(apiMetricsPort);
  const register = { method: "POST", route: "/v1/auth/register", status_code: "202" };
  assert.equal(value(apiSamples, "http_requests_total", register), 1);
  assert.equal(value(apiSamples, "http_request_duration_seconds_count", register), 1);
  assert.ok((value(apiSamples, "db_query_duration_seconds_count", { operation: "insert" }) ?? 0) >= 2);
  assert.notEqual(value(apiSamples, "db_pool_connections", { state: "idle" }), undefined);

  // The worker's: one email job completed, timed, one verify-email sent, nothing waiting.
  const jobLabels = { queue: "email", job: "email.send" };
  const workerSamples = await until(async () => {
    const s = await scrape(workerPort);
    return value(s, "jobs_total", { ...jobLabels, outcome: "completed" }) === 1 ? s : undefined;
  }, "jobs_total for the email job");
  assert.equal(value(workerSamples, "job_duration_seconds_count", jobLabels), 1);
  assert.equal(value(workerSamples, "jobs_total", { ...jobLabels, outcome: "failed" }), undefined);
  assert.equal(value(workerSamples, "emails_total", { template: "verify-email", outcome: "sent" }), 1);
  for (const state of ["waiting", "active", "delayed", "failed"]) {
    assert.equal(value(workerSamples, "queue_jobs", { queue: "email", state }), 0, `queue_jobs ${state}`);
  }
  assert.equal(value(workerSamples, "outbox_backlog"), 0);
  assert.equal(value(workerSamples, "outbox_oldest_age_seconds"), 0);
  assert.ok((value(workerSamples, "db_query_duration_seconds_count", { operation: "update" }) ?? 0) >= 1);
  const lag = workerSamples.find((s) => s.name === "nodejs_eventloop_lag_seconds");
  assert.equal(lag?.labels.role, "worker");
});
