import {
  completionPhotos,
  completions,
  documents,
  type FilePurpose,
  files,
  memberships,
  type Queryable,
  queryRows,
  residences,
  users,
} from "@honeydue/db";
import { EXTENSIONS, type StoredType } from "@honeydue/storage";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { conflict, HttpProblem, invalidField, notFound } from "../http/problem.ts";

export type FileRow = typeof files.$inferSelect;

/** Photos may be JPEG, PNG, WebP or HEIC; documents may also be PDF. */
export function allowedTypes(purpose: FilePurpose): StoredType[] {
  const images: StoredType[] = ["image/jpeg", "image/png", "image/webp", "image/heic"];
  return purpose === "document" ? [...images, "application/pdf"] : images;
}

/** Whether a content type a client announces is one the purpose accepts. */
export function isAllowedType(purpose: FilePurpose, contentType: string): boolean {
  return allowedTypes(purpose).some((type) => type === contentType);
}

/** Server-made keys: the residence's (or for avatars the user's) prefix and the file's id. */
export function storageKeyFor(file: {
  id: string;
  residenceId: string | null;
  ownerId: string | null;
}): string {
  return file.residenceId ? `r/${file.residenceId}/${file.id}` : `u/${file.ownerId}/${file.id}`;
}
/** Where a presigned upload lands before it is checked. */
export const incomingKey = (fileId: string) => `incoming/${fileId}`;

/**
 * A client's file name, kept only for Content-Disposition. Names that try to be paths are refused
 * outright (`../../etc/passwd`, `C:\\x`), control characters too; the rest is kept as given, trimmed.
 */
export function checkFilename(field: string, name: string | undefined): string | null {
  if (name === undefined || name === "") return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[/\\]|\.\.|[\u0000-\u001f\u007f]/.test(name) || name.length > 255) {
    throw invalidField(field, "must be a plain file name, without path separators or '..'");
  }
  return (
    name
      .normalize("NFC")
      .replace(/["*:<>?|;]/g, "_")
      .trim()
      .slice(0, 150) || null
  );
}

export function downloadName(file: FileRow, variant: "original" | "thumbnail"): string {
  const ext = EXTENSIONS[file.contentType as StoredType] ?? "bin";
  const base =
    file.originalName?.replace(/\.[A-Za-z0-9]{1,5}$/, "") || `${file.purpose.replace("_", "-")}-${file.id}`;
  return variant === "thumbnail" ? `${base}-thumbnail.webp` : `${base}.${ext}`;
}

/** Bytes used by a residence, counting uploads in progress at their announced size. */
export async function residenceUsage(
  db: Queryable,
  residenceId: string,
  excludeFileId?: string,
): Promise<number> {
  const [row] = await db
    .select({ used: sql<string>`coalesce(sum(${files.sizeBytes}), 0)` })
    .from(files)
    .where(and(eq(files.residenceId, residenceId), ...(excludeFileId ? [ne(files.id, excludeFileId)] : [])));
  return Number(row?.used ?? 0);
}

export function quotaExceeded(used: number, adding: number, quota: number) {
  return new HttpProblem({
    status: 413,
    type: "storage-quota-exceeded",
    title: "Storage quota exceeded",
    detail: `This residence stores ${used} of ${quota} bytes; ${adding} more do not fit`,
    extensions: { usedBytes: used, quotaBytes: quota },
  });
}

export function tooLarge(maxBytes: number) {
  return new HttpProblem({
    status: 413,
    type: "file-too-large",
    title: "File too large",
    detail: `Files may be at most ${maxBytes} bytes`,
    extensions: { maxBytes },
  });
}

export function unsupportedType(purpose: FilePurpose, found: string | undefined) {
  return new HttpProblem({
    status: 415,
    type: "unsupported-file-type",
    title: "Unsupported file type",
    detail: `${found ? `This file is ${found}; ` : "This file's type is not recognised; "}a ${purpose.replace("_", " ")} must be ${allowedTypes(purpose).join(", ")}`,
    extensions: { accepted: allowedTypes(purpose) },
  });
}

/**
 * Whether `userId` may read a file: members of its residence; for avatars the user and anyone sharing a
 * residence with them. Uploads still in progress are nobody's to read.
 */
export async function canReadFile(db: Queryable, file: FileRow, userId: string): Promise<boolean> {
  if (file.status === "pending") return false;
  if (file.residenceId) {
    const [m] = await db
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.residenceId, file.residenceId), eq(memberships.userId, userId)))
      .limit(1);
    return m !== undefined;
  }
  if (!file.ownerId) return false;
  if (file.ownerId === userId) return true;
  if (file.status !== "attached") return false;
  const shared = await queryRows<{ one: number }>(
    db,
    sql`
    SELECT 1 AS one FROM memberships a JOIN memberships b ON b.residence_id = a.residence_id
    WHERE a.user_id = ${userId} AND b.user_id = ${file.ownerId} LIMIT 1`,
  );
  return shared.length > 0;
}

/**
 * Marks an upload as attached, inside the caller's transaction. The upload must be finished, made for
 * this purpose, belong to this residence (avatars: to this user) and not be attached elsewhere; a file of
 * another household is "not found".
 */
