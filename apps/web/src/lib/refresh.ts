import { createApiClient } from "@honeydue/api-client";
import type { TokenPair } from "./session-cookies.ts";

/**
 * Refresh tokens are single use and presenting one twice revokes the whole session, so parallel requests of
 * one browser (page + prefetches) must share one refresh: the first call's promise, and its result for a
 * minute afterwards, answer every caller holding the same refresh token. Per server process; several web
 * replicas need session affinity or a shared store here (decision 0011).
 */
const inFlight = new Map<string, { at: number; result: Promise<TokenPair | null> }>();
const REUSE_MS = 60_000;

export function refreshSession(
  apiUrl: string,
  refreshToken: string,
  /** The browser's X-Forwarded-For (see client-address.ts), for the API's per-address limits. */
  forwardedFor: string | null,
): Promise<TokenPair | null> {
  const now = Date.now();
  for (const [token, entry] of inFlight) if (now - entry.at > REUSE_MS) inFlight.delete(token);
  const existing = inFlight.get(refreshToken);
  if (existing) return existing.result;
  const result = exchange(apiUrl, refreshToken, forwardedFor);
  inFlight.set(refreshToken, { at: now, result });
  return result;
}

async function exchange(
  apiUrl: string,
  refreshToken: string,
  forwardedFor: string | null,
): Promise<TokenPair | null> {
  try {
    const { data, response } = await createApiClient(apiUrl).POST("/v1/auth/refresh", {
      body: { refreshToken },
      headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {},
    });
    if (data) return data;
    if (response.status !== 401) console.warn(`session refresh: API answered ${response.status}`);
    return null;
  } catch (error) {
    console.error("session refresh: API unreachable", error);
    return null;
  }
}
