import type { RecallSettings } from "@honeydue/config";
import type { Database } from "@honeydue/db";
import type { Logger } from "@honeydue/observability";
import { type HandlersOf, tickInstant } from "../../runtime/definition.ts";
import { type RecallMetrics, runRecallCheck } from "./check.ts";
import type { RECALL_JOBS } from "./definitions.ts";
import { createCpscSource } from "./sources.ts";

export interface RecallHandlerDeps {
  db: Database;
  log: Logger;
  /** RECALLS_* settings. Default: recall checks off. */
  recalls?: RecallSettings | undefined;
  metrics?: RecallMetrics | undefined;
  notifyOutbox?: (() => void) | undefined;
}

const OFF = { enabled: false, checkIntervalHours: 24, lookbackDays: 1 };

/** `recalls.check`: the sources of the settings (CPSC), matched against every appliance. */
export function createRecallHandlers(deps: RecallHandlerDeps): HandlersOf<typeof RECALL_JOBS> {
  const settings = deps.recalls;
  const sources = settings
    ? [createCpscSource({ url: settings.cpscUrl, timeoutMs: settings.timeoutMs })]
    : [];
  return {
    "recalls.check": async (payload) => {
      await runRecallCheck(
        {
          db: deps.db,
          log: deps.log,
          settings: settings ?? OFF,
          sources,
          ...(deps.metrics ? { metrics: deps.metrics } : {}),
          ...(deps.notifyOutbox ? { notifyOutbox: deps.notifyOutbox } : {}),
        },
        tickInstant(payload.at),
      );
    },
  };
}
