import type { KeyRing } from "@honeydue/config";
import type { Database } from "@honeydue/db";
import { memberships, prepareRows, type Role, residences, sessions, users } from "@honeydue/db";
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
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

/** The caller's membership of the route's residence, read with the session (null: not a member). */
export interface PrefetchedMembership {
  role: Role;
  timezone: string;
}
const memberships_ = new WeakMap<
  FastifyRequest,
  { residenceId: string; userId: string; membership: PrefetchedMembership | null }
>();
/** The caller's residences read with the session, by name (`requiredWithResidences`). */
export interface PrefetchedResidence {
  id: string;
  name: string;
  timezone: string;
}
const residences_ = new WeakMap<FastifyRequest, PrefetchedResidence[]>();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The OpenAPI security requirement for bearer routes; spread into a route's schema. */
export const bearer = { security: [{ bearerAuth: [] }] };

export interface AuthGuard {
  /** onRequest hook: rejects with 401 unless a valid access token of a live session is presented. */
  required(request: FastifyRequest): Promise<void>;
  /**
   * onRequest hook: `required`, and in the same statement the caller's membership of the route's
   * `:residenceId` (for `prefetchedMembership`): one round trip to PostgreSQL instead of two on hot reads.
   */
  requiredWithResidence(request: FastifyRequest): Promise<void>;
  /** onRequest hook: `required`, and in the same statement the caller's residences (`prefetchedResidences`). */
  requiredWithResidences(request: FastifyRequest): Promise<void>;
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
    .select(sessionFields)
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(liveSessionCondition())
    .limit(1);
}

/**
 * `liveSessionQuery` and the session user's membership of one residence with its timezone (null columns:
 * not a member), for routes under `/v1/residences/:residenceId`.
 */
export function liveSessionWithMembershipQuery(db: Database) {
  return db
    .select({ ...sessionFields, role: memberships.role, residenceTimezone: residences.timezone })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(
      memberships,
      and(
        eq(memberships.residenceId, sql.placeholder("residenceId")),
        eq(memberships.userId, sessions.userId),
      ),
    )
    .leftJoin(residences, eq(residences.id, memberships.residenceId))
    .where(liveSessionCondition())
    .limit(1);
}

/**
 * `liveSessionQuery` and the session user's residences by name: one row per residence, or a single row
 * with null residence columns for a user without any (no row: no live session).
 */
export function liveSessionWithResidencesQuery(db: Database) {
  return db
    .select({
      ...sessionFields,
      residenceId: residences.id,
      residenceName: residences.name,
      residenceTimezone: residences.timezone,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(memberships, eq(memberships.userId, sessions.userId))
    .leftJoin(residences, eq(residences.id, memberships.residenceId))
    .where(liveSessionCondition())
    .orderBy(asc(residences.name), asc(residences.id));
}

const sessionFields = {
  email: users.email,
  emailVerifiedAt: users.emailVerifiedAt,
  timezone: users.timezone,
  dueSoonDays: users.dueSoonDays,
};

const liveSessionCondition = () =>
  and(
    eq(sessions.id, sql.placeholder("sessionId")),
    eq(sessions.userId, sql.placeholder("userId")),
    isNull(sessions.revokedAt),
    gt(sessions.expiresAt, sql.placeholder("now")),
    isNull(users.disabledAt),
  );

export function createAuthGuard(deps: { db: Database; keys: Pick<KeyRing, "access-token"> }): AuthGuard {
  // Every authenticated request runs this: a named prepared statement, its SQL built once.
  const liveSession = prepareRows(deps.db, "auth_live_session", liveSessionQuery(deps.db));
  const liveSessionWithMembership = prepareRows(
    deps.db,
    "auth_live_session_membership",
    liveSessionWithMembershipQuery(deps.db),
  );

  const liveSessionWithResidences = prepareRows(
    deps.db,
    "auth_live_session_residences",
    liveSessionWithResidencesQuery(deps.db),
  );

  /** The verified claims of the request's bearer token; null without an Authorization header. */
  function claimsOf(request: FastifyRequest) {
    const header = request.headers.authorization;
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized("The Authorization header must be 'Bearer <access token>'");
    const claims = verifyAccessToken(deps.keys["access-token"], match[1]!);
    if (!claims) throw unauthorized("The access token is invalid or has expired");
    return claims;
  }

  function toPrincipal(
    claims: { userId: string; sessionId: string },
    row: { email: string; emailVerifiedAt: Date | null; timezone: string; dueSoonDays: number } | undefined,
  ): Principal {
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

  async function authenticate(request: FastifyRequest): Promise<Principal | null> {
    const claims = claimsOf(request);
    if (!claims) return null;
    const [row] = await liveSession({ sessionId: claims.sessionId, userId: claims.userId, now: new Date() });
    return toPrincipal(claims, row);
  }

  async function required(request: FastifyRequest) {
    const p = await authenticate(request);
    if (!p) throw unauthorized();
    principals.set(request, p);
  }

  return {
    required,
    async requiredWithResidence(request) {
      const { residenceId } = request.params as { residenceId?: unknown };
      // A malformed id is refused by the route's validation after this hook; it is never sent as a uuid.
      if (typeof residenceId !== "string" || !UUID.test(residenceId)) return required(request);
      const claims = claimsOf(request);
      if (!claims) throw unauthorized();
      const [row] = await liveSessionWithMembership({
        sessionId: claims.sessionId,
        userId: claims.userId,
        now: new Date(),
        residenceId,
      });
      const p = toPrincipal(claims, row);
      principals.set(request, p);
      memberships_.set(request, {
        residenceId,
        userId: p.userId,
        membership:
          row?.role != null && row.residenceTimezone != null
            ? { role: row.role, timezone: row.residenceTimezone }
            : null,
      });
    },
    async requiredWithResidences(request) {
      const claims = claimsOf(request);
      if (!claims) throw unauthorized();
      const rows = await liveSessionWithResidences({
        sessionId: claims.sessionId,
        userId: claims.userId,
        now: new Date(),
      });
      principals.set(request, toPrincipal(claims, rows[0]));
      const mine: PrefetchedResidence[] = [];
      for (const row of rows)
        if (row.residenceId != null && row.residenceName != null && row.residenceTimezone != null)
          mine.push({ id: row.residenceId, name: row.residenceName, timezone: row.residenceTimezone });
      residences_.set(request, mine);
    },
    async optional(request) {
      const p = await authenticate(request);
      if (p) principals.set(request, p);
    },
  };
}

/**
 * The membership `requiredWithResidence` read with the session for this residence and caller: the
 * membership, or null (not a member).
 */
export function prefetchedMembership(
  request: FastifyRequest,
  residenceId: string,
  userId: string,
): PrefetchedMembership | null {
  const read = memberships_.get(request);
  // The hook reads it for every well-formed id, and a malformed one is refused by validation first.
  if (!read || read.residenceId !== residenceId || read.userId !== userId)
    throw new Error("prefetchedMembership: the route is not guarded by auth.requiredWithResidence");
  return read.membership;
}

/** The caller's residences, by name, on a route guarded by `auth.requiredWithResidences`. */
export function prefetchedResidences(request: FastifyRequest): PrefetchedResidence[] {
  const mine = residences_.get(request);
  if (!mine) throw new Error("prefetchedResidences: the route is not guarded by auth.requiredWithResidences");
  return mine;
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
