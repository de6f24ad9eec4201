import { type ApiSettings, deriveKeyRing, type KeyRing } from "@honeydue/config";
import { type Database, type DatabaseHandle, openDatabase } from "@honeydue/db";
import { createMailTransport } from "@honeydue/email";
import {
  type EmbeddedRunner,
  OUTBOX_KICK_CHANNEL,
  outboxStats,
  startEmbeddedRunner,
  startEmbeddedSchedules,
} from "@honeydue/jobs";
import { createJobHandlers } from "@honeydue/jobs/handlers";
import { createErrorSink, createMetrics, type HoneydueMetrics, type Logger } from "@honeydue/observability";
import { createStorage, type Storage } from "@honeydue/storage";
import { Redis } from "ioredis";

/** Everything the API's routes need, built once at boot and passed down explicitly. */
export interface ApiDeps {
  settings: ApiSettings;
  log: Logger;
  database: DatabaseHandle;
  db: Database;
  /** Present when REDIS_URL is set. */
  redis: Redis | undefined;
  /** Every signing/HMAC key, derived from AUTH_SECRET (and AUTH_SECRET_PREVIOUS within its grace period). */
  keys: KeyRing;
  /** File storage: S3-compatible or a local folder (STORAGE_DRIVER). */
  storage: Storage;
  /** Tells the job runner that a transaction committed new outbox rows. */
  notifyOutbox: () => void;
  /** The in-process outbox runner (embedded mode), started by `startEmbeddedJobs`. */
  jobRunner?: EmbeddedRunner;
  /** Prometheus metrics of this process (served on METRICS_PORT by main.ts). */
  metrics: HoneydueMetrics;
  /** Set when SIGTERM arrived: readiness fails so the load balancer stops sending traffic. */
  lifecycle: { shuttingDown: boolean };
  /** "Now" for date logic (due states, today's date); tests set it to a fixed instant. Default: real time. */
  clock?: () => Date;
}

export async function createApiDeps(settings: ApiSettings, log: Logger): Promise<ApiDeps> {
  // Pool connection errors have no caller: logged (rate-limited) and counted once the metrics exist.
  let poolErrors = createErrorSink({ source: "postgres-pool", log });
  const database = await openDatabase({
    onError: (error) => poolErrors(error),
    url: settings.databaseUrl,
    dataDir: settings.dataDir,
    poolMax: settings.databasePoolMax,
    statementTimeoutMs: settings.databaseStatementTimeoutMs,
    applicationName: "honeydue-api",
  });
  const metrics = createApiMetrics(database);
  poolErrors = createErrorSink({ source: "postgres-pool", log, metrics });
  const redis = settings.redisUrl
    ? createApiRedis(
        settings.redisUrl,
        createErrorSink({ source: "redis-api", log, metrics }),
        log,
        settings.redisKeyPrefix,
      )
    : undefined;
  // A lost kick only delays delivery until the relay's next poll, but it is seen.
  const kickErrors = createErrorSink({ source: "outbox-kick", log, metrics });
  const keys = deriveKeyRing(settings.authSecrets);
  const deps: ApiDeps = {
    settings,
    log,
    database,
    db: database.db,
    redis,
    metrics,
    keys,
    storage: createStorage(settings.storage, {
      grantKeys: keys["storage-grant"],
      publicApiUrl: settings.publicApiUrl,
    }),
    // Embedded mode kicks the in-process runner; with a worker, the worker's relay is told over Redis.
    notifyOutbox: () => {
      if (deps.jobRunner) deps.jobRunner.kick();
      else redis?.publish(OUTBOX_KICK_CHANNEL, "1").catch(kickErrors);
    },
    lifecycle: { shuttingDown: false },
  };
  return deps;
}

