import "server-only";
import { type ApiClient, createApiClient, type Problem } from "@honeydue/api-client";
import { cookies } from "next/headers";
import { forwardingFetch } from "./client-address.ts";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "./session-cookies.ts";
import { settings } from "./settings.ts";

/** The API without a session (public pages: verify, reset, invite preview, unsubscribe), as the browser. */
export function publicApi(): ApiClient {
  return createApiClient(settings.apiUrl, { fetch: forwardingFetch });
}

/**
 * The API as the signed-in member, or null without a session. proxy.ts has already refreshed an expired
 * access token before this render, so only the access cookie is read here.
 */
export async function memberApi(): Promise<ApiClient | null> {
  const jar = await cookies();
  const access = jar.get(ACCESS_COOKIE)?.value;
  if (!access) return null;
  return createApiClient(settings.apiUrl, {
    headers: { authorization: `Bearer ${access}` },
    fetch: forwardingFetch,
  });
}

export async function hasSession(): Promise<boolean> {
  const jar = await cookies();
  return Boolean(jar.get(ACCESS_COOKIE)?.value || jar.get(REFRESH_COOKIE)?.value);
}

/** The problem's own words for the person, when the API sent one. */
export function problemDetail(error: unknown): string | undefined {
  const problem = error as Partial<Problem> | undefined;
  return typeof problem?.detail === "string" ? problem.detail : undefined;
}
