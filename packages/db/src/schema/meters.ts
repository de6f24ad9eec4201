import { METER_UNITS, READING_KINDS } from "@honeydue/domain/usage";
import { date, numeric, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, users } from "./accounts.ts";
import { appliances } from "./appliances.ts";
import { completions, contractors, documents, residences } from "./households.ts";

/** Meters and their readings, for usage-based schedules (migration 0161, decision record 0015). */

export { METER_UNITS, type MeterUnit, READING_KINDS, type ReadingKind } from "@honeydue/domain/usage";

const userRef = () => uuid().references(() => users.id, { onDelete: "set null" });

export const meters = pgTable("meters", {
  id: id(),
  residenceId: uuid()
    .notNull()
    .references(() => residences.id, { onDelete: "cascade" }),
  name: text().notNull(),
  unit: text({ enum: METER_UNITS }).notNull(),
  applianceId: uuid().references(() => appliances.id, { onDelete: "set null" }),
  contractorId: uuid().references(() => contractors.id, { onDelete: "set null" }),
  documentId: uuid().references(() => documents.id, { onDelete: "set null" }),
  createdBy: userRef(),
  createdAt: createdAt(),
  updatedAt: createdAt(),
});

export const meterReadings = pgTable("meter_readings", {
  id: id(),
  meterId: uuid()
    .notNull()
    .references(() => meters.id, { onDelete: "cascade" }),
  residenceId: uuid()
    .notNull()
    .references(() => residences.id, { onDelete: "cascade" }),
  readOn: date({ mode: "string" }).notNull(),
  value: numeric({ precision: 14, scale: 2, mode: "number" }).notNull(),
  total: numeric({ precision: 16, scale: 2, mode: "number" }).notNull(),
  kind: text({ enum: READING_KINDS }).notNull().default("reading"),
  note: text(),
  completionId: uuid().references(() => completions.id, { onDelete: "set null" }),
  recordedBy: userRef(),
  createdAt: createdAt(),
});
