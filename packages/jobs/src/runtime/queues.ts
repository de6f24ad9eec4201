import type { Database } from "@honeydue/db";
import { type Logger, SpanKind, withExtractedContext, withSpan } from "@honeydue/observability";
import { Queue, type Job as QueueJob, UnrecoverableError, Worker } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import {
  finishOutboxRow,
  isOutboxJobId,
  isPermanentError,
  QUEUE_NAMES,
  type QueueName,
  splitJobData,
} from "./queue-contract.ts";
import {
  assertHandlers,
  handlerFor,
  isJobName,
  JOBS,
  type JobHandlers,
  type JobName,
  type JobPayload,
  parsePayload,
} from "./registry.ts";
import { runWithTimeout, settlesWithin } from "./timeout.ts";

/**
 * Where the errors of connections, queues and workers go, by source (they have no caller to throw to): the
 * worker passes `(source) => createErrorSink({ source, log, metrics })`, which logs rate-limited and counts
 * background_errors_total{source}.
 */
export type ErrorSinks = (source: string) => (error: unknown) => void;

/**
 * A producer connection: commands fail at once while Redis is unreachable (no offline queue), so the relay
 * notices and leaves outbox rows unpublished instead of hanging. Its 'error' events go to `onError`.
 */
export function producerConnection(
  url: string,
  onError: (error: unknown) => void,
  options: RedisOptions = {},
): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...options,
  });
  redis.on("error", onError);
  return redis;
}

/** A worker connection: BullMQ's blocking commands need maxRetriesPerRequest null. */
export function workerConnection(url: string, onError: (error: unknown) => void): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    connectTimeout: 3000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  redis.on("error", onError);
  return redis;
}

export type Queues = Record<QueueName, Queue> & {
  /** The producer connection the queues share. */
  connection: Redis;
  close(): Promise<void>;
};

export function createQueues(connection: Redis, prefix: string, errors: ErrorSinks): Queues {
  const queueErrors = errors("bullmq-queue");
  const closeErrors = errors("bullmq-queue-close");
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => {
      const queue = new Queue(name, { connection, prefix });
      queue.on("error", queueErrors);
      return [name, queue];
    }),
  ) as Record<QueueName, Queue>;
  return {
    ...queues,
    connection,
    async close() {
      // Bounded: closing waits for the connection, which never comes while Redis is down.
      await runWithTimeout(5000, () =>
        Promise.all(QUEUE_NAMES.map((q) => queues[q].close().catch(closeErrors))),
      ).catch(closeErrors);
    },
  };
}

export interface JobObserver {
  observeJob(queue: string, job: string, outcome: "completed" | "failed" | "retried", seconds: number): void;
}

export interface QueueWorkers {
  workers: Worker[];
  /** Stops taking jobs, waits up to `graceMs` for those in flight, then closes the connections. */
  close(graceMs: number): Promise<{ forced: boolean }>;
}

/**
 * One BullMQ Worker per queue. Each job's payload is validated again against the registry (an invalid
 * payload fails at once, without retries), then its handler runs with the job's timeout.
 */
