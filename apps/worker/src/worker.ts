import { deriveKeyRing, type WorkerSettings } from "@honeydue/config";
import { type DatabaseHandle, openDatabase } from "@honeydue/db";
import { createMailTransport } from "@honeydue/email";
import {
  jobOptions,
  OUTBOX_KICK_CHANNEL,
  outboxStats,
  QUEUE_NAMES,
  type QueueName,
  queueOf,
  type Reconciler,
  type Relay,
  SCHEDULES,
  startReconciler,
  startRelay,
} from "@honeydue/jobs";
import { createJobHandlers } from "@honeydue/jobs/handlers";
import { createQueues, producerConnection, type Queues, startQueueWorkers } from "@honeydue/jobs/queues";
import { createErrorSink, createMetrics, type HoneydueMetrics, type Logger } from "@honeydue/observability";
import { createPushProviders } from "@honeydue/push";
import { createStorage } from "@honeydue/storage";
import type { Redis } from "ioredis";
import { readiness, startHealthServer } from "./health.ts";

export interface RunningWorker {
  database: DatabaseHandle;
  redis: Redis;
  queues: Queues;
  relay: Relay;
  reconciler: Reconciler;
  metrics: HoneydueMetrics;
  healthPort: number;
  lifecycle: { shuttingDown: boolean };
  /** Stops taking jobs, lets those in flight finish within the grace period, closes everything. */
  stop(): Promise<{ forced: boolean }>;
}

/** Upserts the job schedulers (idempotent: every replica does it at boot, Redis keeps one of each). */
export async function upsertSchedules(queues: Queues, everyMs?: number): Promise<void> {
  for (const schedule of SCHEDULES) {
    const { jobId: _ignored, ...opts } = jobOptions(schedule.job);
    await queues[queueOf(schedule.job)].upsertJobScheduler(
      schedule.id,
      everyMs ? { every: everyMs } : { pattern: schedule.cron, tz: "UTC" },
      { name: schedule.job, data: {}, opts },
    );
  }
}

/**
 * The worker process: the outbox relay (PostgreSQL → BullMQ), one BullMQ Worker per queue running the
 * registry's handlers, the job schedulers, and the health/readiness/metrics port.
 */
