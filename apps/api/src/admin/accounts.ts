import { randomBytes } from "node:crypto";
import { type AdminRole, adminUsers, type Queryable } from "@honeydue/db";
import { sql } from "drizzle-orm";
import Type from "typebox";
import { hashPassword } from "../accounts/passwords.ts";
import { Email, Nullable, Timestamp, Uuid } from "../http/schemas.ts";

export const AdminRoleSchema = Type.Enum(["superadmin", "support"], {
  description: "superadmin: everything; support: everything but deleting, disabling and managing admins",
});

/** An admin account as every admin route shows it. */
export const Admin = Type.Object({
  id: Uuid,
  email: Email,
  name: Type.String(),
  role: AdminRoleSchema,
  totpEnabled: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
  disabledAt: Nullable(Timestamp),
  lastSignInAt: Nullable(Timestamp),
  createdAt: Timestamp,
});

export function toAdmin(row: typeof adminUsers.$inferSelect) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    totpEnabled: row.totpEnabledAt !== null,
    mustChangePassword: row.mustChangePassword,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A one-time password for a new or reset admin account: 120 random bits, shown once, changed at sign-in. */
export function oneTimePassword(): string {
  return randomBytes(15).toString("base64url");
}

/**
 * Creates an admin account. With `password` (the CLI asks for one on the terminal) the admin keeps it;
 * without, a one-time password is made and returned, and must be changed at the first sign-in.
 */
export async function createAdminAccount(
  db: Queryable,
  input: { email: string; name: string; role: AdminRole; password?: string },
) {
  const password = input.password ?? oneTimePassword();
  const [row] = await db
    .insert(adminUsers)
    .values({
      email: input.email.trim(),
      name: input.name.trim(),
      role: input.role,
      passwordHash: await hashPassword(password),
      mustChangePassword: input.password === undefined,
    })
    .returning();
  return { admin: row!, oneTimePassword: input.password === undefined ? password : undefined };
}

export async function countAdmins(db: Queryable): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(adminUsers);
  return row?.n ?? 0;
}

export const FIRST_ADMIN_EMAIL = "admin@honeydue.local";

/**
 * With ADMIN_BOOTSTRAP (npm start) and no admin account yet: creates the first superadmin with a one-time
 * password and returns it, to be printed once. Undefined when an admin exists (or another process made
 * the first one at the same moment).
 */
export async function bootstrapFirstAdmin(
  db: Queryable,
): Promise<{ email: string; password: string } | undefined> {
  if ((await countAdmins(db)) > 0) return undefined;
  try {
    const { oneTimePassword } = await createAdminAccount(db, {
      email: FIRST_ADMIN_EMAIL,
      name: "First admin",
      role: "superadmin",
    });
    return { email: FIRST_ADMIN_EMAIL, password: oneTimePassword! };
  } catch (error) {
    if ((error as { cause?: { code?: string }; code?: string }).cause?.code === "23505") return undefined;
    throw error;
  }
}
