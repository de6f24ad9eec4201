import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { emailMessages, memberships, residences, tasks, users } from "@honeydue/db";
import { enqueueJob, QUEUE_NAMES } from "@honeydue/jobs";
import { createQueues, producerConnection } from "@honeydue/jobs/queues";
import { createErrorSink, createLogger } from "@honeydue/observability";
import {
  createTestDatabase,
  mailRecipient,
  postgresReachable,
  redisReachable,
  startSmtpServer,
  TEST_REDIS_URL,
} from "@honeydue/testkit";
import { eq } from "drizzle-orm";
import { spawnWorker, startHoldingSmtp, until } from "./support.ts";

/** Connection and worker errors of the test's own queues: logged and counted, as in the worker. */
const testErrors = (source: string) =>
  createErrorSink({ source, log: createLogger({ level: "silent", role: "worker" }) });

const skip = !(await postgresReachable())
  ? "worker processes share PostgreSQL with the test (PGlite is in-process)"
  : !(await redisReachable())
    ? "Redis not reachable"
    : false;

// A database per test, as in production one database per queue prefix: a worker's reconciler re-publishes
// every unfinished outbox row of its database, and must not find another test's rows.
let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let db: NonNullable<typeof database>["handle"]["db"] | undefined;

async function prefix() {
  database = await createTestDatabase();
  db = database.handle.db;
  return `t${randomBytes(4).toString("hex")}`;
}

async function queueCounts(queuePrefix: string) {
  const redis = producerConnection(TEST_REDIS_URL, testErrors("redis"));
  const queues = createQueues(redis, queuePrefix, testErrors);
  try {
    const out: Record<string, number> = {};
    for (const name of QUEUE_NAMES) {
      const counts = await queues[name].getJobCounts("waiting", "active", "delayed", "failed", "completed");
      for (const [k, v] of Object.entries(counts)) out[k] = (out[k] ?? 0) + (v ?? 0);
    }
    return out;
  } finally {
    await queues.close();
    redis.disconnect();
  }
}

async function mailJob(to: string) {
  return enqueueJob(db!, "email.send", {
    template: "password-changed",
    userId: await mailRecipient(db!, to),
  });
}

test("SIGTERM during a running job: it finishes within the grace period, nothing lost, nothing stalled", {
  skip,
}, async () => {
  const smtp = await startHoldingSmtp();
  const queuePrefix = await prefix();
  const env = {
    DATABASE_URL: database!.url!,
    REDIS_URL: TEST_REDIS_URL,
    SMTP_URL: smtp.url,
    QUEUE_PREFIX: queuePrefix,
    RUN_SCHEDULES: "false",
  };
  const worker = spawnWorker(env);
  await worker.waitFor(/honeyDue worker ready/);
  smtp.state.hold = true;
  const id = await mailJob("term@example.test");
  await smtp.held();
  worker.child.kill("SIGTERM");
  await worker.waitFor(/taking no new jobs/);
  // A job written now is not taken by the stopping worker (its relay has stopped too).
  const later = await mailJob("later@example.test");
  smtp.releaseAll();
  assert.equal(await worker.exit(), 0, worker.output());
  assert.deepEqual(
    smtp.delivered.map((m) => m.to[0]),
    ["term@example.test"],
  );
  const [row] = await db!.select().from(emailMessages).where(eq(emailMessages.outboxId, id));
  assert.equal(row?.status, "sent");
  const counts = await queueCounts(queuePrefix);
  assert.equal(counts.active, 0, "no job left active (stalled)");
  assert.equal(counts.failed, 0);

  // The next worker delivers the job written during shutdown.
  const next = spawnWorker(env);
  await until(async () => smtp.delivered.some((m) => m.to[0] === "later@example.test"), "the later email");
  next.child.kill("SIGTERM");
  assert.equal(await next.exit(), 0);
  const [laterRow] = await db!.select().from(emailMessages).where(eq(emailMessages.outboxId, later));
  assert.equal(laterRow?.status, "sent");
  assert.equal(smtp.delivered.length, 2);
});

test("a send that outlives the grace period: the worker still exits 0 and the job returns to the queue", {
  skip,
}, async () => {
  const smtp = await startHoldingSmtp();
  const queuePrefix = await prefix();
  const env = {
    DATABASE_URL: database!.url!,
    REDIS_URL: TEST_REDIS_URL,
    SMTP_URL: smtp.url,
    QUEUE_PREFIX: queuePrefix,
    RUN_SCHEDULES: "false",
    JOB_LOCK_MS: "2000",
    SHUTDOWN_GRACE_MS: "500",
  };
  const first = spawnWorker(env);
  await first.waitFor(/honeyDue worker ready/);
  smtp.state.hold = true;
  const id = await mailJob("grace@example.test");
  await smtp.held();
  first.child.kill("SIGTERM");
  assert.equal(await first.exit(), 0, first.output());
  smtp.state.hold = false;
  const second = spawnWorker(env);
  await until(
    async () => {
      const [row] = await db!.select().from(emailMessages).where(eq(emailMessages.outboxId, id));
      return row?.status === "sent";
    },
    "the email sent by the next worker",
    60_000,
  );
  second.child.kill("SIGTERM");
  assert.equal(await second.exit(), 0);
  assert.equal(smtp.delivered.filter((m) => m.to[0] === "grace@example.test").length, 1);
});

