import { files, type Queryable } from "@honeydue/db";
import { inArray } from "drizzle-orm";
import type { FileRow } from "./service.ts";

/** The file presenter: the one JSON shape of a file's metadata (routes, uploads, export, sync). */
export function fileView(file: FileRow) {
  const url = `/v1/files/${file.id}`;
  return {
    id: file.id,
    residenceId: file.residenceId,
    purpose: file.purpose,
    status: file.status,
    contentType: file.contentType,
    sizeBytes: file.sizeBytes,
    width: file.width,
    height: file.height,
    filename: file.originalName,
    hasThumbnail: file.thumbnailKey !== null,
    url,
    thumbnailUrl: file.thumbnailKey ? `${url}?variant=thumbnail` : null,
    createdAt: file.createdAt.toISOString(),
  };
}

/** Several files' metadata by id. */
export async function loadFiles(db: Queryable, ids: string[]) {
  if (ids.length === 0) return [];
  return (await db.select().from(files).where(inArray(files.id, ids))).map(fileView);
}
