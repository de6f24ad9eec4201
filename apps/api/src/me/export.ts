import {
  activity,
  appliances,
  calendarFeeds,
  completions,
  contractors,
  type Database,
  devices,
  documents,
  emailMessages,
  memberships,
  meters,
  notifications,
  residences,
  sessions,
  tasks,
  users,
} from "@honeydue/db";
import { todayIn } from "@honeydue/domain";
import { replacementStatus } from "@honeydue/domain/appliances";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import Type from "typebox";
import { columns as applianceColumns, presentAppliances } from "../appliances/presenter.ts";
import { replacementPlan } from "../appliances/replacement.ts";
import { selectCompletions, toCompletion } from "../completions/presenter.ts";
import { columns as contractorColumns, toContractor } from "../contractors/presenter.ts";
import { selectDocuments, toDocument } from "../documents/presenter.ts";
import { exportFiles } from "../files/export.ts";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { invalidField, unauthorized } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { loadMeters, readingsOf } from "../meters/presenter.ts";
import { toNotification } from "../notifications/presenter.ts";
import { residenceMembers } from "../residences/queries.ts";
import { boundsFor } from "../tasks/access.ts";
import { selectTasks, toTask } from "../tasks/presenter.ts";
import { toUser } from "./presenter.ts";

/**
 * GET /v1/me/export: everything honeyDue keeps about the caller, as one JSON document or as CSV of the
 * tasks or the completions of their residences.
 *
 * What is in it: the profile; every residence the caller belongs to with its members (names and roles
 * only: other people's email addresses are theirs), tasks, completions, contractors, documents, appliances
 * (with their recalls) and the replacement plan; the
 * caller's sessions (never token hashes); the activity the caller did; push devices (without push tokens),
 * in-app notifications, calendar feeds (without their secret URLs) and the emails sent to the caller.
 * Password hashes, token hashes, push tokens and internal undo state are never included.
 *
 * Files (document files, photos, avatar) are referenced by id (`fileId`) and listed under `files` with
 * their metadata and download link.
 */

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function residenceExport(
  db: Database,
  homes: { id: string; timezone: string }[],
  user: { dueSoonDays: number },
) {
  const residenceIds = homes.map((h) => h.id);
  if (residenceIds.length === 0) return new Map<string, ReturnType<typeof emptySection>>();
  const now = new Date();
  const todayOf = (residenceId: string) =>
    todayIn(homes.find((h) => h.id === residenceId)?.timezone ?? "UTC", now);
  const [
    memberRows,
    taskLists,
    completionRows,
    contractorRows,
    documentRows,
    applianceRows,
    plan,
    meterRows,
  ] = await Promise.all([
    residenceMembers(db, residenceIds),
    // Each residence's tasks with their state in its own local date.
    Promise.all(
      homes.map((h) => selectTasks(db, boundsFor(h.timezone, user, now), eq(tasks.residenceId, h.id))),
    ),
    selectCompletions(db, inArray(completions.residenceId, residenceIds), 1_000_000),
    db
      .select(contractorColumns)
      .from(contractors)
      .where(inArray(contractors.residenceId, residenceIds))
      .orderBy(asc(contractors.name), asc(contractors.id)),
    selectDocuments(db, inArray(documents.residenceId, residenceIds)).orderBy(
      asc(documents.createdAt),
      asc(documents.id),
    ),
    db
      .select(applianceColumns)
      .from(appliances)
      .where(inArray(appliances.residenceId, residenceIds))
      .orderBy(asc(appliances.name), asc(appliances.id))
      .then((rows) => presentAppliances(db, rows)),
    replacementPlan(db, residenceIds, todayOf),
    loadMeters(db, inArray(meters.residenceId, residenceIds)),
  ]);
  const readings = await readingsOf(
    db,
    meterRows.map((m) => m.id),
  );
  const out = new Map(residenceIds.map((id) => [id, emptySection()]));
  for (const m of memberRows)
    out.get(m.residenceId)?.members.push({
      userId: m.userId,
      name: m.name,
      role: m.role,
      joinedAt: m.joinedAt.toISOString(),
    });
  for (const t of taskLists.flat().sort(byCreation)) out.get(t.residenceId)?.tasks.push(toTask(t));
  // The log as it happened: by completion date, then by when it was logged.
  completionRows.sort((a, b) => a.completedOn.localeCompare(b.completedOn) || byCreation(a, b));
  for (const c of completionRows) out.get(c.residenceId)?.completions.push(toCompletion(c));
  for (const c of contractorRows) out.get(c.residenceId)?.contractors.push(toContractor(c));
  for (const d of documentRows) out.get(d.residenceId)?.documents.push(toDocument(d));
  for (const a of applianceRows) out.get(a.residenceId)?.appliances.push(a);
  for (const m of meterRows)
    out.get(m.residenceId)?.meters.push({ ...m, readings: readings.filter((r) => r.meterId === m.id) });
  for (const id of residenceIds) {
    const items = plan.items.filter((i) => i.residenceId === id);
    out.get(id)!.replacementPlan = {
      items,
      totalCostCents: items.reduce((sum, i) => sum + (i.replacementCostCents ?? 0), 0),
    };
  }
  return out;
}

