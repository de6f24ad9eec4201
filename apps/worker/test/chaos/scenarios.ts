import { randomBytes } from "node:crypto";
import type { Database } from "@honeydue/db";
import { enqueueJob } from "@honeydue/jobs";
import {
  createTestDatabase,
  mailRecipient,
  startPostgresServer,
  startRedisServer,
  verificationTokenIn,
} from "@honeydue/testkit";
import { sql } from "drizzle-orm";
import pg from "pg";
import { spawnApiProcess, spawnWorkerProcess, startSmtpSink, until } from "./harness.ts";

/** What a scenario measured; the long form prints these (docs/reliability.md quotes them). */
export interface Figures {
  scenario: string;
  tried: number;
  delivered: number;
  duplicated: number;
  missing: number;
  /** From the fault's end (or start, for kills) until everything was delivered. */
  secondsToRecover: number;
  [extra: string]: string | number;
}

const prefix = () => `chaos${randomBytes(4).toString("hex")}`;
const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;

async function mailJobs(db: Database, count: number, tag: string): Promise<string[]> {
  const to: string[] = [];
  for (let i = 0; i < count; i++) {
    const address = `${tag}-${i}@chaos.test`;
    to.push(address);
    await enqueueJob(db, "email.send", {
      template: "password-changed",
      userId: await mailRecipient(db, address, `N${i}`),
    });
  }
  return to;
}

/**
 * Redis SIGKILLed and restarted empty while `emails` emails wait in its queue behind a slow SMTP server:
 * the reconciler notices the missing data marker and re-publishes the unfinished rows.
 */
export async function redisRestartedEmpty(options: {
  emails: number;
  smtpDelayMs: number;
}): Promise<Figures> {
  const redis = await startRedisServer();
  const { url: databaseUrl, handle } = await createTestDatabase();
  const smtp = await startSmtpSink({ delayMs: options.smtpDelayMs });
  const env = {
    DATABASE_URL: databaseUrl!,
    REDIS_URL: redis.url,
    SMTP_URL: smtp.url,
    QUEUE_PREFIX: prefix(),
    RUN_SCHEDULES: "false",
    WORKER_CONCURRENCY: "3",
    SMTP_MAX_CONNECTIONS: "3",
  };
  const worker = spawnWorkerProcess(env);
  await worker.waitFor(/honeyDue worker ready/);
  const to = await mailJobs(handle.db, options.emails, "redis-empty");
  // Everything handed to Redis, a few sent: the rest waits in Redis's queue.
  await until(async () => {
    const { rows } = (await handle.db.execute(
      sql`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
    )) as unknown as { rows: { n: number }[] };
    return rows[0]!.n === 0 && smtp.delivered.length >= 5;
  }, "the outbox published and the first emails sent");
  // From here the sends in flight hang unanswered: the rest of the emails are certainly still in Redis.
  smtp.hold();
  const sentBefore = smtp.delivered.length;
  await redis.stop("SIGKILL");
  await redis.start();
  const restarted = Date.now();
  smtp.release();
  await until(() => smtp.tally(to).missing === 0, "every email delivered", 300_000, 200);
  const recovered = seconds(restarted);
  // Let in-flight retries settle before counting duplicates.
  await until(async () => {
    const { rows } = (await handle.db.execute(
      sql`SELECT count(*)::int AS n FROM outbox WHERE processed_at IS NULL AND failed_at IS NULL`,
    )) as unknown as { rows: { n: number }[] };
    return rows[0]!.n === 0;
  }, "every outbox row finished");
  await worker.kill("SIGTERM");
  return {
    scenario: "Redis SIGKILLed and restarted empty",
    tried: options.emails,
    ...smtp.tally(to),
    secondsToRecover: recovered,
    sentBeforeKill: sentBefore,
  };
}

/** Redis down for `seconds` while clients sign in, read and register: no 5xx, no verification email lost. */
export async function redisDownUnderLoad(options: {
  seconds: number;
}): Promise<Figures & { requests: number; errors5xx: number }> {
  const redis = await startRedisServer();
  const { url: databaseUrl } = await createTestDatabase();
  const smtp = await startSmtpSink();
  const shared = { DATABASE_URL: databaseUrl!, REDIS_URL: redis.url, SMTP_URL: smtp.url };
  const queuePrefix = prefix();
  const api = await spawnApiProcess({ ...shared, QUEUE_PREFIX: queuePrefix });
  const worker = spawnWorkerProcess({ ...shared, QUEUE_PREFIX: queuePrefix, RUN_SCHEDULES: "false" });
  await worker.waitFor(/honeyDue worker ready/);
  const password = "correct horse battery staple";
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${api.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  // The steady member signs up as a person does: register, the emailed link, sign in.
  const steady = "steady@chaos.test";
  const first = await post("/v1/auth/register", { email: steady, password, name: "Steady" });
  if (first.status !== 202) throw new Error(`register: ${first.status} ${await first.text()}`);
  const mail = await until(
    () => smtp.delivered.find((m) => m.to === steady),
    "the verification email",
    60_000,
  );
  const verified = await post("/v1/auth/verify-email", { token: verificationTokenIn(mail.text) });
  if (verified.status !== 200) throw new Error(`verify: ${verified.status} ${await verified.text()}`);
  const signedIn = await post("/v1/auth/login", { email: steady, password });
  if (signedIn.status !== 200) throw new Error(`login: ${signedIn.status} ${await signedIn.text()}`);
  const { accessToken } = (await signedIn.json()) as { accessToken: string };

  await redis.stop("SIGKILL");
  const statuses = new Map<number, number>();
  const registered: string[] = [];
  const end = Date.now() + options.seconds * 1000;
  let i = 0;
  while (Date.now() < end) {
    i++;
    const calls: Promise<Response>[] = [
      post("/v1/auth/login", { email: "steady@chaos.test", password: i % 3 ? password : "wrong password" }),
      fetch(`${api.url}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } }),
    ];
    if (i % 5 === 0) {
      const email = `outage-${i}@chaos.test`;
      calls.push(
        post("/v1/auth/register", { email, password, name: `O${i}` }).then((r) => {
          if (r.status === 202) registered.push(email);
          return r;
        }),
      );
    }
    for (const res of await Promise.all(calls)) {
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      await res.arrayBuffer();
    }
  }
  await redis.start();
  const back = Date.now();
  const expected = ["steady@chaos.test", ...registered];
  await until(() => smtp.tally(expected).missing === 0, "every verification email delivered", 120_000, 200);
  const recovered = seconds(back);
  await Promise.all([worker.kill("SIGTERM"), api.kill("SIGTERM")]);
  const requests = [...statuses.values()].reduce((a, b) => a + b, 0);
  const errors5xx = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
  return {
    scenario: `Redis down ${options.seconds} s under sign-ins, reads and sign-ups`,
    tried: expected.length,
    ...smtp.tally(expected),
    secondsToRecover: recovered,
    requests,
    errors5xx,
    statuses: JSON.stringify(Object.fromEntries(statuses)),
  };
}

