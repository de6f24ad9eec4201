import { type Queryable, queryRows } from "@honeydue/db";
import { sql } from "drizzle-orm";

/** An outbox row whose job failed for good: kept FAILED_JOB_RETENTION_DAYS for operators. */
export interface FailedOutboxRow {
  id: string;
  job: string;
  /** The payload with template data masked (it can hold single-use tokens). */
  payloadSummary: Record<string, unknown>;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  failedAt: Date;
}

export interface FailedOutboxFilter {
  /** Only rows of this job name. */
  job?: string | undefined;
}

interface RawRow extends Record<string, unknown> {
  id: string;
  job: string;
  payload: unknown;
  attempts: number;
  last_error: string | null;
  created_at: string | Date;
  failed_at: string | Date;
}

/** Values under these keys are shown as "[masked]": links, tokens and template data. */
const MASKED_KEYS = new Set(["data", "token", "code", "link", "url", "secret", "password"]);

/** What an operator may see of a payload: its shape and ids, never template data or tokens. */
export function summarizePayload(payload: unknown): Record<string, unknown> {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    return { value: Array.isArray(payload) ? "[array]" : typeof payload };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    out[key] = MASKED_KEYS.has(key.toLowerCase())
      ? "[masked]"
      : value !== null && typeof value === "object"
        ? "[object]"
        : value;
  }
  return out;
}

const jobFilter = (filter: FailedOutboxFilter) => (filter.job ? sql` AND job = ${filter.job}` : sql``);

/** Failed rows, newest failure first, paged with `limit` (1–200, default 50) and `offset`. */
export async function listFailedOutboxRows(
  db: Queryable,
  options: FailedOutboxFilter & { limit?: number; offset?: number } = {},
): Promise<FailedOutboxRow[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 200);
  const offset = Math.max(Math.trunc(options.offset ?? 0), 0);
  const rows = await queryRows<RawRow>(
    db,
    sql`
    SELECT id, job, payload, attempts, last_error, created_at, failed_at FROM outbox
    WHERE failed_at IS NOT NULL${jobFilter(options)}
    ORDER BY failed_at DESC, id
    LIMIT ${limit} OFFSET ${offset}`,
  );
  return rows.map((r) => ({
    id: r.id,
    job: r.job,
    payloadSummary: summarizePayload(r.payload),
    attempts: Number(r.attempts),
    lastError: r.last_error,
    createdAt: new Date(r.created_at),
    failedAt: new Date(r.failed_at),
  }));
}

export async function countFailedOutboxRows(db: Queryable, filter: FailedOutboxFilter = {}): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM outbox WHERE failed_at IS NOT NULL${jobFilter(filter)}`,
  );
  return Number(rows[0]?.n ?? 0);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Puts a failed row back in the outbox as new: its attempts start again and the runner (embedded) or the
 * relay (worker) picks it up at once; the relay replaces the failed BullMQ job of the same id first
 * (`retried_at`). Call `notifyOutbox()` after the commit. False when the row is not (or no longer) failed.
 */
export async function retryFailedOutboxRow(db: Queryable, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const rows = await queryRows<{ id: string }>(
    db,
    sql`
    UPDATE outbox SET failed_at = NULL, last_error = NULL, attempts = 0, available_at = now(),
      locked_until = NULL, published_at = NULL, processed_at = NULL, checked_at = NULL, retried_at = now()
    WHERE id = ${id}::uuid AND failed_at IS NOT NULL
    RETURNING id`,
  );
  return rows.length === 1;
}

/** Deletes a failed row for good. False when the row is not (or no longer) failed. */
export async function discardFailedOutboxRow(db: Queryable, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const rows = await queryRows<{ id: string }>(
    db,
    sql`DELETE FROM outbox WHERE id = ${id}::uuid AND failed_at IS NOT NULL RETURNING id`,
  );
  return rows.length === 1;
}
