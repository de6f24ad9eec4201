import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Database, FilePurpose } from "@honeydue/db";
import { files } from "@honeydue/db";
import { enqueueJob } from "@honeydue/jobs";
import { cleanImage, ImageRejectedError, isImageType, type Storage, sniffFile } from "@honeydue/storage";
import { eq } from "drizzle-orm";
import {
  allowedTypes,
  type FileRow,
  quotaExceeded,
  residenceUsage,
  storageKeyFor,
  tooLarge,
  unsupportedType,
} from "../files/service.ts";
import { HttpProblem } from "../http/problem.ts";

export interface UploadDeps {
  db: Database;
  storage: Storage;
  limits: { uploadMaxBytes: number; residenceQuotaBytes: number; imageMaxPixels: number };
  notifyOutbox: () => void;
}

/** A scratch folder for one upload, removed afterwards whatever happens. */
export async function withScratch<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "honeydue-upload-"));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Passes bytes through, failing with 413 past `max`; `count` is the total seen. */
export function byteLimit(max: number) {
  const state = { count: 0 };
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      state.count += chunk.length;
      if (state.count > max) callback(tooLarge(max));
      else callback(null, chunk);
    },
  });
  return { transform, state };
}

/** Streams `source` to a file, never holding it in memory; 413 once it passes `max` bytes. */
export async function spool(source: Readable, path: string, max: number): Promise<number> {
  const limit = byteLimit(max);
  await pipeline(source, limit.transform, createWriteStream(path));
  return limit.state.count;
}

/** A new upload row (status pending): from now on the database knows the key, whatever happens next. */
export async function createPendingFile(
  db: Database,
  input: {
    purpose: FilePurpose;
    residenceId: string | null;
    /** Null for a file sent by someone without an account (a contractor's hand-off link). */
    ownerId: string | null;
    contentType: string;
    sizeBytes: number;
    originalName: string | null;
  },
): Promise<FileRow> {
  const id = randomUUID();
  const [row] = await db
    .insert(files)
    .values({
      id,
      residenceId: input.residenceId,
      ownerId: input.ownerId,
      purpose: input.purpose,
      storageKey: storageKeyFor({ id, residenceId: input.residenceId, ownerId: input.ownerId }),
      contentType: input.contentType,
      sizeBytes: input.sizeBytes,
      originalName: input.originalName,
    })
    .returning();
  return row!;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}

/**
 * Checks a received file (spooled at `path`) and stores it under the row's key: the type from its bytes
 * must suit the purpose, photos are checked against the pixel limit and re-encoded without metadata (GPS),
 * and the result must fit the size limit and the residence's quota. On refusal the pending row is
 * deleted (its objects go with it, through the outbox) and a 4xx problem is thrown.
 */
export async function acceptFile(
  deps: UploadDeps,
  file: FileRow,
  path: string,
  scratch: string,
): Promise<FileRow> {
  try {
    const type = await sniffFile(path);
    if (!type || !allowedTypes(file.purpose).includes(type)) throw unsupportedType(file.purpose, type);
    let finalPath = path;
    let width: number | null = null;
    let height: number | null = null;
    if (isImageType(type)) {
      try {
        const clean = await cleanImage(path, join(scratch, "clean"), type, deps.limits.imageMaxPixels);
        finalPath = clean.path;
        width = clean.width;
        height = clean.height;
      } catch (error) {
        if (!(error instanceof ImageRejectedError)) throw error;
        throw new HttpProblem({
          status: 422,
          type: error.reason === "too-many-pixels" ? "image-too-large" : "unreadable-image",
          title: error.reason === "too-many-pixels" ? "Image too large" : "Unreadable image",
          detail: error.message,
          extensions: error.reason === "too-many-pixels" ? { maxPixels: deps.limits.imageMaxPixels } : {},
        });
      }
    }
    const size = (await stat(finalPath)).size;
    if (size > deps.limits.uploadMaxBytes) throw tooLarge(deps.limits.uploadMaxBytes);
    if (file.residenceId) {
      const used = await residenceUsage(deps.db, file.residenceId, file.id);
      if (used + size > deps.limits.residenceQuotaBytes)
        throw quotaExceeded(used, size, deps.limits.residenceQuotaBytes);
    }
    const sha256 = await sha256Of(finalPath);
    await deps.storage.put(file.storageKey, createReadStream(finalPath), { contentType: type, size });
    const updated = await deps.db.transaction(async (tx) => {
      const [row] = await tx
        .update(files)
        .set({
          status: "uploaded",
          contentType: type,
          sizeBytes: size,
          sha256,
          width,
          height,
          uploadedAt: new Date(),
        })
        .where(eq(files.id, file.id))
        .returning();
      if (row && isImageType(type) && type !== "image/heic")
        await enqueueJob(tx, "files.thumbnail", { fileId: file.id });
      return row;
    });
    deps.notifyOutbox();
    if (!updated) throw new HttpProblem({ status: 409, title: "Conflict", detail: "The upload was removed" });
    return updated;
  } catch (error) {
    await discard(deps, file.id);
    throw error;
  }
}

/** Drops a pending upload; the database trigger enqueues the deletion of whatever was stored. */
export async function discard(deps: Pick<UploadDeps, "db" | "notifyOutbox">, fileId: string) {
  await deps.db.delete(files).where(eq(files.id, fileId));
  deps.notifyOutbox();
}
