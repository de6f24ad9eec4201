import { join } from "node:path";
import { type Readable, Stream } from "node:stream";
import multipart from "@fastify/multipart";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { PurposeKeys } from "@honeydue/config";
import { FILE_PURPOSES, type FilePurpose, files } from "@honeydue/db";
import { contentDisposition, ObjectNotFoundError, verifyGrant } from "@honeydue/storage";
import { and, eq } from "drizzle-orm";
import Type from "typebox";
import { fileView } from "../files/presenter.ts";
import { FilePurposeSchema, FileSchema } from "../files/schemas.ts";
import {
  checkFilename,
  incomingKey,
  isAllowedType,
  quotaExceeded,
  residenceUsage,
  tooLarge,
  unsupportedType,
} from "../files/service.ts";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { acceptRawStreams, malformedMultipart, RAW_BODY, unsupportedMediaType } from "../http/bodies.ts";
import { HttpProblem, invalidField, notFound } from "../http/problem.ts";
import { binaryDownload, problems } from "../http/responses.ts";
import { Timestamp, Uuid } from "../http/schemas.ts";
import { requireMembership } from "../residences/access.ts";
import {
  acceptFile,
  byteLimit,
  createPendingFile,
  discard,
  spool,
  type UploadDeps,
  withScratch,
} from "./ingest.ts";

const tags = ["files"];
/** How long a presigned upload URL stays valid. */
const PRESIGN_TTL_SECONDS = 15 * 60;

const StoredContentType = Type.Union([
  Type.Literal("image/jpeg"),
  Type.Literal("image/png"),
  Type.Literal("image/webp"),
  Type.Literal("image/heic"),
  Type.Literal("application/pdf"),
]);

const PresignBody = Type.Object(
  {
    purpose: FilePurposeSchema,
    contentType: StoredContentType,
    size: Type.Integer({ minimum: 1, description: "Exact size in bytes of the file to upload" }),
    residenceId: Type.Optional(Uuid),
    filename: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  },
  { additionalProperties: false },
);

const PresignResponse = Type.Object({
  uploadId: Uuid,
  url: Type.String(),
  method: Type.Literal("PUT"),
  headers: Type.Record(Type.String(), Type.String(), {
    description: "Send these headers with the PUT, and exactly `size` bytes",
  }),
  expiresAt: Timestamp,
});

/**
 * Uploads: multipart (streamed through the API) and presigned (straight to storage, then completed).
 * Either way the file is judged by its bytes before anyone else can see it. With the local driver the
 * presigned URLs point back here (`/v1/storage?token=…`, HMAC-signed with the storage-grant key).
 */
