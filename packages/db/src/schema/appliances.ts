import { bigint, date, integer, pgTable, primaryKey, smallint, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz, users } from "./accounts.ts";
import { files } from "./files.ts";
import { contractors, documents, residences, tasks } from "./households.ts";

/** Appliance and system kinds (migration 0140 checks the same list). */
export const APPLIANCE_KINDS = [
  "furnace",
  "air_conditioner",
  "heat_pump",
  "water_heater",
  "water_softener",
  "dishwasher",
  "washer",
  "dryer",
  "refrigerator",
  "range",
  "microwave",
  "garage_door_opener",
  "sump_pump",
  "roof",
  "smoke_co_alarm",
  "other",
] as const;
export type ApplianceKind = (typeof APPLIANCE_KINDS)[number];

const localDate = () => date({ mode: "string" });

/** Appliances and systems of a residence (migration 0140). The generated `search` column is left out. */
export const appliances = pgTable("appliances", {
  id: id(),
  residenceId: uuid()
    .notNull()
    .references(() => residences.id, { onDelete: "cascade" }),
  name: text().notNull(),
  kind: text({ enum: APPLIANCE_KINDS }).notNull().default("other"),
  brand: text(),
  model: text(),
  serialNumber: text(),
  purchasedOn: localDate(),
  installedOn: localDate(),
  location: text(),
  photoFileId: uuid().references(() => files.id, { onDelete: "set null" }),
  notes: text(),
  lifespanYears: smallint(),
  replacementCostCents: bigint({ mode: "number" }),
  createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  updatedAt: createdAt(),
});

export const applianceTasks = pgTable(
  "appliance_tasks",
  {
    applianceId: uuid()
      .notNull()
      .references(() => appliances.id, { onDelete: "cascade" }),
    taskId: uuid()
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.applianceId, t.taskId] })],
);

export const applianceDocuments = pgTable(
  "appliance_documents",
  {
    applianceId: uuid()
      .notNull()
      .references(() => appliances.id, { onDelete: "cascade" }),
    documentId: uuid()
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.applianceId, t.documentId] })],
);

export const applianceContractors = pgTable(
  "appliance_contractors",
  {
    applianceId: uuid()
      .notNull()
      .references(() => appliances.id, { onDelete: "cascade" }),
    contractorId: uuid()
      .notNull()
      .references(() => contractors.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.applianceId, t.contractorId] })],
);

/** Which catalog templates (by slug) an appliance kind calls for, in the order they are offered. */
export const applianceKindTemplates = pgTable(
  "appliance_kind_templates",
  {
    kind: text().notNull(),
    templateSlug: text().notNull(),
    position: smallint().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.kind, t.templateSlug] })],
);

/** Recalls raised per appliance: the key makes "once per recall per appliance" a constraint. */
export const applianceRecalls = pgTable(
  "appliance_recalls",
  {
    applianceId: uuid()
      .notNull()
      .references(() => appliances.id, { onDelete: "cascade" }),
    source: text().notNull(),
    recallId: text().notNull(),
    title: text().notNull(),
    remedy: text(),
    url: text(),
    recalledOn: localDate(),
    matchedAt: timestamptz().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.applianceId, t.source, t.recallId] })],
);

/** Recall notices fetched from each source (migration 0141), matched against appliances by every check. */
export const recallNotices = pgTable(
  "recall_notices",
  {
    source: text().notNull(),
    recallId: text().notNull(),
    title: text().notNull(),
    remedy: text(),
    url: text(),
    recalledOn: localDate(),
    publishedAt: timestamptz(),
    firms: text().array().notNull().default([]),
    models: text().array().notNull().default([]),
    text: text().notNull().default(""),
    fetchedAt: timestamptz().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.source, t.recallId] })],
);

/** Each recall source's fetch state: when it last succeeded, how often it has failed since, and why. */
export const recallSources = pgTable("recall_sources", {
  source: text().primaryKey(),
  lastAttemptAt: timestamptz(),
  lastSuccessAt: timestamptz(),
  lastPublishedAt: timestamptz(),
  consecutiveFailures: integer().notNull().default(0),
  lastError: text(),
});
