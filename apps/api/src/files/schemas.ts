import Type from "typebox";
import { Nullable, Timestamp, Uuid } from "../http/schemas.ts";

export const FilePurposeSchema = Type.Union(
  [
    Type.Literal("completion_photo"),
    Type.Literal("document"),
    Type.Literal("residence_photo"),
    Type.Literal("avatar"),
    Type.Literal("appliance_photo"),
  ],
  { description: "What the file is for: it decides the accepted types and who may read it" },
);

export const FileSchema = Type.Object(
  {
    id: Uuid,
    residenceId: Nullable(Uuid),
    purpose: FilePurposeSchema,
    status: Type.Union([Type.Literal("pending"), Type.Literal("uploaded"), Type.Literal("attached")]),
    contentType: Type.String({ description: "Detected from the file's bytes" }),
    sizeBytes: Type.Integer(),
    width: Nullable(Type.Integer()),
    height: Nullable(Type.Integer()),
    filename: Nullable(Type.String()),
    hasThumbnail: Type.Boolean(),
    url: Type.String({ description: "GET it (with the bearer token) to download" }),
    thumbnailUrl: Nullable(Type.String()),
    createdAt: Timestamp,
  },
  { description: "A stored file. Download it from `url` with the bearer token." },
);

export const FileParams = Type.Object({ fileId: Uuid });

export const DownloadQuery = Type.Object({
  variant: Type.Union([Type.Literal("original"), Type.Literal("thumbnail")], { default: "original" }),
});

export const AttachFileBody = Type.Object({ fileId: Nullable(Uuid) }, { additionalProperties: false });
export const CompletionPhotosBody = Type.Object(
  { photoIds: Type.Array(Uuid, { maxItems: 20 }) },
  { additionalProperties: false },
);
