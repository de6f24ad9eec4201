// The session lives in two httpOnly cookies set by the web app's server: the API's short-lived access token
// and its single-use refresh token. Browser code never sees either (decision 0011).

export const ACCESS_COOKIE = "hd_access";
export const REFRESH_COOKIE = "hd_refresh";
/** Refreshed this many seconds before the access token's own expiry, so a render never races it. */
const ACCESS_MARGIN_S = 30;
const REFRESH_MAX_AGE_S = 60 * 60 * 24 * 60;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface CookieToSet {
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: "lax"; secure: boolean; path: "/"; maxAge: number };
}

export function sessionCookies(pair: TokenPair, secure: boolean): CookieToSet[] {
  const options = { httpOnly: true, sameSite: "lax", secure, path: "/" } as const;
  return [
    {
      name: ACCESS_COOKIE,
      value: pair.accessToken,
      options: { ...options, maxAge: Math.max(1, pair.expiresIn - ACCESS_MARGIN_S) },
    },
    { name: REFRESH_COOKIE, value: pair.refreshToken, options: { ...options, maxAge: REFRESH_MAX_AGE_S } },
  ];
}

export function clearedSessionCookies(secure: boolean): CookieToSet[] {
  const options = { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: 0 } as const;
  return [
    { name: ACCESS_COOKIE, value: "", options },
    { name: REFRESH_COOKIE, value: "", options },
  ];
}

/** A redirect target from a query string: only paths on this site (no `//host`, no scheme). */
export function localPath(next: unknown, fallback = "/tasks"): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
    return fallback;
  }
  return next;
}
