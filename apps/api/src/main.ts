// The API process: read the settings, start tracing, then load and start the app (start.ts).
import { loadApiSettings, SettingsError } from "@honeydue/config";
import { startTracing } from "@honeydue/observability/tracing";

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

// Before fastify/pg/ioredis are imported: instrumentation patches modules as they load.
const tracing = await startTracing(settings.tracing);
const { startApi } = await import("./start.ts");
await startApi(settings, tracing);
