import { randomUUID } from "node:crypto";
import { after } from "node:test";
import { type ApiSettings, deriveKeyRing, loadApiSettings } from "@honeydue/config";
import { migrate, openDatabase, outbox, queryRows } from "@honeydue/db";
import { type EmailJob, type EmailTemplate, TEMPLATES } from "@honeydue/email";
import { createErrorSink, createLogger } from "@honeydue/observability";
import { createStorage } from "@honeydue/storage";
import {
  type ApiCall,
  createTestDatabase,
  type SignedUp,
  signUpByEmail,
  startSmtpServer,
  TEST_REDIS_URL,
  type TestDatabase,
  type TestSmtpServer,
} from "@honeydue/testkit";
import { eq, sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { buildApp } from "../src/app.ts";

/** A database the test brought itself, opened the way the API opens it (statement timeout included). */
async function ownDatabase(url: string): Promise<TestDatabase> {
  const handle = await openDatabase({ url, poolMax: 10, statementTimeoutMs: 15_000 });
  await migrate(handle);
  after(() => handle.close().catch(() => {}));
  return { handle, url };
}

import { type ApiDeps, createApiMetrics, createApiRedis, startEmbeddedJobs } from "../src/deps.ts";
import type { App } from "../src/http/app-type.ts";

/**
 * The Redis key prefix of this test file's APIs (node --test runs each file in its own process). The
 * throttles' one-hour windows outlive a run, and counters keyed by 127.0.0.1 would otherwise carry one
 * file's (or an earlier run's) failed sign-ins into another's: two APIs of one file still share them.
 */
const TEST_REDIS_KEY_PREFIX = `test:${randomUUID()}:`;

export interface TestApi {
  app: App;
  deps: ApiDeps;
  database: TestDatabase;
  /** The SMTP server receiving this API's mail (option `smtp: true`). */
  smtp: TestSmtpServer | undefined;
}

export interface TestApiOptions {
  /** Settings overrides, the way environment variables would set them. */
  env?: Record<string, string>;
  /**
   * Start a real SMTP server and the embedded job runner: jobs written to the outbox run after commit
   * and their mail arrives at `smtp` (await it with `smtp.waitFor(address)`).
   */
  smtp?: boolean;
  /** Connect `deps.redis` to the test Redis (check `redisReachable()` first and skip without it). */
  redis?: boolean;
  /** Use this logger instead of a silent one (e.g. one writing to a stream the test reads). */
  log?: ApiDeps["log"];
  /** Migrate and use this PostgreSQL (e.g. testkit's startPostgresServer) instead of a fresh test database. */
  databaseUrl?: string;
  /** Run on the embedded PGlite in memory, as `npm start` does without DATABASE_URL, even when PostgreSQL is up. */
  embedded?: boolean;
}

const OPTION_KEYS = new Set(["env", "smtp", "redis", "log", "databaseUrl", "embedded"]);

/** The embedded database `npm start` runs on (PGlite), in memory and migrated. */
async function embeddedDatabase(): Promise<TestDatabase> {
  const handle = await openDatabase({ url: undefined, pgliteDir: "memory://" });
  await migrate(handle);
  after(() => handle.close().catch(() => {}));
  return { handle, url: undefined };
}

/**
 * The real API on a fresh database of its own (PostgreSQL when available, else PGlite), driven through
 * `app.inject`. `env` overrides settings the way environment variables would.
 */
export async function startTestApi(
  envOrOptions: Record<string, string> | TestApiOptions = {},
): Promise<TestApi> {
  const options: TestApiOptions = Object.keys(envOrOptions).some((k) => OPTION_KEYS.has(k))
    ? (envOrOptions as TestApiOptions)
    : { env: envOrOptions as Record<string, string> };
  const env = { ...options.env };
  // Registered first so it runs before the database closes: after-hooks run in registration order.
  let stopJobs: (() => Promise<void>) | undefined;
  after(async () => {
    await stopJobs?.();
  });
  const smtp = options.smtp ? await startSmtpServer() : undefined;
  if (smtp) env.SMTP_URL = smtp.url;
  const database = options.embedded
    ? await embeddedDatabase()
    : options.databaseUrl
      ? await ownDatabase(options.databaseUrl)
      : await createTestDatabase();
  const settings: ApiSettings = loadApiSettings({
    NODE_ENV: "test",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    AUTH_SECRET: "test-secret-test-secret-test-secret-1234",
    PUBLIC_WEB_URL: "https://web.honeydue.test",
    PUBLIC_API_URL: "https://api.honeydue.test",
    COMPILE_VALIDATORS_ON_FIRST_USE: "true",
    DATA_DIR: "/tmp/honeydue-test-data",
    // Every test file's API shares 127.0.0.1 (and, with Redis, the counters): the per-address limit is
    // off unless a test turns it on (address-limit.test.ts).
    UNAUTHENTICATED_REQUESTS_PER_IP_PER_MINUTE: "0",
    ...env,
  });
  const log = options.log ?? createLogger({ level: settings.logLevel, role: "api" });
  const keys = deriveKeyRing(settings.authSecrets);
  const metrics = createApiMetrics(database.handle);
  const deps: ApiDeps = {
    settings,
    log,
    database: database.handle,
    db: database.handle.db,
    // An own Redis (env REDIS_URL) is connected the way production connects it.
    redis: env.REDIS_URL
      ? createApiRedis(
          env.REDIS_URL,
          createErrorSink({ source: "redis-api", log, metrics }),
          log,
          settings.redisKeyPrefix,
        )
      : options.redis
        ? new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2, keyPrefix: TEST_REDIS_KEY_PREFIX })
        : undefined,
    metrics,
    keys,
    storage: createStorage(settings.storage, {
      grantKeys: keys["storage-grant"],
      publicApiUrl: settings.publicApiUrl,
    }),
    notifyOutbox: () => deps.jobRunner?.kick(),
    lifecycle: { shuttingDown: false },
  };
  const app = await buildApp(deps);
  if (smtp) {
    // No schedule timers in tests: a tick at the top of the hour would mail other tests' users.
    const runner = startEmbeddedJobs(deps, { pollIntervalMs: 100, schedules: false });
    stopJobs = () => runner.stop();
  }
  after(async () => {
    await app.close();
    deps.redis?.disconnect();
  });
  return { app, deps, database, smtp };
}

