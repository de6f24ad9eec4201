import { createHmac, timingSafeEqual } from "node:crypto";
import type { PurposeKeys } from "@honeydue/config";
import { type AdminRole, adminSessions, adminUsers, type Database } from "@honeydue/db";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { FastifyReply, FastifyRequest } from "fastify";
import { hashToken, randomToken } from "../accounts/tokens.ts";
import { forbidden, HttpProblem } from "../http/problem.ts";

/**
 * Admin sessions: a random token in a `__Host-` cookie (Secure, HttpOnly, SameSite=Strict, Path=/, no
 * Domain), stored only as its SHA-256. A session ends after `idleMs` without a request or `maxMs` after
 * sign-in. State-changing requests also carry the session's CSRF token in X-CSRF-Token (an HMAC of the
 * session id: nothing more to store, and it dies with the session). User access tokens are never read here,
 * and the user routes never read this cookie: the two kinds of credentials cannot stand in for each other.
 */
export const ADMIN_COOKIE = "__Host-honeydue-admin";
export const CSRF_HEADER = "x-csrf-token";

/** The OpenAPI security requirement of admin routes; spread into a route's schema. */
export const adminCookie = { security: [{ adminSession: [] }] };

export interface AdminCaller {
  adminId: string;
  sessionId: string;
  email: string;
  name: string;
  role: AdminRole;
  mustChangePassword: boolean;
  totpEnabled: boolean;
  csrfToken: string;
}

export interface AdminSessionSettings {
  sessionIdleMs: number;
  sessionMaxMs: number;
}

const callers = new WeakMap<FastifyRequest, AdminCaller>();

export const adminUnauthorized = (detail = "Sign in to the admin panel") =>
  new HttpProblem({ status: 401, type: "admin-unauthorized", title: "Authentication required", detail });

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** `<key id>.<HMAC of the session id>`, with the current admin-CSRF key (what the panel is given). */
export function csrfTokenFor(keys: PurposeKeys, sessionId: string): string {
  return `${keys.current.id}.${csrfMac(keys.current.key, sessionId)}`;
}

/** Whether `given` is this session's CSRF token under a key accepted now (a rotation's grace period). */
export function csrfTokenValid(keys: PurposeKeys, sessionId: string, given: unknown): boolean {
  if (typeof given !== "string") return false;
  const dot = given.indexOf(".");
  const key = dot > 0 ? keys.find(given.slice(0, dot)) : undefined;
  if (!key) return false;
  const expected = Buffer.from(csrfMac(key, sessionId));
  const mac = Buffer.from(given.slice(dot + 1));
  return mac.length === expected.length && timingSafeEqual(mac, expected);
}

function csrfMac(key: Buffer, sessionId: string): string {
  return createHmac("sha256", key).update(`admin-csrf:${sessionId}`).digest("base64url");
}

function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eqAt = part.indexOf("=");
    if (eqAt > 0 && part.slice(0, eqAt).trim() === name) return part.slice(eqAt + 1).trim();
  }
  return undefined;
}

export function setSessionCookie(reply: FastifyReply, token: string, maxMs: number) {
  reply.header(
    "set-cookie",
    `${ADMIN_COOKIE}=${token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxMs / 1000)}`,
  );
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.header("set-cookie", `${ADMIN_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`);
}

/** Starts a session for an admin whose password (and code, once enrolled) was checked. */
export async function startAdminSession(
  db: Database,
  settings: AdminSessionSettings,
  admin: { id: string },
  device: { ip: string; userAgent: string | null },
) {
  const token = randomToken();
  const [row] = await db
    .insert(adminSessions)
    .values({
      adminId: admin.id,
      tokenHash: hashToken(token),
      ip: device.ip,
      userAgent: device.userAgent,
      expiresAt: new Date(Date.now() + settings.sessionMaxMs),
    })
    .returning({ id: adminSessions.id });
  return { token, sessionId: row!.id };
}

export interface AdminGuard {
  /** onRequest hook: a live session whose admin has finished setup (own password, TOTP enrolled). */
  required(request: FastifyRequest): Promise<void>;
  /** onRequest hook: a live session, setup finished or not (the routes that finish it). */
  setup(request: FastifyRequest): Promise<void>;
  /** onRequest hook: like `required`, and the admin is a superadmin. */
  superadmin(request: FastifyRequest): Promise<void>;
}

export function createAdminGuard(deps: {
  db: Database;
  settings: AdminSessionSettings;
  csrfKeys: PurposeKeys;
}): AdminGuard {
  const { db, settings } = deps;
  async function authenticate(request: FastifyRequest): Promise<AdminCaller> {
    if (request.headers.authorization)
      throw adminUnauthorized("User access tokens do not work on admin routes; sign in to the admin panel");
    const token = readCookie(request, ADMIN_COOKIE);
    if (!token) throw adminUnauthorized();
    const now = new Date();
    const [row] = await db
      .update(adminSessions)
      .set({ lastSeenAt: now })
      .from(adminUsers)
      .where(
        and(
          eq(adminSessions.tokenHash, hashToken(token)),
          eq(adminUsers.id, adminSessions.adminId),
          isNull(adminSessions.revokedAt),
          gt(adminSessions.expiresAt, now),
          gt(adminSessions.lastSeenAt, new Date(now.getTime() - settings.sessionIdleMs)),
          isNull(adminUsers.disabledAt),
        ),
      )
      .returning({
        sessionId: adminSessions.id,
        adminId: adminUsers.id,
        email: adminUsers.email,
        name: adminUsers.name,
        role: adminUsers.role,
        mustChangePassword: adminUsers.mustChangePassword,
        totpEnabled: sql<boolean>`${adminUsers.totpEnabledAt} IS NOT NULL`,
      });
    if (!row) throw adminUnauthorized("Your admin session has ended; sign in again");
    const caller: AdminCaller = { ...row, csrfToken: csrfTokenFor(deps.csrfKeys, row.sessionId) };
    if (!SAFE_METHODS.has(request.method)) {
      if (!csrfTokenValid(deps.csrfKeys, row.sessionId, request.headers[CSRF_HEADER])) {
        throw new HttpProblem({
          status: 403,
          type: "csrf-token-invalid",
          title: "Forbidden",
          detail: "A state-changing admin request needs the session's X-CSRF-Token header",
        });
      }
    }
    callers.set(request, caller);
    return caller;
  }
  const setupDone = (caller: AdminCaller) => {
    if (caller.mustChangePassword || !caller.totpEnabled) {
      throw new HttpProblem({
        status: 403,
        type: "admin-setup-required",
        title: "Forbidden",
        detail: "Choose your own password and enrol an authenticator app first",
      });
    }
  };
  return {
    async setup(request) {
      await authenticate(request);
    },
    async required(request) {
      setupDone(await authenticate(request));
    },
    async superadmin(request) {
      const caller = await authenticate(request);
      setupDone(caller);
      if (caller.role !== "superadmin") throw forbidden("Only a superadmin may do this");
    },
  };
}

/** The admin calling a route guarded by an AdminGuard hook. */
export function adminCaller(request: FastifyRequest): AdminCaller {
  const caller = callers.get(request);
  if (!caller) throw adminUnauthorized();
  return caller;
}

/** Ends every live session of an admin (password change, disable, credential reset), optionally but one. */
export async function revokeAdminSessions(db: Database, adminId: string, exceptSessionId?: string) {
  await db
    .update(adminSessions)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(adminSessions.adminId, adminId),
        isNull(adminSessions.revokedAt),
        exceptSessionId ? sql`${adminSessions.id} <> ${exceptSessionId}` : undefined,
      ),
    );
}
