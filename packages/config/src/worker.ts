import Type from "typebox";
import { type CommonSettings, commonSettingsSchema, toCommonSettings } from "./common.ts";
import { parseEnv, SettingsError } from "./env.ts";
import { type MetricsSettings, type TracingSettings, toTracingSettings } from "./observability.ts";

/** Placeholder credentials used while FEATURE_PUSH_ENABLED=false: the process boots without real keys. */
export const PUSH_SENTINEL = "push-disabled";

export const pushSettingsSchema = Type.Object({
  FEATURE_PUSH_ENABLED: commonSettingsSchema.properties.FEATURE_PUSH_ENABLED,
  APNS_TEAM_ID: Type.String({ default: PUSH_SENTINEL, description: "Apple developer team id" }),
  APNS_KEY_ID: Type.String({ default: PUSH_SENTINEL, description: "Key id of the APNs auth key (.p8)" }),
  APNS_PRIVATE_KEY: Type.String({
    default: PUSH_SENTINEL,
    description: "The APNs auth key: PKCS#8 PEM text (\\n escapes allowed)",
  }),
  APNS_BUNDLE_ID: Type.String({ default: "app.honeydue.ios", description: "apns-topic" }),
  APNS_URL: Type.String({
    default: "https://api.push.apple.com",
    description: "APNs endpoint (https://api.sandbox.push.apple.com for development builds)",
  }),
  FCM_SERVICE_ACCOUNT_JSON: Type.String({
    default: PUSH_SENTINEL,
    description: "The Firebase service account key file contents (JSON)",
  }),
  FCM_URL: Type.String({ default: "https://fcm.googleapis.com", description: "FCM HTTP v1 endpoint" }),
});

export interface FcmServiceAccount {
  projectId: string;
  clientEmail: string;
  privateKey: string;
  tokenUri: string;
}

export interface PushSettings {
  enabled: boolean;
  apns: { teamId: string; keyId: string; privateKey: string; bundleId: string; url: string };
  fcm: { serviceAccount: FcmServiceAccount; url: string };
}

/**
 * Push credentials. With FEATURE_PUSH_ENABLED=false every credential may be missing: sentinels are used and
 * nothing is ever sent. With it on, missing or malformed credentials stop the process at boot.
 */
export function loadPushSettings(env: NodeJS.ProcessEnv = process.env): PushSettings {
  const parsed = parseEnv(pushSettingsSchema, env);
  const sentinel: FcmServiceAccount = {
    projectId: PUSH_SENTINEL,
    clientEmail: PUSH_SENTINEL,
    privateKey: PUSH_SENTINEL,
    tokenUri: "https://oauth2.googleapis.com/token",
  };
  let serviceAccount = sentinel;
  if (parsed.FEATURE_PUSH_ENABLED) {
    const problems: { variable: string; message: string }[] = [];
    for (const key of [
      "APNS_TEAM_ID",
      "APNS_KEY_ID",
      "APNS_PRIVATE_KEY",
      "FCM_SERVICE_ACCOUNT_JSON",
    ] as const) {
      if (parsed[key] === PUSH_SENTINEL)
        problems.push({ variable: key, message: "is required when FEATURE_PUSH_ENABLED=true" });
    }
    if (parsed.APNS_PRIVATE_KEY !== PUSH_SENTINEL && !parsed.APNS_PRIVATE_KEY.includes("PRIVATE KEY")) {
      problems.push({ variable: "APNS_PRIVATE_KEY", message: "must be the PEM text of the .p8 key" });
    }
    if (parsed.FCM_SERVICE_ACCOUNT_JSON !== PUSH_SENTINEL) {
      try {
        const json = JSON.parse(parsed.FCM_SERVICE_ACCOUNT_JSON) as Record<string, unknown>;
        if (
          typeof json.project_id !== "string" ||
          typeof json.client_email !== "string" ||
          typeof json.private_key !== "string"
        )
          throw new Error("missing fields");
        serviceAccount = {
          projectId: json.project_id,
          clientEmail: json.client_email,
          privateKey: json.private_key,
          tokenUri: typeof json.token_uri === "string" ? json.token_uri : sentinel.tokenUri,
        };
      } catch {
        problems.push({
          variable: "FCM_SERVICE_ACCOUNT_JSON",
          message: "must be a service account JSON with project_id, client_email and private_key",
        });
      }
    }
    if (problems.length) throw new SettingsError(problems);
  }
  return {
    enabled: parsed.FEATURE_PUSH_ENABLED,
    apns: {
      teamId: parsed.APNS_TEAM_ID,
      keyId: parsed.APNS_KEY_ID,
      privateKey: parsed.APNS_PRIVATE_KEY.replaceAll("\\n", "\n"),
      bundleId: parsed.APNS_BUNDLE_ID,
      url: parsed.APNS_URL.replace(/\/+$/, ""),
    },
    fcm: { serviceAccount, url: parsed.FCM_URL.replace(/\/+$/, "") },
  };
}

