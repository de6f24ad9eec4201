import { flushLogSync } from "@honeydue/observability";
import type { ApiDeps } from "./deps.ts";
import type { App } from "./http/app-type.ts";

/**
 * Graceful shutdown on SIGTERM/SIGINT: readiness fails first (so the load balancer drains us), then the
 * server stops accepting, in-flight requests complete, idle keep-alive connections are closed, and the
 * process exits 0 within the grace period.
 */
export function handleShutdown(app: App, deps: ApiDeps, onClosed: () => Promise<void>) {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    deps.lifecycle.shuttingDown = true;
    deps.log.info({ signal }, "shutting down");
    // The logger writes asynchronously: every exit below writes out its buffer first.
    const exit = (code: number) => {
      flushLogSync(deps.log);
      process.exit(code);
    };
    const force = setTimeout(() => {
      deps.log.error("grace period over; exiting with requests still open");
      exit(1);
    }, deps.settings.shutdownGraceMs + 1000);
    force.unref();
    try {
      // Give the load balancer a moment to see /readyz fail before we stop accepting connections.
      const drainDelay = Math.min(deps.settings.shutdownGraceMs / 5, 5000);
      if (drainDelay > 0) await new Promise((resolve) => setTimeout(resolve, drainDelay));
      await app.close();
      await onClosed();
      deps.log.info("shutdown complete");
      exit(0);
    } catch (error) {
      deps.log.error({ err: error }, "shutdown failed");
      exit(1);
    }
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}
