/**
 * Prometheus metrics for every honeyDue process role.
 *
 * The metric NAMES and LABELS below are a contract: Grafana dashboards
 * (observability/grafana/dashboards) and alert rules (observability/rules)
 * query them, and observability/test/dashboards.test.ts fails if a query
 * names a metric this module does not register.
 *
 * Every series carries a `role` label ("api" | "worker") set as a registry
 * default label; vmagent adds namespace/pod/instance on top.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export type ProcessRole = "api" | "worker";

/** Tuned for an API whose p50 is a few milliseconds (seconds). */
export const HTTP_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Single queries: sub-millisecond on a warm pool, seconds when something is wrong. */
export const DB_DURATION_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
/** Jobs send mail, render templates, call push providers: tens of ms to minutes. */
export const JOB_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
];

export type DbOperation = "select" | "insert" | "update" | "delete" | "other";
export type JobOutcome = "completed" | "failed" | "retried";
export type DeliveryOutcome = "sent" | "failed" | "skipped";
export type QueueState = "waiting" | "active" | "delayed" | "failed";

export const QUEUE_STATES: readonly QueueState[] = ["waiting", "active", "delayed", "failed"];

/** Route label used when no route template matched (404s, scanners): keeps cardinality bounded. */
export const UNMATCHED_ROUTE = "unmatched";

/** Snapshot of a pg.Pool: `total` = totalCount, `idle` = idleCount, `waiting` = waitingCount. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}
export type QueueCounts = Partial<Record<QueueState, number>>;
/** queue name -> counts (e.g. from BullMQ `queue.getJobCounts("waiting","active","delayed","failed")`). */
export type QueueStats = Record<string, QueueCounts>;
export interface OutboxStats {
  /** Rows not yet relayed. */
  backlog: number;
  /** Age in seconds of the oldest unrelayed row; 0 when the backlog is empty. */
  oldestAgeSeconds: number;
  /** Rows published to the queue whose job has not finished (worker mode). */
  unfinished?: number;
  /** Seconds since the oldest unfinished row was published; 0 when none. */
  unfinishedOldestAgeSeconds?: number;
  /** Rows whose job failed for good (kept for operators). */
  failed?: number;
}

type MaybePromise<T> = T | Promise<T>;

export interface HoneydueMetrics {
  readonly role: ProcessRole;
  readonly registry: Registry;
  readonly contentType: string;

  readonly httpRequestDuration: Histogram<"method" | "route" | "status_code">;
  readonly httpRequestsTotal: Counter<"method" | "route" | "status_code">;
  readonly httpRequestsInFlight: Gauge;

  readonly dbQueryDuration: Histogram<"operation">;
  readonly dbPoolConnections: Gauge<"state">;

  readonly jobDuration: Histogram<"queue" | "job">;
  readonly jobsTotal: Counter<"queue" | "job" | "outcome">;
  readonly queueJobs: Gauge<"queue" | "state">;
  readonly outboxBacklog: Gauge;
  readonly outboxOldestAgeSeconds: Gauge;

  readonly emailsTotal: Counter<"template" | "outcome">;
  readonly pushesTotal: Counter<"platform" | "outcome">;
  /** Recall source fetches by source and outcome (succeeded|failed): failures mean the source is unreachable. */
  readonly recallChecksTotal: Counter<"source" | "outcome">;
  /** Appliances newly matched to a recall (each notifies the residence once). */
  readonly recallMatchesTotal: Counter;

  /** Outbox rows re-published by the reconciler because their job was gone from Redis. */
  readonly outboxRepublishedTotal: Counter;
  /** Times the worker found Redis empty of its data marker (Redis lost its data). */
  readonly queueDataLostTotal: Counter;
  /** Outbox rows marked failed because they could not be published (unknown job, invalid payload). */
  readonly outboxPoisonRowsTotal: Counter;
  /** 1 while a throttle counts in the process's memory because Redis does not answer. */
  readonly rateLimiterFallback: Gauge<"limiter">;
  /** Throttle decisions taken by the in-memory fallback. */
  readonly rateLimiterFallbackTotal: Counter<"limiter">;

  /** Errors thrown by the stats sources below, by collector (pool|queues|outbox). */
  readonly collectErrorsTotal: Counter<"collector">;
  /** Errors that reached an error sink with no caller to throw to (createErrorSink), by source. */
  readonly backgroundErrorsTotal: Counter<"source">;

  /** Sampled on every scrape. Pass undefined to detach. */
  setPoolStatsSource(source: (() => MaybePromise<PoolStats>) | undefined): void;
  setQueueStatsSource(source: (() => MaybePromise<QueueStats>) | undefined): void;
  /** outbox_backlog / outbox_oldest_age_seconds are only exposed once a source is set. */
  setOutboxStatsSource(source: (() => MaybePromise<OutboxStats>) | undefined): void;