/** A worker SIGKILLed while sending; the next one takes the jobs over (same Message-IDs). */
export async function workerKilledMidSend(options: { emails: number }): Promise<Figures> {
  const { url: databaseUrl, handle } = await createTestDatabase();
  const redis = await startRedisServer();
  const smtp = await startSmtpSink({ delayMs: 200 });
  const env = {
    DATABASE_URL: databaseUrl!,
    REDIS_URL: redis.url,
    SMTP_URL: smtp.url,
    QUEUE_PREFIX: prefix(),
    RUN_SCHEDULES: "false",
    JOB_LOCK_MS: "3000",
  };
  const first = spawnWorkerProcess(env);
  await first.waitFor(/honeyDue worker ready/);
  const to = await mailJobs(handle.db, options.emails, "killed");
  await until(() => smtp.delivered.length >= Math.min(3, options.emails - 1), "the first emails sent");
  await first.kill("SIGKILL");
  const killed = Date.now();
  const second = spawnWorkerProcess(env);
  await until(() => smtp.tally(to).missing === 0, "every email delivered", 180_000, 200);
  const recovered = seconds(killed);
  await second.kill("SIGTERM");
  return {
    scenario: "worker SIGKILLed mid-send, then restarted",
    tried: options.emails,
    ...smtp.tally(to),
    secondsToRecover: recovered,
  };
}

/** Two workers on one queue and one outbox. */
export async function twoWorkers(options: { emails: number }): Promise<Figures> {
  const { url: databaseUrl, handle } = await createTestDatabase();
  const redis = await startRedisServer();
  const smtp = await startSmtpSink({ delayMs: 20 });
  const env = {
    DATABASE_URL: databaseUrl!,
    REDIS_URL: redis.url,
    SMTP_URL: smtp.url,
    QUEUE_PREFIX: prefix(),
    RUN_SCHEDULES: "false",
  };
  const a = spawnWorkerProcess(env);
  const b = spawnWorkerProcess(env);
  await Promise.all([a.waitFor(/honeyDue worker ready/), b.waitFor(/honeyDue worker ready/)]);
  const started = Date.now();
  const to = await mailJobs(handle.db, options.emails, "two");
  await until(() => smtp.tally(to).missing === 0, "every email delivered", 180_000, 200);
  const recovered = seconds(started);
  await Promise.all([a.kill("SIGTERM"), b.kill("SIGTERM")]);
  return { scenario: "two workers", tried: options.emails, ...smtp.tally(to), secondsToRecover: recovered };
}

