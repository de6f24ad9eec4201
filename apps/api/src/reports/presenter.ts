import { type Queryable, reportLinks, users } from "@honeydue/db";
import { desc, eq, inArray, type SQL } from "drizzle-orm";
import Type from "typebox";
import { Nullable, Timestamp, Uuid } from "../http/schemas.ts";

/** The report link presenter: one JSON shape, for the report-link routes, the export and the sync feed. */

export const ReportLink = Type.Object({
  id: Uuid,
  residenceId: Uuid,
  label: Nullable(Type.String()),
  state: Type.Enum(["active", "expired", "revoked"]),
  expiresAt: Timestamp,
  revokedAt: Nullable(Timestamp),
  viewCount: Type.Integer(),
  lastViewedAt: Nullable(Timestamp),
  createdBy: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  createdAt: Timestamp,
});

type LinkRow = typeof reportLinks.$inferSelect;

/** Never the token (only its hash is kept, and that stays here too). */
export function toReportLink(row: LinkRow & { creatorName: string | null }) {
  return {
    id: row.id,
    residenceId: row.residenceId,
    label: row.label,
    state: row.revokedAt
      ? ("revoked" as const)
      : row.expiresAt <= new Date()
        ? ("expired" as const)
        : ("active" as const),
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    viewCount: row.viewCount,
    lastViewedAt: row.lastViewedAt?.toISOString() ?? null,
    createdBy:
      row.createdBy && row.creatorName !== null ? { id: row.createdBy, name: row.creatorName } : null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Report links matching `where`, newest first, presented. */
export async function selectReportLinks(db: Queryable, where: SQL | undefined) {
  const rows = await db
    .select({ link: reportLinks, creatorName: users.name })
    .from(reportLinks)
    .leftJoin(users, eq(users.id, reportLinks.createdBy))
    .where(where)
    .orderBy(desc(reportLinks.createdAt), desc(reportLinks.id));
  return rows.map((r) => toReportLink({ ...r.link, creatorName: r.creatorName }));
}

/** Report links by id (the sync feed's changed ones). */
export async function loadReportLinks(db: Queryable, ids: string[]) {
  return ids.length === 0 ? [] : selectReportLinks(db, inArray(reportLinks.id, ids));
}
