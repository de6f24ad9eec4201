import {
  appliances,
  completions,
  contractors,
  type Database,
  documents,
  files,
  handoffLinks,
  meters,
  type Queryable,
  queryRows,
  reportLinks,
  tasks,
} from "@honeydue/db";
import { eq, inArray, sql } from "drizzle-orm";
import Type from "typebox";
import { columns as applianceColumns, loadAppliances, presentAppliances } from "../appliances/presenter.ts";
import { loadCompletions, selectCompletions, toCompletion } from "../completions/presenter.ts";
import { columns as contractorColumns, loadContractors, toContractor } from "../contractors/presenter.ts";
import { loadDocuments, selectDocuments, toDocument } from "../documents/presenter.ts";
import { fileView, loadFiles } from "../files/presenter.ts";
import { loadHandoffLinks } from "../handoff/presenter.ts";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, type Principal, principal } from "../http/auth.ts";
import { HttpProblem, invalidField } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { decodeCursor, encodeCursor, Nullable, Uuid } from "../http/schemas.ts";
import { findUser } from "../me/presenter.ts";
import { loadMeters } from "../meters/presenter.ts";
import { loadNotifications } from "../notifications/presenter.ts";
import { loadReportLinks, selectReportLinks } from "../reports/presenter.ts";
import { listResidences, loadMembers, type ResidenceView } from "../residences/presenter.ts";
import { boundsFor } from "../tasks/access.ts";
import { loadTasks, selectTasks, toTask } from "../tasks/presenter.ts";

/**
 * GET /v1/sync: everything the caller may see that changed since a cursor (docs/api.md, decision 0004).
 * Without a cursor: everything, one residence per page, then the changes from where that began.
 */

const ENTITIES = [
  "profile",
  "residence",
  "member",
  "task",
  "completion",
  "contractor",
  "document",
  "file",
  "appliance",
  "meter",
  "handoffLink",
  "notification",
  "reportLink",
] as const;
type Entity = (typeof ENTITIES)[number];

export const RETENTION_DAYS = 90;

