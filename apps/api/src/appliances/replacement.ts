import { appliances, type Database, prepareRows, type Queryable, residences } from "@honeydue/db";
import { replacementStatus, wholeYearsBetween } from "@honeydue/domain/appliances";
import { asc, eq, inArray, sql } from "drizzle-orm";
import { type ApplianceRow, columns, toAppliance } from "./presenter.ts";

/** An appliance as replacement planning reads it: with its residence's currency, the currency of its cost. */
const candidateColumns = { ...columns, currency: residences.currency };
type Candidate = ApplianceRow & { currency: string };

/**
 * Replacement planning: the appliances of these residences that are past, or within two years of, their
 * expected end of life, soonest first, with the estimated cost of replacing them: each item in its residence's
 * currency, and the total per currency (residences may keep their costs in different currencies).
 * `todayOf` gives today in each residence's own timezone.
 */
export async function replacementPlan(
  db: Queryable,
  residenceIds: string[],
  todayOf: (residenceId: string) => string,
) {
  if (residenceIds.length === 0) return planOf([]);
  const rows = await db
    .select(candidateColumns)
    .from(appliances)
    .innerJoin(residences, eq(residences.id, appliances.residenceId))
    .where(inArray(appliances.residenceId, residenceIds))
    .orderBy(asc(appliances.name), asc(appliances.id));
  return planOf(plannedItems(rows, todayOf));
}

/** The appliances of the residences `{ ids }` (an array), as `replacementPlan` reads them. */
export function replacementCandidatesQuery(db: Database) {
  return db
    .select(candidateColumns)
    .from(appliances)
    .innerJoin(residences, eq(residences.id, appliances.residenceId))
    .where(sql`${appliances.residenceId} = any(${sql.placeholder("ids")}::uuid[])`)
    .orderBy(asc(appliances.name), asc(appliances.id));
}

/** `replacementPlan` with its statement prepared once on `db`, for the home screen. */
export function prepareReplacementPlan(db: Database) {
  const candidates = prepareRows(db, "home_replacement_candidates", replacementCandidatesQuery(db));
  return async (residenceIds: string[], todayOf: (residenceId: string) => string) =>
    residenceIds.length === 0
      ? planOf([])
      : planOf(plannedItems(await candidates({ ids: residenceIds }), todayOf));
}

/** The appliances past or nearing their end of life, soonest first. */
function plannedItems(rows: Candidate[], todayOf: (residenceId: string) => string) {
  return rows
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
        currency: row.currency,
        status: replacementStatus(a.endOfLifeOn, today),
      };
    })
    .filter((i) => i.status === "past_end_of_life" || i.status === "nearing_end_of_life")
    .sort((x, y) => (x.endOfLifeOn! < y.endOfLifeOn! ? -1 : x.endOfLifeOn! > y.endOfLifeOn! ? 1 : 0));
}

type PlanItem = { replacementCostCents: number | null; currency: string };

/** A plan of these items: their estimates added up, in all and per currency. */
export function planOf<T extends PlanItem>(items: T[]) {
  const byCurrency = new Map<string, number>();
  for (const i of items)
    byCurrency.set(i.currency, (byCurrency.get(i.currency) ?? 0) + (i.replacementCostCents ?? 0));
  return {
    items,
    totalCostCents: items.reduce((sum, i) => sum + (i.replacementCostCents ?? 0), 0),
    totals: [...byCurrency]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([currency, costCents]) => ({ currency, costCents })),
  };
}
