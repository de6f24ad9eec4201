import { after } from "node:test";
import { type ApiSettings, loadApiSettings } from "@honeydue/config";
import { createLogger } from "@honeydue/observability";
import { createTestDatabase, type TestDatabase } from "@honeydue/testkit";
import { buildApp } from "../src/app.ts";
import type { ApiDeps } from "../src/deps.ts";
import type { App } from "../src/http/app-type.ts";

export interface TestApi {
  app: App;
  deps: ApiDeps;
  database: TestDatabase;
}

/**
 * The real API on a fresh database of its own (PostgreSQL when available, else PGlite), driven through
 * `app.inject`. `env` overrides settings the way environment variables would.
 */
export async function startTestApi(env: Record<string, string> = {}): Promise<TestApi> {
  const database = await createTestDatabase();
  const settings: ApiSettings = loadApiSettings({
    NODE_ENV: "test",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    AUTH_SECRET: "test-secret-test-secret-test-secret-1234",
    PUBLIC_WEB_URL: "https://web.honeydue.test",
    PUBLIC_API_URL: "https://api.honeydue.test",
    DATA_DIR: "/tmp/honeydue-test-data",
    ...env,
  });
  const log = createLogger({ level: settings.logLevel, role: "api" });
  const deps: ApiDeps = {
    settings,
    log,
    database: database.handle,
    db: database.handle.db,
    redis: undefined,
    accessKey: new TextEncoder().encode(settings.authSecret),
    notifyOutbox: () => {},
    lifecycle: { shuttingDown: false },
  };
  const app = await buildApp(deps);
  after(() => app.close());
  return { app, deps, database };
}
