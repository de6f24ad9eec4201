import {
  applianceRecalls,
  appliances,
  type Database,
  type Queryable,
  recallNotices,
  recallSources,
} from "@honeydue/db";
import { recallCovers } from "@honeydue/domain/appliances";
import type { Logger } from "@honeydue/observability";
import { and, asc, eq, gt, inArray, isNotNull, sql } from "drizzle-orm";
import { actingMembersOf, remind } from "../push/notify.ts";
import type { RecallNotice, RecallSource } from "./sources.ts";

export interface RecallCheckSettings {
  enabled: boolean;
  /** A source is fetched again once this many hours have passed since its last successful fetch. */
  checkIntervalHours: number;
  /** The first fetch of a source asks for what was published in this many days. */
  lookbackDays: number;
}

export type RecallCheckOutcome = "succeeded" | "failed";

/** recall_checks_total by source and outcome; recall_matches_total. */
export interface RecallMetrics {
  recordRecallCheck(source: string, outcome: RecallCheckOutcome): void;
  recordRecallMatches(count: number): void;
}

export interface RecallCheckDeps {
  db: Database;
  log: Logger;
  sources: readonly RecallSource[];
  settings: RecallCheckSettings;
  metrics?: RecallMetrics;
  notifyOutbox?: () => void;
}

/** Each fetch asks again for this much before the newest publication seen: a late-published notice is not missed. */
const OVERLAP_MS = 7 * 24 * 3_600_000;
/** Notices written per statement. */
const NOTICE_BATCH = 200;
/** Appliances read per query while matching. */
const APPLIANCE_BATCH = 1000;

export interface RecallCheckResult {
  fetched: Record<string, RecallCheckOutcome | "not_due">;
  notices: number;
  matches: number;
}

/**
 * The scheduled recall check (job `recalls.check`, hourly):
 * 1. each source whose last successful fetch is older than the check interval is asked for what was
 *    published since its newest notice (less an overlap), or in the look-back window on its first fetch;
 *    the notices are stored. A source that cannot be reached, answers an error or garbage is logged,
 *    counted (recall_checks_total{outcome="failed"}) and recorded in `recall_sources`; the check goes on
 *    with the notices already stored, and the next hourly tick asks again;
 * 2. every appliance with a brand and a model is matched against every stored notice (recallCovers); a
 *    match is recorded once per (appliance, source, recall) by the primary key of `appliance_recalls`, and
 *    only the transaction that inserted it notifies: the residence's owners and members get an in-app
 *    notification and a push, and those with reminder emails on (and a verified address) an email.
 * Run twice, or in two processes at once, it notifies nobody twice.
 */
export async function runRecallCheck(
  deps: RecallCheckDeps,
  at: Date,
  options: { force?: boolean } = {},
): Promise<RecallCheckResult> {
  const result: RecallCheckResult = { fetched: {}, notices: 0, matches: 0 };
  if (!deps.settings.enabled) {
    deps.log.info("recall checks are disabled (RECALLS_ENABLED=false)");
    return result;
  }
  for (const source of deps.sources) {
    const outcome = await fetchSource(deps, source, at, options.force ?? false);
    result.fetched[source.name] = outcome.status;
    result.notices += outcome.stored;
  }
  result.matches = await matchAppliances(deps);
  if (result.matches) {
    deps.metrics?.recordRecallMatches(result.matches);
    deps.notifyOutbox?.();
  }
  deps.log.info({ at: at.toISOString(), ...result }, "recall check");
  return result;
}

async function fetchSource(
  deps: RecallCheckDeps,
  source: RecallSource,
  at: Date,
  force: boolean,
): Promise<{ status: RecallCheckOutcome | "not_due"; stored: number }> {
  const [state] = await deps.db.select().from(recallSources).where(eq(recallSources.source, source.name));
  const intervalMs = deps.settings.checkIntervalHours * 3_600_000;
  if (!force && state?.lastSuccessAt && at.getTime() - state.lastSuccessAt.getTime() < intervalMs) {
    return { status: "not_due", stored: 0 };
  }
  const since = state?.lastPublishedAt
    ? new Date(state.lastPublishedAt.getTime() - OVERLAP_MS)
    : new Date(at.getTime() - deps.settings.lookbackDays * 24 * 3_600_000);
  try {
    const { notices, skipped } = await source.fetchSince(since);
    if (skipped)
      deps.log.warn({ source: source.name, skipped }, "recall source: entries without id or title skipped");
    await storeNotices(deps.db, notices);
    const newest = notices.reduce<Date | null>(
      (max, n) => (n.publishedAt && (!max || n.publishedAt > max) ? n.publishedAt : max),
      state?.lastPublishedAt ?? null,
    );
    await saveState(deps.db, source.name, {
      lastAttemptAt: at,
      lastSuccessAt: at,
      lastPublishedAt: newest,
      consecutiveFailures: 0,
      lastError: null,
    });
    deps.metrics?.recordRecallCheck(source.name, "succeeded");
    deps.log.info(
      { source: source.name, since: since.toISOString(), notices: notices.length },
      "recall source fetched",
    );
    return { status: "succeeded", stored: notices.length };
  } catch (error) {
    const failures = (state?.consecutiveFailures ?? 0) + 1;
    deps.metrics?.recordRecallCheck(source.name, "failed");
    deps.log.error(
      { err: error, source: source.name, url: source.url, consecutiveFailures: failures },
      "recall source failed; matching against the notices already stored",
    );
    await saveState(deps.db, source.name, {
      lastAttemptAt: at,
      lastSuccessAt: state?.lastSuccessAt ?? null,
      lastPublishedAt: state?.lastPublishedAt ?? null,
      consecutiveFailures: failures,
      lastError: String((error as Error).message ?? error).slice(0, 500),
    });
    return { status: "failed", stored: 0 };
  }
}

