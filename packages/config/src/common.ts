import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Type, { type Static } from "typebox";
import { Bool, SettingsError, Url } from "./env.ts";
import type { AuthSecrets } from "./keys.ts";
import { observabilitySettingsSchema } from "./observability.ts";
import { type RecallSettings, recallSettingsSchema, toRecallSettings } from "./recalls.ts";

/** Settings every process role reads. Keys are the environment variable names. */
export const commonSettingsSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal("development"), Type.Literal("production"), Type.Literal("test")], {
    default: "development",
  }),
  LOG_LEVEL: Type.Union(
    ["fatal", "error", "warn", "info", "debug", "trace", "silent"].map((l) => Type.Literal(l)),
    { default: "info" },
  ),
  DATA_DIR: Type.String({ default: "./data", description: "Embedded database, mail and upload folder" }),
  DATABASE_URL: Type.Optional(Url({ description: "PostgreSQL URL; unset = embedded PGlite in DATA_DIR" })),
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  DATABASE_STATEMENT_TIMEOUT_MS: Type.Integer({
    minimum: 0,
    default: 15_000,
    description: "PostgreSQL statement_timeout of every pooled connection (0 = none)",
  }),
  REDIS_URL: Type.Optional(Url({ description: "Redis URL; unset = in-process queues and limits" })),
  SMTP_URL: Type.Optional(Url({ description: "smtp(s)://user:pass@host:port; unset = .eml files" })),
  SMTP_MAX_CONNECTIONS: Type.Integer({
    minimum: 1,
    maximum: 50,
    default: 3,
    description: "SMTP connections each process keeps open at most (a pool)",
  }),
  MAIL_FROM: Type.String({ minLength: 3, default: "honeyDue <no-reply@localhost>" }),
  PUBLIC_WEB_URL: Url({ default: "http://localhost:3000", description: "Base of links in emails" }),
  PUBLIC_API_URL: Url({
    default: "http://localhost:3000",
    description: "Public base URL of the API (the API's own default: http://localhost:$PORT)",
  }),
  AUTH_SECRET: Type.Optional(
    Type.String({ minLength: 32, description: "Root secret: every signing/HMAC key is derived from it" }),
  ),
  AUTH_SECRET_PREVIOUS: Type.Optional(
    Type.String({ minLength: 32, description: "The root secret before the last rotation (grace period)" }),
  ),
  AUTH_SECRET_PREVIOUS_UNTIL: Type.Optional(
    Type.String({ description: "ISO 8601 instant until which AUTH_SECRET_PREVIOUS's keys are accepted" }),
  ),
  FEATURE_PUSH_ENABLED: Bool(false, "Send APNs/FCM pushes"),
  // Files (photos, documents, avatars): S3-compatible object storage, or a folder in DATA_DIR.
  STORAGE_DRIVER: Type.Union([Type.Literal("local"), Type.Literal("s3")], { default: "local" }),
  S3_ENDPOINT: Type.Optional(
    Url({ description: "S3 endpoint, e.g. https://s3.us-west-004.backblazeb2.com" }),
  ),
  S3_REGION: Type.String({ default: "us-east-1" }),
  S3_BUCKET: Type.Optional(Type.String({ minLength: 3 })),
  S3_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1 })),
  S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  S3_FORCE_PATH_STYLE: Bool(false, "Path-style addressing (MinIO and most test servers)"),
  UPLOAD_MAX_BYTES: Type.Integer({ minimum: 1024, default: 25 * 1024 * 1024 }),
  RESIDENCE_STORAGE_QUOTA_BYTES: Type.Integer({ minimum: 1024, default: 5 * 1024 * 1024 * 1024 }),
  IMAGE_MAX_PIXELS: Type.Integer({ minimum: 1, default: 50_000_000 }),
  // Metrics token and OpenTelemetry exporter (packages/config/src/observability.ts).
  ...observabilitySettingsSchema.properties,
  // Recall checks of appliances (packages/config/src/recalls.ts): the API runs them in embedded mode.
  ...recallSettingsSchema.properties,
});

export type CommonEnv = Static<typeof commonSettingsSchema>;

