// The API process: read the settings, build the dependencies, migrate, start.
import { loadApiSettings, SettingsError } from "@honeydue/config";
import { migrate } from "@honeydue/db";
import { createLogger } from "@honeydue/observability";
import { buildApp } from "./app.ts";
import { closeApiDeps, createApiDeps, startEmbeddedJobs } from "./deps.ts";
import { handleShutdown } from "./server.ts";

let settings: ReturnType<typeof loadApiSettings>;
try {
  settings = loadApiSettings();
} catch (error) {
  if (error instanceof SettingsError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}

const log = createLogger({ level: settings.logLevel, role: "api" });
const deps = await createApiDeps(settings, log);
if (settings.migrateOnStart) await migrate(deps.database, { log: (m) => log.info(m) });
// Embedded mode: outbox jobs (email) run in this process; otherwise the worker relays and runs them.
if (settings.runEmbeddedWorker) startEmbeddedJobs(deps);
const app = await buildApp(deps);
handleShutdown(app, deps, () => closeApiDeps(deps));
await app.listen({ host: settings.host, port: settings.port });
log.info(
  { database: deps.database.kind, mail: settings.smtpUrl ? "smtp" : `${settings.dataDir}/mail` },
  `honeyDue API ready: ${settings.publicApiUrl}/docs`,
);
