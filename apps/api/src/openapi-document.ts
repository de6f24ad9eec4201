import { deriveKeyRing, loadApiSettings } from "@honeydue/config";
import { openDatabase } from "@honeydue/db";
import { createLogger } from "@honeydue/observability";
import { createStorage } from "@honeydue/storage";
import { buildApp } from "./app.ts";
import { type ApiDeps, createApiMetrics } from "./deps.ts";

/** The server URL written into a document built for the generated client (clients pass their own base URL). */
export const DOCUMENT_SERVER_URL = "https://api.honeydue.example";

/**
 * The OpenAPI document of the API, built from the route schemas without serving: an in-memory PGlite that
 * is never queried stands in for the database. Used to generate packages/api-client.
 */
export async function buildOpenApiDocument(): Promise<object> {
  const settings = loadApiSettings({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    AUTH_SECRET: "openapi-document-openapi-document-0000",
    PUBLIC_API_URL: DOCUMENT_SERVER_URL,
    PUBLIC_WEB_URL: "https://honeydue.example",
    DATA_DIR: "/nonexistent",
  });
  const database = await openDatabase({ url: undefined, pgliteDir: "memory://" });
  const keys = deriveKeyRing(settings.authSecrets);
  const deps: ApiDeps = {
    settings,
    log: createLogger({ level: "silent", role: "api" }),
    database,
    db: database.db,
    redis: undefined,
    metrics: createApiMetrics(database),
    keys,
    storage: createStorage(settings.storage, {
      grantKeys: keys["storage-grant"],
      publicApiUrl: DOCUMENT_SERVER_URL,
    }),
    notifyOutbox: () => {},
    lifecycle: { shuttingDown: false },
  };
  const app = await buildApp(deps);
  try {
    await app.ready();
    return app.swagger();
  } finally {
    await app.close();
    await database.close();
  }
}
