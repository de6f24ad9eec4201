import { PROPERTY_TYPES, TASK_CATEGORIES, TASK_PRIORITIES } from "@honeydue/domain/templates-catalog";
import {
  bigint,
  boolean,
  date,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  uuid,
} from "drizzle-orm/pg-core";
import { bytea, createdAt, id, timestamptz, users } from "./accounts.ts";

// Task categories, priorities and property types are domain vocabulary: defined once in the domain package.
export {
  PROPERTY_TYPES,
  type PropertyType,
  TASK_CATEGORIES,
  TASK_PRIORITIES,
  type TaskCategory,
  type TaskPriority,
} from "@honeydue/domain/templates-catalog";

export const ROLES = ["owner", "member", "viewer"] as const;
export const DOCUMENT_KINDS = [
  "warranty",
  "manual",
  "receipt",
  "insurance",
  "permit",
  "invoice",
  "other",
] as const;

export type Role = (typeof ROLES)[number];
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Dates are calendar dates, kept as YYYY-MM-DD strings end to end. */
const localDate = () => date({ mode: "string" });
const cents = () => bigint({ mode: "number" });
const userRef = () => uuid().references(() => users.id, { onDelete: "set null" });

export const residences = pgTable("residences", {
  id: id(),
  name: text().notNull(),
  addressLine1: text(),
  addressLine2: text(),
  city: text(),
  region: text(),
  postalCode: text(),
  country: text(),
  propertyType: text({ enum: PROPERTY_TYPES }).notNull().default("house"),
  yearBuilt: smallint(),
  floorArea: numeric({ precision: 10, scale: 2 }),
  floorAreaUnit: text({ enum: ["sqft", "sqm"] })
    .notNull()
    .default("sqft"),
  photoFileId: uuid(),
  timezone: text().notNull(),
  currency: text().notNull().default("USD"),
  createdBy: userRef(),
  createdAt: createdAt(),
  updatedAt: createdAt(),
});

export const memberships = pgTable(
  "memberships",
  {
    residenceId: uuid()
      .notNull()
      .references(() => residences.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text({ enum: ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.residenceId, t.userId] })],
);

export const invites = pgTable("invites", {
  id: id(),
  residenceId: uuid()
    .notNull()
    .references(() => residences.id, { onDelete: "cascade" }),
  email: text().notNull(),
  role: text({ enum: ROLES }).notNull(),
  tokenHash: bytea().notNull().unique(),
  invitedBy: userRef(),
  expiresAt: timestamptz().notNull(),
  acceptedAt: timestamptz(),
  acceptedBy: userRef(),
  revokedAt: timestamptz(),
  createdAt: createdAt(),
});

export const shareCodes = pgTable("share_codes", {
  id: id(),
  residenceId: uuid()
    .notNull()
    .references(() => residences.id, { onDelete: "cascade" }),
  code: text().notNull().unique(),
  role: text({ enum: ["member", "viewer"] })
    .notNull()
    .default("member"),
  createdBy: userRef(),
  expiresAt: timestamptz().notNull(),
  revokedAt: timestamptz(),
  createdAt: createdAt(),
});

export const contractors = pgTable("contractors", {
  id: id(),
  residenceId: uuid()
    .notNull()
    .references(() => residences.id, { onDelete: "cascade" }),
  name: text().notNull(),
  company: text(),
  trades: text().array().notNull().default([]),
  phone: text(),
  email: text(),
  website: text(),
  notes: text(),
  rating: smallint(),
  favorite: boolean().notNull().default(false),
  createdBy: userRef(),
  createdAt: createdAt(),
  updatedAt: createdAt(),
});

export const taskTemplates = pgTable("task_templates", {
  id: id(),
  slug: text().notNull().unique(),
  title: text().notNull(),
  howTo: text().notNull().default(""),
  category: text({ enum: TASK_CATEGORIES }).notNull(),
  priority: text({ enum: TASK_PRIORITIES }).notNull().default("normal"),
  recurrence: jsonb(),
  propertyTypes: text({ enum: PROPERTY_TYPES }).array().notNull().default([]),
  starter: boolean().notNull().default(false),
  retiredAt: timestamptz(),
  createdAt: createdAt(),
  updatedAt: createdAt(),
});

export const tasks = pgTable("tasks", {
  id: id(),
  residenceId: uuid()
    .notNull()
    .references(() => residences.id, { onDelete: "cascade" }),
  title: text().notNull(),
  notes: text(),
  category: text({ enum: TASK_CATEGORIES }).notNull().default("other"),
  priority: text({ enum: TASK_PRIORITIES }).notNull().default("normal"),
  assigneeId: userRef(),
  dueOn: localDate(),
  scheduledOn: localDate(),
  anchorOn: localDate(),
  recurrence: jsonb(),
  estimatedCostCents: cents(),
  contractorId: uuid().references(() => contractors.id, { onDelete: "set null" }),
  templateId: uuid().references(() => taskTemplates.id, { onDelete: "set null" }),
  /** Usage schedules (migration 0161): the meter total when the current period started. */
  usageSinceTotal: numeric({ precision: 16, scale: 2, mode: "number" }),
  /** Usage schedules: the basis of due_on as last projected (UsageProjection). */
  usageProjection: jsonb(),
  completedAt: timestamptz(),
  archivedAt: timestamptz(),
  createdBy: userRef(),
  createdAt: createdAt(),
  updatedAt: createdAt(),
});

export const completions = pgTable("completions", {
  id: id(),
  taskId: uuid()
    .notNull()
    .references(() => tasks.id, { onDelete: "cascade" }),
  residenceId: uuid()
    .notNull()
    .references(() => residences.id, { onDelete: "cascade" }),
  completedBy: userRef(),
  completedOn: localDate().notNull(),
  dueOn: localDate(),
  notes: text(),
  costCents: cents(),
  contractorId: uuid().references(() => contractors.id, { onDelete: "set null" }),
  previousTaskState: jsonb().notNull(),
  createdAt: createdAt(),
});

export const documents = pgTable("documents", {
  id: id(),
  residenceId: uuid()
    .notNull()
    .references(() => residences.id, { onDelete: "cascade" }),
  title: text().notNull(),
  kind: text({ enum: DOCUMENT_KINDS }).notNull().default("other"),
  fileId: uuid(),
  purchaseOn: localDate(),
  expiresOn: localDate(),
  amountCents: cents(),
  notes: text(),
  taskId: uuid().references(() => tasks.id, { onDelete: "set null" }),
  contractorId: uuid().references(() => contractors.id, { onDelete: "set null" }),
  createdBy: userRef(),
  createdAt: createdAt(),
  updatedAt: createdAt(),
});

export const activity = pgTable("activity", {
  id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  residenceId: uuid()
    .notNull()
    .references(() => residences.id, { onDelete: "cascade" }),
  actorId: userRef(),
  action: text().notNull(),
  subjectType: text().notNull(),
  subjectId: uuid(),
  data: jsonb().notNull().default({}),
  createdAt: createdAt(),
});

export const calendarFeeds = pgTable("calendar_feeds", {
  id: id(),
  userId: uuid()
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  tokenHash: bytea().notNull().unique(),
  createdAt: createdAt(),
  revokedAt: timestamptz(),
});
