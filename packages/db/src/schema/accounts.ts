import { sql } from "drizzle-orm";
import {
  boolean,
  customType,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

/** bytea as a Node Buffer (token hashes). */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

const tz = (opts?: { notNull?: boolean }) => {
  const column = timestamp({ withTimezone: true, mode: "date" });
  return opts?.notNull ? column.notNull() : column;
};
export const createdAt = () => timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow();
export const timestamptz = () => tz();
export const id = () => uuid().primaryKey().default(sql`gen_random_uuid()`);

export const users = pgTable("users", {
  id: id(),
  email: text().notNull(),
  name: text().notNull(),
  passwordHash: text().notNull(),
  emailVerifiedAt: timestamptz(),
  timezone: text().notNull().default("UTC"),
  locale: text().notNull().default("en"),
  digestEnabled: boolean().notNull().default(true),
  digestHour: smallint().notNull().default(7),
  pushEnabled: boolean().notNull().default(true),
  dueSoonDays: smallint().notNull().default(7),
  avatarFileId: uuid(),
  disabledAt: timestamptz(),
  passwordChangedAt: createdAt(),
  createdAt: createdAt(),
  updatedAt: createdAt(),
});

export const sessions = pgTable("sessions", {
  id: id(),
  userId: uuid()
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  deviceName: text(),
  userAgent: text(),
  ip: text(),
  createdAt: createdAt(),
  lastUsedAt: createdAt(),
  expiresAt: tz({ notNull: true }),
  revokedAt: timestamptz(),
  revokedReason: text(),
});

export const refreshTokens = pgTable("refresh_tokens", {
  tokenHash: bytea().primaryKey(),
  sessionId: uuid()
    .notNull()
    .references(() => sessions.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
  expiresAt: tz({ notNull: true }),
  usedAt: timestamptz(),
});

export const userTokens = pgTable("user_tokens", {
  id: id(),
  userId: uuid()
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  purpose: text({ enum: ["verify_email", "reset_password"] }).notNull(),
  tokenHash: bytea().notNull().unique(),
  codeHash: bytea(),
  attempts: smallint().notNull().default(0),
  expiresAt: tz({ notNull: true }),
  usedAt: timestamptz(),
  createdAt: createdAt(),
});

export const outbox = pgTable("outbox", {
  id: id(),
  job: text().notNull(),
  payload: jsonb().notNull(),
  traceContext: jsonb().$type<Record<string, string>>(),
  createdAt: createdAt(),
  availableAt: createdAt(),
  attempts: integer().notNull().default(0),
  lockedUntil: timestamptz(),
  publishedAt: timestamptz(),
  processedAt: timestamptz(),
  failedAt: timestamptz(),
  lastError: text(),
  /** When the reconciler last checked this published, unfinished row. */
  checkedAt: timestamptz(),
  /** An operator retried this failed row (the relay replaces the failed BullMQ job of the same id). */
  retriedAt: timestamptz(),
});

export const emailMessages = pgTable("email_messages", {
  id: id(),
  outboxId: uuid().unique(),
  userId: uuid().references(() => users.id, { onDelete: "set null" }),
  toAddress: text().notNull(),
  template: text().notNull(),
  subject: text().notNull(),
  status: text({ enum: ["sending", "sent", "failed", "skipped"] }).notNull(),
  messageId: text(),
  error: text(),
  createdAt: createdAt(),
  sentAt: timestamptz(),
});