  /**
   * Call when a request starts; call the returned function when it ends with the
   * route TEMPLATE (e.g. "/tasks/:id", never the raw URL) or undefined if none matched.
   */
  startHttpRequest(method: string): (route: string | undefined, statusCode: number) => void;
  /** Record one query; `operationOrSql` may be the SQL text or the verb. */
  observeDbQuery(operationOrSql: string, seconds: number): void;
  /** Time `fn` as one query of the given SQL/verb (recorded even when it throws). */
  timeDbQuery<T>(operationOrSql: string, fn: () => Promise<T>): Promise<T>;
  observeJob(queue: string, job: string, outcome: JobOutcome, seconds: number): void;
  recordEmail(template: string, outcome: DeliveryOutcome): void;
  recordPush(platform: string, outcome: DeliveryOutcome): void;
  recordRecallCheck(source: string, outcome: "succeeded" | "failed"): void;
  recordRecallMatches(count: number): void;

  /** Prometheus text exposition of everything in the registry. */
  metrics(): Promise<string>;
}

const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Upper-cased method; anything exotic collapses into "OTHER" (bounded cardinality). */
export function normalizeMethod(method: string): string {
  const m = method.toUpperCase();
  return KNOWN_METHODS.has(m) ? m : "OTHER";
}

/** The route template, or UNMATCHED_ROUTE when the router matched nothing. */
export function routeLabel(route: string | undefined | null): string {
  return route && route.length > 0 ? route : UNMATCHED_ROUTE;
}

