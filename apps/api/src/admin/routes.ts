import type { ApiSettings, KeyRing } from "@honeydue/config";
import type { Database } from "@honeydue/db";
import type { Redis } from "ioredis";
import type { FallbackReporter } from "../accounts/throttle.ts";
import type { App } from "../http/app-type.ts";
import { registerAdminAccountRoutes } from "./admins.ts";
import { registerAdminAuditRoutes } from "./audit-routes.ts";
import { registerAdminAuthRoutes } from "./auth-routes.ts";
import { registerAdminDashboardRoutes } from "./dashboard.ts";
import { registerAdminEmailRoutes } from "./emails.ts";
import { registerAdminJobRoutes } from "./jobs.ts";
import { registerAdminResidenceRoutes } from "./residences.ts";
import { createAdminGuard } from "./session.ts";
import { registerAdminTemplateRoutes } from "./templates.ts";
import { registerAdminUserRoutes } from "./users.ts";

export interface AdminRouteDeps {
  db: Database;
  redis: Redis | undefined;
  /** Where the sign-in throttle reports counting in memory while Redis does not answer. */
  fallback: FallbackReporter;
  settings: Pick<ApiSettings, "admin" | "publicWebUrl">;
  keys: Pick<KeyRing, "admin-csrf" | "admin-recovery-code" | "verification-code">;
  notifyOutbox: () => void;
}

/**
 * The admin panel's API under /v1/admin: cookie sessions of admin accounts (never user tokens), CSRF on
 * every state change, role checks, and an audit entry for every admin action. docs/admin.md.
 */
export function registerAdminRoutes(app: App, deps: AdminRouteDeps) {
  const { db } = deps;
  const guard = createAdminGuard({ db, settings: deps.settings.admin, csrfKeys: deps.keys["admin-csrf"] });
  registerAdminAuthRoutes(app, {
    db,
    redis: deps.redis,
    fallback: deps.fallback,
    guard,
    keys: deps.keys,
    settings: deps.settings.admin,
  });
  registerAdminDashboardRoutes(app, { db, guard });
  registerAdminUserRoutes(app, { db, guard, keys: deps.keys, notifyOutbox: deps.notifyOutbox });
  registerAdminResidenceRoutes(app, { db, guard });
  registerAdminTemplateRoutes(app, { db, guard });
  registerAdminJobRoutes(app, { db, guard, notifyOutbox: deps.notifyOutbox });
  registerAdminEmailRoutes(app, { db, guard, publicWebUrl: deps.settings.publicWebUrl });
  registerAdminAuditRoutes(app, { db, guard });
  registerAdminAccountRoutes(app, { db, guard });
}
