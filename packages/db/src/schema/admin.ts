import { bigint, boolean, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { bytea, createdAt, id, timestamptz } from "./accounts.ts";

export const ADMIN_ROLES = ["superadmin", "support"] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export const adminUsers = pgTable("admin_users", {
  id: id(),
  email: text().notNull(),
  name: text().notNull(),
  role: text({ enum: ADMIN_ROLES }).notNull(),
  passwordHash: text().notNull(),
  mustChangePassword: boolean().notNull().default(true),
  totpSecret: text(),
  totpEnabledAt: timestamptz(),
  totpLastStep: bigint({ mode: "number" }),
  disabledAt: timestamptz(),
  lastSignInAt: timestamptz(),
  createdAt: createdAt(),
  updatedAt: createdAt(),
});

export const adminSessions = pgTable("admin_sessions", {
  id: id(),
  adminId: uuid()
    .notNull()
    .references(() => adminUsers.id, { onDelete: "cascade" }),
  tokenHash: bytea().notNull().unique(),
  ip: text(),
  userAgent: text(),
  createdAt: createdAt(),
  lastSeenAt: createdAt(),
  expiresAt: timestamptz().notNull(),
  revokedAt: timestamptz(),
});

export const adminRecoveryCodes = pgTable("admin_recovery_codes", {
  id: id(),
  adminId: uuid()
    .notNull()
    .references(() => adminUsers.id, { onDelete: "cascade" }),
  codeHash: bytea().notNull().unique(),
  usedAt: timestamptz(),
  createdAt: createdAt(),
});

export const adminAuditLog = pgTable("admin_audit_log", {
  id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  at: createdAt(),
  adminId: uuid().references(() => adminUsers.id, { onDelete: "set null" }),
  adminEmail: text().notNull(),
  action: text().notNull(),
  targetType: text(),
  targetId: text(),
  targetLabel: text(),
  detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  ip: text(),
  requestId: text(),
});
