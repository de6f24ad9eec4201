import { bigint, integer, pgTable, primaryKey, smallint, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz, users } from "./accounts.ts";
import { completions, residences } from "./households.ts";

export const FILE_PURPOSES = [
  "completion_photo",
  "document",
  "residence_photo",
  "avatar",
  "appliance_photo",
] as const;
export const FILE_STATUSES = ["pending", "uploaded", "attached"] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];
export type FileStatus = (typeof FILE_STATUSES)[number];

/**
 * Stored files (migration 0060). Deleting a row, or what it is attached to, enqueues the deletion of its
 * objects through the outbox (database triggers), so no code path can forget them.
 */
export const files = pgTable("files", {
  id: id(),
  residenceId: uuid().references(() => residences.id, { onDelete: "cascade" }),
  ownerId: uuid().references(() => users.id, { onDelete: "set null" }),
  purpose: text({ enum: FILE_PURPOSES }).notNull(),
  storageKey: text().notNull().unique(),
  thumbnailKey: text(),
  contentType: text().notNull(),
  sizeBytes: bigint({ mode: "number" }).notNull(),
  sha256: text(),
  width: integer(),
  height: integer(),
  originalName: text(),
  status: text({ enum: FILE_STATUSES }).notNull().default("pending"),
  createdAt: createdAt(),
  uploadedAt: timestamptz(),
  attachedAt: timestamptz(),
});

export const completionPhotos = pgTable(
  "completion_photos",
  {
    completionId: uuid()
      .notNull()
      .references(() => completions.id, { onDelete: "cascade" }),
    fileId: uuid()
      .notNull()
      .unique()
      .references(() => files.id, { onDelete: "cascade" }),
    position: smallint().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.completionId, t.fileId] })],
);
