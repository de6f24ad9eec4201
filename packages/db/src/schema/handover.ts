import { bigint, boolean, date, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { bytea, createdAt, id, timestamptz, users } from "./accounts.ts";
import { files } from "./files.ts";
import { completions, contractors, documents, residences, tasks } from "./households.ts";

/** Contractor hand-off links, hand-overs of a residence, shared home history reports (migrations 0135-0137). */

export const HANDOFF_FILE_KINDS = ["invoice", "photo"] as const;
export type HandoffFileKind = (typeof HANDOFF_FILE_KINDS)[number];
export const HANDOVER_KEEP = ["tasks", "log", "documents", "contractors"] as const;
export type HandoverKeep = (typeof HANDOVER_KEEP)[number];

const userRef = () => uuid().references(() => users.id, { onDelete: "set null" });

export const handoffLinks = pgTable("handoff_links", {
  id: id(),
  residenceId: uuid()
    .notNull()
    .references(() => residences.id, { onDelete: "cascade" }),
  taskId: uuid()
    .notNull()
    .references(() => tasks.id, { onDelete: "cascade" }),
  tokenHash: bytea().notNull().unique(),
  contractorId: uuid().references(() => contractors.id, { onDelete: "set null" }),
  showAddress: boolean().notNull().default(false),
  createdBy: userRef(),
  expiresAt: timestamptz().notNull(),
  revokedAt: timestamptz(),
  submittedAt: timestamptz(),
  contractorName: text(),
  contractorCompany: text(),
  contractorEmail: text(),
  contractorPhone: text(),
  completedOn: date({ mode: "string" }),
  amountCents: bigint({ mode: "number" }),
  note: text(),
  decision: text({ enum: ["accepted", "rejected"] }),
  decidedBy: userRef(),
  decidedAt: timestamptz(),
  rejectReason: text(),
  completionId: uuid().references(() => completions.id, { onDelete: "set null" }),
  invoiceDocumentId: uuid().references(() => documents.id, { onDelete: "set null" }),
  createdAt: createdAt(),
});

export const handoffFiles = pgTable(
  "handoff_files",
  {
    handoffLinkId: uuid()
      .notNull()
      .references(() => handoffLinks.id, { onDelete: "cascade" }),
    fileId: uuid()
      .notNull()
      .unique()
      .references(() => files.id, { onDelete: "cascade" }),
    kind: text({ enum: HANDOFF_FILE_KINDS }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.handoffLinkId, t.fileId] })],
);

export const handovers = pgTable("handovers", {
  id: id(),
  residenceId: uuid()
    .notNull()
    .references(() => residences.id, { onDelete: "cascade" }),
  email: text().notNull(),
  keep: text({ enum: HANDOVER_KEEP }).array().notNull().default([]),
  message: text(),
  createdBy: userRef(),
  expiresAt: timestamptz().notNull(),
  acceptedAt: timestamptz(),
  acceptedBy: userRef(),
  declinedAt: timestamptz(),
  revokedAt: timestamptz(),
  copyResidenceId: uuid().references(() => residences.id, { onDelete: "set null" }),
  createdAt: createdAt(),
});

export const reportLinks = pgTable("report_links", {
  id: id(),
  residenceId: uuid()
    .notNull()
    .references(() => residences.id, { onDelete: "cascade" }),
  tokenHash: bytea().notNull().unique(),
  label: text(),
  createdBy: userRef(),
  expiresAt: timestamptz().notNull(),
  revokedAt: timestamptz(),
  viewCount: integer().notNull().default(0),
  lastViewedAt: timestamptz(),
  createdAt: createdAt(),
});
