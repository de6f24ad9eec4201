import Type from "typebox";
import { commonSettingsSchema } from "./common.ts";
import { parseEnv, Url } from "./env.ts";

/**
 * The admin panel (apps/admin, a Next.js server): it only talks to the API. PORT and HOSTNAME are read by
 * Next's own standalone server (server.js) before any of our code runs.
 */
export const adminPanelSettingsSchema = Type.Object({
  NODE_ENV: commonSettingsSchema.properties.NODE_ENV,
  ADMIN_API_URL: Url({
    default: "http://127.0.0.1:3000",
    description: "The API as the panel's server reaches it (in-cluster service URL in production)",
  }),
});

export interface AdminPanelSettings {
  env: "development" | "production" | "test";
  apiUrl: string;
}

export function loadAdminPanelSettings(env: NodeJS.ProcessEnv = process.env): AdminPanelSettings {
  const parsed = parseEnv(adminPanelSettingsSchema, env);
  return { env: parsed.NODE_ENV, apiUrl: parsed.ADMIN_API_URL.replace(/\/+$/, "") };
}
