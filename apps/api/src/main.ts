// The API process: read the settings, start tracing, then load and start the app (start.ts).
import { loadApiSettings, settingsOrExit } from "@honeydue/config";
import { startTracing } from "@honeydue/observability/tracing";

const settings = settingsOrExit(() => loadApiSettings());

// Before fastify/pg/ioredis are imported: instrumentation patches modules as they load.
const tracing = await startTracing(settings.tracing);
const { startApi } = await import("./start.ts");
await startApi(settings, tracing);
