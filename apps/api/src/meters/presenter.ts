import { meterReadings, meters, type Queryable, users } from "@honeydue/db";
import { type MeterReadingPoint, usageRate } from "@honeydue/domain";
import { and, asc, desc, eq, inArray, type SQL } from "drizzle-orm";

/** The meter and reading presenters: one JSON shape each, for the meter routes and the export. */

type ReadingRow = typeof meterReadings.$inferSelect & { recordedByName: string | null };

export function toReading(r: ReadingRow) {
  return {
    id: r.id,
    meterId: r.meterId,
    readOn: r.readOn,
    value: Number(r.value),
    total: Number(r.total),
    kind: r.kind,
    note: r.note,
    completionId: r.completionId,
    recordedBy: r.recordedBy && r.recordedByName ? { id: r.recordedBy, name: r.recordedByName } : null,
    createdAt: r.createdAt.toISOString(),
  };
}
export type ReadingDto = ReturnType<typeof toReading>;

/** A meter's readings, oldest first (the order totals and rates are computed in). */
export async function readingsOf(db: Queryable, meterIds: string[], order: "asc" | "desc" = "asc") {
  if (meterIds.length === 0) return [];
  const rows = await db
    .select({ reading: meterReadings, recordedByName: users.name })
    .from(meterReadings)
    .leftJoin(users, eq(users.id, meterReadings.recordedBy))
    .where(inArray(meterReadings.meterId, meterIds))
    .orderBy(
      ...(order === "asc"
        ? [asc(meterReadings.readOn), asc(meterReadings.createdAt), asc(meterReadings.id)]
        : [desc(meterReadings.readOn), desc(meterReadings.createdAt), desc(meterReadings.id)]),
    );
  return rows.map((r) => toReading({ ...r.reading, recordedByName: r.recordedByName }));
}

export const points = (readings: readonly ReadingDto[]): MeterReadingPoint[] =>
  readings.map((r) => ({ readOn: r.readOn, total: r.total }));

/** Meters matching `where`, by name, each with its latest reading and recent rate of use. */
export async function loadMeters(db: Queryable, where: SQL | undefined) {
  const rows = await db.select().from(meters).where(where).orderBy(asc(meters.name), asc(meters.id));
  const readings = await readingsOf(
    db,
    rows.map((m) => m.id),
  );
  return rows.map((m) => {
    const own = readings.filter((r) => r.meterId === m.id);
    return {
      id: m.id,
      residenceId: m.residenceId,
      name: m.name,
      unit: m.unit,
      applianceId: m.applianceId,
      contractorId: m.contractorId,
      documentId: m.documentId,
      latestReading: own.at(-1) ?? null,
      rate: usageRate(points(own)),
      createdAt: m.createdAt.toISOString(),
      updatedAt: m.updatedAt.toISOString(),
    };
  });
}

export async function loadMeter(db: Queryable, meterId: string, residenceId?: string) {
  const [meter] = await loadMeters(
    db,
    residenceId ? and(eq(meters.id, meterId), eq(meters.residenceId, residenceId)) : eq(meters.id, meterId),
  );
  return meter;
}
