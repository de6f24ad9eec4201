import {
  applianceContractors,
  applianceDocuments,
  applianceRecalls,
  appliances,
  applianceTasks,
  type Queryable,
  type Role,
} from "@honeydue/db";
import { endOfLifeOn, expectedLifespanYears } from "@honeydue/domain/appliances";
import { asc, desc, eq, inArray } from "drizzle-orm";
import { notFound } from "../http/problem.ts";
import { requireMembershipOf } from "../residences/access.ts";

/** The appliance presenter: the one JSON shape of an appliance (routes, export, sync). */

/** The columns an appliance is answered with (never the generated search vector). */
export const columns = {
  id: appliances.id,
  residenceId: appliances.residenceId,
  name: appliances.name,
  kind: appliances.kind,
  brand: appliances.brand,
  model: appliances.model,
  serialNumber: appliances.serialNumber,
  purchasedOn: appliances.purchasedOn,
  installedOn: appliances.installedOn,
  location: appliances.location,
  photoFileId: appliances.photoFileId,
  notes: appliances.notes,
  lifespanYears: appliances.lifespanYears,
  replacementCostCents: appliances.replacementCostCents,
  createdBy: appliances.createdBy,
  createdAt: appliances.createdAt,
  updatedAt: appliances.updatedAt,
};

export type ApplianceRow = typeof appliances.$inferSelect;
type RecallRow = typeof applianceRecalls.$inferSelect;

/** What links to an appliance, by appliance id. */
export interface ApplianceLinks {
  taskIds: string[];
  documentIds: string[];
  contractorIds: string[];
  recalls: RecallRow[];
}
const noLinks = (): ApplianceLinks => ({ taskIds: [], documentIds: [], contractorIds: [], recalls: [] });

/** A recall matched to an appliance, as every answer shows it. */
export function toRecall(r: RecallRow) {
  return {
    source: r.source,
    recallId: r.recallId,
    title: r.title,
    remedy: r.remedy,
    url: r.url,
    recalledOn: r.recalledOn,
    matchedAt: r.matchedAt.toISOString(),
  };
}

export function toAppliance(row: ApplianceRow, links: ApplianceLinks = noLinks()) {
  const lifespan = expectedLifespanYears(row.kind, row.lifespanYears);
  return {
    id: row.id,
    residenceId: row.residenceId,
    name: row.name,
    kind: row.kind,
    brand: row.brand,
    model: row.model,
    serialNumber: row.serialNumber,
    purchasedOn: row.purchasedOn,
    installedOn: row.installedOn,
    location: row.location,
    photoFileId: row.photoFileId,
    notes: row.notes,
    lifespanYears: row.lifespanYears,
    expectedLifespanYears: lifespan,
    endOfLifeOn: endOfLifeOn(row.installedOn ?? row.purchasedOn, lifespan),
    replacementCostCents: row.replacementCostCents,
    taskIds: links.taskIds,
    documentIds: links.documentIds,
    contractorIds: links.contractorIds,
    recalls: links.recalls.map(toRecall),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export type ApplianceDto = ReturnType<typeof toAppliance>;

/** The links of several appliances, four queries whatever their number. */
export async function linksOf(db: Queryable, ids: string[]): Promise<Map<string, ApplianceLinks>> {
  const out = new Map(ids.map((id) => [id, noLinks()]));
  if (ids.length === 0) return out;
  const [taskLinks, documentLinks, contractorLinks, recalls] = await Promise.all([
    db
      .select()
      .from(applianceTasks)
      .where(inArray(applianceTasks.applianceId, ids))
      .orderBy(asc(applianceTasks.taskId)),
    db
      .select()
      .from(applianceDocuments)
      .where(inArray(applianceDocuments.applianceId, ids))
      .orderBy(asc(applianceDocuments.documentId)),
    db
      .select()
      .from(applianceContractors)
      .where(inArray(applianceContractors.applianceId, ids))
      .orderBy(asc(applianceContractors.contractorId)),
    db
      .select()
      .from(applianceRecalls)
      .where(inArray(applianceRecalls.applianceId, ids))
      .orderBy(desc(applianceRecalls.matchedAt), asc(applianceRecalls.recallId)),
  ]);
  for (const l of taskLinks) out.get(l.applianceId)?.taskIds.push(l.taskId);
  for (const l of documentLinks) out.get(l.applianceId)?.documentIds.push(l.documentId);
  for (const l of contractorLinks) out.get(l.applianceId)?.contractorIds.push(l.contractorId);
  for (const r of recalls) out.get(r.applianceId)?.recalls.push(r);
  return out;
}

/** Rows as the API answers them, with their links. */
export async function presentAppliances(db: Queryable, rows: ApplianceRow[]): Promise<ApplianceDto[]> {
  const links = await linksOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toAppliance(r, links.get(r.id)));
}

/** Several appliances by id, as the API returns them. */
export async function loadAppliances(db: Queryable, ids: string[]): Promise<ApplianceDto[]> {
  if (ids.length === 0) return [];
  const rows = await db.select(columns).from(appliances).where(inArray(appliances.id, ids));
  return presentAppliances(db, rows);
}

/**
 * Finds an appliance and checks the caller's role in its residence. An appliance of another household is
 * "Appliance not found", exactly like one that does not exist.
 */
export async function loadAppliance(db: Queryable, applianceId: string, userId: string, atLeast: Role) {
  const [row] = await db.select(columns).from(appliances).where(eq(appliances.id, applianceId)).limit(1);
  if (!row) throw notFound("Appliance");
  const access = await requireMembershipOf(db, "Appliance", row.residenceId, userId, atLeast);
  return { row, access };
}
