import { appliances, type Database, prepareRows, type Queryable } from "@honeydue/db";
import { replacementStatus, wholeYearsBetween } from "@honeydue/domain/appliances";
import { asc, inArray, sql } from "drizzle-orm";
import { type ApplianceRow, columns, toAppliance } from "./presenter.ts";

/**
 * Replacement planning: the appliances of these residences that are past, or within two years of, their
 * expected end of life, soonest first, with the estimated cost of replacing them. `todayOf` gives today in
 * each residence's own timezone.
 */
export async function replacementPlan(
  db: Queryable,
  residenceIds: string[],
  todayOf: (residenceId: string) => string,
) {
  if (residenceIds.length === 0) return { items: [], totalCostCents: 0 };
  const rows = await db
    .select(columns)
    .from(appliances)
    .where(inArray(appliances.residenceId, residenceIds))
    .orderBy(asc(appliances.name), asc(appliances.id));
  return planOf(rows, todayOf);
}

/** The appliances of the residences `{ ids }` (an array), as `replacementPlan` reads them. */
export function replacementCandidatesQuery(db: Database) {
  return db
    .select(columns)
    .from(appliances)
    .where(sql`${appliances.residenceId} = any(${sql.placeholder("ids")}::uuid[])`)
    .orderBy(asc(appliances.name), asc(appliances.id));
}

/** `replacementPlan` with its statement prepared once on `db`, for the home screen. */
export function prepareReplacementPlan(db: Database) {
  const candidates = prepareRows(db, "home_replacement_candidates", replacementCandidatesQuery(db));
  return async (residenceIds: string[], todayOf: (residenceId: string) => string) =>
    residenceIds.length === 0
      ? { items: [], totalCostCents: 0 }
      : planOf(await candidates({ ids: residenceIds }), todayOf);
}

function planOf(rows: ApplianceRow[], todayOf: (residenceId: string) => string) {
  const items = rows
    .map((row) => {
      const a = toAppliance(row);
      const today = todayOf(row.residenceId);
      const startedOn = a.installedOn ?? a.purchasedOn;
      return {
        applianceId: a.id,
        residenceId: a.residenceId,
        name: a.name,
        kind: a.kind,
        ageYears: startedOn && startedOn <= today ? wholeYearsBetween(startedOn, today) : null,
        expectedLifespanYears: a.expectedLifespanYears,
        endOfLifeOn: a.endOfLifeOn,
        replacementCostCents: a.replacementCostCents,
        status: replacementStatus(a.endOfLifeOn, today),
      };
    })
    .filter((i) => i.status === "past_end_of_life" || i.status === "nearing_end_of_life")
    .sort((x, y) => (x.endOfLifeOn! < y.endOfLifeOn! ? -1 : x.endOfLifeOn! > y.endOfLifeOn! ? 1 : 0));
  return { items, totalCostCents: items.reduce((sum, i) => sum + (i.replacementCostCents ?? 0), 0) };
}
