import Type from "typebox";
import { define } from "./runtime/definition.ts";

export const FileThumbnailPayload = Type.Object({ fileId: Type.String({ format: "uuid" }) });
/** Written by the `files_deleted` database trigger (migration 0060) in the transaction that deletes rows. */
export const DeleteObjectsPayload = Type.Object({
  keys: Type.Array(Type.String({ minLength: 1, maxLength: 600 }), { minItems: 1 }),
});
/** `at` (ISO instant) runs the sweep as of that time (tests, backfills). */
export const CleanupUploadsPayload = Type.Object({
  at: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
});

/** The jobs of the files queue (spread into JOBS in registry.ts); handlers in files-handlers.ts. */
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
  "files.cleanup-uploads": define({
    queue: "files",
    payload: CleanupUploadsPayload,
    attempts: 3,
    timeoutMs: 10 * 60_000,
  }),
} as const;

/** Uploads never attached are removed after this long. */
export const UNATTACHED_UPLOAD_TTL_MS = 24 * 3_600_000;