export function registerUploadRoutes(
  app: App,
  deps: UploadDeps & {
    auth: AuthGuard;
    grantKeys: PurposeKeys;
    /**
     * A staging object left behind after its copy was kept (no caller to tell: the upload succeeded):
     * logged rate-limited and counted, background_errors_total{source="upload-staging-delete"}.
     */
    stagingErrors: (error: unknown) => void;
  },
) {
  const { db, storage, limits, auth } = deps;

  /** Who may upload a file for this purpose: members of the residence; avatars are the user's own. */
  async function authorizeTarget(userId: string, purpose: FilePurpose, residenceId: string | undefined) {
    if (purpose === "avatar") {
      if (residenceId) throw invalidField("residenceId", "must be omitted for an avatar");
      return null;
    }
    if (!residenceId) throw invalidField("residenceId", `is required for a ${purpose.replace("_", " ")}`);
    await requireMembership(db, residenceId, userId, purpose === "residence_photo" ? "owner" : "member");
    return residenceId;
  }

  app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(multipart, {
      // Keep the client's file name whole, so a name that tries to be a path is seen and refused.
      preservePath: true,
      limits: {
        fileSize: limits.uploadMaxBytes + 1,
        files: 1,
        fields: 10,
        fieldSize: 1024,
        parts: 12,
        headerPairs: 100,
      },
    });
    // Bodies of presigned local uploads arrive raw: the stream goes to that route (RAW_BODY) untouched,
    // while the other routes here answer 415 for a body they do not parse.
    acceptRawStreams(scope);

    scope.post(
      "/v1/uploads",
      {
        onRequest: auth.required,
        schema: {
          ...bearer,
          tags,
          summary: "Upload a file (multipart)",
          description:
            "multipart/form-data with the fields `purpose` (completion_photo, document, residence_photo, appliance_photo, avatar) " +
            "and `residenceId` (except for avatars) BEFORE the part `file`. The file is streamed, judged by its " +
            "bytes (JPEG, PNG, WebP, HEIC; PDF for documents), limited in size and pixels, and photos are stored " +
            "without their metadata (GPS). Attach it afterwards by its id.",
          consumes: ["multipart/form-data"],
          response: { 201: FileSchema, ...problems(400, 401, 403, 404, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart())
          throw new HttpProblem({
            status: 415,
            detail: "Send the file as multipart/form-data",
            title: "Unsupported media type",
          });
        const { userId } = principal(request);
        const fields: Record<string, string> = {};
        let stored: Awaited<ReturnType<typeof acceptFile>> | undefined;
        try {
          stored = await readUpload(request.parts());
        } catch (error) {
          throw malformedMultipart(error);
        }
        if (!stored) throw invalidField("file", "is required");
        return reply.status(201).send(fileView(stored));

        async function readUpload(parts: ReturnType<typeof request.parts>) {
          for await (const part of parts) {
            if (part.type === "field") {
              if (typeof part.value === "string") fields[part.fieldname] = part.value;
              continue;
            }
            if (part.fieldname !== "file" || stored) {
              part.file.resume();
              throw invalidField(part.fieldname, "only one file, in the part named 'file', is accepted");
            }
            const purpose = fields.purpose as FilePurpose | undefined;
            if (!purpose || !(FILE_PURPOSES as readonly string[]).includes(purpose)) {
              part.file.resume();
              throw invalidField(
                "purpose",
                "must be completion_photo, document, residence_photo, appliance_photo or avatar, sent before the file",
              );
            }
            const residenceId = fields.residenceId || undefined;
            if (
              residenceId !== undefined &&
              !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(residenceId)
            ) {
              part.file.resume();
              throw invalidField("residenceId", "must be a UUID");
            }
            let originalName: string | null;
            try {
              originalName = checkFilename("file.filename", part.filename);
              await authorizeTarget(userId, purpose, residenceId);
            } catch (error) {
              part.file.resume();
              throw error;
            }
            stored = await withScratch(async (dir) => {
              const path = join(dir, "upload");
              await spool(part.file, path, limits.uploadMaxBytes);
              if (part.file.truncated) throw tooLarge(limits.uploadMaxBytes);
              const pending = await createPendingFile(db, {
                purpose,
                residenceId: residenceId ?? null,
                ownerId: userId,
                contentType: "application/octet-stream",
                sizeBytes: 0,
                originalName,
              });
              return acceptFile(deps, pending, path, dir);
            });
          }
          return stored;
        }
      },
    );

    scope.post(
      "/v1/uploads/presign",
      {
        onRequest: auth.required,
        schema: {
          ...bearer,
          tags,
          summary: "Start a direct upload to storage",
          description:
            "Announce the file; PUT exactly `size` bytes to `url` with `headers` before `expiresAt`, then call " +
            "`POST /v1/uploads/{uploadId}/complete`, which checks the stored bytes before accepting them.",
          body: PresignBody,
          response: { 201: PresignResponse, ...problems(400, 401, 403, 404, 413, 415) },
        },
      },
      async (request, reply) => {
        const { userId } = principal(request);
        const body = request.body;
        const originalName = checkFilename("filename", body.filename);
        if (body.size > limits.uploadMaxBytes) throw tooLarge(limits.uploadMaxBytes);
        if (!isAllowedType(body.purpose, body.contentType))
          throw unsupportedType(body.purpose, body.contentType);
        const residenceId = await authorizeTarget(userId, body.purpose, body.residenceId);
        if (residenceId) {
          const used = await residenceUsage(db, residenceId);
          if (used + body.size > limits.residenceQuotaBytes)
            throw quotaExceeded(used, body.size, limits.residenceQuotaBytes);
        }
        const pending = await createPendingFile(db, {
          purpose: body.purpose,
          residenceId,
          ownerId: userId,
          contentType: body.contentType,
          sizeBytes: body.size,
          originalName,
        });
        const put = await storage.presignPut(incomingKey(pending.id), {
          contentType: body.contentType,
          size: body.size,
          expiresIn: PRESIGN_TTL_SECONDS,
        });
        return reply.status(201).send({
          uploadId: pending.id,
          url: put.url,
          method: put.method,
          headers: put.headers,
          expiresAt: put.expiresAt.toISOString(),
        });
      },
    );

    scope.post(
      "/v1/uploads/:uploadId/complete",
      {
        onRequest: auth.required,
        schema: {
          ...bearer,
          tags,
          summary: "Finish a direct upload",
          description:
            "Checks the stored object's real size and type (and cleans photos) before accepting it. Calling it " +
            "again after success returns the same file.",
          params: Type.Object({ uploadId: Uuid }),
          response: { 200: FileSchema, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
        },
      },
      async (request) => {
        const { userId } = principal(request);
        const [pending] = await db
          .select()
          .from(files)
          .where(and(eq(files.id, request.params.uploadId), eq(files.ownerId, userId)))
          .limit(1);
        if (!pending) throw notFound("Upload");
        if (pending.residenceId) await requireMembership(db, pending.residenceId, userId, "viewer");
        if (pending.status !== "pending") return fileView(pending);
        const key = incomingKey(pending.id);
        const head = await storage.head(key);
        if (!head)
          throw new HttpProblem({
            status: 409,
            type: "upload-missing",
            title: "Nothing uploaded yet",
            detail: "PUT the file to the presigned URL first",
          });
        if (head.size > limits.uploadMaxBytes) {
          await discard(deps, pending.id);
          throw tooLarge(limits.uploadMaxBytes);
        }
        if (head.size !== pending.sizeBytes) {
          await discard(deps, pending.id);
          throw new HttpProblem({
            status: 422,
            type: "upload-size-mismatch",
            title: "Upload size mismatch",
            detail: `${head.size} bytes were stored but ${pending.sizeBytes} were announced; start again`,
          });
        }
        const accepted = await withScratch(async (dir) => {
          const path = join(dir, "upload");
          try {
            await spool(await storage.get(key), path, limits.uploadMaxBytes);
          } catch (error) {
            await discard(deps, pending.id);
            throw error;
          }
          return acceptFile(deps, pending, path, dir);
        });
        // The object is copied; a leftover at the upload key is only wasted space, but it is seen.
        await storage.delete(key).catch(deps.stagingErrors);
        return fileView(accepted);
      },
    );

    scope.delete(
      "/v1/uploads/:uploadId",
      {
        onRequest: auth.required,
        schema: {
          ...bearer,
          tags,
          summary: "Discard one of my uploads that is not attached",
          description: "Attached files go away with what they are attached to (or by detaching them there).",
          params: Type.Object({ uploadId: Uuid }),
          response: { 204: Type.Null({ description: "No content" }), ...problems(400, 401, 404, 409) },
        },
      },
      async (request, reply) => {
        const { userId } = principal(request);
        const [upload] = await db
          .select({ status: files.status })
          .from(files)
          .where(and(eq(files.id, request.params.uploadId), eq(files.ownerId, userId)))
          .limit(1);
        if (!upload) throw notFound("Upload");
        if (upload.status === "attached")
          throw new HttpProblem({
            status: 409,
            title: "Conflict",
            detail: "This file is attached; detach it first",
          });
        await discard(deps, request.params.uploadId);
        return reply.status(204).send(null);
      },
    );

    // The local driver's signed URLs (presigned PUT, signed GET). The token is the authorisation.
    const StorageQuery = Type.Object({ token: Type.String({ minLength: 10, maxLength: 4096 }) });
    const invalidUrl = () =>
      new HttpProblem({
        status: 403,
        type: "invalid-signature",
        title: "Forbidden",
        detail: "This URL is invalid or has expired",
      });

    scope.put(
      "/v1/storage",
      {
        config: RAW_BODY,
        schema: {
          tags,
          summary: "Receive a presigned upload (local storage driver)",
          querystring: StorageQuery,
          response: { 200: Type.Object({ ok: Type.Boolean() }), ...problems(400, 403, 404, 413, 415) },
        },
      },
      async (request) => {
        const grant = verifyGrant(deps.grantKeys, request.query.token);
        if (storage.kind !== "local" || !grant || grant.op !== "put" || grant.size === undefined)
          throw invalidUrl();
        const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
        if (type !== grant.type)
          throw new HttpProblem({
            status: 415,
            title: "Unsupported media type",
            detail: `Content-Type must be ${grant.type}`,
          });
        const declared = request.headers["content-length"];
        if (declared !== undefined && Number(declared) !== grant.size)
          throw invalidField("content-length", `must be ${grant.size}`);
        const fileId = grant.key.startsWith("incoming/") ? grant.key.slice("incoming/".length) : "";
        const [row] = await db
          .select({ status: files.status })
          .from(files)
          .where(eq(files.id, fileId))
          .limit(1);
        if (row?.status !== "pending") throw notFound("Upload");
        const limit = byteLimit(grant.size);
        // A content type with a parser of its own (JSON, multipart) never matches a stored type above; a
        // parsed body here is refused all the same rather than piped.
        if (request.body !== undefined && !(request.body instanceof Stream))
          throw unsupportedMediaType(`Content-Type must be ${grant.type}`);
        const body = (request.body as Readable | undefined) ?? request.raw;
        await storage.put(grant.key, body.pipe(limit.transform), { contentType: grant.type });
        if (limit.state.count !== grant.size) {
          await storage.delete(grant.key);
          throw invalidField("body", `must be exactly ${grant.size} bytes`);
        }
        return { ok: true };
      },
    );

    scope.get(
      "/v1/storage",
      {
        schema: {
          tags,
          summary: "Serve a signed download (local storage driver)",
          querystring: StorageQuery,
          response: { 200: binaryDownload("The file"), ...problems(403, 404) },
        },
      },
      async (request, reply) => {
        const grant = verifyGrant(deps.grantKeys, request.query.token);
        if (storage.kind !== "local" || !grant || grant.op !== "get") throw invalidUrl();
        let stream: Readable;
        try {
          stream = await storage.get(grant.key);
        } catch (error) {
          if (error instanceof ObjectNotFoundError) throw notFound("File");
          throw error;
        }
        return reply
          .header("content-type", grant.type ?? "application/octet-stream")
          .header("content-disposition", contentDisposition(grant.name ?? "file"))
          .header("x-content-type-options", "nosniff")
          .header("cache-control", "private, no-store")
          .send(stream);
      },
    );
  });
}
