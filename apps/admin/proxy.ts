import { type NextRequest, NextResponse } from "next/server";

/**
 * Security headers on every answer of the panel (OWASP ASVS 5.0 V3.4). Scripts run only with this
 * request's nonce (Next puts it on its own scripts when the request carries the CSP); no inline script
 * without it, no plugins, no <base>, never framed. Styles allow inline (Mantine writes style attributes).
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const dev = process.env.NODE_ENV === "development";
  const previewFrame =
    request.nextUrl.pathname.startsWith("/emails/templates/") && request.nextUrl.pathname.endsWith("/html");
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    // An email preview is shown in a sandboxed frame of the panel itself; nothing else is ever framed.
    previewFrame ? "frame-ancestors 'self'" : "frame-ancestors 'none'",
    "frame-src 'self'",
  ].join("; ");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  response.headers.set("strict-transport-security", "max-age=63072000; includeSubDomains");
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("referrer-policy", "no-referrer");
  response.headers.set("x-frame-options", previewFrame ? "SAMEORIGIN" : "DENY");
  response.headers.set("cross-origin-opener-policy", "same-origin");
  response.headers.set("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()");
  response.headers.set("cache-control", "no-store");
  return response;
}

export const config = {
  matcher: [{ source: "/((?!_next/static|favicon.ico).*)" }],
};
