import { date, integer, jsonb, pgTable, primaryKey, smallint, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz, users } from "./accounts.ts";
import { documents, residences } from "./households.ts";

export const DEVICE_PLATFORMS = ["ios", "android"] as const;
export type DevicePlatform = (typeof DEVICE_PLATFORMS)[number];

export const devices = pgTable("devices", {
  id: id(),
  userId: uuid()
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  platform: text({ enum: DEVICE_PLATFORMS }).notNull(),
  token: text().notNull().unique(),
  name: text(),
  createdAt: createdAt(),
  updatedAt: createdAt(),
});

export const pushDeliveries = pgTable("push_deliveries", {
  id: id(),
  jobId: text().notNull(),
  deviceId: uuid().notNull(),
  userId: uuid().references(() => users.id, { onDelete: "set null" }),
  platform: text().notNull(),
  kind: text().notNull(),
  status: text({ enum: ["sending", "sent", "failed", "gone"] }).notNull(),
  error: text(),
  createdAt: createdAt(),
  sentAt: timestamptz(),
});

export const notifications = pgTable("notifications", {
  id: id(),
  userId: uuid()
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  kind: text().notNull(),
  title: text().notNull(),
  body: text().notNull().default(""),
  residenceId: uuid().references(() => residences.id, { onDelete: "cascade" }),
  subjectType: text(),
  subjectId: uuid(),
  data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  dedupeKey: text(),
  readAt: timestamptz(),
  createdAt: createdAt(),
});

export const digestRuns = pgTable(
  "digest_runs",
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    localDate: date({ mode: "string" }).notNull(),
    outboxId: uuid(),
    taskCount: integer().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.localDate] })],
);

export const warrantyReminders = pgTable(
  "warranty_reminders",
  {
    documentId: uuid()
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    daysBefore: smallint().notNull(),
    expiresOn: date({ mode: "string" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.daysBefore, t.expiresOn] })],
);
