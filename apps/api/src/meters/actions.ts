import {
  appliances,
  contractors,
  type Database,
  documents,
  type MeterUnit,
  meterReadings,
  meters,
  type Queryable,
  type ReadingKind,
  type Role,
  tasks,
} from "@honeydue/db";
import { nextTotal, projectUsageDue, todayIn, type UsageRecurrence } from "@honeydue/domain";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { conflict, invalidField, notFound } from "../http/problem.ts";
import { type ResidenceAccess, requireMembershipOf } from "../residences/access.ts";
import { recordActivity } from "../residences/activity.ts";
import { points, readingsOf } from "./presenter.ts";

/**
 * Meters, readings and the projection of usage tasks' due dates (issue 18 item 2). Every reading
 * re-projects the open usage tasks of its meter in the same transaction.
 */

/** The caller's access to a meter through its residence: 404 "Meter not found" outside the household. */
export async function requireMeterAccess(
  db: Queryable,
  meterId: string,
  userId: string,
  atLeast: Role = "viewer",
): Promise<ResidenceAccess & { meterId: string }> {
  const [row] = await db
    .select({ residenceId: meters.residenceId })
    .from(meters)
    .where(eq(meters.id, meterId));
  if (!row) throw notFound("Meter");
  return { ...(await requireMembershipOf(db, "Meter", row.residenceId, userId, atLeast)), meterId };
}

/** A meter of this residence for a usage schedule, or a 400 naming the field. */
export async function assertMeter(db: Queryable, residenceId: string, meterId: string, field: string) {
  const [m] = await db
    .select({ id: meters.id })
    .from(meters)
    .where(and(eq(meters.id, meterId), eq(meters.residenceId, residenceId)));
  if (!m) throw invalidField(field, "must be a meter of this residence");
}

async function assertLinks(
  db: Queryable,
  residenceId: string,
  links: { applianceId?: string | null; contractorId?: string | null; documentId?: string | null },
) {
  const checks = [
    ["applianceId", appliances] as const,
    ["contractorId", contractors] as const,
    ["documentId", documents] as const,
  ];
  for (const [field, table] of checks) {
    const id = links[field];
    if (!id) continue;
    const [row] = await db
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.id, id), eq(table.residenceId, residenceId)));
    if (!row) throw invalidField(`body.${field}`, "must belong to this residence");
  }
}

/** The latest reading of a meter (by date, then entry), or null. */
export async function latestReading(db: Queryable, meterId: string) {
  const [r] = await db
    .select({ value: meterReadings.value, total: meterReadings.total, readOn: meterReadings.readOn })
    .from(meterReadings)
    .where(eq(meterReadings.meterId, meterId))
    .orderBy(desc(meterReadings.readOn), desc(meterReadings.createdAt), desc(meterReadings.id))
    .limit(1);
  return r ? { value: Number(r.value), total: Number(r.total), readOn: r.readOn } : null;
}

export async function createMeter(
  db: Database,
  ctx: { userId: string; residenceId: string; today: string },
  input: {
    name: string;
    unit: MeterUnit;
    applianceId?: string | null;
    contractorId?: string | null;
    documentId?: string | null;
    initialReading?: number;
  },
): Promise<string> {
  return db.transaction(async (tx) => {
    await assertLinks(tx, ctx.residenceId, input);
    const [meter] = await tx
      .insert(meters)
      .values({
        residenceId: ctx.residenceId,
        name: input.name,
        unit: input.unit,
        applianceId: input.applianceId ?? null,
        contractorId: input.contractorId ?? null,
        documentId: input.documentId ?? null,
        createdBy: ctx.userId,
      })
      .returning({ id: meters.id });
    if (input.initialReading !== undefined) {
      await tx.insert(meterReadings).values({
        meterId: meter!.id,
        residenceId: ctx.residenceId,
        readOn: ctx.today,
        value: input.initialReading,
        total: 0,
        recordedBy: ctx.userId,
      });
    }
    await recordActivity(tx, {
      residenceId: ctx.residenceId,
      actorId: ctx.userId,
      action: "meter.created",
      subjectType: "meter",
      subjectId: meter!.id,
      data: { name: input.name, unit: input.unit },
    });
    return meter!.id;
  });
}

export async function updateMeter(
  db: Database,
  ctx: { userId: string; residenceId: string; meterId: string },
  patch: {
    name?: string;
    applianceId?: string | null;
    contractorId?: string | null;
    documentId?: string | null;
  },
  now: Date,
) {
  await db.transaction(async (tx) => {
    await assertLinks(tx, ctx.residenceId, patch);
    const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    if (Object.keys(set).length === 0) return;
    await tx
      .update(meters)
      .set({ ...set, updatedAt: now })
      .where(eq(meters.id, ctx.meterId));
    await recordActivity(tx, {
      residenceId: ctx.residenceId,
      actorId: ctx.userId,
      action: "meter.updated",
      subjectType: "meter",
      subjectId: ctx.meterId,
      data: { fields: Object.keys(set) },
    });
  });
}

