// Loaded by main.ts only after tracing started, so fastify, pg and ioredis are imported instrumented.
import type { ApiSettings } from "@honeydue/config";
import { migrate } from "@honeydue/db";
import {
  createLogger,
  flushLogSync,
  type Logger,
  type MetricsServer,
  startMetricsServer,
  type TracingHandle,
  traceLogMixin,
} from "@honeydue/observability";
import { bootstrapFirstAdmin } from "./admin/accounts.ts";
import { buildApp } from "./app.ts";
import { type ApiDeps, closeApiDeps, createApiDeps, startEmbeddedJobs } from "./deps.ts";
import { handleShutdown } from "./server.ts";

/**
 * The Prometheus port (METRICS_HOST:METRICS_PORT, bearer token METRICS_TOKEN). A port that cannot be
 * bound is logged, not fatal: serving users matters more (the "target down" alert notices).
 */
export async function startApiMetricsServer(
  deps: Pick<ApiDeps, "settings" | "metrics">,
  log: Logger,
): Promise<MetricsServer | undefined> {
  const { host, port, token } = deps.settings.metrics;
  try {
    return await startMetricsServer({ host, port, bearerToken: token, registry: deps.metrics.registry });
  } catch (error) {
    log.error({ err: error, host, port }, "metrics port unavailable; serving without /metrics");
    return undefined;
  }
}

/**
 * An error nothing caught ends the process, as Node's default does, but logged first and with every
 * buffered log line written out before the exit.
 */
function exitOnFatalError(log: Logger) {
  const fatal = (error: unknown, kind: string) => {
    log.fatal({ err: error }, `${kind}; exiting`);
    flushLogSync(log);
    process.exit(1);
  };
  process.on("uncaughtException", (error) => fatal(error, "uncaught exception"));
  process.on("unhandledRejection", (error) => fatal(error, "unhandled promise rejection"));
}

export async function startApi(settings: ApiSettings, tracing: TracingHandle): Promise<void> {
  // Every log line carries trace_id/span_id of the span it was written in.
  // Asynchronous: the per-request log line must not block the event loop on stdout.
  const log = createLogger({ level: settings.logLevel, role: "api", mixin: traceLogMixin, async: true });
  exitOnFatalError(log);
  const deps = await createApiDeps(settings, log);
  if (settings.migrateOnStart) await migrate(deps.database, { log: (m) => log.info(m) });
  // Embedded mode: outbox jobs (email) run in this process; otherwise the worker relays and runs them.
  if (settings.runEmbeddedWorker) startEmbeddedJobs(deps);
  const app = await buildApp(deps);
  const metricsServer = await startApiMetricsServer(deps, log);
  handleShutdown(app, deps, async () => {
    await closeApiDeps(deps);
    await metricsServer?.close();
    await tracing.shutdown();
  });
  await app.listen({ host: settings.host, port: settings.port });
  const firstAdmin = settings.admin.bootstrap ? await bootstrapFirstAdmin(deps.db) : undefined;
  if (firstAdmin) {
    // Printed once, never stored in clear: the admin must choose a new password at the first sign-in.
    log.warn(
      { email: firstAdmin.email },
      `first admin created: sign in to the admin panel as ${firstAdmin.email} with the one-time password ` +
        `${firstAdmin.password} (you will choose your own password and enrol an authenticator app)`,
    );
  }
  log.info(
    {
      database: deps.database.kind,
      mail: settings.smtpUrl ? "smtp" : `${settings.dataDir}/mail`,
      metricsPort: metricsServer?.port,
      tracing: tracing.enabled ? settings.tracing.endpoint : "off",
    },
    `honeyDue API ready: ${settings.publicApiUrl}/docs`,
  );
}