const byCreation = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }) =>
  a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);

function emptySection() {
  return {
    members: [] as Record<string, unknown>[],
    tasks: [] as Record<string, unknown>[],
    completions: [] as Record<string, unknown>[],
    contractors: [] as Record<string, unknown>[],
    documents: [] as Record<string, unknown>[],
    appliances: [] as Record<string, unknown>[],
    meters: [] as Record<string, unknown>[],
    replacementPlan: { items: [], totalCostCents: 0 } as { items: unknown[]; totalCostCents: number },
  };
}

async function myResidences(db: Database, userId: string) {
  return db
    .select({
      id: residences.id,
      name: residences.name,
      addressLine1: residences.addressLine1,
      addressLine2: residences.addressLine2,
      city: residences.city,
      region: residences.region,
      postalCode: residences.postalCode,
      country: residences.country,
      propertyType: residences.propertyType,
      yearBuilt: residences.yearBuilt,
      floorArea: residences.floorArea,
      floorAreaUnit: residences.floorAreaUnit,
      timezone: residences.timezone,
      currency: residences.currency,
      createdAt: residences.createdAt,
      myRole: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(residences, eq(residences.id, memberships.residenceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt), asc(residences.id));
}

/** The whole JSON export of one user. */
export async function buildExport(db: Database, userId: string) {
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw unauthorized();
  const [homes, sessionRows, activityRows, deviceRows, notificationRows, feedRows, emailRows] =
    await Promise.all([
      myResidences(db, userId),
      db
        .select({
          id: sessions.id,
          deviceName: sessions.deviceName,
          userAgent: sessions.userAgent,
          ip: sessions.ip,
          createdAt: sessions.createdAt,
          lastUsedAt: sessions.lastUsedAt,
          expiresAt: sessions.expiresAt,
          revokedAt: sessions.revokedAt,
          revokedReason: sessions.revokedReason,
        })
        .from(sessions)
        .where(eq(sessions.userId, userId))
        .orderBy(desc(sessions.createdAt)),
      db
        .select({
          id: activity.id,
          residenceId: activity.residenceId,
          action: activity.action,
          subjectType: activity.subjectType,
          subjectId: activity.subjectId,
          data: activity.data,
          createdAt: activity.createdAt,
        })
        .from(activity)
        .where(eq(activity.actorId, userId))
        .orderBy(asc(activity.id)),
      // Push devices without their push tokens.
      db
        .select({
          id: devices.id,
          platform: devices.platform,
          name: devices.name,
          createdAt: devices.createdAt,
          updatedAt: devices.updatedAt,
        })
        .from(devices)
        .where(eq(devices.userId, userId))
        .orderBy(asc(devices.createdAt)),
      db
        .select()
        .from(notifications)
        .where(eq(notifications.userId, userId))
        .orderBy(asc(notifications.createdAt)),
      // Calendar feeds without their secret URLs.
      db
        .select({
          id: calendarFeeds.id,
          createdAt: calendarFeeds.createdAt,
          revokedAt: calendarFeeds.revokedAt,
        })
        .from(calendarFeeds)
        .where(eq(calendarFeeds.userId, userId))
        .orderBy(asc(calendarFeeds.createdAt)),
      db
        .select({
          template: emailMessages.template,
          subject: emailMessages.subject,
          toAddress: emailMessages.toAddress,
          status: emailMessages.status,
          createdAt: emailMessages.createdAt,
          sentAt: emailMessages.sentAt,
        })
        .from(emailMessages)
        .where(eq(emailMessages.userId, userId))
        .orderBy(asc(emailMessages.createdAt)),
    ]);
  const sections = await residenceExport(db, homes, user);
  return {
    format: "honeydue-export",
    version: 1,
    exportedAt: new Date().toISOString(),
    profile: toUser(user),
    residences: homes.map((h) => ({
      id: h.id,
      name: h.name,
      address: {
        line1: h.addressLine1,
        line2: h.addressLine2,
        city: h.city,
        region: h.region,
        postalCode: h.postalCode,
        country: h.country,
      },
      propertyType: h.propertyType,
      yearBuilt: h.yearBuilt,
      floorArea: h.floorArea === null ? null : Number(h.floorArea),
      floorAreaUnit: h.floorAreaUnit,
      timezone: h.timezone,
      currency: h.currency,
      createdAt: h.createdAt.toISOString(),
      myRole: h.myRole,
      joinedAt: h.joinedAt.toISOString(),
      ...sections.get(h.id)!,
    })),
    sessions: sessionRows.map((s) => ({
      ...s,
      createdAt: s.createdAt.toISOString(),
      lastUsedAt: s.lastUsedAt.toISOString(),
      expiresAt: iso(s.expiresAt),
      revokedAt: iso(s.revokedAt),
    })),
    activity: activityRows.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })),
    devices: deviceRows.map((d) => ({
      ...d,
      createdAt: d.createdAt.toISOString(),
      updatedAt: d.updatedAt.toISOString(),
    })),
    notifications: notificationRows.map(toNotification),
    calendarFeeds: feedRows.map((f) => ({
      ...f,
      createdAt: f.createdAt.toISOString(),
      revokedAt: iso(f.revokedAt),
    })),
    emails: emailRows.map((e) => ({ ...e, createdAt: e.createdAt.toISOString(), sentAt: iso(e.sentAt) })),
    files: await exportFiles(
      db,
      userId,
      homes.map((h) => h.id),
    ),
  };
}

