import type { Logger } from "./logger.ts";
import type { HoneydueMetrics } from "./metrics.ts";

export interface ErrorSinkOptions {
  /** Label of background_errors_total{source} and the log line's `source`. */
  source: string;
  log: Pick<Logger, "warn">;
  metrics?: Pick<HoneydueMetrics, "backgroundErrorsTotal">;
  /** At most one log line per this many ms per sink (default 10 s); every error is counted. */
  intervalMs?: number;
  now?: () => number;
}

/**
 * Where an error goes that has no caller to throw to (an idle pool client dropping, a Redis connection's
 * 'error' event, a best-effort cleanup): counted every time, logged at most once per interval with how
 * many were left unlogged since, so a flapping connection cannot flood the log nor go unseen.
 */
export function createErrorSink(options: ErrorSinkOptions): (error: unknown) => void {
  const intervalMs = options.intervalMs ?? 10_000;
  const now = options.now ?? Date.now;
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let unlogged = 0;
  return (error) => {
    options.metrics?.backgroundErrorsTotal.inc({ source: options.source });
    const t = now();
    if (t - lastLoggedAt < intervalMs) {
      unlogged++;
      return;
    }
    options.log.warn({ err: error, source: options.source, unlogged }, `${options.source}: error`);
    lastLoggedAt = t;
    unlogged = 0;
  };
}
