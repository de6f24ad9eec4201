import Type from "typebox";
import { type CommonSettings, commonSettingsSchema, toCommonSettings } from "./common.ts";
import { parseEnv, Url } from "./env.ts";
import { type MetricsSettings, type TracingSettings, toTracingSettings } from "./observability.ts";

export const apiSettingsSchema = Type.Object({
  ...commonSettingsSchema.properties,
  HOST: Type.String({ default: "127.0.0.1", description: "Listen address (0.0.0.0 in containers)" }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  TRUST_PROXY: Type.String({ default: "loopback", description: "Fastify trustProxy: hops/addresses/CIDRs" }),
  PUBLIC_ADMIN_URL: Type.Optional(
    Url({ description: "Admin panel origin allowed by CORS with credentials (unset: same origin only)" }),
  ),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 900, default: 900 }),
  REFRESH_TOKEN_TTL_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 60 }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1_048_576 }),
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, default: 25_000 }),
  LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  LOGIN_FAILURES_PER_IP_PER_HOUR: Type.Integer({ minimum: 1, default: 100 }),
  UNAUTHENTICATED_REQUESTS_PER_IP_PER_MINUTE: Type.Integer({
    minimum: 0,
    default: 600,
    description: "Requests to routes open without a token, per client address and minute (0 = no limit)",
  }),
  MIGRATE_ON_START: Type.Boolean({ default: true, description: "Apply pending migrations at boot" }),
  COMPILE_VALIDATORS_ON_FIRST_USE: Type.Boolean({
    default: true,
    description:
      "Compile each route's request validators and response serializer on its first request instead of at boot (half the boot's CPU; false compiles all at boot)",
  }),
  METRICS_HOST: Type.String({
    default: "127.0.0.1",
    description: "Listen address of the metrics port (0.0.0.0 in containers)",
  }),
  METRICS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 9464, description: "GET /metrics" }),
  ADMIN_SESSION_IDLE_MINUTES: Type.Integer({ minimum: 1, maximum: 240, default: 30 }),
  ADMIN_SESSION_MAX_HOURS: Type.Integer({ minimum: 1, maximum: 24, default: 12 }),
  ADMIN_SIGN_IN_FAILURES_PER_HOUR: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  ADMIN_BOOTSTRAP: Type.Boolean({
    default: false,
    description: "Create a first superadmin when there is none, printing its one-time password (npm start)",
  }),
  RUN_EMBEDDED_WORKER: Type.Optional(
    Type.Boolean({ description: "Run outbox delivery in the API (default: when REDIS_URL is unset)" }),
  ),
  REDIS_KEY_PREFIX: Type.String({
    default: "",
    description: "Put before every key the API keeps in Redis (environments sharing one Redis)",
  }),
});

export interface ApiSettings extends CommonSettings {
  host: string;
  port: number;
  trustProxy: string | boolean | number;
  /** The admin panel's URL when it is served from another origin than the API (CORS with credentials). */
  publicAdminUrl: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  bodyLimitBytes: number;
  shutdownGraceMs: number;
  loginFailuresPerAccountPerHour: number;
  loginFailuresPerIpPerHour: number;
  /** The per-address limit of unauthenticated routes (0 = off). */
  unauthenticatedRequestsPerIpPerMinute: number;
  runEmbeddedWorker: boolean;
  /** Before every key of the API's Redis connection (its throttle counters); "" = none. */
  redisKeyPrefix: string;
  migrateOnStart: boolean;
  /** Request validators compiled per route on first use (test APIs use a few routes each) or all at boot. */
  compileValidatorsOnFirstUse: boolean;
  /** Admin panel sessions and sign-in throttle (apps/api/src/admin). */
  admin: { sessionIdleMs: number; sessionMaxMs: number; signInFailuresPerHour: number; bootstrap: boolean };
  /** The Prometheus port (never routed by the ingress). */
  metrics: MetricsSettings;
  tracing: TracingSettings;
}

export function loadApiSettings(env: NodeJS.ProcessEnv = process.env): ApiSettings {
  const parsed = parseEnv(apiSettingsSchema, env);
  const trust = parsed.TRUST_PROXY;
  const common = toCommonSettings(parsed);
  return {
    ...common,
    // Unset, the public URL is this process on its own port (PORT=3301 → http://localhost:3301), so the
    // start-up line, the OpenAPI `servers` entry and the calendar links follow the port.
    publicApiUrl:
      env.PUBLIC_API_URL || parsed.PORT === 0 ? common.publicApiUrl : `http://localhost:${parsed.PORT}`,
    host: parsed.HOST,
    port: parsed.PORT,
    trustProxy:
      trust === "true" ? true : trust === "false" ? false : /^\d+$/.test(trust) ? Number(trust) : trust,
    publicAdminUrl: parsed.PUBLIC_ADMIN_URL,
    accessTokenTtlSeconds: parsed.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: parsed.REFRESH_TOKEN_TTL_DAYS,
    bodyLimitBytes: parsed.BODY_LIMIT_BYTES,
    shutdownGraceMs: parsed.SHUTDOWN_GRACE_MS,
    loginFailuresPerAccountPerHour: parsed.LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR,
    loginFailuresPerIpPerHour: parsed.LOGIN_FAILURES_PER_IP_PER_HOUR,
    unauthenticatedRequestsPerIpPerMinute: parsed.UNAUTHENTICATED_REQUESTS_PER_IP_PER_MINUTE,
    // With Redis the worker process (apps/worker) relays and runs the jobs; without it the API does.
    runEmbeddedWorker: parsed.RUN_EMBEDDED_WORKER ?? parsed.REDIS_URL === undefined,
    redisKeyPrefix: parsed.REDIS_KEY_PREFIX,
    migrateOnStart: parsed.MIGRATE_ON_START,
    compileValidatorsOnFirstUse: parsed.COMPILE_VALIDATORS_ON_FIRST_USE,
    admin: {
      sessionIdleMs: parsed.ADMIN_SESSION_IDLE_MINUTES * 60_000,
      sessionMaxMs: parsed.ADMIN_SESSION_MAX_HOURS * 3600_000,
      signInFailuresPerHour: parsed.ADMIN_SIGN_IN_FAILURES_PER_HOUR,
      bootstrap: parsed.ADMIN_BOOTSTRAP,
    },
    metrics: { host: parsed.METRICS_HOST, port: parsed.METRICS_PORT, token: parsed.METRICS_TOKEN },
    tracing: toTracingSettings(parsed, "honeydue-api"),
  };
}
