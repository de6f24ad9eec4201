import type { ApiSettings } from "@honeydue/config";
import { type Database, type DatabaseHandle, openDatabase } from "@honeydue/db";
import type { Logger } from "@honeydue/observability";
import { Redis } from "ioredis";
import { accessTokenKey } from "./accounts/access-token.ts";

/** Everything the API's routes need, built once at boot and passed down explicitly. */
export interface ApiDeps {
  settings: ApiSettings;
  log: Logger;
  database: DatabaseHandle;
  db: Database;
  /** Present when REDIS_URL is set. */
  redis: Redis | undefined;
  accessKey: Uint8Array;
  /** Tells the job runner that a transaction committed new outbox rows. */
  notifyOutbox: () => void;
  /** Set when SIGTERM arrived: readiness fails so the load balancer stops sending traffic. */
  lifecycle: { shuttingDown: boolean };
}

export async function createApiDeps(settings: ApiSettings, log: Logger): Promise<ApiDeps> {
  const database = await openDatabase({
    url: settings.databaseUrl,
    dataDir: settings.dataDir,
    poolMax: settings.databasePoolMax,
    applicationName: "honeydue-api",
  });
  const redis = settings.redisUrl
    ? new Redis(settings.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: false })
    : undefined;
  // Connection errors are reported by /readyz; an unhandled 'error' event must not crash the API.
  redis?.on("error", (error) => log.warn({ err: error }, "redis connection error"));
  return {
    settings,
    log,
    database,
    db: database.db,
    redis,
    accessKey: accessTokenKey(settings.authSecret),
    notifyOutbox: () => {},
    lifecycle: { shuttingDown: false },
  };
}

export async function closeApiDeps(deps: ApiDeps) {
  deps.redis?.disconnect();
  await deps.database.close();
}
