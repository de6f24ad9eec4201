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
  handoffLinks,
  meters,
  notifications,
  reportLinks,
  sessions,
  tasks,
  users,
} from "@honeydue/db";
import { todayIn } from "@honeydue/domain";
import { asc, desc, eq, inArray } from "drizzle-orm";
import { columns as applianceColumns, presentAppliances } from "../appliances/presenter.ts";
import { planOf, replacementPlan } from "../appliances/replacement.ts";
import { selectCompletions, toCompletion } from "../completions/presenter.ts";
import { columns as contractorColumns, toContractor } from "../contractors/presenter.ts";
import { toDevice } from "../devices/presenter.ts";
import { selectDocuments, toDocument } from "../documents/presenter.ts";
import { exportFiles } from "../files/export.ts";
import { loadHandoffLinks } from "../handoff/presenter.ts";
import { listHandovers } from "../handovers/actions.ts";
import { unauthorized } from "../http/problem.ts";
import { loadMeters, readingsOf } from "../meters/presenter.ts";
import { toNotification } from "../notifications/presenter.ts";
import { selectReportLinks } from "../reports/presenter.ts";
import {
  activityColumns,
  listResidences,
  loadMembers,
  type ResidenceView,
  toActivity,
} from "../residences/presenter.ts";
import { boundsFor } from "../tasks/access.ts";
import { selectTasks, toTask } from "../tasks/presenter.ts";
import { EXPORT_VERSION, type ExportDocument } from "./export-schema.ts";
import { toSession, toUser } from "./presenter.ts";

/**
 * The JSON export of one user: everything honeyDue keeps about them, each record through its resource's
 * presenter (so it is what that resource's GET answers).
 *
 * What is in it: the profile; every residence the caller belongs to with its members (names and roles
 * only: other people's email addresses are theirs), tasks, completions, contractors, documents, appliances
 * (with their recalls), meters (with every reading), contractor hand-off links (what came through them, never
 * their secret), the replacement plan, the report's share links (never their token) and, for owners, the
 * hand-over offers; the caller's sessions (never
 * token hashes); the activity the caller did; push devices (without push tokens), in-app notifications,
 * calendar feeds (without their secret URLs) and the emails sent to the caller. Password hashes, token
 * hashes, push tokens and internal undo state are never included.
 *
 * Files (document files, photos, avatar) are referenced by id (`fileId`) and listed under `files` with
 * their metadata and download link.
 */

type Residence = ExportDocument["residences"][number];
type Sections = Omit<Residence, keyof ResidenceView>;

/** Who asks: their user id and the session of the request (marked `current` among the sessions). */
export interface Exporter {
  userId: string;
  sessionId: string;
}

/** The whole JSON export of one user. */
export async function buildExport(db: Database, who: Exporter): Promise<ExportDocument> {
  const { userId } = who;
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw unauthorized();
  const [homes, sessionRows, activityRows, deviceRows, notificationRows, feedRows, emailRows] =
    await Promise.all([
      listResidences(db, userId),
      db.select().from(sessions).where(eq(sessions.userId, userId)).orderBy(desc(sessions.createdAt)),
      db
        .select(activityColumns)
        .from(activity)
        .leftJoin(users, eq(users.id, activity.actorId))
        .where(eq(activity.actorId, userId))
        .orderBy(asc(activity.id)),
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
  const sections = await residenceSections(db, homes, user);
  return {
    format: "honeydue-export",
    version: EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    profile: toUser(user),
    residences: homes.map((h) => ({ ...h, ...sections.get(h.id)! })),
    sessions: sessionRows.map((s) => ({
      ...toSession(s, who.sessionId),
      revokedAt: iso(s.revokedAt),
      revokedReason: s.revokedReason,
    })),
    activity: activityRows.map((a) => ({ ...toActivity(a), residenceId: a.residenceId })),
    devices: deviceRows.map(toDevice),
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

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Each residence's tasks, presented with their state in its own local date and the user's horizon. */
export async function residenceTasks(
  db: Database,
  homes: readonly Pick<ResidenceView, "id" | "timezone">[],
  user: { dueSoonDays: number },
  now = new Date(),
) {
  const lists = await Promise.all(
    homes.map((h) => selectTasks(db, boundsFor(h.timezone, user, now), eq(tasks.residenceId, h.id))),
  );
  return lists.flat().sort(byCreation).map(toTask);
}

async function residenceSections(
  db: Database,
  homes: ResidenceView[],
  user: { dueSoonDays: number },
): Promise<Map<string, Sections>> {
  const residenceIds = homes.map((h) => h.id);
  if (residenceIds.length === 0) return new Map();
  const now = new Date();
  const todayOf = (residenceId: string) =>
    todayIn(homes.find((h) => h.id === residenceId)?.timezone ?? "UTC", now);
  const [
    members,
    taskList,
    completionRows,
    contractorRows,
    documentRows,
    applianceList,
    plan,
    meterList,
    handoffList,
  ] = await Promise.all([
    loadMembers(db, residenceIds),
    residenceTasks(db, homes, user, now),
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
    loadHandoffLinks(db, inArray(handoffLinks.residenceId, residenceIds)),
  ]);
  const [readings, links, offers] = await Promise.all([
    readingsOf(
      db,
      meterList.map((m) => m.id),
    ),
    selectReportLinks(db, inArray(reportLinks.residenceId, residenceIds)),
    // Offers are the owners' to see (they name the new owner's address), as in their own list.
    Promise.all(homes.filter((h) => h.role === "owner").map((h) => listHandovers(db, h.id))),
  ]);
  const out = new Map<string, Sections>(
    residenceIds.map((id) => {
      const items = plan.items.filter((i) => i.residenceId === id);
      return [
        id,
        {
          members: [],
          tasks: [],
          completions: [],
          contractors: [],
          documents: [],
          appliances: [],
          meters: [],
          handoffLinks: [],
          reportLinks: [],
          handovers: [],
          replacementPlan: planOf(items),
        },
      ];
    }),
  );
  // Earliest to join first; other people's email addresses are theirs, not the caller's to export.
  members.sort((a, b) => a.joinedAt.localeCompare(b.joinedAt) || a.userId.localeCompare(b.userId));
  for (const { email: _email, ...member } of members) out.get(member.residenceId)?.members.push(member);
  for (const t of taskList) out.get(t.residenceId)?.tasks.push(t);
  // The log as it happened: by completion date, then by when it was logged.
  completionRows.sort((a, b) => a.completedOn.localeCompare(b.completedOn) || byCreation(a, b));
  for (const c of completionRows) out.get(c.residenceId)?.completions.push(toCompletion(c));
  for (const c of contractorRows) out.get(c.residenceId)?.contractors.push(toContractor(c));
  for (const d of documentRows) out.get(d.residenceId)?.documents.push(toDocument(d));
  for (const a of applianceList) out.get(a.residenceId)?.appliances.push(a);
  for (const m of meterList)
    out.get(m.residenceId)?.meters.push({ ...m, readings: readings.filter((r) => r.meterId === m.id) });
  for (const l of handoffList) out.get(l.residenceId)?.handoffLinks.push(l);
  for (const l of links) out.get(l.residenceId)?.reportLinks.push(l);
  for (const h of offers.flat()) out.get(h.residenceId)?.handovers.push(h);
  return out;
}

const byCreation = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }) =>
  a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);
