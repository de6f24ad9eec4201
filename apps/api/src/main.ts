// The API process: read the settings, start tracing, then load and start the app (start.ts).
import { enableCompileCache } from "node:module";

// Node's compile cache (<tmpdir>/node-compile-cache): a start after the first reuses the type-stripped
// sources and V8's code of the ~2,300 modules instead of compiling them again (development, tests). Not
// enabled here in production: the image carries a cache written at build time (NODE_COMPILE_CACHE in the
// Dockerfile, read by Node itself), and a pod's /tmp is a small emptyDir a new pod starts without.
// Enabled before anything else is imported, so every module below is cached.
if (process.env.NODE_ENV !== "production") enableCompileCache();
// Before drizzle-orm is imported: a Node 24 resolver cost of ~200 ms and ~80 MiB of garbage (module-hooks.ts).
const { registerModuleResolutionHooks } = await import("@honeydue/db/module-hooks");
registerModuleResolutionHooks();
const { loadApiSettings, settingsOrExit } = await import("@honeydue/config");
const { startTracing } = await import("@honeydue/observability/tracing");

const settings = settingsOrExit(() => loadApiSettings());

// Before fastify/pg/ioredis are imported: instrumentation patches modules as they load.
const tracing = await startTracing(settings.tracing);
const { startApi } = await import("./start.ts");
await startApi(settings, tracing);
