import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { test } from "node:test";
import { createLogger } from "@honeydue/observability";
import { REDIS_SKIP_REASON, redisReachable, TEST_REDIS_URL } from "@honeydue/testkit";
import { createQueues, jobOptions, producerConnection, startQueueWorkers } from "../src/queues.ts";
import { JOBS } from "../src/registry.ts";

const skip = (await redisReachable()) ? false : REDIS_SKIP_REASON;
const log = createLogger({ level: "silent", role: "worker" });

test("queue workers validate payloads again, retry failures with backoff, keep failed jobs", {
  skip,
}, async () => {
  const prefix = `q${randomBytes(4).toString("hex")}`;
  const redis = producerConnection(TEST_REDIS_URL);
  const queues = createQueues(redis, prefix);
  const calls: { jobId: string; attempt: number }[] = [];
  const noop = async () => {};
  const handlers = Object.fromEntries(Object.keys(JOBS).map((n) => [n, noop])) as never as Record<
    string,
    unknown
  >;
  let failuresLeft = 2;
  handlers["email.send"] = async (_payload: unknown, context: { jobId: string; attempt: number }) => {
    calls.push(context);
    if (failuresLeft-- > 0) throw new Error("SMTP said 451");
  };
  const workers = startQueueWorkers({
    redisUrl: TEST_REDIS_URL,
    prefix,
    handlers: handlers as never,
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