export async function attachFile(
  tx: Queryable,
  input: { fileId: string; userId: string; residenceId: string | null; purpose: FilePurpose; field?: string },
): Promise<FileRow> {
  const field = input.field ?? "body.fileId";
  const [file] = await tx.select().from(files).where(eq(files.id, input.fileId)).for("update").limit(1);
  const visible =
    file &&
    (input.residenceId === null
      ? file.residenceId === null && file.ownerId === input.userId
      : file.residenceId === input.residenceId);
  // Another household's file (or another user's avatar) is refused exactly like a file that does not exist.
  if (!file || !visible)
    throw invalidField(
      field,
      input.residenceId ? "must be an upload of this residence" : "must be one of your uploads",
    );
  if (file.purpose !== input.purpose) {
    throw invalidField(
      field,
      `this file was uploaded as a ${file.purpose.replace("_", " ")}, not a ${input.purpose.replace("_", " ")}`,
    );
  }
  if (file.status === "pending") throw conflict("This upload has not been completed yet");
  if (file.status === "attached") throw conflict("This file is already attached");
  const [attached] = await tx
    .update(files)
    .set({ status: "attached", attachedAt: new Date() })
    .where(eq(files.id, file.id))
    .returning();
  return attached!;
}

/** Sets (or with null removes) a document's file. The replaced file is deleted by the database. */
export async function setDocumentFile(
  tx: Queryable,
  input: { documentId: string; residenceId: string; userId: string; fileId: string | null },
): Promise<void> {
  const [doc] = await tx
    .select({ fileId: documents.fileId })
    .from(documents)
    .where(and(eq(documents.id, input.documentId), eq(documents.residenceId, input.residenceId)))
    .for("update")
    .limit(1);
  if (!doc) throw notFound("Document");
  if (doc.fileId === input.fileId) return;
  if (input.fileId)
    await attachFile(tx, {
      fileId: input.fileId,
      userId: input.userId,
      residenceId: input.residenceId,
      purpose: "document",
    });
  await tx
    .update(documents)
    .set({ fileId: input.fileId, updatedAt: new Date() })
    .where(eq(documents.id, input.documentId));
}

/** Sets (or removes) a residence's photo. */
export async function setResidencePhoto(
  tx: Queryable,
  input: { residenceId: string; userId: string; fileId: string | null; field?: string },
): Promise<void> {
  const [res] = await tx
    .select({ photoFileId: residences.photoFileId })
    .from(residences)
    .where(eq(residences.id, input.residenceId))
    .for("update")
    .limit(1);
  if (!res) throw notFound("Residence");
  if (res.photoFileId === input.fileId) return;
  if (input.fileId)
    await attachFile(tx, {
      fileId: input.fileId,
      userId: input.userId,
      residenceId: input.residenceId,
      purpose: "residence_photo",
      ...(input.field ? { field: input.field } : {}),
    });
  await tx
    .update(residences)
    .set({ photoFileId: input.fileId, updatedAt: new Date() })
    .where(eq(residences.id, input.residenceId));
}

/** Sets (or removes) the user's avatar. */
export async function setAvatar(
  tx: Queryable,
  input: { userId: string; fileId: string | null },
): Promise<void> {
  const [user] = await tx
    .select({ avatarFileId: users.avatarFileId })
    .from(users)
    .where(eq(users.id, input.userId))
    .for("update")
    .limit(1);
  if (!user) throw notFound("User");
  if (user.avatarFileId === input.fileId) return;
  if (input.fileId)
    await attachFile(tx, {
      fileId: input.fileId,
      userId: input.userId,
      residenceId: null,
      purpose: "avatar",
    });
  await tx
    .update(users)
    .set({ avatarFileId: input.fileId, updatedAt: new Date() })
    .where(eq(users.id, input.userId));
}

export const MAX_PHOTOS_PER_COMPLETION = 20;

/**
 * Makes a completion's photos exactly `fileIds`, in that order: new ones are attached, ones left out are
 * deleted (by the database, with their stored objects). Use it from "complete" and from PATCH.
 */
export async function setCompletionPhotos(
  tx: Queryable,
  input: { completionId: string; residenceId: string; userId: string; fileIds: string[] },
): Promise<void> {
  const unique = [...new Set(input.fileIds)];
  if (unique.length > MAX_PHOTOS_PER_COMPLETION)
    throw invalidField("body.photoIds", `at most ${MAX_PHOTOS_PER_COMPLETION} photos per completion`);
  const [completion] = await tx
    .select({ id: completions.id })
    .from(completions)
    .where(and(eq(completions.id, input.completionId), eq(completions.residenceId, input.residenceId)))
    .for("update")
    .limit(1);
  if (!completion) throw notFound("Completion");
  const current = await tx
    .select({ fileId: completionPhotos.fileId })
    .from(completionPhotos)
    .where(eq(completionPhotos.completionId, input.completionId));
  const have = new Set(current.map((r) => r.fileId));
  const removed = [...have].filter((id) => !unique.includes(id));
  if (removed.length)
    await tx
      .delete(completionPhotos)
      .where(
        and(eq(completionPhotos.completionId, input.completionId), inArray(completionPhotos.fileId, removed)),
      );
  for (const [position, fileId] of unique.entries()) {
    if (have.has(fileId)) {
      await tx
        .update(completionPhotos)
        .set({ position })
        .where(
          and(eq(completionPhotos.completionId, input.completionId), eq(completionPhotos.fileId, fileId)),
        );
      continue;
    }
    await attachFile(tx, {
      fileId,
      userId: input.userId,
      residenceId: input.residenceId,
      purpose: "completion_photo",
      field: "body.photoIds",
    });
    await tx.insert(completionPhotos).values({ completionId: input.completionId, fileId, position });
  }
}

/** The photo ids of completions, in order, keyed by completion id. */
export async function completionPhotoIds(
  db: Queryable,
  completionIds: string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (completionIds.length === 0) return out;
  const rows = await db
    .select({ completionId: completionPhotos.completionId, fileId: completionPhotos.fileId })
    .from(completionPhotos)
    .where(inArray(completionPhotos.completionId, completionIds))
    .orderBy(completionPhotos.completionId, completionPhotos.position);
  for (const row of rows) {
    const list = out.get(row.completionId) ?? [];
    list.push(row.fileId);
    out.set(row.completionId, list);
  }
  return out;
}