/** Deletes a meter and its readings; refused (409) while a task is scheduled by it. */
export async function deleteMeter(
  db: Database,
  ctx: { userId: string; residenceId: string; meterId: string },
) {
  await db.transaction(async (tx) => {
    const [meter] = await tx.select().from(meters).where(eq(meters.id, ctx.meterId)).for("update");
    if (!meter) throw notFound("Meter");
    const [used] = await tx
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(usageTaskOf(ctx.meterId), isNull(tasks.archivedAt)))
      .limit(1);
    if (used)
      throw conflict("Tasks are scheduled by this meter; change or archive them first", { taskId: used.id });
    await tx.delete(meters).where(eq(meters.id, ctx.meterId));
    await recordActivity(tx, {
      residenceId: ctx.residenceId,
      actorId: ctx.userId,
      action: "meter.deleted",
      subjectType: "meter",
      subjectId: ctx.meterId,
      data: { name: meter.name },
    });
  });
}

const usageTaskOf = (meterId: string) =>
  sql`${tasks.recurrence} ->> 'kind' = 'usage' AND ${tasks.recurrence} ->> 'meterId' = ${meterId}`;

/**
 * Records a reading: it must not be dated before the latest one, and must not go down unless the meter was
 * reset or replaced (recorded as such). Its total follows (nextTotal). Then every open usage task of the
 * meter is projected again. Runs in the caller's transaction (a completion records its reading too).
 */
export async function recordReading(
  tx: Queryable,
  ctx: { userId: string; residenceId: string; meterId: string; today: string },
  input: { value: number; readOn?: string; kind?: ReadingKind; note?: string | null; completionId?: string },
  fields: { value: string; readOn: string } = { value: "body.value", readOn: "body.readOn" },
  now: Date = new Date(),
): Promise<{ readingId: string; total: number; taskIds: string[] }> {
  // One writer per meter at a time: totals are computed from the latest reading.
  await tx.select({ id: meters.id }).from(meters).where(eq(meters.id, ctx.meterId)).for("update");
  const readOn = input.readOn ?? ctx.today;
  if (readOn > ctx.today) throw invalidField(fields.readOn, "cannot be in the future");
  const kind = input.kind ?? "reading";
  const previous = await latestReading(tx, ctx.meterId);
  if (previous && readOn < previous.readOn)
    throw invalidField(fields.readOn, `must be on or after the latest reading's date (${previous.readOn})`);
  const next = nextTotal(previous, { value: input.value, kind });
  if ("error" in next) throw invalidField(fields.value, next.error);
  const [row] = await tx
    .insert(meterReadings)
    .values({
      meterId: ctx.meterId,
      residenceId: ctx.residenceId,
      readOn,
      value: input.value,
      total: next.total,
      kind,
      note: input.note ?? null,
      completionId: input.completionId ?? null,
      recordedBy: ctx.userId,
    })
    .returning({ id: meterReadings.id });
  if (kind !== "reading") {
    await recordActivity(tx, {
      residenceId: ctx.residenceId,
      actorId: ctx.userId,
      action: kind === "reset" ? "meter.reset" : "meter.replaced",
      subjectType: "meter",
      subjectId: ctx.meterId,
      data: { value: input.value, readOn, previousValue: previous?.value ?? null },
    });
  }
  const taskIds = await reprojectMeterTasks(tx, ctx.meterId, now);
  return { readingId: row!.id, total: next.total, taskIds };
}

/** JSON with sorted keys: jsonb keeps its own key order, so stored and new projections compare by content. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value ?? null);
}

/**
 * Projects the due date of the open usage tasks of a meter (or one task) from its readings and stores it:
 * due_on (and scheduled_on) and usage_projection. Returns the ids of the tasks whose due date or basis
 * changed (only those rows are written, so the sync feed sees real changes only).
 */
export async function reprojectMeterTasks(
  tx: Queryable,
  meterId: string,
  now: Date,
  onlyTaskId?: string,
): Promise<string[]> {
  const open = await tx
    .select({
      id: tasks.id,
      recurrence: tasks.recurrence,
      anchorOn: tasks.anchorOn,
      createdAt: tasks.createdAt,
      dueOn: tasks.dueOn,
      sinceTotal: tasks.usageSinceTotal,
      projection: tasks.usageProjection,
    })
    .from(tasks)
    .where(
      and(
        usageTaskOf(meterId),
        isNull(tasks.completedAt),
        isNull(tasks.archivedAt),
        onlyTaskId ? eq(tasks.id, onlyTaskId) : undefined,
      ),
    );
  if (open.length === 0) return [];
  const readings = points(await readingsOf(tx, [meterId]));
  const changed: string[] = [];
  for (const t of open) {
    const projection = projectUsageDue({
      recurrence: t.recurrence as UsageRecurrence,
      sinceTotal: Number(t.sinceTotal ?? 0),
      sinceOn: t.anchorOn ?? todayIn("UTC", t.createdAt),
      readings,
    });
    if (t.dueOn === projection.dueOn && canonical(t.projection) === canonical(projection)) continue;
    await tx
      .update(tasks)
      .set({
        dueOn: projection.dueOn,
        scheduledOn: projection.dueOn,
        usageProjection: projection,
        updatedAt: now,
      })
      .where(eq(tasks.id, t.id));
    changed.push(t.id);
  }
  return changed;
}
