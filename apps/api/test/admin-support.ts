import { randomUUID } from "node:crypto";
import { type AdminRole, adminUsers } from "@honeydue/db";
import { eq } from "drizzle-orm";
import { hashPassword } from "../src/accounts/passwords.ts";
import { ADMIN_COOKIE, CSRF_HEADER, csrfTokenFor, startAdminSession } from "../src/admin/session.ts";
import { newTotpSecret } from "../src/admin/totp.ts";
import type { ApiDeps } from "../src/deps.ts";

export interface TestAdmin {
  id: string;
  email: string;
  password: string;
  totpSecret: string;
  sessionId: string;
  /** The session cookie alone (reads). */
  cookie: { cookie: string };
  /** Cookie and CSRF token (state changes). */
  headers: { cookie: string; [CSRF_HEADER]: string };
}

const PASSWORD = "correct horse battery staple";

/**
 * An admin who has finished setup (own password, TOTP enrolled) with a live session, written straight to
 * the database: sign-in itself is tested through the routes.
 */
export async function createAdmin(
  deps: Pick<ApiDeps, "db" | "settings" | "keys">,
  role: AdminRole = "superadmin",
): Promise<TestAdmin> {
  const email = `admin-${randomUUID().slice(0, 8)}@example.test`;
  const totpSecret = newTotpSecret();
  const [row] = await deps.db
    .insert(adminUsers)
    .values({
      email,
      name: `Admin ${role}`,
      role,
      passwordHash: await hashPassword(PASSWORD),
      mustChangePassword: false,
      totpSecret,
      totpEnabledAt: new Date(),
    })
    .returning({ id: adminUsers.id });
  const session = await startAdminSession(deps.db, deps.settings.admin, row!, {
    ip: "127.0.0.1",
    userAgent: "test",
  });
  const cookie = `${ADMIN_COOKIE}=${session.token}`;
  return {
    id: row!.id,
    email,
    password: PASSWORD,
    totpSecret,
    sessionId: session.sessionId,
    cookie: { cookie },
    headers: { cookie, [CSRF_HEADER]: csrfTokenFor(deps.keys["admin-csrf"], session.sessionId) },
  };
}

export async function disableAdmin(deps: Pick<ApiDeps, "db">, id: string) {
  await deps.db.update(adminUsers).set({ disabledAt: new Date() }).where(eq(adminUsers.id, id));
}
