import { type NextRequest, NextResponse } from "next/server";
import { refreshSession } from "./src/lib/refresh.ts";
import {
  ACCESS_COOKIE,
  type CookieToSet,
  clearedSessionCookies,
  REFRESH_COOKIE,
  sessionCookies,
} from "./src/lib/session-cookies.ts";

const apiUrl = (process.env.WEB_API_URL ?? "http://127.0.0.1:3000").replace(/\/+$/, "");
const secureCookies = (process.env.PUBLIC_WEB_URL ?? "").startsWith("https:");

/**
 * Every answer of the site: security headers (scripts only with this request's nonce, never framed), and
 * the session kept alive — an expired access token is refreshed here, before any render reads it, because
 * only a proxy or an action may set cookies (decision 0011).
 */
export async function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const dev = process.env.NODE_ENV === "development";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);

  let toSet: CookieToSet[] = [];
  const refresh = request.cookies.get(REFRESH_COOKIE)?.value;
  if (!request.cookies.get(ACCESS_COOKIE)?.value && refresh) {
    const pair = await refreshSession(apiUrl, refresh, request.headers.get("x-forwarded-for"));
    toSet = pair ? sessionCookies(pair, secureCookies) : clearedSessionCookies(secureCookies);
    for (const cookie of toSet) request.cookies.set(cookie.name, cookie.value);
    if (!pair) request.cookies.delete([ACCESS_COOKIE, REFRESH_COOKIE]);
    requestHeaders.set("cookie", request.cookies.toString());
  }

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const cookie of toSet) response.cookies.set(cookie.name, cookie.value, cookie.options);
  response.headers.set("content-security-policy", csp);
  response.headers.set("strict-transport-security", "max-age=63072000; includeSubDomains");
  response.headers.set("x-content-type-options", "nosniff");
  // A contractor's hand-off page has the link's secret in its address: it is never sent on as a referrer
  // (not even to this site's own pages), never indexed and never stored by a cache.
  const secretInPath = request.nextUrl.pathname.startsWith("/handoff/");
  response.headers.set("referrer-policy", secretInPath ? "no-referrer" : "same-origin");
  if (secretInPath) {
    response.headers.set("x-robots-tag", "noindex, nofollow, noarchive");
    response.headers.set("cache-control", "private, no-store");
  }
  response.headers.set("x-frame-options", "DENY");
  response.headers.set("cross-origin-opener-policy", "same-origin");
  response.headers.set("permissions-policy", "camera=(self), microphone=(), geolocation=(), payment=()");
  return response;
}

export const config = {
  matcher: [
    { source: "/((?!_next/static|favicon.ico|icon.svg|icon-[a-z0-9-]*\\.png|manifest.webmanifest).*)" },
  ],
};
