import { type Database, files } from "@honeydue/db";
import { and, asc, eq, inArray, isNull, ne, or } from "drizzle-orm";

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
  return rows.map((f) => ({
    id: f.id,
    residenceId: f.residenceId,
    purpose: f.purpose,
    contentType: f.contentType,
    sizeBytes: f.sizeBytes,
    sha256: f.sha256,
    width: f.width,
    height: f.height,
    filename: f.originalName,
    uploadedByMe: f.ownerId === userId,
    createdAt: f.createdAt.toISOString(),
    url: `/v1/files/${f.id}`,
  }));
}
