import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { invites, memberships, outbox, residences, tasks, users, userTokens } from "@honeydue/db";
import { hashToken, randomToken } from "@honeydue/domain/tokens";
import { enqueueJob, runDigestTick } from "@honeydue/jobs";
import { createLogger } from "@honeydue/observability";
import {
  createTestDatabase,
  postgresReachable,
  redisReachable,
  startSmtpServer,
  TEST_REDIS_URL,
} from "@honeydue/testkit";
import { eq, isNull } from "drizzle-orm";
import { Redis } from "ioredis";
import { startWorker } from "../src/worker.ts";
import { workerSettings } from "./support.ts";

const skip = !(await postgresReachable())
  ? "the worker needs PostgreSQL"
  : !(await redisReachable())
    ? "Redis not reachable"
    : false;

const log = createLogger({ level: "silent", role: "worker" });

/** Every value of every key under `prefix`, whatever its type (job hashes, lists, sets, streams...). */
async function dumpKeys(redis: Redis, prefix: string): Promise<{ keys: string[]; dump: string }> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", "1000");
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  const parts: string[] = [];
  for (const key of keys) {
    const type = await redis.type(key);
    const value =
      type === "string"
        ? await redis.get(key)
        : type === "hash"
          ? await redis.hgetall(key)
          : type === "list"
            ? await redis.lrange(key, 0, -1)
            : type === "set"
              ? await redis.smembers(key)
              : type === "zset"
                ? await redis.zrange(key, "0", "-1")
                : type === "stream"
                  ? await redis.xrange(key, "-", "+")
                  : `<${type}>`;
    parts.push(`${key} ${JSON.stringify(value)}`);
  }
  return { keys, dump: parts.join("\n") };
}

test("no token, code or unsubscribe link of any email ever reaches Redis: waiting, completed or failed jobs", {
  skip,
}, async () => {
  const database = await createTestDatabase();
  const db = database.handle.db;
  const smtp = await startSmtpServer();
  const prefix = `secrets${randomBytes(4).toString("hex")}`;
  const worker = await startWorker(
    workerSettings({
      DATABASE_URL: database.url!,
      REDIS_URL: TEST_REDIS_URL,
      SMTP_URL: smtp.url,
      QUEUE_PREFIX: prefix,
      RUN_SCHEDULES: "false",
    }),
    log,
  );
  const redis = new Redis(TEST_REDIS_URL);
  try {
    // The jobs the API and the ticks write, each the way its writer does (ids only): a verification email,
    // a password reset, an invitation, a daily digest with its unsubscribe link, and one reset whose
    // message the SMTP server refuses for good (its job is kept as failed).
    const [dana, refused] = await db
      .insert(users)
      .values([
        { email: "dana@secrets.test", name: "Dana", passwordHash: "x", digestHour: 0, timezone: "UTC" },
        { email: "refused@secrets.test", name: "Rex", passwordHash: "x", emailVerifiedAt: new Date() },
      ])
      .returning();
    const tokenRow = async (userId: string, purpose: "verify_email" | "reset_password") =>
      (
        await db
          .insert(userTokens)
          .values({
            userId,
            purpose,
            tokenHash: hashToken(randomToken()),
            expiresAt: new Date(Date.now() + 3600_000),
          })
          .returning({ id: userTokens.id })
      )[0]!.id;
    await enqueueJob(db, "email.send", {
      template: "verify-email",
      userId: dana!.id,
      tokenId: await tokenRow(dana!.id, "verify_email"),
    });
    await db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, dana!.id));
    await enqueueJob(db, "email.send", {
      template: "reset-password",
      userId: dana!.id,
      tokenId: await tokenRow(dana!.id, "reset_password"),
    });
    const [home] = await db
      .insert(residences)
      .values({ name: "Maple", timezone: "UTC", createdBy: dana!.id })
      .returning();
    await db.insert(memberships).values({ residenceId: home!.id, userId: dana!.id, role: "owner" });
    await db.insert(tasks).values({ residenceId: home!.id, title: "Clean gutters", dueOn: "2026-01-01" });
    const [invite] = await db
      .insert(invites)
      .values({
        residenceId: home!.id,
        email: "guest@secrets.test",
        role: "member",
        tokenHash: hashToken(randomToken()),
        invitedBy: dana!.id,
        expiresAt: new Date(Date.now() + 86_400_000),
      })
      .returning();
    await enqueueJob(db, "email.send", { template: "invite", inviteId: invite!.id });
    const digest = await runDigestTick(
      { db, log },
      new Date(`${new Date().toISOString().slice(0, 10)}T00:30:00Z`),
    );
    assert.equal(digest.sent, 1, "the digest job is written");
    worker.relay.kick();

    const verify = await smtp.waitFor("dana@secrets.test", (m) => /verify-email\?token=/.test(m.text));
    const reset = await smtp.waitFor("dana@secrets.test", (m) => /reset-password\?token=/.test(m.text));
    const guest = await smtp.waitFor("guest@secrets.test");
    const digestMail = await smtp.waitFor("dana@secrets.test", (m) => /List-Unsubscribe:/i.test(m.raw));
    // Now the refused one: the SMTP server answers 550, the job fails for good at once.
    smtp.failNext(1, 550);
    const refusedJob = await enqueueJob(db, "email.send", {
      template: "reset-password",
      userId: refused!.id,
      tokenId: await tokenRow(refused!.id, "reset_password"),
    });
    worker.relay.kick();
    const poll = async <T>(fn: () => Promise<T | undefined | false>, what: string) => {
      const end = Date.now() + 30_000;
      for (;;) {
        const value = await fn();
        if (value) return value;
        if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await poll(
      async () => (await db.select().from(outbox).where(eq(outbox.id, refusedJob)))[0]?.failedAt,
      "the refused email to fail for good",
    );
    await poll(
      async () =>
        (await db.select().from(outbox).where(isNull(outbox.processedAt))).every((r) => r.failedAt !== null),
      "every job finished",
    );

    // What was issued: the links' tokens, the code and the unsubscribe token, read from the messages.
    const issued = [
      /verify-email\?token=([\w-]{43})/.exec(verify.text)?.[1],
      /\b(\d{6})\b/.exec(verify.text)?.[1],
      /reset-password\?token=([\w-]{43})/.exec(reset.text)?.[1],
      /\/invites\/([\w-]{43})/.exec(guest.text)?.[1],
      /\/v1\/unsubscribe\/([\w.-]+)>/.exec(digestMail.raw)?.[1],
    ];
    assert.ok(
      issued.every((s) => typeof s === "string" && s.length >= 6),
      `every secret found in its message: ${JSON.stringify(issued)}`,
    );
    const [refusedToken] = await db.select().from(userTokens).where(eq(userTokens.userId, refused!.id));
    assert.ok(refusedToken, "the refused reset's token row exists");

    const { keys, dump } = await dumpKeys(redis, prefix);
    // Not vacuous: the completed and failed jobs are there, with their data (ids) readable in the dump.
    assert.ok(
      keys.some((k) => k.endsWith(":email:completed")) && keys.some((k) => k.endsWith(":email:failed")),
    );
    assert.ok(
      dump.includes(invite!.id) && dump.includes(refused!.id) && dump.includes(dana!.id),
      dump.slice(0, 500),
    );
    for (const secret of issued)
      assert.equal(dump.includes(secret!), false, `a secret is in Redis: ${secret}`);
    assert.doesNotMatch(dump, /token=|unsubscribe|@secrets\.test/, "no link and no address in Redis either");
  } finally {
    redis.disconnect();
    await worker.stop();
  }
});
