// The worker process: read the settings, start tracing, then load and start the relay, the queue workers
// and the schedules (worker.ts).
import { loadWorkerSettings, settingsOrExit } from "@honeydue/config";
import { registerModuleResolutionHooks } from "@honeydue/db/module-hooks";
import { startTracing } from "@honeydue/observability/tracing";
import type { RunningWorker } from "./worker.ts";

// Before drizzle-orm is imported (by worker.ts, below): see module-hooks.ts.
registerModuleResolutionHooks();
const settings = settingsOrExit(() => loadWorkerSettings());

// Before pg, ioredis and bullmq are imported: instrumentation patches modules as they load.
const tracing = await startTracing(settings.tracing);
const { createLogger, traceLogMixin } = await import("@honeydue/observability");
const { startWorker } = await import("./worker.ts");
// Every log line carries trace_id/span_id of the span it was written in (e.g. the job's).
const log = createLogger({ level: settings.logLevel, role: "worker", mixin: traceLogMixin });

// Signal handlers first: a SIGTERM that arrives while the worker is still booting is honoured once it is up.
let worker: RunningWorker | undefined;
let stopRequested: string | undefined;
let stopping = false;
const shutdown = async (signal: string) => {
  if (!worker) {
    stopRequested = signal;
    return;
  }
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "shutting down: taking no new jobs");
  // Last resort if closing itself hangs (e.g. on a Redis that does not answer). Still exit 0: a job left
  // running is not lost, its lock expires and another worker takes it (its outbox row is unfinished).
  const force = setTimeout(() => {
    log.warn("grace period over; exiting with jobs still running (they return to the queue)");
    process.exit(0);
  }, settings.shutdownGraceMs + 15_000);
  force.unref();
  try {
    const { forced } = await worker.stop();
    await tracing
      .shutdown()
      .catch((error: unknown) => log.warn({ err: error }, "trace export failed at shutdown"));
    log.info({ forced }, "shutdown complete");
    process.exit(0);
  } catch (error) {
    log.error({ err: error }, "shutdown failed");
    process.exit(1);
  }
};
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

worker = await startWorker(settings, log);
log.info(
  {
    healthPort: worker.healthPort,
    push: settings.push.enabled ? "on" : "off",
    concurrency: settings.concurrency,
  },
  "honeyDue worker ready",
);
if (stopRequested) void shutdown(stopRequested);