export async function startWorker(settings: WorkerSettings, log: Logger): Promise<RunningWorker> {
  const lifecycle = { shuttingDown: false };
  const metrics = createMetrics("worker");
  const database = await openDatabase({
    // Pool connection errors have no caller: logged (rate-limited) and counted.
    onError: createErrorSink({ source: "postgres-pool", log, metrics }),
    url: settings.databaseUrl,
    dataDir: settings.dataDir,
    poolMax: settings.databasePoolMax,
    statementTimeoutMs: settings.databaseStatementTimeoutMs,
    applicationName: "honeydue-worker",
  });
  metrics.setPoolStatsSource(() => database.poolStats());
  // Connection, queue and worker 'error' events have no caller: logged rate-limited and counted.
  const errors = (source: string) => createErrorSink({ source, log, metrics });
  const redis = producerConnection(settings.redisUrl, errors("redis-producer"));
  const queues = createQueues(redis, settings.queuePrefix, errors);
  metrics.setQueueStatsSource(async () => {
    const out: Record<string, Record<string, number>> = {};
    for (const name of QUEUE_NAMES)
      out[name] = await queues[name as QueueName].getJobCounts("waiting", "active", "delayed", "failed");
    return out;
  });
  metrics.setOutboxStatsSource(() => outboxStats(database.db));
  database.setQueryObserver((text, seconds) => metrics.observeDbQuery(text, seconds));

  const transport = createMailTransport({
    smtpUrl: settings.smtpUrl,
    dataDir: settings.dataDir,
    maxConnections: settings.smtpMaxConnections,
  });
  const push = createPushProviders(settings.push, {
    onApnsError: createErrorSink({ source: "apns-connection", log, metrics }),
  });
  const relay = startRelay({
    db: database.db,
    queues,
    log,
    pollIntervalMs: settings.relayPollMs,
    onPoisonRow: () => metrics.outboxPoisonRowsTotal.inc(),
  });
  // Rows published but never finished (a Redis that lost its data, a lost job) are published again.
  const reconciler = startReconciler({
    db: database.db,
    queues,
    redis,
    prefix: settings.queuePrefix,
    log,
    reconcileAfterMs: settings.outboxReconcileAfterMs,
    metrics: {
      republished: (n) => metrics.outboxRepublishedTotal.inc(n),
      dataLost: () => metrics.queueDataLostTotal.inc(),
    },
  });
  // A Redis that comes back is checked at once for lost data.
  redis.on("ready", () => {
    if (!lifecycle.shuttingDown) reconciler.kick();
  });
  // The API's kicks after a commit (see OUTBOX_KICK_CHANNEL); the poll covers any kick lost.
  const kicks = producerConnection(settings.redisUrl, errors("redis-kicks"), {
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
  });
  kicks.on("message", () => relay.kick());
  // Without the subscription kicks are lost and delivery waits for the relay's poll: seen, not fatal.
  kicks.subscribe(OUTBOX_KICK_CHANNEL).catch(errors("outbox-kick-subscribe"));
  const keys = deriveKeyRing(settings.authSecrets);
  const handlers = createJobHandlers({
    db: database.db,
    log,
    metrics,
    mail: {
      transport,
      from: settings.mailFrom,
      publicWebUrl: settings.publicWebUrl,
      publicApiUrl: settings.publicApiUrl,
      keys,
      logLinks: transport.kind === "files" && settings.env !== "production",
      abandonedAfterMs: settings.jobLockMs,
    },
    push,
    recalls: settings.recalls,
    housekeeping: {
      outboxRetentionDays: settings.outboxRetentionDays,
      failedJobRetentionDays: settings.failedJobRetentionDays,
      queues,
    },
    notifyOutbox: () => relay.kick(),
    files: {
      storage: createStorage(settings.storage, {
        grantKeys: keys["storage-grant"],
        publicApiUrl: settings.publicApiUrl,
      }),
      imageMaxPixels: settings.storage.imageMaxPixels,
    },
  });
  const workers = startQueueWorkers({
    errors,
    redisUrl: settings.redisUrl,
    prefix: settings.queuePrefix,
    handlers,
    log,
    concurrency: settings.concurrency,
    metrics,
    lockDurationMs: settings.jobLockMs,
    db: database.db,
  });
  if (settings.runSchedules) {
    // Redis may still be unreachable at boot: keep trying in the background, never crash.
    const attempt = (n: number) =>
      upsertSchedules(queues, settings.scheduleIntervalMs).then(
        () => log.info({ schedules: SCHEDULES.map((s) => s.id) }, "job schedulers in place"),
        (error) => {
          if (lifecycle.shuttingDown) return;
          if (n === 0) log.warn({ err: error }, "cannot upsert job schedulers yet; retrying");
          setTimeout(() => attempt(n + 1), Math.min(1000 * 2 ** n, 30_000)).unref();
        },
      );
    void attempt(0);
    // A Redis that lost its data (restarted without persistence) gets the schedulers back on reconnect.
    let connectedOnce = false;
    redis.on("ready", () => {
      if (connectedOnce && !lifecycle.shuttingDown) void attempt(0);
      connectedOnce = true;
    });
  }
  // Readiness probes on their own connection, which waits for a (re)connect instead of failing at once.
  const healthRedis = producerConnection(settings.redisUrl, errors("redis-health"), {
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
  });
  const health = await startHealthServer({
    host: settings.healthHost,
    port: settings.healthPort,
    readiness: () => readiness({ db: database.db, redis: healthRedis, lifecycle }),
    metrics,
    metricsToken: settings.metrics.token,
  });

  return {
    database,
    redis,
    queues,
    relay,
    reconciler,
    metrics,
    healthPort: health.port,
    lifecycle,
    async stop() {
      lifecycle.shuttingDown = true;
      await relay.stop();
      await reconciler.stop();
      const result = await workers.close(settings.shutdownGraceMs);
      await queues.close();
      redis.disconnect();
      transport.close();
      push.close();
      await health.close();
      healthRedis.disconnect();
      kicks.disconnect();
      await database.close();
      return result;
    },
  };
}