/**
 * The API's Redis connection (throttles, outbox kicks). Commands fail at once while it is disconnected
 * (no offline queue) and after 1 s when it hangs, so the throttles fall back to memory instead of holding
 * requests; Redis is never required to answer a request. Every key it touches starts with `keyPrefix`
 * (REDIS_KEY_PREFIX; ioredis adds it, Pub/Sub channels excepted); nothing in the API hands this connection
 * to BullMQ, which refuses a connection with a key prefix (the worker's queues have QUEUE_PREFIX).
 */
export function createApiRedis(
  url: string,
  onError: (error: unknown) => void,
  log: Pick<Logger, "info">,
  keyPrefix = "",
): Redis {
  const redis = new Redis(url, {
    keyPrefix,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: 1000,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Connection errors have no caller (/readyz reports the connection): every one is counted in
  // background_errors_total{source="redis-api"} and logged rate-limited by `onError`; an unhandled 'error'
  // event would crash the API.
  let down = false;
  redis.on("error", (error) => {
    down = true;
    onError(error);
  });
  redis.on("ready", () => {
    if (down) log.info("redis connection back");
    down = false;
  });
  return redis;
}

/** The API's metrics: HTTP (hooks in app.ts), query durations and pool counters of `database`. */
export function createApiMetrics(database: DatabaseHandle): HoneydueMetrics {
  const metrics = createMetrics("api");
  database.setQueryObserver((text, seconds) => metrics.observeDbQuery(text, seconds));
  metrics.setPoolStatsSource(() => database.poolStats());
  return metrics;
}

/**
 * Runs outbox jobs (email delivery) inside the API: the embedded mode, when RUN_EMBEDDED_WORKER is on
 * (the default without REDIS_URL). Mail goes over SMTP_URL, or to .eml files under DATA_DIR/mail whose
 * links are logged (outside production). `notifyOutbox` kicks the runner after each commit; it is stopped
 * by `closeApiDeps` before the database closes. With a worker process, the worker runs the same handlers.
 */
export function startEmbeddedJobs(
  deps: ApiDeps,
  options: {
    pollIntervalMs?: number;
    /** Run the digest/warranty/recall/housekeeping schedules on a timer (default true; tests enqueue ticks instead). */
    schedules?: boolean;
  } = {},
): EmbeddedRunner {
  const { settings } = deps;
  const transport = createMailTransport({
    smtpUrl: settings.smtpUrl,
    dataDir: settings.dataDir,
    maxConnections: settings.smtpMaxConnections,
  });
  const handlers = createJobHandlers({
    db: deps.db,
    log: deps.log,
    metrics: deps.metrics,
    mail: {
      transport,
      from: settings.mailFrom,
      publicWebUrl: settings.publicWebUrl,
      publicApiUrl: settings.publicApiUrl,
      keys: deps.keys,
      logLinks: transport.kind === "files" && settings.env !== "production",
    },
    files: { storage: deps.storage, imageMaxPixels: settings.storage.imageMaxPixels },
    // Push stays off in embedded mode (no worker push settings here); housekeeping keeps its defaults.
    recalls: settings.recalls,
    notifyOutbox: () => deps.notifyOutbox(),
  });
  const runner = startEmbeddedRunner({
    db: deps.db,
    handlers,
    log: deps.log,
    metrics: deps.metrics,
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
  });
  // This process delivers the outbox: its backlog is this process's to report.
  deps.metrics.setOutboxStatsSource(() => outboxStats(deps.db));
  // The worker's job schedulers (digest, warranty, housekeeping), on this process's own timer.
  const schedules =
    options.schedules === false
      ? { stop() {} }
      : startEmbeddedSchedules({ db: deps.db, log: deps.log, notifyOutbox: () => runner.kick() });
  deps.jobRunner = {
    kick: () => runner.kick(),
    async stop() {
      schedules.stop();
      await runner.stop();
      deps.metrics.setOutboxStatsSource(undefined);
      transport.close();
    },
  };
  deps.jobRunner.kick();
  return deps.jobRunner;
}

export async function closeApiDeps(deps: ApiDeps) {
  await deps.jobRunner?.stop();
  deps.redis?.disconnect();
  await deps.database.close();
}
