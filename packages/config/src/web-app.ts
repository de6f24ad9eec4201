import Type from "typebox";
import { commonSettingsSchema } from "./common.ts";
import { parseEnv, Url } from "./env.ts";

/**
 * The household web app and public site (apps/web, a Next.js server): it only talks to the API. PORT and
 * HOSTNAME are read by Next's own standalone server (server.js) before any of our code runs.
 */
export const webAppSettingsSchema = Type.Object({
  NODE_ENV: commonSettingsSchema.properties.NODE_ENV,
  PUBLIC_WEB_URL: commonSettingsSchema.properties.PUBLIC_WEB_URL,
  WEB_API_URL: Url({
    default: "http://127.0.0.1:3000",
    description: "The API as the web app's server reaches it (in-cluster service URL in production)",
  }),
});

export interface WebAppSettings {
  env: "development" | "production" | "test";
  apiUrl: string;
  publicWebUrl: string;
  /** Session cookies carry Secure when the site is served over HTTPS. */
  secureCookies: boolean;
}

export function loadWebAppSettings(env: NodeJS.ProcessEnv = process.env): WebAppSettings {
  const parsed = parseEnv(webAppSettingsSchema, env);
  const publicWebUrl = parsed.PUBLIC_WEB_URL.replace(/\/+$/, "");
  return {
    env: parsed.NODE_ENV,
    apiUrl: parsed.WEB_API_URL.replace(/\/+$/, ""),
    publicWebUrl,
    secureCookies: publicWebUrl.startsWith("https:"),
  };
}
