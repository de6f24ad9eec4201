import { type Database, files } from "@honeydue/db";
import { and, asc, eq, inArray, isNull, ne, or } from "drizzle-orm";
import { fileView } from "./presenter.ts";

/**
 * The files section of a user's export: every file of their residences and their own avatar uploads,
 * with the link to download each (`GET /v1/files/{id}` with their token). Uploads in progress are left out.
 */
export async function exportFiles(db: Database, userId: string, residenceIds: string[]) {
  const rows = await db
    .select()
    .from(files)
    .where(
      and(
        ne(files.status, "pending"),
        or(
          and(isNull(files.residenceId), eq(files.ownerId, userId)),
          residenceIds.length ? inArray(files.residenceId, residenceIds) : undefined,
        ),
      ),
    )
    .orderBy(asc(files.createdAt), asc(files.id));
  // As the file routes answer them, with the checksum and whether the caller uploaded it.
  return rows.map((f) => ({ ...fileView(f), sha256: f.sha256, uploadedByMe: f.ownerId === userId }));
}
