import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ADMIN_COOKIE } from "../admin/session.ts";
import { HttpProblem } from "./problem.ts";

export interface BrowserOrigins {
  /** The web app's origin (PUBLIC_WEB_URL): bearer tokens, no cookies. */
  web: string;
  /** The admin panel's origin (PUBLIC_ADMIN_URL), when it lives elsewhere: its session is a cookie. */
  admin: string | undefined;
}

/** The API answers JSON and files, never a page: nothing may load, frame or submit from what it serves. */
export const API_CSP = "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'";

/**
 * The headers helmet sets, for the few answers written to the socket by hand (what Node's HTTP parser
 * refuses never reaches Fastify's hooks: errors.ts `clientErrorHandler`). Nothing of such a request was
 * read, so nothing may be stored either.
 */
export const RAW_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Content-Security-Policy": API_CSP,
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

/**
 * Security headers on every answer (ASVS 5.0 V3.4) and CORS for exactly the web and admin origins.
 *
 * - helmet: HSTS (1 year, subdomains), nosniff, `X-Frame-Options: DENY` with CSP `frame-ancestors 'none'`,
 *   `Referrer-Policy: no-referrer`, COOP, CORP `same-site`. A route that serves something else sets its own
 *   CSP after this (the sandbox CSP of file downloads, Swagger UI's under /docs).
 * - `Cache-Control: no-store` on the answer to every request that carried a credential (a bearer token or
 *   the admin cookie), unless the route chose its own. ETags (issue 11) keep working for clients that send
 *   If-None-Match themselves (the apps' own caches); browsers and shared caches keep nothing.
 * - CORS: the web origin may call with bearer tokens (no credentials mode); the admin origin also with its
 *   cookie (`Access-Control-Allow-Credentials`). A preflight from any other origin is refused with 403.
 */
export async function registerSecurityHeaders(app: FastifyInstance, origins: BrowserOrigins) {
  const web = new URL(origins.web).origin;
  const admin = origins.admin ? new URL(origins.admin).origin : undefined;
  const allowed = new Set([web, ...(admin ? [admin] : [])]);

  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives() },
    crossOriginResourcePolicy: { policy: "same-site" },
    crossOriginEmbedderPolicy: false,
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: "no-referrer" },
    frameguard: { action: "deny" },
  });

  // Refuse a preflight from an origin that is not ours: without this the CORS plugin would answer 204
  // without CORS headers (also a refusal for a browser, but an unhelpful one to read).
  app.addHook("onRequest", (request, _reply, done) => {
    const origin = request.headers.origin;
    if (
      request.method === "OPTIONS" &&
      typeof origin === "string" &&
      request.headers["access-control-request-method"] !== undefined &&
      !allowed.has(origin)
    ) {
      done(
        new HttpProblem({
          status: 403,
          type: "cors-origin-refused",
          title: "Origin not allowed",
          detail: "This API answers browsers only from the honeyDue web app and admin panel",
        }),
      );
      return;
    }
    done();
  });

  // The three answers there can be, built once (the delegator runs on every request).
  const corsFor = (origin: string | false, credentials: boolean) => ({
    origin,
    credentials,
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    allowedHeaders: [
      "authorization",
      "content-type",
      "idempotency-key",
      "if-match",
      "if-none-match",
      "x-csrf-token",
      "x-request-id",
    ],
    exposedHeaders: ["etag", "location", "retry-after", "x-request-id"],
    maxAge: 600,
  });
  const corsOptions = new Map([
    [web, corsFor(web, false)],
    ...(admin ? [[admin, corsFor(admin, true)] as const] : []),
  ]);
  const foreign = corsFor(false, false);
  await app.register(cors, {
    hideOptionsRoute: true,
    delegator: (request: FastifyRequest, callback) => {
      const origin = request.headers.origin;
      callback(null, (typeof origin === "string" && corsOptions.get(origin)) || foreign);
    },
  });

  app.addHook("onSend", (request, reply, payload, done) => {
    if (
      !reply.hasHeader("cache-control") &&
      (request.headers.authorization !== undefined || hasAdminCookie(request))
    ) {
      reply.header("cache-control", "no-store");
    }
    done(null, payload);
  });
}

function cspDirectives() {
  const directives: Record<string, string[]> = {};
  for (const part of API_CSP.split(";")) {
    const [name, ...values] = part.split(" ");
    if (name) directives[name] = values;
  }
  return directives;
}

function hasAdminCookie(request: FastifyRequest): boolean {
  const cookie = request.headers.cookie;
  return typeof cookie === "string" && cookie.includes(`${ADMIN_COOKIE}=`);
}
