import { changedRows, type Database, files } from "@honeydue/db";
import type { Logger } from "@honeydue/observability";
import { assertKey, isImageType, makeThumbnail, ObjectNotFoundError, type Storage } from "@honeydue/storage";
import { and, eq, isNull, sql } from "drizzle-orm";
import { type HandlersOf, tickInstant } from "../../runtime/definition.ts";
import { type FILES_JOBS, UNATTACHED_UPLOAD_TTL_MS } from "./definitions.ts";

export interface FilesHandlerDeps {
  db: Database;
  log: Logger;
  storage: Storage;
  /** IMAGE_MAX_PIXELS: thumbnails never decode more than this. */
  imageMaxPixels: number;
}

export const thumbnailKeyOf = (storageKey: string) => `${storageKey}_thumb`;

/**
 * Background work on stored files: thumbnails of photos, deleting the objects of deleted rows (enqueued by
 * the database trigger), and the hourly sweep of uploads never attached.
 */
export function createFilesHandlers(deps: FilesHandlerDeps): HandlersOf<typeof FILES_JOBS> {
  const { db, log, storage } = deps;
  return {
    /** A 512 px WebP beside the original; a file deleted meanwhile leaves no thumbnail behind. */
    "files.thumbnail": async (payload) => {
      const [file] = await db.select().from(files).where(eq(files.id, payload.fileId)).limit(1);
      if (!file || file.status === "pending" || file.thumbnailKey) return;
      if (!isImageType(file.contentType) || file.contentType === "image/heic") return;
      let source: Awaited<ReturnType<Storage["get"]>>;
      try {
        source = await storage.get(file.storageKey);
      } catch (error) {
        if (error instanceof ObjectNotFoundError) return;
        throw error;
      }
      const thumbnail = await makeThumbnail(source, deps.imageMaxPixels);
      const key = thumbnailKeyOf(file.storageKey);
      await storage.put(key, thumbnail, { contentType: "image/webp", size: thumbnail.length });
      const updated = await db
        .update(files)
        .set({ thumbnailKey: key })
        .where(and(eq(files.id, file.id), isNull(files.thumbnailKey)))
        .returning({ id: files.id });
      if (updated.length === 0) {
        const [still] = await db.select({ key: files.thumbnailKey }).from(files).where(eq(files.id, file.id));
        if (still?.key !== key) await storage.delete(key);
      }
    },
    "files.delete-objects": async (payload) => {
      for (const key of payload.keys) {
        try {
          assertKey(key);
        } catch {
          log.warn({ key }, "files.delete-objects: skipping a key that is not a storage key");
          continue;
        }
        await storage.delete(key);
      }
    },
    /**
     * Deletes uploads older than 24 hours that were never attached. Files referenced by a document, a
     * residence, a user or a completion are kept whatever their status says.
     */
    "files.cleanup-uploads": async (payload) => {
      const now = tickInstant(payload.at);
      const cutoff = new Date(now.getTime() - UNATTACHED_UPLOAD_TTL_MS);
      const removed = await changedRows(
        db,
        sql`
        DELETE FROM files f
        WHERE f.status <> 'attached' AND f.created_at < ${cutoff}
          AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.file_id = f.id)
          AND NOT EXISTS (SELECT 1 FROM residences r WHERE r.photo_file_id = f.id)
          AND NOT EXISTS (SELECT 1 FROM users u WHERE u.avatar_file_id = f.id)
          AND NOT EXISTS (SELECT 1 FROM completion_photos c WHERE c.file_id = f.id)`,
      );
      if (removed) log.info({ removed }, "removed uploads never attached");
    },
  };
}
