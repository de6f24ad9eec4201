import type { ApiSettings } from "@honeydue/config";
import type { Database } from "@honeydue/db";
import type { Redis } from "ioredis";
import type { FallbackReporter } from "../accounts/throttle.ts";
import type { App } from "../http/app-type.ts";
import { adminKey } from "./accounts.ts";
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
  settings: Pick<ApiSettings, "admin" | "authSecret" | "publicWebUrl">;
  accessKey: Uint8Array;
  notifyOutbox: () => void;
}

/**
 * The admin panel's API under /v1/admin: cookie sessions of admin accounts (never user tokens), CSRF on
 * every state change, role checks, and an audit entry for every admin action. docs/admin.md.
 */
export function registerAdminRoutes(app: App, deps: AdminRouteDeps) {
  const { db } = deps;
  const key = adminKey(deps.settings.authSecret);
  const guard = createAdminGuard({ db, settings: deps.settings.admin, csrfKey: key });
  registerAdminAuthRoutes(app, {
    db,
    redis: deps.redis,
    fallback: deps.fallback,
    guard,
    key,
    settings: deps.settings.admin,
  });
  registerAdminDashboardRoutes(app, { db, guard });
  registerAdminUserRoutes(app, { db, guard, accessKey: deps.accessKey, notifyOutbox: deps.notifyOutbox });
  registerAdminResidenceRoutes(app, { db, guard });
  registerAdminTemplateRoutes(app, { db, guard });
  registerAdminJobRoutes(app, { db, guard, notifyOutbox: deps.notifyOutbox });
  registerAdminEmailRoutes(app, { db, guard, publicWebUrl: deps.settings.publicWebUrl });
  registerAdminAuditRoutes(app, { db, guard });
  registerAdminAccountRoutes(app, { db, guard });
}