/** Every Object.prototype key and malformed payloads among good rows, plus a 550 refusal. */
export async function poisonRows(options: { good: number }): Promise<Figures & { failedRows: number }> {
  const { url: databaseUrl, handle } = await createTestDatabase();
  const redis = await startRedisServer();
  const smtp = await startSmtpSink({ refuse: /^refused@/ });
  const env = {
    DATABASE_URL: databaseUrl!,
    REDIS_URL: redis.url,
    SMTP_URL: smtp.url,
    QUEUE_PREFIX: prefix(),
    RUN_SCHEDULES: "false",
  };
  const poison = Object.getOwnPropertyNames(Object.prototype);
  for (const job of poison) {
    await handle.db.execute(
      sql`INSERT INTO outbox (job, payload) VALUES (${job}, ${JSON.stringify({ template: "x", to: "p@chaos.test", data: {} })}::jsonb)`,
    );
  }
  await handle.db.execute(
    sql`INSERT INTO outbox (job, payload) VALUES ('email.send', '{"template": 1}'::jsonb)`,
  );
  await handle.db.execute(sql`INSERT INTO outbox (job, payload) VALUES ('email.send', '[]'::jsonb)`);
  await handle.db.execute(
    sql`INSERT INTO outbox (job, payload) VALUES ('email.send', '{"template": "no-such-template", "userId": "00000000-0000-4000-8000-000000000000"}'::jsonb)`,
  );
  await enqueueJob(handle.db, "email.send", {
    template: "password-changed",
    userId: await mailRecipient(handle.db, "refused@chaos.test", "R"),
  });
  const to = await mailJobs(handle.db, options.good, "good");
  const started = Date.now();
  const worker = spawnWorkerProcess(env);
  await worker.waitFor(/honeyDue worker ready/);
  await until(() => smtp.tally(to).missing === 0, "every good email delivered", 120_000, 200);
  const recovered = seconds(started);
  const failedRows = await until(async () => {
    const { rows } = (await handle.db.execute(
      sql`SELECT count(*)::int AS n FROM outbox WHERE failed_at IS NOT NULL`,
    )) as unknown as { rows: { n: number }[] };
    return rows[0]!.n === poison.length + 4 && rows[0]!.n;
  }, "every poison row failed on its own");
  await worker.kill("SIGTERM");
  return {
    scenario: "poison rows among good ones",
    tried: options.good,
    ...smtp.tally(to),
    secondsToRecover: recovered,
    failedRows,
  };
}

/** PostgreSQL stopped for `seconds` while clients sign up: 503s, no hang, no email lost. */
export async function postgresStopped(options: {
  seconds: number;
}): Promise<Figures & { requests: number; errors503: number; other5xx: number }> {
  const server = await startPostgresServer();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query("CREATE DATABASE honeydue");
  await admin.end();
  const databaseUrl = server.url.replace(/\/postgres$/, "/honeydue");
  const redis = await startRedisServer();
  // Slow enough that verification emails are still waiting in the queue when PostgreSQL stops.
  const smtp = await startSmtpSink({ delayMs: 300 });
  const queuePrefix = prefix();
  const shared = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, SMTP_URL: smtp.url };
  const api = await spawnApiProcess({ ...shared, QUEUE_PREFIX: queuePrefix });
  const worker = spawnWorkerProcess({ ...shared, QUEUE_PREFIX: queuePrefix, RUN_SCHEDULES: "false" });
  await worker.waitFor(/honeyDue worker ready/);
  const registered: string[] = [];
  const statuses = new Map<number, number>();
  let n = 0;
  const signUp = async () => {
    n++;
    const email = `pg-${n}@chaos.test`;
    try {
      const res = await fetch(`${api.url}/v1/auth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: "correct horse battery staple", name: `P${n}` }),
        signal: AbortSignal.timeout(30_000),
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 202) registered.push(email);
      await res.arrayBuffer();
      return res.status;
    } catch {
      statuses.set(0, (statuses.get(0) ?? 0) + 1);
      return 0;
    }
  };
  await Promise.all(Array.from({ length: 20 }, () => signUp()));
  const queuedAtStop = registered.length - smtp.tally(registered).delivered;
  await server.stop("SIGINT");
  const end = Date.now() + options.seconds * 1000;
  while (Date.now() < end) await Promise.all([signUp(), signUp()]);
  await server.start();
  const back = Date.now();
  await until(async () => (await signUp()) === 202, "sign-up answering 202 again", 60_000, 200);
  const apiBack = seconds(back);
  await until(() => smtp.tally(registered).missing === 0, "every verification email delivered", 180_000, 200);
  const recovered = seconds(back);
  await Promise.all([worker.kill("SIGTERM"), api.kill("SIGTERM")]);
  const requests = [...statuses.values()].reduce((a, b) => a + b, 0);
  return {
    scenario: `PostgreSQL stopped ${options.seconds} s under sign-ups`,
    tried: registered.length,
    ...smtp.tally(registered),
    secondsToRecover: recovered,
    secondsApiBack: apiBack,
    queuedAtStop,
    requests,
    errors503: statuses.get(503) ?? 0,
    other5xx: [...statuses]
      .filter(([s]) => (s >= 500 && s !== 503) || s === 0)
      .reduce((a, [, c]) => a + c, 0),
    statuses: JSON.stringify(Object.fromEntries(statuses)),
  };
}