const Change = Type.Object({
  type: Type.Enum([...ENTITIES]),
  id: Type.String({ description: "The entity's id (a member's is its userId)" }),
  residenceId: Nullable(Uuid),
  op: Type.Enum(["upsert", "delete"], {
    description:
      "upsert: `data` is the whole current entity, as its own GET answers it; delete: drop it (a deleted residence takes everything in it along)",
  }),
  data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

const SyncPage = Type.Object({
  changes: Type.Array(Change),
  nextCursor: Type.String({ description: "Pass as `since` next time (also when hasMore is false)" }),
  hasMore: Type.Boolean({ description: "More is waiting: ask again right away" }),
});

interface ChangeDto {
  type: Entity;
  id: string;
  residenceId: string | null;
  op: "upsert" | "delete";
  data?: Record<string, unknown>;
}

/** A position in the feed (t: txid, i: change id), or a snapshot in progress (h: where it began, r: residences done). */
type SyncCursor = { k: "c"; t: string; i: number; at: number } | { k: "s"; h: string; r: number; at: number };
const isSyncCursor = (v: unknown): v is SyncCursor => {
  const c = v as SyncCursor;
  if (typeof c !== "object" || c === null || typeof c.at !== "number") return false;
  if (c.k === "c") return /^\d{1,20}$/.test(c.t) && Number.isSafeInteger(c.i) && c.i >= 0;
  if (c.k === "s") return /^\d{1,20}$/.test(c.h) && Number.isSafeInteger(c.r) && c.r >= 0;
  return false;
};

const gone = () =>
  new HttpProblem({
    status: 410,
    type: "sync-cursor-expired",
    title: "This sync cursor is too old",
    detail: `Changes are kept ${RETENTION_DAYS} days: sync again from scratch (GET /v1/sync without since) and replace the local copy`,
  });

/** Oldest transaction still running: every change of a smaller txid has committed or rolled back. */
async function horizon(db: Queryable): Promise<string> {
  const [row] = await queryRows<{ h: string }>(
    db,
    sql`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS h`,
  );
  return row!.h;
}

/** Everything in one residence, as upserts. */
async function residenceSnapshot(
  db: Queryable,
  residence: ResidenceView,
  who: Principal,
): Promise<ChangeDto[]> {
  const id = residence.id;
  const b = boundsFor(residence.timezone, who, new Date());
  const [
    members,
    taskRows,
    completionRows,
    contractorRows,
    documentRows,
    fileRows,
    applianceItems,
    meterItems,
    handoffItems,
    reportLinkItems,
  ] = await Promise.all([
    loadMembers(db, [id]),
    selectTasks(db, b, eq(tasks.residenceId, id)),
    selectCompletions(db, eq(completions.residenceId, id), 1_000_000),
    db.select(contractorColumns).from(contractors).where(eq(contractors.residenceId, id)),
    selectDocuments(db, eq(documents.residenceId, id)),
    db.select().from(files).where(eq(files.residenceId, id)),
    db
      .select(applianceColumns)
      .from(appliances)
      .where(eq(appliances.residenceId, id))
      .then((rows) => presentAppliances(db, rows)),
    loadMeters(db, eq(meters.residenceId, id)),
    loadHandoffLinks(db, eq(handoffLinks.residenceId, id)),
    selectReportLinks(db, eq(reportLinks.residenceId, id)),
  ]);
  const up = (type: Entity, entityId: string, data: Record<string, unknown>): ChangeDto => ({
    type,
    id: entityId,
    residenceId: id,
    op: "upsert",
    data,
  });
  return [
    up("residence", id, { ...residence }),
    ...members.map((m) => up("member", m.userId, m)),
    ...contractorRows.map((c) => up("contractor", c.id, toContractor(c))),
    ...taskRows.map((t) => up("task", t.id, toTask(t))),
    ...completionRows.map((c) => up("completion", c.id, toCompletion(c))),
    ...documentRows.map((d) => up("document", d.id, toDocument(d))),
    ...fileRows.map((f) => up("file", f.id, fileView(f))),
    ...applianceItems.map((a) => up("appliance", a.id, a)),
    ...meterItems.map((m) => up("meter", m.id, m)),
    ...handoffItems.map((l) => up("handoffLink", l.id, l)),
    ...reportLinkItems.map((l) => up("reportLink", l.id, l)),
  ];
}

type ChangeRow = {
  id: string;
  txid: string;
  entity: Entity;
  entity_id: string;
  residence_id: string | null;
  user_id: string | null;
  deleted: boolean;
};

/** The current state of the changed entities (or tombstones for those gone), as the caller sees them. */
async function present(db: Queryable, rows: ChangeRow[], who: Principal, mine: Map<string, ResidenceView>) {
  // The latest change of each entity is the one that counts.
  const latest = new Map<string, ChangeRow>();
  for (const row of rows) {
    const key = `${row.entity}:${row.residence_id ?? ""}:${row.entity_id}`;
    latest.delete(key);
    latest.set(key, row);
  }
  const ids = (entity: Entity) =>
    [...latest.values()].filter((r) => r.entity === entity).map((r) => r.entity_id);
  const byId = <T extends { id: string }>(items: T[]) => new Map(items.map((i) => [i.id, i as unknown]));
  const taskIds = ids("task");
  const taskItems = (
    await Promise.all(
      [...mine.values()].map((r) =>
        taskIds.length ? loadTasks(db, taskIds, boundsFor(r.timezone, who, new Date())) : [],
      ),
    )
  )
    .flat()
    .filter((t) => mine.has(t.residenceId));
  const found: Record<Entity, Map<string, unknown>> = {
    profile: new Map(),
    residence: new Map([...mine.values()].map((r) => [r.id, { ...r }])),
    member: new Map(),
    task: byId(taskItems),
    completion: byId(await loadCompletions(db, ids("completion"))),
    contractor: byId(await loadContractors(db, ids("contractor"))),
    document: byId(await loadDocuments(db, ids("document"))),
    file: byId(await loadFiles(db, ids("file"))),
    appliance: byId(await loadAppliances(db, ids("appliance"))),
    meter: byId(ids("meter").length ? await loadMeters(db, inArray(meters.id, ids("meter"))) : []),
    handoffLink: byId(
      ids("handoffLink").length
        ? await loadHandoffLinks(db, inArray(handoffLinks.id, ids("handoffLink")))
        : [],
    ),
    notification: byId(await loadNotifications(db, ids("notification"), who.userId)),
    reportLink: byId(await loadReportLinks(db, ids("reportLink"))),
  };
  if (ids("profile").length) found.profile.set(who.userId, await findUser(db, who.userId));
  const memberResidences = [
    ...new Set([...latest.values()].filter((r) => r.entity === "member").map((r) => r.residence_id!)),
  ];
  for (const m of await loadMembers(
    db,
    memberResidences.filter((r) => mine.has(r)),
  ))
    found.member.set(`${m.residenceId}:${m.userId}`, m);

  const out: ChangeDto[] = [];
  for (const row of latest.values()) {
    // Access to a residence changed for me: all of it arrives, or it goes (and everything in it).
    if (row.entity === "member" && row.user_id === who.userId) {
      const residence = mine.get(row.residence_id!);
      if (residence) out.push(...(await residenceSnapshot(db, residence, who)));
      else
        out.push({ type: "residence", id: row.residence_id!, residenceId: row.residence_id, op: "delete" });
      continue;
    }
    if (row.entity === "residence" && !mine.has(row.entity_id)) {
      out.push({ type: "residence", id: row.entity_id, residenceId: row.entity_id, op: "delete" });
      continue;
    }
    // A residence's memberCount follows its members.
    if (row.entity === "member" && mine.has(row.residence_id!))
      out.push({
        type: "residence",
        id: row.residence_id!,
        residenceId: row.residence_id,
        op: "upsert",
        data: { ...mine.get(row.residence_id!)! },
      });
    const key = row.entity === "member" ? `${row.residence_id}:${row.entity_id}` : row.entity_id;
    const data = found[row.entity].get(key) as Record<string, unknown> | undefined;
    out.push(
      data
        ? { type: row.entity, id: row.entity_id, residenceId: row.residence_id, op: "upsert", data }
        : { type: row.entity, id: row.entity_id, residenceId: row.residence_id, op: "delete" },
    );
  }
  return out;
}

export function registerSyncRoutes(app: App, deps: { db: Database; auth: AuthGuard }) {
  const { db, auth } = deps;
  app.get(
    "/v1/sync",
    {
      onRequest: auth.required,
      schema: {
        tags: ["sync"],
        summary: "The changes feed: everything I may see that changed since a cursor, deletions included",
        description:
          "Without `since`: everything (profile and notifications, then one residence per page), then the " +
          "changes from the moment that began. With `since` (a previous `nextCursor`): what changed after it, " +
          "oldest first, each entity once in its current state, or as a deletion. Losing access to a " +
          "residence arrives as its deletion; gaining access brings all of it. A cursor older than " +
          `${RETENTION_DAYS} days answers 410: sync again without since. See docs/api.md.`,
        ...bearer,
        querystring: Type.Object({
          since: Type.Optional(Type.String({ maxLength: 512, description: "A previous nextCursor" })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
        }),
        response: { 200: SyncPage, ...problems(400, 401, 410) },
      },
    },
    async (request) => {
      const who = principal(request);
      const { since } = request.query;
      const limit = request.query.limit ?? 200;
      const cursor = since === undefined ? undefined : decodeCursor(since, isSyncCursor);
      if (since !== undefined && !cursor)
        throw invalidField("query.since", "is not a cursor of the sync feed");
      if (cursor && Date.now() - cursor.at > RETENTION_DAYS * 86_400_000) throw gone();
      const now = Date.now();
      const residences = await listResidences(db, who.userId);
      const mine = new Map(residences.map((r) => [r.id, r]));

      if (!cursor || cursor.k === "s") {
        const start = cursor?.h ?? (await horizon(db));
        const done = cursor?.r ?? 0;
        const changes: ChangeDto[] = [];
        if (done === 0) {
          const profile = await findUser(db, who.userId);
          if (profile)
            changes.push({ type: "profile", id: who.userId, residenceId: null, op: "upsert", data: profile });
          const notes = await queryRows<{ id: string }>(
            db,
            sql`SELECT id FROM notifications WHERE user_id = ${who.userId} ORDER BY created_at DESC LIMIT 500`,
          );
          const ids = notes.map((n) => n.id);
          for (const n of await loadNotifications(db, ids, who.userId))
            changes.push({ type: "notification", id: n.id, residenceId: null, op: "upsert", data: n });
        }
        const ordered = [...residences].sort((a, b) => a.id.localeCompare(b.id));
        const residence = ordered[done];
        if (residence) changes.push(...(await residenceSnapshot(db, residence, who)));
        const more = done + 1 < ordered.length;
        return {
          changes,
          hasMore: more,
          nextCursor: encodeCursor(
            more ? { k: "s", h: start, r: done + 1, at: now } : { k: "c", t: start, i: 0, at: now },
          ),
        };
      }

      const top = await horizon(db);
      const ids = [...mine.keys()];
      const rows = await queryRows<ChangeRow>(
        db,
        sql`
          SELECT id::text, txid::text, entity, entity_id::text, residence_id::text, user_id::text, deleted
          FROM sync_changes
          WHERE (txid, id) > (${cursor.t}::xid8, ${cursor.i}::bigint)
            AND txid < ${top}::xid8
            AND (user_id = ${who.userId}::uuid
                 OR (residence_id = ANY(${sql.raw(`ARRAY[${ids.map((i) => `'${i}'::uuid`).join(",")}]::uuid[]`)})
                     AND entity <> 'profile' AND entity <> 'notification'))
          ORDER BY txid, id
          LIMIT ${limit + 1}`,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        changes: await present(db, page, who, mine),
        hasMore: rows.length > limit,
        nextCursor: encodeCursor(
          last ? { k: "c", t: last.txid, i: Number(last.id), at: now } : { ...cursor, at: now },
        ),
      };
    },
  );
}