export const workerSettingsSchema = Type.Object({
  ...commonSettingsSchema.properties,
  ...pushSettingsSchema.properties,
  WORKER_HEALTH_HOST: Type.String({ default: "127.0.0.1", description: "Health/readiness listen address" }),
  WORKER_HEALTH_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 9465 }),
  WORKER_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 100,
    default: 5,
    description: "Jobs per queue at once",
  }),
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, default: 25_000 }),
  QUEUE_PREFIX: Type.String({ minLength: 1, default: "honeydue", description: "BullMQ key prefix" }),
  RELAY_POLL_MS: Type.Integer({ minimum: 50, default: 1000, description: "Outbox relay poll interval" }),
  RUN_SCHEDULES: Type.Boolean({ default: true, description: "Upsert the job schedulers at boot" }),
  OUTBOX_RETENTION_DAYS: Type.Integer({ minimum: 1, default: 14 }),
  OUTBOX_RECONCILE_AFTER_MS: Type.Integer({
    minimum: 1000,
    default: 300_000,
    description: "Re-publish outbox rows published this long ago whose job has not finished",
  }),
  FAILED_JOB_RETENTION_DAYS: Type.Integer({ minimum: 1, default: 30 }),
  JOB_LOCK_MS: Type.Integer({
    minimum: 1000,
    default: 60_000,
    description: "A running job's lock; a worker that died mid-job frees it after this (stalled-job check)",
  }),
  SCHEDULE_INTERVAL_MS: Type.Optional(
    Type.Integer({
      minimum: 500,
      description: "Run every schedule every N ms instead of its cron (tests, demos)",
    }),
  ),
});

export interface WorkerSettings extends CommonSettings {
  redisUrl: string;
  healthHost: string;
  healthPort: number;
  concurrency: number;
  shutdownGraceMs: number;
  queuePrefix: string;
  relayPollMs: number;
  runSchedules: boolean;
  outboxRetentionDays: number;
  outboxReconcileAfterMs: number;
  failedJobRetentionDays: number;
  jobLockMs: number;
  scheduleIntervalMs: number | undefined;
  push: PushSettings;
  /** GET /metrics is served on the health port (WORKER_HEALTH_HOST/PORT), guarded by METRICS_TOKEN. */
  metrics: MetricsSettings;
  tracing: TracingSettings;
}

export function loadWorkerSettings(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const parsed = parseEnv(workerSettingsSchema, env);
  if (!parsed.REDIS_URL) {
    throw new SettingsError([
      {
        variable: "REDIS_URL",
        message: "is required by the worker (without Redis the API runs jobs itself)",
      },
    ]);
  }
  return {
    ...toCommonSettings(parsed),
    redisUrl: parsed.REDIS_URL,
    healthHost: parsed.WORKER_HEALTH_HOST,
    healthPort: parsed.WORKER_HEALTH_PORT,
    concurrency: parsed.WORKER_CONCURRENCY,
    shutdownGraceMs: parsed.SHUTDOWN_GRACE_MS,
    queuePrefix: parsed.QUEUE_PREFIX,
    relayPollMs: parsed.RELAY_POLL_MS,
    runSchedules: parsed.RUN_SCHEDULES,
    outboxRetentionDays: parsed.OUTBOX_RETENTION_DAYS,
    outboxReconcileAfterMs: parsed.OUTBOX_RECONCILE_AFTER_MS,
    failedJobRetentionDays: parsed.FAILED_JOB_RETENTION_DAYS,
    jobLockMs: parsed.JOB_LOCK_MS,
    scheduleIntervalMs: parsed.SCHEDULE_INTERVAL_MS,
    push: loadPushSettings(env),
    metrics: {
      host: parsed.WORKER_HEALTH_HOST,
      port: parsed.WORKER_HEALTH_PORT,
      token: parsed.METRICS_TOKEN,
    },
    tracing: toTracingSettings(parsed, "honeydue-worker"),
  };
}
