import { randomUUID } from "node:crypto";
import { type Database, queryRows } from "@honeydue/db";
import type { Logger } from "@honeydue/observability";
import { sql } from "drizzle-orm";
import { enqueueJobs } from "../../runtime/outbox.ts";
import type { JobPayload } from "../../runtime/registry.ts";
import { notify } from "../push/notify.ts";

/** What the reminder ticks need; the email's recipient, links and unsubscribe link are made at delivery. */
export interface ReminderDeps {
  db: Database;
  log: Logger;
  /** Called after a tick committed outbox rows (kicks the relay or the embedded runner). */
  notifyOutbox?: () => void;
}

/**
 * A user gets the digest in the first tick at or after their digest hour, within this many hours: a tick
 * that runs late (Redis or the worker was down) still sends it, and on a spring-forward day whose local
 * hour is skipped the next hour does.
 */
export const DIGEST_CATCH_UP_HOURS = 3;
/** Lines per section of a digest; the rest is counted ("and 4 more"). */
const MAX_LINES = 15;

interface Candidate extends Record<string, unknown> {
  id: string;
  email: string;
  name: string;
  due_soon_days: number;
  push_enabled: boolean;
  local_date: string;
}
interface DueTask extends Record<string, unknown> {
  id: string;
  title: string;
  due_on: string;
  residence: string;
  today: string;
}

function section(tasks: DueTask[], line: (t: DueTask) => string): string {
  if (tasks.length === 0) return "";
  const lines = tasks.slice(0, MAX_LINES).map(line);
  if (tasks.length > MAX_LINES) lines.push(`…and ${tasks.length - MAX_LINES} more`);
  return lines.join("\n");
}

/** Users per batch of the digest tick: one candidates query, one due-tasks query, one transaction. */
export const DIGEST_BATCH_SIZE = 1000;

/** A Postgres array literal of values that need no quoting (uuids, integers). */
const arrayLiteral = (values: readonly (string | number)[]) => `{${values.join(",")}}`;

/**
 * The next `limit` users after `afterId` in primary-key order (an index range scan, so each batch costs
 * the batch, not the table), each with `due`: the digest on, a verified address, not disabled, local
 * time (their own IANA timezone, so DST is the time zone database's business) within
 * DIGEST_CATCH_UP_HOURS after their digest hour, and no digest yet for that local date.
 */
export function digestCandidatesQuery(iso: string, afterId: string, limit: number) {
  // `since_digest_hour` is the local wall-clock time shifted back by the digest hour: its hour is the
  // number of hours since the digest hour and its date the local date the digest belongs to, so a user at
  // 22:00 is still due at 00:30 the next day (for the day before) — the window wraps past midnight.
  return sql`
    SELECT c.id, c.email, c.name, c.due_soon_days, c.push_enabled,
      c.since_digest_hour::date::text AS local_date,
      (c.digest_enabled AND c.disabled_at IS NULL AND c.email_verified_at IS NOT NULL
        AND extract(hour FROM c.since_digest_hour) < ${DIGEST_CATCH_UP_HOURS}
        AND NOT EXISTS (
          SELECT 1 FROM digest_runs d WHERE d.user_id = c.id AND d.local_date = c.since_digest_hour::date
        )
      ) AS due
    FROM (
      SELECT u.id, u.email, u.name, u.due_soon_days, u.push_enabled, u.digest_enabled,
             u.disabled_at, u.email_verified_at,
             (${iso}::timestamptz AT TIME ZONE u.timezone) - make_interval(hours => u.digest_hour)
               AS since_digest_hour
      FROM users u
      WHERE u.id > ${afterId}::uuid
      ORDER BY u.id
      LIMIT ${limit}
    ) c`;
}

/**
 * The open tasks due for a whole batch of users in one set-based statement: per user (LATERAL) their
 * memberships, per membership its residence, then per residence its open tasks due by the user's horizon measured in the
 * residence's own timezone, unassigned or assigned to them. `OFFSET 0` keeps each LATERAL a subquery the
 * planner cannot flatten into one big join, so each step stays an index lookup driven by the batch
 * (memberships_user_id_idx, residences_pkey, tasks_residence_due_idx) whatever the table statistics say:
 * without them, a flattened join scanned every task (or every residence) of the database for each batch.
 */
export function digestDueTasksQuery(iso: string, users: readonly { id: string; due_soon_days: number }[]) {
  return sql`
    SELECT b.user_id::text AS user_id, t.id, t.title, t.due_on::text AS due_on, r.name AS residence,
           r.today::text AS today
    FROM unnest(${arrayLiteral(users.map((u) => u.id))}::uuid[], ${arrayLiteral(
      users.map((u) => u.due_soon_days),
    )}::int[]) AS b(user_id, due_soon_days)
    CROSS JOIN LATERAL (
      SELECT m.residence_id FROM memberships m WHERE m.user_id = b.user_id OFFSET 0
    ) m
    CROSS JOIN LATERAL (
      SELECT r.id, r.name, (${iso}::timestamptz AT TIME ZONE r.timezone)::date AS today
      FROM residences r WHERE r.id = m.residence_id OFFSET 0
    ) r
    CROSS JOIN LATERAL (
      SELECT t.id, t.title, t.due_on FROM tasks t
      WHERE t.residence_id = r.id AND t.archived_at IS NULL AND t.completed_at IS NULL
        AND t.due_on <= r.today + b.due_soon_days
        AND (t.assignee_id IS NULL OR t.assignee_id = b.user_id)
      OFFSET 0
    ) t
    ORDER BY b.user_id, t.due_on, t.title, t.id`;
}