// ---------------------------------------------------------------------------------------------- CSV

type Cell = string | number | boolean | null | undefined;

/**
 * One RFC 4180 field. Text that a spreadsheet would run as a formula (starting with = + - @, or a tab or
 * carriage return) is prefixed with a single quote (OWASP's CSV-injection guard); numbers we write
 * ourselves are left alone. Fields holding a comma, a quote or a line break are quoted, quotes doubled.
 */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document: a header line, then one line per row, every line ended by CRLF. */
export function toCsv(header: readonly string[], rows: readonly Cell[][]): string {
  return [header, ...rows].map((row) => `${row.map(csvField).join(",")}\r\n`).join("");
}

const TASK_COLUMNS = [
  "residence",
  "taskId",
  "title",
  "category",
  "priority",
  "status",
  "dueOn",
  "recurrence",
  "assignee",
  "estimatedCostCents",
  "contractor",
  "notes",
  "createdAt",
] as const;

const APPLIANCE_COLUMNS = [
  "residence",
  "applianceId",
  "name",
  "kind",
  "brand",
  "model",
  "serialNumber",
  "purchasedOn",
  "installedOn",
  "location",
  "expectedLifespanYears",
  "endOfLifeOn",
  "replacementStatus",
  "replacementCostCents",
  "recalls",
  "notes",
  "createdAt",
] as const;

const COMPLETION_COLUMNS = [
  "residence",
  "completionId",
  "taskId",
  "task",
  "completedOn",
  "dueOn",
  "completedBy",
  "costCents",
  "contractor",
  "notes",
  "createdAt",
] as const;

const CSV_COLUMNS = {
  tasks: TASK_COLUMNS,
  completions: COMPLETION_COLUMNS,
  appliances: APPLIANCE_COLUMNS,
} as const;

async function csvExport(db: Database, userId: string, kind: keyof typeof CSV_COLUMNS) {
  const homes = await myResidences(db, userId);
  const ids = homes.map((h) => h.id);
  const residenceName = new Map(homes.map((h) => [h.id, h.name]));
  if (ids.length === 0) return toCsv(CSV_COLUMNS[kind], []);
  if (kind === "appliances") {
    // Through the appliance presenter, as the routes answer them (lifespan, end of life, recalls).
    const rows = await db
      .select(applianceColumns)
      .from(appliances)
      .where(inArray(appliances.residenceId, ids))
      .orderBy(asc(appliances.residenceId), asc(appliances.name), asc(appliances.id));
    const timezone = new Map(homes.map((h) => [h.id, h.timezone]));
    return toCsv(
      APPLIANCE_COLUMNS,
      (await presentAppliances(db, rows)).map((a) => [
        residenceName.get(a.residenceId),
        a.id,
        a.name,
        a.kind,
        a.brand,
        a.model,
        a.serialNumber,
        a.purchasedOn,
        a.installedOn,
        a.location,
        a.expectedLifespanYears,
        a.endOfLifeOn,
        replacementStatus(a.endOfLifeOn, todayIn(timezone.get(a.residenceId) ?? "UTC")),
        a.replacementCostCents,
        a.recalls.map((r) => `${r.recallId}: ${r.title}`).join("; "),
        a.notes,
        a.createdAt,
      ]),
    );
  }
  const [people, firms] = await Promise.all([
    db
      .select({ id: users.id, name: users.name })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .where(inArray(memberships.residenceId, ids)),
    db
      .select({ id: contractors.id, name: contractors.name })
      .from(contractors)
      .where(inArray(contractors.residenceId, ids)),
  ]);
  const person = new Map(people.map((p) => [p.id, p.name]));
  const firm = new Map(firms.map((c) => [c.id, c.name]));
  const name = (map: Map<string, string>, id: string | null) => (id ? (map.get(id) ?? "") : "");
  if (kind === "tasks") {
    const rows = await db
      .select()
      .from(tasks)
      .where(inArray(tasks.residenceId, ids))
      .orderBy(asc(tasks.residenceId), asc(tasks.dueOn), asc(tasks.createdAt), asc(tasks.id));
    return toCsv(
      TASK_COLUMNS,
      rows.map((t) => [
        residenceName.get(t.residenceId),
        t.id,
        t.title,
        t.category,
        t.priority,
        t.archivedAt ? "archived" : t.completedAt ? "completed" : "open",
        t.dueOn,
        t.recurrence ? JSON.stringify(t.recurrence) : "",
        name(person, t.assigneeId),
        t.estimatedCostCents,
        name(firm, t.contractorId),
        t.notes,
        t.createdAt.toISOString(),
      ]),
    );
  }
  const rows = await db
    .select({ completion: completions, taskTitle: tasks.title })
    .from(completions)
    .innerJoin(tasks, eq(tasks.id, completions.taskId))
    .where(and(inArray(completions.residenceId, ids)))
    .orderBy(asc(completions.completedOn), asc(completions.createdAt), asc(completions.id));
  return toCsv(
    COMPLETION_COLUMNS,
    rows.map(({ completion: c, taskTitle }) => [
      residenceName.get(c.residenceId),
      c.id,
      c.taskId,
      taskTitle,
      c.completedOn,
      c.dueOn,
      name(person, c.completedBy),
      c.costCents,
      name(firm, c.contractorId),
      c.notes,
      c.createdAt.toISOString(),
    ]),
  );
}