export function startQueueWorkers(deps: {
  redisUrl: string;
  prefix: string;
  handlers: JobHandlers;
  log: Logger;
  concurrency?: number;
  queues?: readonly QueueName[];
  metrics?: JobObserver;
  /** Lock of a running job (renewed while it runs); a dead worker's job is taken up again after it. */
  lockDurationMs?: number;
  /** With it, each job's outbox row is marked processed or failed when the job ends (`finishOutboxRow`). */
  db?: Database;
  /** The Workers' own connections, their 'error' events and forced closes. */
  errors: ErrorSinks;
}): QueueWorkers {
  // The map is typed, but it is built at run time from the groups: a job without a handler stops the boot.
  assertHandlers(deps.handlers);
  const connectionErrors = deps.errors("bullmq-worker-connection");
  const workerErrors = deps.errors("bullmq-worker");
  const closeErrors = deps.errors("bullmq-worker-close");
  const lockDuration = deps.lockDurationMs ?? 60_000;
  const connections: Redis[] = [];
  const workers = (deps.queues ?? QUEUE_NAMES).map((queueName) => {
    const runJob = async (job: QueueJob, attempt: number) => {
      if (!isJobName(job.name)) throw new UnrecoverableError(`Unknown job ${job.name}`);
      const name = job.name;
      const { payload: data, traceContext } = splitJobData(job.data);
      let payload: JobPayload<JobName>;
      try {
        payload = parsePayload(name, data);
      } catch (error) {
        throw new UnrecoverableError((error as Error).message);
      }
      const handler = handlerFor(deps.handlers, name);
      // The job's span continues the trace of the request that wrote the outbox row.
      await withExtractedContext(traceContext, () =>
        withSpan(
          `job ${queueName}/${name}`,
          () =>
            runWithTimeout(JOBS[name].timeoutMs, () =>
              handler(payload, { jobId: job.id ?? "", attempt, traceContext }),
            ),
          {
            kind: SpanKind.CONSUMER,
            attributes: {
              "messaging.system": "bullmq",
              "messaging.destination.name": queueName,
              "messaging.message.id": job.id ?? "",
              "job.attempt": attempt,
            },
          },
        ),
      );
    };
    const connection = workerConnection(deps.redisUrl, connectionErrors);
    connections.push(connection);
    const worker = new Worker(
      queueName,
      async (job: QueueJob) => {
        const attempt = job.attemptsMade + 1;
        try {
          await runJob(job, attempt);
        } catch (error) {
          const permanent = isPermanentError(error);
          const final = permanent || attempt >= (job.opts.attempts ?? 1);
          if (final && deps.db && isOutboxJobId(job.id)) {
            const message = error instanceof Error ? error.message : String(error);
            // The row keeps the failure (for FAILED_JOB_RETENTION_DAYS, visible to operators) even if Redis
            // loses the failed job. If even this write fails, the row stays unfinished and is reconciled.
            await finishOutboxRow(deps.db, job.id, { failed: message, attempts: attempt }).catch((e) =>
              deps.log.warn({ err: e, jobId: job.id }, "cannot record the job's failure on its outbox row"),
            );
          }
          if (permanent && !(error instanceof UnrecoverableError)) {
            throw new UnrecoverableError((error as Error).message);
          }
          throw error;
        }
        if (deps.db && isOutboxJobId(job.id)) await finishOutboxRow(deps.db, job.id, { processed: true });
      },
      {
        connection,
        prefix: deps.prefix,
        concurrency: deps.concurrency ?? 5,
        autorun: true,
        lockDuration,
        stalledInterval: Math.min(30_000, lockDuration),
        maxStalledCount: 2,
      },
    );
    worker.on("error", workerErrors);
    worker.on("completed", (job) => {
      const seconds = ((job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now())) / 1000;
      deps.metrics?.observeJob(queueName, job.name, "completed", seconds);
      deps.log.debug({ jobId: job.id, job: job.name }, "job done");
    });
    worker.on("failed", (job, error) => {
      if (!job) return;
      const seconds = ((job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now())) / 1000;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
      deps.metrics?.observeJob(queueName, job.name, final ? "failed" : "retried", seconds);
      const log = deps.log.child({ jobId: job.id, job: job.name, attempt: job.attemptsMade });
      if (final) log.error({ err: error }, "job failed for good");
      else log.warn({ err: error }, "job failed, will retry");
    });
    return worker;
  });
  return {
    workers,
    async close(graceMs) {
      let forced = false;
      const closed = await settlesWithin(graceMs, Promise.all(workers.map((w) => w.close())));
      if (!closed) {
        // Jobs still running past the grace period keep their lock until it expires; BullMQ's stalled-job
        // check then puts them back in the queue for another worker (their handlers are idempotent).
        forced = true;
        await runWithTimeout(5000, () =>
          Promise.all(workers.map((w) => w.close(true).catch(closeErrors))),
        ).catch(closeErrors);
      }
      for (const c of connections) c.disconnect();
      return { forced };
    },
  };
}