async function saveState(
  db: Database,
  source: string,
  state: Omit<typeof recallSources.$inferInsert, "source">,
) {
  await db
    .insert(recallSources)
    .values({ source, ...state })
    .onConflictDoUpdate({ target: recallSources.source, set: state });
}

/** Upserts notices (a republished notice replaces the stored one: its model list may have grown). */
async function storeNotices(db: Database, notices: readonly RecallNotice[]) {
  for (let i = 0; i < notices.length; i += NOTICE_BATCH) {
    const rows = notices.slice(i, i + NOTICE_BATCH).map((n) => ({
      source: n.source,
      recallId: n.recallId,
      title: n.title,
      remedy: n.remedy,
      url: n.url,
      recalledOn: n.recalledOn,
      publishedAt: n.publishedAt,
      firms: n.firms,
      models: n.models,
      text: n.text,
    }));
    // A source may list a recall twice in one answer; the last one wins.
    const unique = [...new Map(rows.map((r) => [`${r.source}\u0000${r.recallId}`, r])).values()];
    await db
      .insert(recallNotices)
      .values(unique)
      .onConflictDoUpdate({
        target: [recallNotices.source, recallNotices.recallId],
        set: {
          title: sql`excluded.title`,
          remedy: sql`excluded.remedy`,
          url: sql`excluded.url`,
          recalledOn: sql`excluded.recalled_on`,
          publishedAt: sql`excluded.published_at`,
          firms: sql`excluded.firms`,
          models: sql`excluded.models`,
          text: sql`excluded.text`,
          fetchedAt: sql`now()`,
        },
      });
  }
}

type StoredNotice = typeof recallNotices.$inferSelect;

/** Matches every appliance with a brand and a model against every stored notice; returns the new matches. */
async function matchAppliances(deps: RecallCheckDeps): Promise<number> {
  const notices = await deps.db.select().from(recallNotices);
  if (notices.length === 0) return 0;
  let matches = 0;
  let afterId = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const batch = await deps.db
      .select({
        id: appliances.id,
        residenceId: appliances.residenceId,
        name: appliances.name,
        brand: appliances.brand,
        model: appliances.model,
      })
      .from(appliances)
      .where(and(gt(appliances.id, afterId), isNotNull(appliances.brand), isNotNull(appliances.model)))
      .orderBy(asc(appliances.id))
      .limit(APPLIANCE_BATCH);
    if (batch.length === 0) break;
    afterId = batch.at(-1)!.id;
    const found: { appliance: (typeof batch)[number]; notice: StoredNotice }[] = [];
    for (const appliance of batch)
      for (const notice of notices) if (recallCovers(appliance, notice)) found.push({ appliance, notice });
    if (found.length === 0) continue;
    const known = await deps.db
      .select({
        applianceId: applianceRecalls.applianceId,
        source: applianceRecalls.source,
        recallId: applianceRecalls.recallId,
      })
      .from(applianceRecalls)
      .where(inArray(applianceRecalls.applianceId, [...new Set(found.map((f) => f.appliance.id))]));
    const seen = new Set(known.map((k) => `${k.applianceId}\u0000${k.source}\u0000${k.recallId}`));
    for (const { appliance, notice } of found) {
      if (seen.has(`${appliance.id}\u0000${notice.source}\u0000${notice.recallId}`)) continue;
      if (await recordMatch(deps, appliance, notice)) matches++;
    }
    if (batch.length < APPLIANCE_BATCH) break;
  }
  return matches;
}

/**
 * One transaction: the match, then (only if this transaction inserted it) the notifications and emails of
 * the residence's owners and members. Returns whether it was new.
 */
async function recordMatch(
  deps: RecallCheckDeps,
  appliance: { id: string; residenceId: string; name: string },
  notice: StoredNotice,
): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(applianceRecalls)
      .values({
        applianceId: appliance.id,
        source: notice.source,
        recallId: notice.recallId,
        title: notice.title,
        remedy: notice.remedy,
        url: notice.url,
        recalledOn: notice.recalledOn,
      })
      .onConflictDoNothing()
      .returning({ applianceId: applianceRecalls.applianceId });
    if (inserted.length === 0) return false;
    await notifyMembers(tx, appliance, notice);
    return true;
  });
}

async function notifyMembers(
  tx: Queryable,
  appliance: { id: string; residenceId: string; name: string },
  notice: StoredNotice,
) {
  // Owners and members: a viewer (a guest who only reads) is not asked to act on a recall.
  const recipients = await actingMembersOf(tx, appliance.residenceId);
  for (const member of recipients) {
    await remind(
      tx,
      member,
      {
        kind: "appliance.recalled",
        title: `Recall: ${appliance.name}`,
        body: notice.title,
        residenceId: appliance.residenceId,
        subjectType: "appliance",
        subjectId: appliance.id,
        data: { source: notice.source, recallId: notice.recallId },
        dedupeKey: `appliance.recalled:${appliance.id}:${notice.source}:${notice.recallId}`,
      },
      {
        template: "appliance-recall",
        userId: member.id,
        applianceName: appliance.name,
        residenceName: member.residenceName,
        recallTitle: notice.title,
        remedy: notice.remedy ?? "",
        recallUrl: notice.url ?? "",
        recalledOn: notice.recalledOn ?? "",
        residenceId: appliance.residenceId,
        applianceId: appliance.id,
      },
    );
  }
}