const ExportDocument = Type.Object(
  {
    format: Type.Literal("honeydue-export"),
    version: Type.Integer(),
    exportedAt: Type.String({ format: "date-time" }),
    profile: Type.Object({}, { additionalProperties: true }),
    residences: Type.Array(Type.Object({}, { additionalProperties: true }), {
      description:
        "Each with myRole, members (name, role), tasks, completions, contractors, documents, appliances and replacementPlan",
    }),
    sessions: Type.Array(Type.Object({}, { additionalProperties: true })),
    activity: Type.Array(Type.Object({}, { additionalProperties: true })),
    devices: Type.Array(Type.Object({}, { additionalProperties: true })),
    notifications: Type.Array(Type.Object({}, { additionalProperties: true })),
    calendarFeeds: Type.Array(Type.Object({}, { additionalProperties: true })),
    emails: Type.Array(Type.Object({}, { additionalProperties: true })),
    files: Type.Array(Type.Object({}, { additionalProperties: true }), {
      description: "Files of my residences and my avatar: metadata and `url` to download each with my token",
    }),
  },
  { description: "application/json attachment" },
);

export function registerExportRoutes(app: App, deps: { db: Database; auth: AuthGuard }) {
  const { db, auth } = deps;
  app.get(
    "/v1/me/export",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags: ["me"],
        summary:
          "Export all my data: JSON (default), or CSV of my residences' tasks, completions or appliances",
        description:
          "Answered as a download (Content-Disposition: attachment). CSV follows RFC 4180 (CRLF, quoted " +
          "fields); text cells starting with = + - @ are prefixed with ' so spreadsheets do not run them.",
        querystring: Type.Object({
          format: Type.Optional(Type.Enum(["json", "csv"], { default: "json" })),
          kind: Type.Optional(
            Type.Enum(["tasks", "completions", "appliances"], { description: "Required with format=csv" }),
          ),
        }),
        response: {
          200: {
            description: "The export",
            content: {
              "application/json": { schema: ExportDocument },
              "text/csv": { schema: Type.String() },
            },
          },
          ...problems(400, 401),
        },
      },
    },
    async (request, reply) => {
      const me = principal(request);
      const format = request.query.format ?? "json";
      const stamp = todayIn(me.timezone);
      reply.header("cache-control", "no-store");
      if (format === "csv") {
        const kind = request.query.kind;
        if (!kind)
          throw invalidField("query.kind", "is required with format=csv (tasks, completions or appliances)");
        const csv = await csvExport(db, me.userId, kind);
        return reply
          .header("content-disposition", `attachment; filename="honeydue-${kind}-${stamp}.csv"`)
          .type("text/csv; charset=utf-8; header=present")
          .send(csv);
      }
      const data = await buildExport(db, me.userId);
      return reply
        .header("content-disposition", `attachment; filename="honeydue-export-${stamp}.json"`)
        .type("application/json; charset=utf-8")
        .send(JSON.stringify(data, null, 2));
    },
  );
}