/** Maps SQL text (or a verb such as "SELECT") to the `operation` label. */
export function dbOperation(operationOrSql: string): DbOperation {
  // Skip leading comments / whitespace / parentheses, then read the first keyword.
  const text = operationOrSql.replace(/^(\s|\(|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, "");
  const verb = /^[a-zA-Z]+/.exec(text)?.[0]?.toLowerCase() ?? "";
  switch (verb) {
    case "select":
    case "insert":
    case "update":
    case "delete":
      return verb;
    case "with": {
      // CTE: classify by the statement after the CTE list (best effort).
      const m = /\)\s*(select|insert|update|delete)\b/i.exec(text);
      return m?.[1] ? (m[1].toLowerCase() as DbOperation) : "select";
    }
    default:
      return "other";
  }
}

export interface CreateMetricsOptions {
  /** Collect prom-client default Node metrics (event loop lag, heap, GC). Default true. */
  defaultMetrics?: boolean;
  /** Extra default labels added to every series (in addition to `role`). */
  labels?: Record<string, string>;
  /**
   * Max time a stats source may take at scrape time (ms, default 2000). A source
   * stuck on an unreachable Redis/Postgres must not hang the whole scrape: it
   * counts as a collect error instead.
   */
  sourceTimeoutMs?: number;
}

class SourceTimeoutError extends Error {}

async function withTimeout<T>(value: T | Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve(value),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SourceTimeoutError(`stats source exceeded ${ms}ms`)), ms);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createMetrics(role: ProcessRole, options: CreateMetricsOptions = {}): HoneydueMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ ...options.labels, role });
  if (options.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry });
  }
  const registers = [registry];
  const sourceTimeoutMs = options.sourceTimeoutMs ?? 2000;

  const httpRequestDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration in seconds, by method, route template and status code.",
    labelNames: ["method", "route", "status_code"] as const,
    buckets: HTTP_DURATION_BUCKETS,
    registers,
  });
  const httpRequestsTotal = new Counter({
    name: "http_requests_total",
    help: "HTTP requests completed, by method, route template and status code.",
    labelNames: ["method", "route", "status_code"] as const,
    registers,
  });
  const httpRequestsInFlight = new Gauge({
    name: "http_requests_in_flight",
    help: "HTTP requests currently being served.",
    registers,
  });

  const dbQueryDuration = new Histogram({
    name: "db_query_duration_seconds",
    help: "Database query duration in seconds, by operation (select|insert|update|delete|other).",
    labelNames: ["operation"] as const,
    buckets: DB_DURATION_BUCKETS,
    registers,
  });

  const collectErrorsTotal = new Counter({
    name: "metrics_collect_errors_total",
    help: "Errors raised while sampling a stats source at scrape time, by collector.",
    labelNames: ["collector"] as const,
    registers,
  });

  let poolSource: (() => MaybePromise<PoolStats>) | undefined;
  let queueSource: (() => MaybePromise<QueueStats>) | undefined;
  let outboxSource: (() => MaybePromise<OutboxStats>) | undefined;

  const dbPoolConnections = new Gauge({
    name: "db_pool_connections",
    help: "Database pool connections by state (in_use|idle|waiting; waiting = clients queued for a connection).",
    labelNames: ["state"] as const,
    registers,
    async collect() {
      this.reset();
      if (!poolSource) return;
      try {
        const s = await withTimeout(poolSource(), sourceTimeoutMs);
        this.set({ state: "in_use" }, Math.max(0, s.total - s.idle));
        this.set({ state: "idle" }, s.idle);
        this.set({ state: "waiting" }, s.waiting);
      } catch {
        collectErrorsTotal.inc({ collector: "pool" });
      }
    },
  });

  const jobDuration = new Histogram({
    name: "job_duration_seconds",
    help: "Background job run time in seconds, by queue and job name.",
    labelNames: ["queue", "job"] as const,
    buckets: JOB_DURATION_BUCKETS,
    registers,
  });
  const jobsTotal = new Counter({
    name: "jobs_total",
    help: "Background job attempts finished, by queue, job name and outcome (completed|failed|retried).",
    labelNames: ["queue", "job", "outcome"] as const,
    registers,
  });
  const queueJobs = new Gauge({
    name: "queue_jobs",
    help: "Jobs per queue by state (waiting|active|delayed|failed), sampled at scrape time.",
    labelNames: ["queue", "state"] as const,
    registers,
    async collect() {
      this.reset();
      if (!queueSource) return;
      try {
        const stats = await withTimeout(queueSource(), sourceTimeoutMs);
        for (const [queue, counts] of Object.entries(stats)) {
          for (const state of QUEUE_STATES) {
            this.set({ queue, state }, counts[state] ?? 0);
          }
        }
      } catch {
        collectErrorsTotal.inc({ collector: "queues" });
      }
    },
  });

  // The two outbox gauges have no labels, so prom-client would expose a 0 even in
  // processes that never look at the outbox. They join the registry only once a
  // source is set. When the source throws they read NaN (unknown, never "fine")
  // and metrics_collect_errors_total{collector="outbox"} grows, which the
  // MetricsCollectorFailing alert notices.
  // One source call per scrape, shared by both gauges: a sample is reused by the
  // gauge that has not read it yet, and replaced when a gauge reads again.
  let outboxSample: { promise: Promise<OutboxStats | undefined>; readBy: Set<string> } | undefined;
  const sampleOutbox = (reader: string): Promise<OutboxStats | undefined> => {
    if (!outboxSample || outboxSample.readBy.has(reader)) {
      const source = outboxSource;
      const promise = (async () => {
        if (!source) return undefined;
        try {
          return await withTimeout(source(), sourceTimeoutMs);
        } catch {
          collectErrorsTotal.inc({ collector: "outbox" });
          return undefined;
        }
      })();
      outboxSample = { promise, readBy: new Set() };
    }
    outboxSample.readBy.add(reader);
    return outboxSample.promise;
  };
  const outboxBacklog = new Gauge({
    name: "outbox_backlog",
    help: "Outbox rows waiting to be relayed to the queue.",
    registers: [],
    async collect() {
      const s = await sampleOutbox("backlog");
      this.set(s ? s.backlog : Number.NaN);
    },
  });
  const outboxOldestAgeSeconds = new Gauge({
    name: "outbox_oldest_age_seconds",
    help: "Age in seconds of the oldest outbox row not yet relayed (0 when empty).",
    registers: [],
    async collect() {
      const s = await sampleOutbox("age");
      this.set(s ? s.oldestAgeSeconds : Number.NaN);
    },
  });

  const outboxGauge = (name: string, help: string, read: (s: OutboxStats) => number | undefined) =>
    new Gauge({
      name,
      help,
      registers: [],
      async collect() {
        const s = await sampleOutbox(name);
        const value = s ? read(s) : Number.NaN;
        this.set(value ?? 0);
      },
    });
  const outboxUnfinished = outboxGauge(
    "outbox_unfinished",
    "Outbox rows published to the queue whose job has not finished.",
    (s) => s.unfinished,
  );
  const outboxUnfinishedOldestAgeSeconds = outboxGauge(
    "outbox_unfinished_oldest_age_seconds",
    "Seconds since the oldest unfinished outbox row was published (0 when none).",
    (s) => s.unfinishedOldestAgeSeconds,
  );
  const outboxFailed = outboxGauge(
    "outbox_failed",
    "Outbox rows whose job failed for good (kept FAILED_JOB_RETENTION_DAYS for operators).",
    (s) => s.failed,
  );
  const outboxGauges = [
    ["outbox_backlog", outboxBacklog],
    ["outbox_oldest_age_seconds", outboxOldestAgeSeconds],
    ["outbox_unfinished", outboxUnfinished],
    ["outbox_unfinished_oldest_age_seconds", outboxUnfinishedOldestAgeSeconds],
    ["outbox_failed", outboxFailed],
  ] as const;

  const outboxRepublishedTotal = new Counter({
    name: "outbox_republished_total",
    help: "Outbox rows re-published by the reconciler because their job was gone from Redis.",
    registers,
  });
  const queueDataLostTotal = new Counter({
    name: "queue_data_lost_total",
    help: "Times Redis was found without the worker's data marker: it restarted empty or was flushed.",
    registers,
  });
  const outboxPoisonRowsTotal = new Counter({
    name: "outbox_poison_rows_total",
    help: "Outbox rows marked failed because they could not be published (unknown job, invalid payload).",
    registers,
  });
  const rateLimiterFallback = new Gauge({
    name: "rate_limiter_fallback",
    help: "1 while the limiter counts in this process's memory because Redis does not answer.",
    labelNames: ["limiter"] as const,
    registers,
  });
  const rateLimiterFallbackTotal = new Counter({
    name: "rate_limiter_fallback_total",
    help: "Throttle decisions taken by the in-memory fallback while Redis did not answer.",
    labelNames: ["limiter"] as const,
    registers,
  });

  const backgroundErrorsTotal = new Counter({
    name: "background_errors_total",
    help: "Errors with no caller to throw to (pool, Redis and queue error events, cleanup), by source.",
    labelNames: ["source"] as const,
    registers,
  });

  const emailsTotal = new Counter({
    name: "emails_total",
    help: "Emails by template and outcome (sent|failed|skipped).",
    labelNames: ["template", "outcome"] as const,
    registers,
  });
  const pushesTotal = new Counter({
    name: "pushes_total",
    help: "Push notifications by platform and outcome (sent|failed|skipped).",
    labelNames: ["platform", "outcome"] as const,
    registers,
  });

  const recallChecksTotal = new Counter({
    name: "recall_checks_total",
    help: "Recall source fetches by source and outcome (succeeded|failed).",
    labelNames: ["source", "outcome"] as const,
    registers,
  });
  const recallMatchesTotal = new Counter({
    name: "recall_matches_total",
    help: "Appliances newly matched to a recall notice.",
    registers,
  });

  const observeDbQuery = (operationOrSql: string, seconds: number): void => {
    dbQueryDuration.observe({ operation: dbOperation(operationOrSql) }, seconds);
  };

  return {
    role,
    registry,
    contentType: registry.contentType,
    httpRequestDuration,
    httpRequestsTotal,
    httpRequestsInFlight,
    dbQueryDuration,
    dbPoolConnections,
    jobDuration,
    jobsTotal,
    queueJobs,
    outboxBacklog,
    outboxOldestAgeSeconds,
    emailsTotal,
    pushesTotal,
    recallChecksTotal,
    recallMatchesTotal,
    outboxRepublishedTotal,
    queueDataLostTotal,
    outboxPoisonRowsTotal,
    rateLimiterFallback,
    rateLimiterFallbackTotal,
    collectErrorsTotal,
    backgroundErrorsTotal,

    setPoolStatsSource(source) {
      poolSource = source;
    },
    setQueueStatsSource(source) {
      queueSource = source;
    },
    setOutboxStatsSource(source) {
      outboxSource = source;
      outboxSample = undefined;
      const registered = registry.getSingleMetric("outbox_backlog") !== undefined;
      if (source && !registered) {
        for (const [, gauge] of outboxGauges) registry.registerMetric(gauge);
      } else if (!source && registered) {
        for (const [name] of outboxGauges) registry.removeSingleMetric(name);
      }
    },

    startHttpRequest(method) {
      const start = process.hrtime.bigint();
      httpRequestsInFlight.inc();
      let done = false;
      return (route, statusCode) => {
        if (done) return;
        done = true;
        httpRequestsInFlight.dec();
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const labels = {
          method: normalizeMethod(method),
          route: routeLabel(route),
          status_code: String(statusCode),
        };
        httpRequestDuration.observe(labels, seconds);
        httpRequestsTotal.inc(labels);
      };
    },
    observeDbQuery,
    async timeDbQuery(operationOrSql, fn) {
      const start = process.hrtime.bigint();
      try {
        return await fn();
      } finally {
        observeDbQuery(operationOrSql, Number(process.hrtime.bigint() - start) / 1e9);
      }
    },
    observeJob(queue, job, outcome, seconds) {
      jobDuration.observe({ queue, job }, seconds);
      jobsTotal.inc({ queue, job, outcome });
    },
    recordEmail(template, outcome) {
      emailsTotal.inc({ template, outcome });
    },
    recordPush(platform, outcome) {
      pushesTotal.inc({ platform, outcome });
    },
    recordRecallCheck(source, outcome) {
      recallChecksTotal.inc({ source, outcome });
    },
    recordRecallMatches(count) {
      recallMatchesTotal.inc(count);
    },

    metrics() {
      return registry.metrics();
    },
  };
}
