import assert from "node:assert/strict";
import { test } from "node:test";
import { emailMessages, outbox } from "@honeydue/db";
import { jobOptions } from "@honeydue/jobs";
import { createLogger } from "@honeydue/observability";
import {
  createTestDatabase,
  freePort,
  postgresReachable,
  startNodeProcess,
  startSmtpServer,
} from "@honeydue/testkit";
import { eq } from "drizzle-orm";
import { startWorker } from "../src/worker.ts";
import { startOwnRedis, until, workerSettings } from "./support.ts";

const skip = (await postgresReachable())
  ? false
  : "the worker shares PostgreSQL with the API (PGlite is in-process)";

test("a user registered while Redis is stopped gets exactly one verification email once Redis is back", {
  skip,
}, async () => {
  const redis = await startOwnRedis();
  const smtp = await startSmtpServer();
  // The real API as its own process (as deployed), on a fresh database it migrates itself.
  const database = await createTestDatabase();
  const api = `http://127.0.0.1:${await freePort()}`;
  await startNodeProcess({
    args: ["apps/api/src/main.ts"],
    cwd: new URL("../../../", import.meta.url).pathname,
    env: {
      NODE_ENV: "test",
      COMPILE_VALIDATORS_ON_FIRST_USE: "true",
      LOG_LEVEL: "warn",
      PORT: new URL(api).port,
      DATABASE_URL: database.url!,
      REDIS_URL: redis.url,
      SMTP_URL: smtp.url,
      AUTH_SECRET: "redis-outage-secret-redis-outage-secret",
      PUBLIC_API_URL: api,
      PUBLIC_WEB_URL: "https://web.honeydue.test",
      METRICS_PORT: "0",
    },
    readyUrl: `${api}/readyz`,
    timeoutMs: 180_000,
  });
  const log = createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent", role: "worker" });
  const worker = await startWorker(
    workerSettings({
      REDIS_URL: redis.url,
      DATABASE_URL: database.url!,
      SMTP_URL: smtp.url,
      QUEUE_PREFIX: "outage",
    }),
    log,
  );
  try {
    await redis.stop();
    const res = await fetch(`${api}/v1/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        email: "Down@Example.test",
        password: "correct horse battery staple",
        name: "Dana",
      }),
    });
    assert.equal(res.status, 202, await res.text());
    // The job is in the outbox; the relay cannot publish it while Redis is down and leaves it there.
    const [row] = await database.handle.db.select().from(outbox).where(eq(outbox.job, "email.send"));
    assert.ok(row);
    // (A pass that finds no row ran while the relay's own pass held it locked; try again.)
    await until(async () => {
      try {
        await worker.relay.runOnce();
        return false;
      } catch {
        return true;
      }
    }, "a relay pass failing while Redis is down");
    const [still] = await database.handle.db.select().from(outbox).where(eq(outbox.id, row.id));
    assert.equal(still!.publishedAt, null);
    assert.equal(smtp.messages.length, 0);

    await redis.start();
    const mail = await smtp.waitFor("down@example.test", undefined, 30_000);
    assert.match(mail.subject, /confirm/i);
    const published = await until(async () => {
      const [r] = await database.handle.db.select().from(outbox).where(eq(outbox.id, row.id));
      return r?.publishedAt;
    }, "published_at");
    assert.ok(published);

    // A relay that publishes the same row again adds no second job, and the handler would skip it anyway.
    const again = await worker.queues.email.add("email.send", row.payload, jobOptions("email.send", row.id));
    assert.equal(again.id, row.id);
    await until(async () => {
      const counts = await worker.queues.email.getJobCounts("waiting", "active", "delayed");
      return (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) === 0;
    }, "an empty email queue");
    const sent = await database.handle.db
      .select()
      .from(emailMessages)
      .where(eq(emailMessages.outboxId, row.id));
    assert.deepEqual(
      sent.map((m) => m.status),
      ["sent"],
    );
    assert.equal(
      smtp.messages.filter((m) => m.to.some((t) => t.toLowerCase() === "down@example.test")).length,
      1,
    );
  } finally {
    await worker.stop();
  }
});
