import { contractors, type Queryable, type Role } from "@honeydue/db";
import { eq, inArray } from "drizzle-orm";
import { notFound } from "../http/problem.ts";
import { requireMembershipOf } from "../residences/access.ts";

/** The contractor presenter: the one JSON shape of a contractor (routes, export, sync). */

type ContractorRow = typeof contractors.$inferSelect;

/** The columns a contractor is answered with (never the generated search vector). */
export const columns = {
  id: contractors.id,
  residenceId: contractors.residenceId,
  name: contractors.name,
  company: contractors.company,
  trades: contractors.trades,
  phone: contractors.phone,
  email: contractors.email,
  website: contractors.website,
  notes: contractors.notes,
  rating: contractors.rating,
  favorite: contractors.favorite,
  createdBy: contractors.createdBy,
  createdAt: contractors.createdAt,
  updatedAt: contractors.updatedAt,
};

export function toContractor(row: ContractorRow) {
  return {
    id: row.id,
    residenceId: row.residenceId,
    name: row.name,
    company: row.company,
    trades: row.trades,
    phone: row.phone,
    email: row.email,
    website: row.website,
    notes: row.notes,
    rating: row.rating,
    favorite: row.favorite,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Finds a contractor and checks the caller's role in its residence. A contractor of another household is
 * "Contractor not found", exactly like one that does not exist.
 */
export async function loadContractor(db: Queryable, contractorId: string, userId: string, atLeast: Role) {
  const [row] = await db.select(columns).from(contractors).where(eq(contractors.id, contractorId)).limit(1);
  if (!row) throw notFound("Contractor");
  await requireMembershipOf(db, "Contractor", row.residenceId, userId, atLeast);
  return row;
}

/** Several contractors by id, as the API returns them. */
export async function loadContractors(db: Queryable, ids: string[]) {
  if (ids.length === 0) return [];
  return (await db.select(columns).from(contractors).where(inArray(contractors.id, ids))).map(toContractor);
}
