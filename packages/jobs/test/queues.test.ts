import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { test } from "node:test";
import { createErrorSink, createLogger, createMetrics } from "@honeydue/observability";
import { freePort, REDIS_SKIP_REASON, redisReachable, TEST_REDIS_URL } from "@honeydue/testkit";
import pino from "pino";
import { jobOptions } from "../src/runtime/queue-contract.ts";
import {
  createQueues,
  producerConnection,
  startQueueWorkers,
  workerConnection,
} from "../src/runtime/queues.ts";
import { assertHandlers, JOBS } from "../src/runtime/registry.ts";

/** Connection and worker errors of the test's own queues: logged and counted, as in the worker. */
const testErrors = (source: string) =>
  createErrorSink({ source, log: createLogger({ level: "silent", role: "worker" }) });

const skip = (await redisReachable()) ? false : REDIS_SKIP_REASON;
const log = createLogger({ level: "silent", role: "worker" });

test("queue workers validate payloads again, retry failures with backoff, keep failed jobs", {
  skip,
}, async () => {
  const prefix = `q${randomBytes(4).toString("hex")}`;
  const redis = producerConnection(TEST_REDIS_URL, testErrors("redis"));
  const queues = createQueues(redis, prefix, testErrors);
  const calls: { jobId: string; attempt: number }[] = [];
  const noop = async () => {};
  const handlers: Record<string, unknown> = Object.fromEntries(Object.keys(JOBS).map((n) => [n, noop]));
  let failuresLeft = 2;
  handlers["email.send"] = async (_payload: unknown, context: { jobId: string; attempt: number }) => {
    calls.push(context);
    if (failuresLeft-- > 0) throw new Error("SMTP said 451");
  };
  assertHandlers(handlers);
  const workers = startQueueWorkers({
    errors: testErrors,
    redisUrl: TEST_REDIS_URL,
    prefix,
    handlers,
    log,
    queues: ["email"],
  });
  try {
    const good = randomUUID();
    const opts = { ...jobOptions("email.send", good), backoff: { type: "exponential" as const, delay: 50 } };
    await queues.email.add("email.send", { template: "password-changed", userId: randomUUID() }, opts);
    const bad = randomUUID();
    await queues.email.add("email.send", { template: "password-changed" }, jobOptions("email.send", bad));
    const done = async () => {
      for (let i = 0; i < 400; i++) {
        const [g, b] = [await queues.email.getJob(good), await queues.email.getJob(bad)];
        // Read the jobs again once settled: the copies fetched before may predate the final attempt count.
        if ((await g?.isCompleted()) && (await b?.isFailed())) {
          return [(await queues.email.getJob(good))!, (await queues.email.getJob(bad))!] as const;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error("jobs did not settle");
    };
    const [g, b] = await done();
    assert.deepEqual(
      calls.map((c) => [c.jobId, c.attempt]),
      [
        [good, 1],
        [good, 2],
        [good, 3],
      ],
    );
    assert.equal(g.attemptsMade, 3);
    // The invalid payload never reached the handler and was not retried.
    assert.equal(b.attemptsMade, 1);
    assert.match(b.failedReason, /Invalid payload for job email\.send/);
    assert.equal(b.opts.attempts, 10, "registry attempts");
    assert.deepEqual(b.opts.removeOnFail, { count: 5000, age: 30 * 24 * 3600 });
  } finally {
    await workers.close(5000);
    await queues.close();
    redis.disconnect();
  }
});

test("the BullMQ Workers' own connection errors are logged (rate-limited) and counted, never swallowed", async () => {
  // Nothing listens on this port: every connection attempt of the Workers fails.
  const unreachable = `redis://127.0.0.1:${await freePort()}`;
  const metrics = createMetrics("worker");
  const lines: { source?: string; msg?: string }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const logged = pino({ level: "warn" }, sink);
  // The connection each BullMQ Worker of startQueueWorkers gets, with the sink it passes.
  const connection = workerConnection(
    unreachable,
    createErrorSink({ source: "bullmq-worker-connection", log: logged, metrics }),
  );
  try {
    const counted = async () =>
      (await metrics.registry.getSingleMetric("background_errors_total")?.get())?.values.find(
        (v) => v.labels.source === "bullmq-worker-connection",
      )?.value ?? 0;
    const end = Date.now() + 20_000;
    while ((await counted()) < 4) {
      if (Date.now() > end) throw new Error("connection errors were not counted");
      await new Promise((r) => setTimeout(r, 50));
    }
    const connectionLines = lines.filter((l) => l.source === "bullmq-worker-connection");
    assert.ok(connectionLines.length >= 1, "logged");
    assert.ok(connectionLines.length < (await counted()), "rate-limited: fewer lines than errors");
  } finally {
    connection.disconnect();
  }
});