test("a worker killed with SIGKILL in the middle of sending, then restarted, leads to exactly one email", {
  skip,
}, async () => {
  const smtp = await startHoldingSmtp();
  const queuePrefix = await prefix();
  const env = {
    DATABASE_URL: database!.url!,
    REDIS_URL: TEST_REDIS_URL,
    SMTP_URL: smtp.url,
    QUEUE_PREFIX: queuePrefix,
    RUN_SCHEDULES: "false",
    JOB_LOCK_MS: "2000",
  };
  const first = spawnWorker(env);
  await first.waitFor(/honeyDue worker ready/);
  smtp.state.hold = true;
  const id = await mailJob("kill@example.test");
  await smtp.held();
  first.child.kill("SIGKILL");
  await first.exit();
  smtp.state.hold = false;
  const second = spawnWorker(env);
  await until(
    async () => {
      const [row] = await db!.select().from(emailMessages).where(eq(emailMessages.outboxId, id));
      return row?.status === "sent";
    },
    "the email sent by the restarted worker",
    30_000,
  );
  await until(async () => (await queueCounts(queuePrefix)).completed === 1, "the job completed");
  second.child.kill("SIGTERM");
  assert.equal(await second.exit(), 0);
  const got = smtp.delivered.filter((m) => m.to[0] === "kill@example.test");
  assert.equal(got.length, 1, JSON.stringify(smtp.delivered));
  const counts = await queueCounts(queuePrefix);
  assert.equal((counts.active ?? 0) + (counts.waiting ?? 0) + (counts.failed ?? 0), 0);
});

test("two worker processes running the schedules side by side send each digest once", { skip }, async () => {
  const smtp = await startSmtpServer();
  const queuePrefix = await prefix();
  // Each person's local time is around noon (a fixed-offset zone chosen from the current UTC hour), so the
  // digest hour is due now and the test never straddles a local midnight, whenever it runs.
  const offset = 12 - new Date().getUTCHours();
  const timezone = offset >= 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
  const hour = 12;
  const people = ["ann", "ben", "cat"];
  for (const name of people) {
    const [u] = await db!
      .insert(users)
      .values({
        email: `${name}-digest@example.test`,
        name,
        passwordHash: "x",
        timezone,
        digestHour: hour,
        emailVerifiedAt: new Date(),
      })
      .returning();
    const [r] = await db!
      .insert(residences)
      .values({ name: `${name}'s`, timezone })
      .returning();
    await db!.insert(memberships).values({ residenceId: r!.id, userId: u!.id, role: "owner" });
    await db!.insert(tasks).values({ residenceId: r!.id, title: "Test smoke alarms", dueOn: "2026-01-01" });
  }
  const env = {
    DATABASE_URL: database!.url!,
    REDIS_URL: TEST_REDIS_URL,
    SMTP_URL: smtp.url,
    QUEUE_PREFIX: queuePrefix,
    SCHEDULE_INTERVAL_MS: "500",
    WORKER_CONCURRENCY: "3",
  };
  const a = spawnWorker(env);
  const b = spawnWorker(env);
  await Promise.all([a.waitFor(/job schedulers in place/), b.waitFor(/job schedulers in place/)]);
  // Besides the scheduler's ticks, a burst of ticks at once: both workers run them concurrently.
  const redis = producerConnection(TEST_REDIS_URL, testErrors("redis"));
  const queues = createQueues(redis, queuePrefix, testErrors);
  await queues.reminders.addBulk(
    Array.from({ length: 8 }, () => ({ name: "reminders.digest-tick", data: {} })),
  );
  await queues.close();
  redis.disconnect();
  for (const name of people) await smtp.waitFor(`${name}-digest@example.test`, undefined, 30_000);
  // Let both keep ticking a while longer (several ticks each), then stop them.
  await until(
    async () =>
      (a.output().match(/digest tick/g)?.length ?? 0) + (b.output().match(/digest tick/g)?.length ?? 0) >= 6,
    "more ticks",
  );
  a.child.kill("SIGTERM");
  b.child.kill("SIGTERM");
  assert.equal(await a.exit(), 0);
  assert.equal(await b.exit(), 0);
  for (const name of people) {
    const got = smtp.messages.filter((m) => m.to.includes(`${name}-digest@example.test`));
    assert.equal(got.length, 1, `${name}: ${got.length} digests`);
    assert.match(got[0]!.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    assert.match(
      got[0]!.raw,
      /^List-Unsubscribe:\s+<https:\/\/api\.honeydue\.test\/v1\/unsubscribe\/[\w.-]+>\r?$/m,
    );
  }
});
