import Type from "typebox";
import { define, defineTick, type Schedule } from "../../runtime/definition.ts";

export const FileThumbnailPayload = Type.Object({ fileId: Type.String({ format: "uuid" }) });
/** Written by the `files_deleted` database trigger (migration 0060) in the transaction that deletes rows. */
export const DeleteObjectsPayload = Type.Object({
  keys: Type.Array(Type.String({ minLength: 1, maxLength: 600 }), { minItems: 1 }),
});

/** The files group (handlers.ts): thumbnails, deleting stored objects, removing uploads never attached. */
export const FILES_JOBS = {
  "files.thumbnail": define({
    queue: "files",
    payload: FileThumbnailPayload,
    attempts: 5,
    timeoutMs: 120_000,
  }),
  "files.delete-objects": define({
    queue: "files",
    payload: DeleteObjectsPayload,
    attempts: 10,
    timeoutMs: 10 * 60_000,
  }),
  // `at` (ISO instant) runs the sweep as of that time (tests, backfills).
  "files.cleanup-uploads": defineTick("files"),
} as const;

export const FILES_SCHEDULES = [
  // Uploads never attached within 24 hours.
  { id: "files-cleanup", job: "files.cleanup-uploads", cron: "41 * * * *" },
] as const satisfies readonly Schedule<keyof typeof FILES_JOBS>[];

/** Uploads never attached are removed after this long. */
export const UNATTACHED_UPLOAD_TTL_MS = 24 * 3_600_000;
