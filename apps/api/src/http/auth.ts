import type { KeyRing } from "@honeydue/config";
import type { Database } from "@honeydue/db";
import { prepareRows, sessions, users } from "@honeydue/db";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { FastifyRequest } from "fastify";
import { verifyAccessToken } from "../accounts/access-token.ts";
import { unauthorized } from "./problem.ts";

/** Who is calling: the user and the device session of a verified access token. */
export interface Principal {
  userId: string;
  sessionId: string;
  email: string;
  emailVerified: boolean;
  timezone: string;
  dueSoonDays: number;
}

const principals = new WeakMap<FastifyRequest, Principal>();

/** The OpenAPI security requirement for bearer routes; spread into a route's schema. */
export const bearer = { security: [{ bearerAuth: [] }] };

export interface AuthGuard {
  /** onRequest hook: rejects with 401 unless a valid access token of a live session is presented. */
  required(request: FastifyRequest): Promise<void>;
  /** onRequest hook: like `required`, but lets anonymous requests through. */
  optional(request: FastifyRequest): Promise<void>;
}

/**
 * Access tokens are checked against their session on every request, so signing out, a password change
 * or disabling a user takes effect at once instead of when the token expires.
 */
/** The live session of a verified access token, with its user's profile fields. */
export function liveSessionQuery(db: Database) {
  return db
    .select({
      email: users.email,
      emailVerifiedAt: users.emailVerifiedAt,
      timezone: users.timezone,
      dueSoonDays: users.dueSoonDays,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, sql.placeholder("sessionId")),
        eq(sessions.userId, sql.placeholder("userId")),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql.placeholder("now")),
        isNull(users.disabledAt),
      ),
    )
    .limit(1);
}

export function createAuthGuard(deps: { db: Database; keys: Pick<KeyRing, "access-token"> }): AuthGuard {
  // Every authenticated request runs this: a named prepared statement, its SQL built once.
  const liveSession = prepareRows(deps.db, "auth_live_session", liveSessionQuery(deps.db));
  async function authenticate(request: FastifyRequest): Promise<Principal | null> {
    const header = request.headers.authorization;
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized("The Authorization header must be 'Bearer <access token>'");
    const claims = verifyAccessToken(deps.keys["access-token"], match[1]!);
    if (!claims) throw unauthorized("The access token is invalid or has expired");
    const [row] = await liveSession({
      sessionId: claims.sessionId,
      userId: claims.userId,
      now: new Date(),
    });
    if (!row) throw unauthorized("This session has ended; sign in again");
    return {
      userId: claims.userId,
      sessionId: claims.sessionId,
      email: row.email,
      emailVerified: row.emailVerifiedAt !== null,
      timezone: row.timezone,
      dueSoonDays: row.dueSoonDays,
    };
  }
  return {
    async required(request) {
      const p = await authenticate(request);
      if (!p) throw unauthorized();
      principals.set(request, p);
    },
    async optional(request) {
      const p = await authenticate(request);
      if (p) principals.set(request, p);
    },
  };
}

/** The caller of a route guarded by `auth.required`. */
export function principal(request: FastifyRequest): Principal {
  const p = principals.get(request);
  if (!p) throw unauthorized();
  return p;
}

/** The caller if the request carried a valid token (routes guarded by `auth.optional`). */
export function maybePrincipal(request: FastifyRequest): Principal | undefined {
  return principals.get(request);
}
