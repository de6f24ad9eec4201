import type { Readable } from "node:stream";
import { completions, type Database, documents, files } from "@honeydue/db";
import { contentDisposition, ObjectNotFoundError, type Storage } from "@honeydue/storage";
import { eq, inArray } from "drizzle-orm";
import Type from "typebox";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { notFound } from "../http/problem.ts";
import { binaryDownload, problems } from "../http/responses.ts";
import { NoContent, Nullable, Uuid } from "../http/schemas.ts";
import { requireMembership } from "../residences/access.ts";
import { recordActivity } from "../residences/activity.ts";
import { fileView } from "./presenter.ts";
import { AttachFileBody, CompletionPhotosBody, DownloadQuery, FileParams, FileSchema } from "./schemas.ts";
import {
  canReadFile,
  completionPhotoIds,
  downloadName,
  type FileRow,
  setAvatar,
  setCompletionPhotos,
  setDocumentFile,
  setResidencePhoto,
} from "./service.ts";

const tags = ["files"];
/** Lifetime of the signed URL a download redirects to. */
const DOWNLOAD_URL_TTL_SECONDS = 5 * 60;

/**
 * Downloads (members only; everyone else gets 404), the avatar, and attaching uploads by id to documents,
 * residences and completions.
 */
export function registerFileRoutes(
  app: App,
  deps: { db: Database; storage: Storage; auth: AuthGuard; notifyOutbox: () => void },
) {
  const { db, storage, auth } = deps;

  async function loadFile(fileId: string): Promise<FileRow | undefined> {
    const [row] = await db.select().from(files).where(eq(files.id, fileId)).limit(1);
    return row;
  }

  app.get(
    "/v1/files/:fileId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Download a file",
        description:
          "For the members of the file's residence (avatars: the user and the members of a residence they share). " +
          "With S3 storage the answer is a 302 to a signed URL valid for 5 minutes; with local storage the file " +
          "itself, as an attachment. `?variant=thumbnail` gives the 512 px WebP thumbnail of a photo once made.",
        params: FileParams,
        querystring: DownloadQuery,
        response: {
          200: binaryDownload("The file's bytes"),
          302: NoContent,
          ...problems(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const { userId } = principal(request);
      const file = await loadFile(request.params.fileId);
      if (!file || !(await canReadFile(db, file, userId))) throw notFound("File");
      const variant = request.query.variant;
      const key = variant === "thumbnail" ? file.thumbnailKey : file.storageKey;
      if (!key) throw notFound("Thumbnail");
      const contentType = variant === "thumbnail" ? "image/webp" : file.contentType;
      const filename = downloadName(file, variant);
      reply.header("cache-control", "private, no-store");
      if (storage.kind === "s3") {
        const url = await storage.signedGetUrl(key, {
          expiresIn: DOWNLOAD_URL_TTL_SECONDS,
          filename,
          contentType,
        });
        return reply.redirect(url, 302);
      }
      let stream: Readable;
      try {
        stream = await storage.get(key);
      } catch (error) {
        if (error instanceof ObjectNotFoundError) throw notFound("File");
        throw error;
      }
      if (variant === "original") reply.header("content-length", String(file.sizeBytes));
      // A stored file never changes (a new upload is a new id): its id and variant are a strong validator.
      reply.header("etag", `"${file.id}.${variant}"`);
      return reply
        .header("content-type", contentType)
        .header("content-disposition", contentDisposition(filename))
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .send(stream);
    },
  );

  app.get(
    "/v1/files/:fileId/info",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "A file's details (type, size, dimensions, thumbnail)",
        params: FileParams,
        response: { 200: FileSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const file = await loadFile(request.params.fileId);
      if (!file || !(await canReadFile(db, file, principal(request).userId))) throw notFound("File");
      return fileView(file);
    },
  );

  app.put(
    "/v1/me/avatar",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Set my avatar",
        description:
          "`fileId` of an upload with purpose `avatar`; null removes the avatar. The previous one is deleted.",
        body: AttachFileBody,
        response: { 200: Type.Object({ avatar: Nullable(FileSchema) }), ...problems(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const { userId } = principal(request);
      const fileId = request.body.fileId;
      await db.transaction((tx) => setAvatar(tx, { userId, fileId }));
      deps.notifyOutbox();
      const file = fileId ? await loadFile(fileId) : undefined;
      return { avatar: file ? fileView(file) : null };
    },
  );

  app.delete(
    "/v1/me/avatar",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Remove my avatar",
        response: { 204: NoContent, ...problems(401) },
      },
    },
    async (request, reply) => {
      const { userId } = principal(request);
      await db.transaction((tx) => setAvatar(tx, { userId, fileId: null }));
      deps.notifyOutbox();
      return reply.status(204).send(null);
    },
  );

  app.put(
    "/v1/documents/:documentId/file",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Attach a file to a document",
        description:
          "`fileId` of an upload with purpose `document` in the same residence; null removes the file. A replaced file is deleted.",
        params: Type.Object({ documentId: Uuid }),
        body: AttachFileBody,
        response: {
          200: Type.Object({ documentId: Uuid, file: Nullable(FileSchema) }),
          ...problems(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const { userId } = principal(request);
      const { documentId } = request.params;
      const [doc] = await db
        .select({ residenceId: documents.residenceId })
        .from(documents)
        .where(eq(documents.id, documentId))
        .limit(1);
      if (!doc) throw notFound("Document");
      await requireMembership(db, doc.residenceId, userId, "member");
      const fileId = request.body.fileId;
      await db.transaction(async (tx) => {
        await setDocumentFile(tx, { documentId, residenceId: doc.residenceId, userId, fileId });
        await recordActivity(tx, {
          residenceId: doc.residenceId,
          actorId: userId,
          action: fileId ? "document.file_attached" : "document.file_removed",
          subjectType: "document",
          subjectId: documentId,
        });
      });
      deps.notifyOutbox();
      const file = fileId ? await loadFile(fileId) : undefined;
      return { documentId, file: file ? fileView(file) : null };
    },
  );

  app.put(
    "/v1/residences/:residenceId/photo",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Set a residence's photo (owners)",
        description:
          "`fileId` of an upload with purpose `residence_photo`; null removes the photo. The previous one is deleted.",
        params: Type.Object({ residenceId: Uuid }),
        body: AttachFileBody,
        response: {
          200: Type.Object({ residenceId: Uuid, photo: Nullable(FileSchema) }),
          ...problems(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const { userId } = principal(request);
      const { residenceId } = request.params;
      await requireMembership(db, residenceId, userId, "owner");
      const fileId = request.body.fileId;
      await db.transaction(async (tx) => {
        await setResidencePhoto(tx, { residenceId, userId, fileId });
        await recordActivity(tx, {
          residenceId,
          actorId: userId,
          action: "residence.photo_changed",
          subjectType: "residence",
          subjectId: residenceId,
        });
      });
      deps.notifyOutbox();
      const file = fileId ? await loadFile(fileId) : undefined;
      return { residenceId, photo: file ? fileView(file) : null };
    },
  );

  async function completionResidence(completionId: string, userId: string, atLeast: "viewer" | "member") {
    const [row] = await db
      .select({ residenceId: completions.residenceId })
      .from(completions)
      .where(eq(completions.id, completionId))
      .limit(1);
    if (!row) throw notFound("Completion");
    await requireMembership(db, row.residenceId, userId, atLeast);
    return row.residenceId;
  }

  async function photosOf(completionId: string) {
    const ids = (await completionPhotoIds(db, [completionId])).get(completionId) ?? [];
    if (ids.length === 0) return [];
    const rows = await db.select().from(files).where(inArray(files.id, ids));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => (byId.has(id) ? [fileView(byId.get(id)!)] : []));
  }

  const PhotosResponse = Type.Object({ completionId: Uuid, photos: Type.Array(FileSchema) });

  app.get(
    "/v1/completions/:completionId/photos",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "The photos of a completion",
        params: Type.Object({ completionId: Uuid }),
        response: { 200: PhotosResponse, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const { completionId } = request.params;
      await completionResidence(completionId, principal(request).userId, "viewer");
      return { completionId, photos: await photosOf(completionId) };
    },
  );

  app.put(
    "/v1/completions/:completionId/photos",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Set the photos of a completion",
        description:
          "`photoIds`: uploads with purpose `completion_photo`, in order. Photos left out are deleted; new ones are attached.",
        params: Type.Object({ completionId: Uuid }),
        body: CompletionPhotosBody,
        response: { 200: PhotosResponse, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { userId } = principal(request);
      const { completionId } = request.params;
      const residenceId = await completionResidence(completionId, userId, "member");
      await db.transaction((tx) =>
        setCompletionPhotos(tx, { completionId, residenceId, userId, fileIds: request.body.photoIds }),
      );
      deps.notifyOutbox();
      return { completionId, photos: await photosOf(completionId) };
    },
  );
}
