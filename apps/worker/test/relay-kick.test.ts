import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { outbox } from "@honeydue/db";
import { enqueueJob, OUTBOX_KICK_CHANNEL } from "@honeydue/jobs";
import { createLogger } from "@honeydue/observability";
import {
  createTestDatabase,
  mailRecipient,
  postgresReachable,
  redisReachable,
  startSmtpServer,
  TEST_REDIS_URL,
} from "@honeydue/testkit";
import { eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { startWorker } from "../src/worker.ts";
import { workerSettings } from "./support.ts";

const skip = !(await postgresReachable())
  ? "the worker needs PostgreSQL"
  : !(await redisReachable())
    ? "Redis not reachable"
    : false;

test("a kick from the API makes the relay publish at once instead of at its next poll", {
  skip,
}, async () => {
  const database = await createTestDatabase();
  const smtp = await startSmtpServer();
  const worker = await startWorker(
    workerSettings({
      DATABASE_URL: database.url!,
      REDIS_URL: TEST_REDIS_URL,
      SMTP_URL: smtp.url,
      QUEUE_PREFIX: `k${randomBytes(4).toString("hex")}`,
      RUN_SCHEDULES: "false",
      // The poll alone would take a minute: only the kick can deliver within the wait below.
      RELAY_POLL_MS: "60000",
    }),
    createLogger({ level: "silent", role: "worker" }),
  );
  const publisher = new Redis(TEST_REDIS_URL);
  try {
    const id = await enqueueJob(database.handle.db, "email.send", {
      template: "password-changed",
      userId: await mailRecipient(database.handle.db, "kicked@example.test", "Kim"),
    });
    // What the API's notifyOutbox() does after a commit when REDIS_URL is set. Repeated until the worker's
    // subscription is in place (it subscribes at boot, asynchronously).
    const mail = smtp.waitFor("kicked@example.test", undefined, 15_000);
    let settled = false;
    void mail.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled) {
      const [row] = await database.handle.db.select().from(outbox).where(eq(outbox.id, id));
      if (row?.publishedAt) break;
      await publisher.publish(OUTBOX_KICK_CHANNEL, "1");
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match((await mail).subject, /password/i);
  } finally {
    publisher.disconnect();
    await worker.stop();
  }
});
