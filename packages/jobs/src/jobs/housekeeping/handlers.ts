import { changedRows, type Database } from "@honeydue/db";
import type { Logger } from "@honeydue/observability";
import { sql } from "drizzle-orm";
import type { HandlersOf } from "../../runtime/definition.ts";
import { QUEUE_NAMES } from "../../runtime/queue-contract.ts";
import type { Queues } from "../../runtime/queues.ts";
import type { HOUSEKEEPING_JOBS } from "./definitions.ts";

export interface HousekeepingDeps {
  db: Database;
  log: Logger;
  /** Finished (processed) outbox rows older than this are deleted; unfinished rows are never. */
  outboxRetentionDays: number;
  /** Failed outbox rows and failed BullMQ jobs older than this are deleted. */
  failedJobRetentionDays: number;
  /** Present in the worker: failed BullMQ jobs past retention are cleaned. */
  queues?: Queues;
}

/**
 * Daily cleanup: expired refresh tokens, ended sessions and used/expired one-time tokens; outbox rows done
 * long ago; failed jobs past retention (outbox and BullMQ); old push delivery records; expired
 * Idempotency-Key responses. Every statement is
 * idempotent, so two replicas running it (or a retry) do no harm.
 */
export async function runHousekeeping(deps: HousekeepingDeps): Promise<Record<string, number>> {
  const keep = deps.outboxRetentionDays;
  const failedKeep = deps.failedJobRetentionDays;
  const result: Record<string, number> = {
    refreshTokens: await changedRows(
      deps.db,
      sql`DELETE FROM refresh_tokens WHERE expires_at < now() - interval '1 day'`,
    ),
    sessions: await changedRows(
      deps.db,
      sql`DELETE FROM sessions WHERE expires_at < now() - interval '7 days' OR revoked_at < now() - interval '30 days'`,
    ),
    userTokens: await changedRows(
      deps.db,
      sql`DELETE FROM user_tokens WHERE expires_at < now() - interval '1 day' OR used_at < now() - interval '7 days'`,
    ),
    outbox: await changedRows(
      deps.db,
      sql`DELETE FROM outbox WHERE failed_at IS NULL
            AND processed_at < now() - make_interval(days => ${keep}::int)`,
    ),
    failedOutbox: await changedRows(
      deps.db,
      sql`DELETE FROM outbox WHERE failed_at < now() - make_interval(days => ${failedKeep}::int)`,
    ),
    pushDeliveries: await changedRows(
      deps.db,
      sql`DELETE FROM push_deliveries WHERE created_at < now() - interval '90 days'`,
    ),
    // Idempotency-Key responses are kept 24 hours (issue 11; apps/api/src/http/idempotency.ts).
    idempotencyKeys: await changedRows(deps.db, sql`DELETE FROM idempotency_keys WHERE expires_at < now()`),
    // The changes feed keeps 90 days; an older cursor answers 410 and the app syncs from scratch.
    syncChanges: await changedRows(
      deps.db,
      sql`DELETE FROM sync_changes WHERE changed_at < now() - interval '90 days'`,
    ),
    digestRuns: await changedRows(
      deps.db,
      sql`DELETE FROM digest_runs WHERE created_at < now() - interval '60 days'`,
    ),
  };
  if (deps.queues) {
    let failedJobs = 0;
    for (const name of QUEUE_NAMES) {
      failedJobs += (await deps.queues[name].clean(failedKeep * 24 * 3600 * 1000, 10_000, "failed")).length;
    }
    result.failedJobs = failedJobs;
  }
  deps.log.info(result, "housekeeping done");
  return result;
}

/** `housekeeping.cleanup`, with the retention settings (default 14 and 30 days). */
export function createHousekeepingHandlers(deps: {
  db: Database;
  log: Logger;
  outboxRetentionDays?: number | undefined;
  failedJobRetentionDays?: number | undefined;
  queues?: Queues | undefined;
}): HandlersOf<typeof HOUSEKEEPING_JOBS> {
  return {
    "housekeeping.cleanup": async () => {
      await runHousekeeping({
        db: deps.db,
        log: deps.log,
        outboxRetentionDays: deps.outboxRetentionDays ?? 14,
        failedJobRetentionDays: deps.failedJobRetentionDays ?? 30,
        ...(deps.queues ? { queues: deps.queues } : {}),
      });
    },
  };
}
