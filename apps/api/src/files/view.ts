import type { FileRow } from "./service.ts";

/** The JSON of a file. */
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
