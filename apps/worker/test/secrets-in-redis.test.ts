import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { invites, memberships, outbox, residences, tasks, users, userTokens } from "@honeydue/db";
import { hashToken, randomToken } from "@honeydue/domain/tokens";
import { enqueueJob, runDigestTick } from "@honeydue/jobs";
import { createLogger } from "@honeydue/observability";
import {
  createTestDatabase,
  fetchApi,
  postgresReachable,
  redisReachable,
  signUpByEmail,
  startSmtpServer,
  TEST_REDIS_URL,
} from "@honeydue/testkit";
import { eq, isNull } from "drizzle-orm";
import { Redis } from "ioredis";
import { startWorker } from "../src/worker.ts";
import { spawnApiProcess, until } from "./chaos/harness.ts";
import { workerSettings } from "./support.ts";

const skip = !(await postgresReachable())
  ? "the worker needs PostgreSQL"
  : !(await redisReachable())
    ? "Redis not reachable"
    : false;

const log = createLogger({ level: "silent", role: "worker" });

/** Where `secret` occurs in `dump` as a whole token (a 6-digit code is also inside many timestamps). */
function containsSecret(dump: string, secret: string): boolean {
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`).test(dump);
}

/** A test database, an SMTP sink and a worker on its own queue prefix, and a Redis client to read them. */
async function startStack(name: string) {
  const database = await createTestDatabase();
  const smtp = await startSmtpServer();
  const prefix = `${name}${randomBytes(4).toString("hex")}`;
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
  return { database, smtp, prefix, worker, redis: new Redis(TEST_REDIS_URL) };
}

/** Every value of every key under `prefix`, whatever its type (job hashes, lists, sets, streams...). */
async function dumpKeys(redis: Redis, prefix: string): Promise<{ keys: string[]; dump: string }> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", "1000");
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
  const { database, smtp, prefix, worker, redis } = await startStack("secrets");
  const db = database.handle.db;
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
      assert.equal(containsSecret(dump, secret!), false, `a secret is in Redis: ${secret}`);
    assert.doesNotMatch(dump, /token=|unsubscribe|@secrets\.test/, "no link and no address in Redis either");
  } finally {
    redis.disconnect();
    await worker.stop();
  }
});

test("through the real API and worker: no secret the API issued is in any key BullMQ or the API wrote in Redis", {
  skip,
  timeout: 300_000,
}, async () => {
  // The API process (apps/api/src/main.ts with REDIS_URL: not embedded, its jobs go through the outbox
  // to this worker's BullMQ queues) and the worker on one database and one Redis. Every flow that issues a
  // secret is driven through the API's routes; afterwards every key under the run's two prefixes (the
  // queues' and the API's own throttle keys) is read and searched for each secret.
  const { database, smtp, prefix, worker, redis } = await startStack("secrets-api");
  try {
    const api = await spawnApiProcess({
      DATABASE_URL: database.url!,
      MIGRATE_ON_START: "false",
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `${prefix}-api:`,
      QUEUE_PREFIX: prefix,
    });
    const call = fetchApi(api.url);
    const send = async (method: string, path: string, token: string | undefined, body?: unknown) => {
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      assert.ok(res.status < 300, `${method} ${path} answered ${res.status}: ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const password = "correct horse battery staple";
    // Sign-up by email: the verification email (link token and code) through API → outbox → BullMQ → SMTP.
    const ana = await signUpByEmail(call, smtp, { email: "ana@secrets-api.test", password, name: "Ana" });
    const bea = await signUpByEmail(call, smtp, { email: "bea@secrets-api.test", password, name: "Bea" });
    // A taken address: the registration-attempt email to its owner.
    await send("POST", "/v1/auth/register", undefined, {
      email: "ana@secrets-api.test",
      password,
      name: "X",
    });
    // Forgot password: the reset link.
    await send("POST", "/v1/auth/forgot-password", undefined, { email: "bea@secrets-api.test" });
    // A residence, an invitation by email, a share code, a hand-off link, a report link, a calendar feed,
    // a handover offered to Bea.
    const home = await send("POST", "/v1/residences", ana.accessToken, { name: "Maple", timezone: "UTC" });
    await send("POST", `/v1/residences/${home.id}/invites`, ana.accessToken, {
      email: "guest@secrets-api.test",
      role: "member",
    });
    const share = await send("POST", `/v1/residences/${home.id}/share-code`, ana.accessToken);
    const task = await send("POST", `/v1/residences/${home.id}/tasks`, ana.accessToken, {
      title: "Clean gutters",
      dueOn: "2026-06-01",
    });
    const handoff = await send("POST", `/v1/tasks/${task.id}/handoff-links`, ana.accessToken, {});
    const report = await send("POST", `/v1/residences/${home.id}/report-links`, ana.accessToken, {});
    const feed = await send("POST", "/v1/me/calendar-feed", ana.accessToken);
    await send("POST", `/v1/residences/${home.id}/handovers`, ana.accessToken, { email: bea.user.email });
    // A password change (the password-changed email) and the new session's tokens.
    const changed = await send("POST", "/v1/me/password", bea.accessToken, {
      currentPassword: password,
      password: "another good passphrase",
    });

    const mails = {
      verifyAna: await smtp.waitFor("ana@secrets-api.test", (m) => /verify-email\?token=/.test(m.text)),
      attempt: await smtp.waitFor("ana@secrets-api.test", (m) => /tried to sign up/.test(m.subject)),
      reset: await smtp.waitFor("bea@secrets-api.test", (m) => /reset-password\?token=/.test(m.text)),
      invite: await smtp.waitFor("guest@secrets-api.test"),
      handover: await smtp.waitFor("bea@secrets-api.test", (m) => /handing Maple over/.test(m.subject)),
      changed: await smtp.waitFor("bea@secrets-api.test", (m) => /password was changed/.test(m.subject)),
    };
    await until(
      async () =>
        (await database.handle.db.select().from(outbox).where(isNull(outbox.processedAt))).length === 0,
      "every job the API wrote to be processed",
    );

    const lastSegment = (url: string) =>
      new URL(url).pathname
        .split("/")
        .pop()!
        .replace(/\.ics$/, "");
    const issued: Record<string, string | undefined> = {
      "ana access token": ana.accessToken,
      "ana refresh token": ana.refreshToken,
      "bea access token": bea.accessToken,
      "bea refresh token": bea.refreshToken,
      "bea new access token": changed.accessToken,
      "bea new refresh token": changed.refreshToken,
      "verification link token": /verify-email\?token=([\w-]{43})/.exec(mails.verifyAna.text)?.[1],
      "verification code": /\b(\d{6})\b/.exec(mails.verifyAna.text)?.[1],
      "reset link token": /reset-password\?token=([\w-]{43})/.exec(mails.reset.text)?.[1],
      "invite token": /\/invites\/([\w-]{43})/.exec(mails.invite.text)?.[1],
      "share code": share.code,
      "hand-off link token": handoff.token,
      "report link token": lastSegment(report.url),
      "calendar feed token": lastSegment(feed.url),
    };
    for (const [what, secret] of Object.entries(issued))
      assert.ok(typeof secret === "string" && secret.length >= 6, `${what} found: ${JSON.stringify(issued)}`);

    const { keys, dump } = await dumpKeys(redis, prefix);
    // Not vacuous: the API's jobs went through BullMQ (completed email jobs with their ids), the API's
    // own keys (throttles) are there.
    assert.ok(
      keys.some((k) => k.endsWith(":email:completed")),
      keys.join(" "),
    );
    assert.ok(
      keys.some((k) => k.startsWith(`${prefix}-api:`)),
      keys.join(" "),
    );
    assert.ok(dump.includes(ana.user.id) && dump.includes(bea.user.id), dump.slice(0, 500));
    for (const [what, secret] of Object.entries(issued))
      assert.equal(containsSecret(dump, secret!), false, `the ${what} is in Redis`);
    // The jobs carry no link and no address either (the throttles' keys name the account they count).
    const queued = await dumpKeys(redis, `${prefix}:`);
    assert.doesNotMatch(queued.dump, /token=|@secrets-api\.test/, "no link and no address in the jobs");
  } finally {
    redis.disconnect();
    await worker.stop();
  }
});