export interface CommonSettings {
  env: CommonEnv["NODE_ENV"];
  logLevel: CommonEnv["LOG_LEVEL"];
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolMax: number;
  databaseStatementTimeoutMs: number;
  redisUrl: string | undefined;
  smtpUrl: string | undefined;
  smtpMaxConnections: number;
  mailFrom: string;
  publicWebUrl: string;
  publicApiUrl: string;
  /** The root secret (AUTH_SECRET); use `authSecrets` / `deriveKeyRing`, never the secret itself, to sign. */
  authSecret: string;
  /** AUTH_SECRET with the previous root secret and its grace period, for `deriveKeyRing`. */
  authSecrets: AuthSecrets;
  featurePushEnabled: boolean;
  storage: StorageSettings;
  recalls: RecallSettings;
}

export interface StorageSettings {
  driver: "local" | "s3";
  /** The local driver's folder: DATA_DIR/uploads. */
  localDir: string;
  s3: {
    endpoint: string | undefined;
    region: string;
    bucket: string;
    accessKeyId: string | undefined;
    secretAccessKey: string | undefined;
    forcePathStyle: boolean;
  };
  uploadMaxBytes: number;
  residenceQuotaBytes: number;
  imageMaxPixels: number;
}

const stripSlash = (url: string) => url.replace(/\/+$/, "");

export function toCommonSettings(env: CommonEnv): CommonSettings {
  const dataDir = resolve(env.DATA_DIR);
  const authSecret = env.AUTH_SECRET ?? embeddedSecret(env.NODE_ENV, dataDir);
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    dataDir,
    databaseUrl: env.DATABASE_URL,
    databasePoolMax: env.DATABASE_POOL_MAX,
    databaseStatementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    redisUrl: env.REDIS_URL,
    smtpUrl: env.SMTP_URL,
    smtpMaxConnections: env.SMTP_MAX_CONNECTIONS,
    mailFrom: env.MAIL_FROM,
    publicWebUrl: stripSlash(env.PUBLIC_WEB_URL),
    publicApiUrl: stripSlash(env.PUBLIC_API_URL),
    authSecret,
    authSecrets: { current: authSecret, previous: previousSecret(env) },
    featurePushEnabled: env.FEATURE_PUSH_ENABLED,
    storage: toStorageSettings(env, dataDir),
    recalls: toRecallSettings(env),
  };
}

function toStorageSettings(env: CommonEnv, dataDir: string): StorageSettings {
  if (env.STORAGE_DRIVER === "s3" && !env.S3_BUCKET) {
    throw new SettingsError([{ variable: "S3_BUCKET", message: "is required when STORAGE_DRIVER=s3" }]);
  }
  return {
    driver: env.STORAGE_DRIVER,
    localDir: join(dataDir, "uploads"),
    s3: {
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      bucket: env.S3_BUCKET ?? "",
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    },
    uploadMaxBytes: env.UPLOAD_MAX_BYTES,
    residenceQuotaBytes: env.RESIDENCE_STORAGE_QUOTA_BYTES,
    imageMaxPixels: env.IMAGE_MAX_PIXELS,
  };
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A rotation: AUTH_SECRET_PREVIOUS is accepted until AUTH_SECRET_PREVIOUS_UNTIL, which must be given with
 * it (a grace period without an end would keep a retired secret alive forever). A past instant is allowed:
 * the previous secret is then simply no longer accepted.
 */
function previousSecret(env: CommonEnv): AuthSecrets["previous"] {
  const secret = env.AUTH_SECRET_PREVIOUS;
  const until = env.AUTH_SECRET_PREVIOUS_UNTIL;
  if (!secret && !until) return undefined;
  if (!secret)
    throw new SettingsError([
      { variable: "AUTH_SECRET_PREVIOUS", message: "is required with AUTH_SECRET_PREVIOUS_UNTIL" },
    ]);
  const at = until && ISO_INSTANT.test(until) ? new Date(until) : undefined;
  if (!at || Number.isNaN(at.getTime()))
    throw new SettingsError([
      {
        variable: "AUTH_SECRET_PREVIOUS_UNTIL",
        message: "must be an ISO 8601 instant (e.g. 2026-12-08T00:00:00Z) when AUTH_SECRET_PREVIOUS is set",
      },
    ]);
  return { secret, until: at };
}

/**
 * Production must be given AUTH_SECRET. Elsewhere a random secret is created once in DATA_DIR so that
 * tokens survive restarts of a laptop install without anyone having to invent a secret.
 */
function embeddedSecret(nodeEnv: CommonEnv["NODE_ENV"], dataDir: string): string {
  if (nodeEnv === "production") {
    throw new SettingsError([{ variable: "AUTH_SECRET", message: "is required when NODE_ENV=production" }]);
  }
  const file = join(dataDir, "auth-secret");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(48).toString("base64url");
    writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
    return secret;
  }
}