/** An `ApiCall` through `app.inject` (for testkit's helpers). */
export function injectApi(app: App): ApiCall {
  return async (method, path, body, headers = {}) => {
    const res = await app.inject({
      method,
      url: path,
      headers,
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: res.statusCode, body: res.body ? res.json() : null };
  };
}

/**
 * A member signed up through the real flow: register, the verification link from the real email, sign
 * in. Needs an API started with `{ smtp: true }`. For a user the test only needs to exist, the faster
 * `createUser` fixture writes one straight to the database.
 */
export async function signUp(
  api: TestApi,
  input: { email: string; password: string; name: string; timezone?: string; deviceName?: string },
  headers: Record<string, string> = {},
): Promise<SignedUp> {
  if (!api.smtp) throw new Error("signUp needs startTestApi({ smtp: true }): the code arrives by email");
  return signUpByEmail(injectApi(api.app), api.smtp, input, headers);
}

/**
 * The message an email job sent (option `smtp: true`): found by its Message-ID, which is derived from the
 * job's outbox id. Email jobs carry ids only, so links and codes are read from the message, as a user would.
 */
export function mailOfJob(smtp: TestSmtpServer | undefined, to: string, jobId: string) {
  if (!smtp) throw new Error("mailOfJob needs startTestApi({ smtp: true })");
  return smtp.waitFor(to, (m) => m.raw.includes(`<${jobId}@`));
}

/** The newest email job of a template whose payload has `key` = `value` (e.g. an invite id). */
export async function lastEmailJob(db: ApiDeps["db"], template: string, key: string, value: string) {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`
    SELECT id::text FROM outbox
    WHERE job = 'email.send' AND payload->>'template' = ${template} AND payload->>${key} = ${value}
    ORDER BY created_at DESC LIMIT 1`,
  );
  if (!rows[0]) throw new Error(`no ${template} email job with ${key} ${value}`);
  return rows[0].id;
}

/**
 * What an email job would mail, without sending it (no SMTP in this test): runs its template's `load`,
 * which mints the link's token or the code at this moment, as the email handler does before sending.
 */
export async function loadEmailJob(deps: ApiDeps, jobId: string) {
  const [row] = await deps.db.select().from(outbox).where(eq(outbox.id, jobId));
  const payload = row!.payload as EmailJob;
  const template: EmailTemplate = TEMPLATES[payload.template];
  const message = await template.load(
    {
      db: deps.db,
      publicWebUrl: deps.settings.publicWebUrl,
      publicApiUrl: deps.settings.publicApiUrl,
      keys: deps.keys,
    },
    payload,
  );
  if (!message) throw new Error(`email job ${jobId} has nothing to send`);
  return message;
}