/**
 * The hourly digest tick, in batches of DIGEST_BATCH_SIZE users: for each user whose local hour has
 * reached their digest hour (see digestCandidatesQuery), their open tasks overdue, due today or due soon
 * — in each residence's own timezone — across all their residences (digestDueTasksQuery), then one
 * transaction per batch writes the `digest_runs (user, local date)` rows and, for the rows it claimed,
 * the email jobs: a second tick the same local day, in this or another replica, finds the rows and sends
 * nothing. Nothing due → no email. Memory stays bounded by the batch, whatever the number of users.
 */
export async function runDigestTick(
  deps: ReminderDeps,
  at: Date,
  options: { batchSize?: number } = {},
): Promise<{ sent: number; empty: number }> {
  const iso = at.toISOString();
  const batchSize = options.batchSize ?? DIGEST_BATCH_SIZE;
  let sent = 0;
  let empty = 0;
  let candidates = 0;
  // One batch's reads: the next chunk of users and the due tasks of those whose digest is due.
  type BatchRead = {
    chunk: (Candidate & { due: boolean })[];
    batch: Candidate[];
    due: (DueTask & { user_id: string })[];
  };
  const read = (afterId: string): Promise<BatchRead> =>
    deps.db.transaction(async (tx) => {
      // Short index lookups: JIT compiling them costs more than running them (~0.8 s a batch).
      await tx.execute(sql`SET LOCAL jit = off`);
      const chunk = await queryRows<Candidate & { due: boolean }>(
        tx,
        digestCandidatesQuery(iso, afterId, batchSize),
      );
      const batch = chunk.filter((u) => u.due);
      if (batch.length === 0) return { chunk, batch, due: [] };
      const due = await queryRows<DueTask & { user_id: string }>(tx, digestDueTasksQuery(iso, batch));
      return { chunk, batch, due };
    });
  // The next batch is read while this one is written (other users: they cannot conflict).
  let next: Promise<BatchRead> | undefined = read("00000000-0000-0000-0000-000000000000");
  while (next) {
    const { chunk, batch, due }: BatchRead = await next;
    next = chunk.length === batchSize ? read(chunk.at(-1)!.id) : undefined;
    candidates += batch.length;
    const byUser = new Map<string, DueTask[]>();
    for (const task of due) {
      const list = byUser.get(task.user_id);
      if (list) list.push(task);
      else byUser.set(task.user_id, [task]);
    }
    const digests = batch.filter((u) => byUser.has(u.id));
    empty += batch.length - digests.length;
    try {
      if (digests.length > 0) sent += await writeDigests(deps, digests, byUser);
    } catch (error) {
      // The next batch's read is abandoned with this error; its own failure, if any, is only logged.
      await next?.catch((readError: unknown) =>
        deps.log.warn({ err: readError }, "digest tick: the next batch's read failed too"),
      );
      throw error;
    }
  }
  if (sent) deps.notifyOutbox?.();
  deps.log.info({ at: iso, candidates, sent, empty }, "digest tick");
  return { sent, empty };
}

/** One transaction for a batch: claim the digest_runs rows, then write the claimed users' jobs. */
async function writeDigests(
  deps: ReminderDeps,
  users: Candidate[],
  byUser: Map<string, DueTask[]>,
): Promise<number> {
  const outboxIds = new Map(users.map((u) => [u.id, randomUUID()]));
  return deps.db.transaction(async (tx) => {
    const runs = users.map((u) => ({
      user_id: u.id,
      local_date: u.local_date,
      task_count: byUser.get(u.id)!.length,
      outbox_id: outboxIds.get(u.id),
    }));
    const claimed = await queryRows<{ user_id: string }>(
      tx,
      sql`
      INSERT INTO digest_runs (user_id, local_date, task_count, outbox_id)
      SELECT r.user_id, r.local_date, r.task_count, r.outbox_id
      FROM jsonb_to_recordset(${JSON.stringify(runs)}::jsonb)
        AS r(user_id uuid, local_date date, task_count int, outbox_id uuid)
      ON CONFLICT DO NOTHING
      RETURNING user_id::text AS user_id`,
    );
    const claimedIds = new Set(claimed.map((c) => c.user_id));
    const jobs: { id: string; payload: JobPayload<"email.send"> }[] = [];
    for (const user of users) {
      if (!claimedIds.has(user.id)) continue;
      const due = byUser.get(user.id)!;
      const overdue = due.filter((t) => t.due_on < t.today);
      const today = due.filter((t) => t.due_on === t.today);
      const soon = due.filter((t) => t.due_on > t.today);
      const where = (t: DueTask) => `${t.title} (${t.residence})`;
      jobs.push({
        id: outboxIds.get(user.id)!,
        payload: {
          template: "daily-digest",
          userId: user.id,
          date: user.local_date,
          overdueCount: overdue.length,
          todayCount: today.length,
          soonCount: soon.length,
          overdue: section(overdue, (t) => `${where(t)} — due ${t.due_on}`),
          today: section(today, where),
          soon: section(soon, (t) => `${where(t)} — due ${t.due_on}`),
        },
      });
      if (today.length > 0 && user.push_enabled) {
        await notify(tx, {
          userId: user.id,
          kind: "task.due_today",
          title: today.length === 1 ? `Due today: ${today[0]!.title}` : `${today.length} tasks are due today`,
          body: today
            .slice(0, 3)
            .map((t) => t.title)
            .join(", "),
          dedupeKey: `task.due_today:${user.local_date}`,
        });
      }
    }
    await enqueueJobs(tx, "email.send", jobs);
    return jobs.length;
  });
}
