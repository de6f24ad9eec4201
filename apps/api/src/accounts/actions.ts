import { randomUUID } from "node:crypto";
import type { ApiSettings, KeyRing } from "@honeydue/config";
import {
  type Database,
  emailMessages,
  type Queryable,
  refreshTokens,
  sessions,
  users,
  userTokens,
} from "@honeydue/db";
import { enqueueJob } from "@honeydue/jobs";
import type { Logger } from "@honeydue/observability";
import { and, count, desc, eq, gt, isNull, type SQL, sql } from "drizzle-orm";
import type { Principal } from "../http/auth.ts";
import { conflict, HttpProblem, invalidField, unauthorized } from "../http/problem.ts";
import { toUser } from "../me/presenter.ts";
import { signAccessToken } from "./access-token.ts";
import { burnPasswordCheck, checkPasswordPolicy, hashPassword, verifyPassword } from "./passwords.ts";
import type { LoginThrottle } from "./throttle.ts";
import {
  addRefreshToken,
  codeMatches,
  hashToken,
  randomToken,
  sessionExpiry,
  startSession,
  type TokenPair,
} from "./tokens.ts";
import { checkName, checkTimezone } from "./users.ts";

export const VERIFY_TOKEN_TTL_MS = 24 * 3600_000;
export const RESET_TOKEN_TTL_MS = 3600_000;
export const MAX_CODE_ATTEMPTS = 5;
/** Verification emails: at most one a minute and five an hour per user. */
export const RESEND_MIN_INTERVAL_MS = 60_000;
export const RESEND_PER_HOUR = 5;
/** Reset emails per address and hour; further requests answer the same but send nothing. */
export const RESETS_PER_HOUR = 5;

/** What the account actions need; built once in `registerAccountRoutes`. */
export interface AccountContext {
  db: Database;
  settings: Pick<
    ApiSettings,
    "accessTokenTtlSeconds" | "refreshTokenTtlDays" | "publicWebUrl" | "loginFailuresPerAccountPerHour"
  >;
  keys: KeyRing;
  notifyOutbox: () => void;
  throttle: LoginThrottle;
  /** The guessable-code budget, shared with share-code joins. */
  codeThrottle: LoginThrottle;
  log: Logger;
}

export interface DeviceInfo {
  deviceName?: string | null;
  userAgent?: string | null;
  ip: string;
}

const tokenSettings = (ctx: AccountContext) => ({
  keys: ctx.keys,
  accessTokenTtlSeconds: ctx.settings.accessTokenTtlSeconds,
  refreshTokenTtlDays: ctx.settings.refreshTokenTtlDays,
});

const emailMatches = (email: string): SQL => sql`lower(${users.email}) = lower(${email})`;

export function tooManyRequests(detail: string, retryAfterSeconds: number) {
  return new HttpProblem({
    status: 429,
    title: "Too many requests",
    detail,
    headers: { "retry-after": String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });
}

const invalidToken = (what: string) =>
  new HttpProblem({
    status: 400,
    type: "invalid-token",
    title: "Invalid or expired token",
    detail: `This ${what} link is invalid, was already used or has expired; ask for a new one`,
  });

/** Expiry check; a missing expiry counts as expired. */
const isPast = (at: Date | null, now = new Date()) => !at || at <= now;

/** True when a database error (possibly wrapped by Drizzle) is a unique violation. */
function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === "23505") return true;
  }
  return false;
}

/** Revokes every live session of a user (password change or reset). */
async function revokeAllSessions(db: Queryable, userId: string, reason: string) {
  await db
    .update(sessions)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}

/** Marks a user's pending tokens of one purpose used, so only the newest link or code works. */
export async function retirePendingTokens(
  db: Queryable,
  userId: string,
  purpose: "verify_email" | "reset_password",
) {
  await db
    .update(userTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(userTokens.userId, userId), eq(userTokens.purpose, purpose), isNull(userTokens.usedAt)));
}

/** Writes a verification token + code and its email job (inside the caller's transaction). */
export async function issueVerification(tx: Queryable, user: { id: string; email: string; name: string }) {
  // The link and the code are minted when the email is sent (they never sit in job data); until then the
  // row holds the hash of a secret nobody has.
  const [row] = await tx
    .insert(userTokens)
    .values({
      userId: user.id,
      purpose: "verify_email",
      tokenHash: hashToken(randomToken()),
      expiresAt: new Date(Date.now() + VERIFY_TOKEN_TTL_MS),
    })
    .returning({ id: userTokens.id });
  await enqueueJob(tx, "email.send", { template: "verify-email", userId: user.id, tokenId: row!.id });
}

/** Notices of a sign-up attempt on an existing account: at most this many per account and hour. */
export const REGISTRATION_NOTICES_PER_HOUR = 3;

/**
 * Registers an address without saying whether it already has an account: the caller always gets the same
 * 202 and no tokens. A new address gets an unverified account and a verification email; its owner signs in
 * after verifying. An address that has an account gets, through the outbox, a notice ("someone tried to
 * sign up with your address; sign in or reset your password") instead, and nothing else changes. Both paths
 * hash the given password, run one lookup and one transaction writing an email job, so the time taken says
 * as little as the answer.
 */
export async function register(
  ctx: AccountContext,
  input: { email: string; password: string; name: string; timezone?: string },
): Promise<void> {
  checkPasswordPolicy(input.password, "body.password");
  const name = checkName(input.name, "body.name");
  const timezone = input.timezone === undefined ? "UTC" : checkTimezone(input.timezone, "body.timezone");
  const email = input.email.trim();
  // Hashed on both paths: a taken address must not answer faster than a new one.
  const passwordHash = await hashPassword(input.password);
  const [existing] = await ctx.db
    .select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt })
    .from(users)
    .where(emailMatches(email))
    .limit(1);
  if (existing) return noticeRegistrationAttempt(ctx, existing);
  const userId = randomUUID();
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(users).values({ id: userId, email, name, passwordHash, timezone });
      await issueVerification(tx, { id: userId, email, name });
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Registered concurrently by another request: from here on it is a taken address.
    const [winner] = await ctx.db
      .select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt })
      .from(users)
      .where(emailMatches(email))
      .limit(1);
    if (winner) await noticeRegistrationAttempt(ctx, winner);
    return;
  }
  ctx.notifyOutbox();
}

/** Emails the owner of an address that someone tried to register again (rate-limited, never to a disabled account). */
async function noticeRegistrationAttempt(
  ctx: AccountContext,
  user: { id: string; email: string; name: string; disabledAt: Date | null },
) {
  const [recent] = await ctx.db
    .select({ n: count() })
    .from(emailMessages)
    .where(
      and(
        eq(emailMessages.userId, user.id),
        eq(emailMessages.template, "registration-attempt"),
        gt(emailMessages.createdAt, new Date(Date.now() - 3600_000)),
      ),
    );
  const send = !user.disabledAt && (recent?.n ?? 0) < REGISTRATION_NOTICES_PER_HOUR;
  // Written and rolled back when nothing is sent, so that path costs what the others cost.
  const noSend = new Error("no registration notice for this address");
  try {
    await ctx.db.transaction(async (tx) => {
      await enqueueJob(tx, "email.send", { template: "registration-attempt", userId: user.id });
      if (!send) throw noSend;
    });
  } catch (error) {
    if (error !== noSend) throw error;
    return;
  }
  ctx.notifyOutbox();
}

export async function login(
  ctx: AccountContext,
  input: { email: string; password: string; deviceName?: string },
  device: DeviceInfo,
) {
  const email = input.email.trim();
  // Counted before the password is checked: see LoginThrottle (parallel guesses cannot overtake the count).
  const wait = await ctx.throttle.attempt(email, device.ip);
  if (wait > 0) throw tooManyRequests("Too many failed sign-ins; try again later", wait);
  const [user] = await ctx.db.select().from(users).where(emailMatches(email)).limit(1);
  const ok = user
    ? await verifyPassword(input.password, user.passwordHash)
    : await burnPasswordCheck(input.password);
  if (!user || !ok) {
    throw unauthorized("The email address or the password is wrong");
  }
  if (user.disabledAt) {
    throw new HttpProblem({
      status: 403,
      type: "account-disabled",
      title: "Account disabled",
      detail: "This account is disabled",
    });
  }
  await ctx.throttle.recordSuccess(email, device.ip);
  if (!user.emailVerifiedAt) {
    // The right password of an address nobody has proven yet: no session until the owner follows the
    // email, so an account registered with somebody else's address is never usable. A new email is sent
    // (within the resend limits) in case the first one was lost.
    if ((await verificationWait(ctx.db, user.id)) === 0) {
      await ctx.db.transaction(async (tx) => {
        await retirePendingTokens(tx, user.id, "verify_email");
        await issueVerification(tx, user);
      });
      ctx.notifyOutbox();
    }
    throw new HttpProblem({
      status: 403,
      type: "email-not-verified",
      title: "Email address not verified",
      detail: "Confirm your email address with the link or code we emailed you, then sign in",
    });
  }
  const { sessionId: _, ...pair } = await startSession(ctx.db, tokenSettings(ctx), {
    userId: user.id,
    ...device,
    deviceName: input.deviceName,
  });
  return { user: toUser(user), ...pair };
}

/**
 * Rotates a refresh token. A token that was already used means it leaked (or a client misbehaved): the
 * whole session — every token of its family — is revoked and the caller must sign in again.
 */
export async function refresh(ctx: AccountContext, token: string, device: DeviceInfo): Promise<TokenPair> {
  const tokenHash = hashToken(token);
  const [row] = await ctx.db
    .select({
      sessionId: refreshTokens.sessionId,
      usedAt: refreshTokens.usedAt,
      expiresAt: refreshTokens.expiresAt,
      userId: sessions.userId,
      revokedAt: sessions.revokedAt,
      sessionExpiresAt: sessions.expiresAt,
      disabledAt: users.disabledAt,
    })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(refreshTokens.tokenHash, tokenHash))
    .limit(1);
  const invalid = () => unauthorized("The refresh token is invalid or has expired; sign in again");
  if (!row) throw invalid();
  const now = new Date();
  if (row.revokedAt || isPast(row.sessionExpiresAt, now) || isPast(row.expiresAt, now) || row.disabledAt)
    throw invalid();
  if (row.usedAt) return revokeReusedFamily(ctx, row.sessionId, row.userId);

  const result = await ctx.db.transaction(async (tx) => {
    // The conditional update is the claim: of two concurrent uses of one token, only one wins.
    const claimed = await tx
      .update(refreshTokens)
      .set({ usedAt: now })
      .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.usedAt)))
      .returning({ sessionId: refreshTokens.sessionId });
    if (claimed.length === 0) return null;
    const expiresAt = sessionExpiry(tokenSettings(ctx), now);
    await tx
      .update(sessions)
      .set({ lastUsedAt: now, expiresAt, ip: device.ip })
      .where(eq(sessions.id, row.sessionId));
    return addRefreshToken(tx, row.sessionId, expiresAt);
  });
  if (result === null) return revokeReusedFamily(ctx, row.sessionId, row.userId);
  const accessToken = await signAccessToken(
    ctx.keys["access-token"],
    { userId: row.userId, sessionId: row.sessionId },
    ctx.settings.accessTokenTtlSeconds,
  );
  return { accessToken, refreshToken: result, expiresIn: ctx.settings.accessTokenTtlSeconds };
}

async function revokeReusedFamily(ctx: AccountContext, sessionId: string, userId: string): Promise<never> {
  await ctx.db
    .update(sessions)
    .set({ revokedAt: new Date(), revokedReason: "refresh_token_reuse" })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
  ctx.log.warn({ sessionId, userId }, "refresh token reused: session revoked");
  throw unauthorized(
    "This refresh token was already used; the session has been ended for safety. Sign in again",
  );
}

export async function logout(ctx: AccountContext, caller: Principal) {
  await ctx.db
    .update(sessions)
    .set({ revokedAt: new Date(), revokedReason: "logout" })
    .where(and(eq(sessions.id, caller.sessionId), isNull(sessions.revokedAt)));
}

/**
 * Changes the password: every session of the user is revoked (including the caller's, so an attacker
 * holding any refresh token is out), and the calling device gets a fresh session and token pair so the
 * user stays signed in where they made the change.
 */
export async function changePassword(
  ctx: AccountContext,
  caller: Principal,
  input: { currentPassword: string; password: string },
  device: DeviceInfo,
): Promise<TokenPair> {
  // The sign-in budget (shared with sign-in and account deletion), counted before the check.
  const wait = await ctx.throttle.attempt(caller.email, device.ip);
  if (wait > 0) throw tooManyRequests("Too many wrong passwords; try again later", wait);
  const [user] = await ctx.db.select().from(users).where(eq(users.id, caller.userId)).limit(1);
  if (!user) throw unauthorized();
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw invalidField("body.currentPassword", "is not your current password");
  }
  await ctx.throttle.recordSuccess(caller.email, device.ip);
  checkPasswordPolicy(input.password, "body.password");
  const passwordHash = await hashPassword(input.password);
  const [current] = await ctx.db
    .select({ deviceName: sessions.deviceName, userAgent: sessions.userAgent })
    .from(sessions)
    .where(eq(sessions.id, caller.sessionId));
  const pair = await ctx.db.transaction(async (tx) => {
    const now = new Date();
    await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: now, updatedAt: now })
      .where(eq(users.id, user.id));
    await revokeAllSessions(tx, user.id, "password_changed");
    await retirePendingTokens(tx, user.id, "reset_password");
    await enqueueJob(tx, "email.send", { template: "password-changed", userId: user.id });
    return startSession(tx, tokenSettings(ctx), {
      userId: user.id,
      deviceName: current?.deviceName ?? null,
      userAgent: device.userAgent ?? current?.userAgent ?? null,
      ip: device.ip,
    });
  });
  ctx.notifyOutbox();
  const { sessionId: _, ...tokens } = pair;
  return tokens;
}

/**
 * Starts a password reset. Known and unknown addresses take the same path, status, body and roughly the
 * same time: both look the address up, make a token and run a transaction writing a token and an email
 * job — for an unknown address (or one over its hourly limit) that transaction is rolled back.
 */
export async function forgotPassword(ctx: AccountContext, input: { email: string }) {
  const email = input.email.trim();
  const [user] = await ctx.db
    .select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt })
    .from(users)
    .where(emailMatches(email))
    .limit(1);
  const [recent] = await ctx.db
    .select({ n: count() })
    .from(userTokens)
    .where(
      and(
        eq(userTokens.userId, user?.id ?? randomUUID()),
        eq(userTokens.purpose, "reset_password"),
        gt(userTokens.createdAt, new Date(Date.now() - 3600_000)),
      ),
    );
  const send = !!user && !user.disabledAt && (recent?.n ?? 0) < RESETS_PER_HOUR;
  const target = user ?? { id: randomUUID(), email: "nobody@example.invalid", name: "nobody" };
  const noSend = new Error("no reset email for this address");
  try {
    await ctx.db.transaction(async (tx) => {
      await retirePendingTokens(tx, target.id, "reset_password");
      // The link is minted when the email is sent; until then the row holds a secret nobody has.
      const tokenId = randomUUID();
      await enqueueJob(tx, "email.send", { template: "reset-password", userId: target.id, tokenId });
      if (!send) throw noSend;
      await tx.insert(userTokens).values({
        id: tokenId,
        userId: target.id,
        purpose: "reset_password",
        tokenHash: hashToken(randomToken()),
        expiresAt: new Date(Date.now() + RESET_TOKEN_TTL_MS),
      });
    });
  } catch (error) {
    if (error !== noSend) throw error;
  }
  if (send) ctx.notifyOutbox();
}

/** The emailed token with this value and purpose if it is unused and unexpired; otherwise 400 naming `what`. */
async function usableToken(
  db: Queryable,
  token: string,
  purpose: (typeof userTokens.$inferSelect)["purpose"],
  what: string,
) {
  const [row] = await db
    .select({
      id: userTokens.id,
      userId: userTokens.userId,
      usedAt: userTokens.usedAt,
      expiresAt: userTokens.expiresAt,
    })
    .from(userTokens)
    .where(and(eq(userTokens.tokenHash, hashToken(token)), eq(userTokens.purpose, purpose)))
    .limit(1);
  if (!row || row.usedAt || isPast(row.expiresAt)) throw invalidToken(what);
  return row;
}

export async function resetPassword(ctx: AccountContext, input: { token: string; password: string }) {
  checkPasswordPolicy(input.password, "body.password");
  const row = await usableToken(ctx.db, input.token, "reset_password", "password reset");
  const passwordHash = await hashPassword(input.password);
  const user = await ctx.db.transaction(async (tx) => {
    const claimed = await tx
      .update(userTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(userTokens.id, row.id), isNull(userTokens.usedAt)))
      .returning({ id: userTokens.id });
    if (claimed.length === 0) throw invalidToken("password reset");
    const now = new Date();
    const [updated] = await tx
      .update(users)
      // Following the emailed link proves the address too.
      .set({
        passwordHash,
        passwordChangedAt: now,
        updatedAt: now,
        emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())`,
      })
      .where(eq(users.id, row.userId))
      .returning();
    await revokeAllSessions(tx, row.userId, "password_reset");
    await retirePendingTokens(tx, row.userId, "reset_password");
    await enqueueJob(tx, "email.send", { template: "password-changed", userId: row.userId });
    return updated!;
  });
  ctx.notifyOutbox();
  await ctx.throttle.recordSuccess(user.email);
}

async function markVerified(tx: Queryable, userId: string) {
  await tx
    .update(users)
    .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())`, updatedAt: new Date() })
    .where(eq(users.id, userId));
  await retirePendingTokens(tx, userId, "verify_email");
}

export async function verifyEmail(
  ctx: AccountContext,
  input: { token?: string; code?: string; email?: string },
  caller: Principal | undefined,
  ip: string,
) {
  if ((input.token === undefined) === (input.code === undefined)) {
    throw invalidField("body", "give either the link's token or the 6-digit code");
  }
  if (input.token !== undefined) {
    const row = await usableToken(ctx.db, input.token, "verify_email", "verification");
    await ctx.db.transaction((tx) => markVerified(tx, row.userId));
    return { emailVerified: true as const };
  }
  if (caller) {
    if (caller.emailVerified) return { emailVerified: true as const };
    return verifyCode(ctx, caller.userId, input.code!, ip, false);
  }
  if (input.email === undefined) {
    throw invalidField("body.email", "is required with the code when not signed in");
  }
  // Public: every failure answers alike, so the code form says nothing about which addresses exist.
  const [user] = await ctx.db
    .select({ id: users.id, emailVerifiedAt: users.emailVerifiedAt })
    .from(users)
    .where(emailMatches(input.email.trim()))
    .limit(1);
  return verifyCode(ctx, user && !user.emailVerifiedAt ? user.id : null, input.code!, ip, true, input.email);
}

const codeRefused = () =>
  new HttpProblem({
    status: 400,
    type: "invalid-code",
    title: "Invalid or expired code",
    detail:
      "The code is wrong, has expired or was entered wrongly too often; check it or ask for a new email",
  });

/**
 * Checks a verification code of `userId` (null: an address with nothing to verify, which is counted and
 * refused like a wrong code). `uniform` answers every failure with the same problem (the public form).
 */
async function verifyCode(
  ctx: AccountContext,
  userId: string | null,
  code: string,
  ip: string,
  uniform: boolean,
  email?: string,
) {
  // Every attempt is counted before the comparison, so parallel guesses cannot exceed the limit: in the
  // hour's code budget per user and address (shared with share codes), and on the pending code itself.
  const budgetKey = userId ?? `email:${(email ?? "").trim().toLowerCase()}`;
  const wait = await ctx.codeThrottle.attempt(budgetKey, ip);
  if (wait > 0) throw tooManyRequests("Too many wrong codes; try again later", wait);
  const [pending] = await ctx.db
    .select({ id: userTokens.id, codeHash: userTokens.codeHash })
    .from(userTokens)
    .where(
      and(
        eq(userTokens.userId, userId ?? randomUUID()),
        eq(userTokens.purpose, "verify_email"),
        isNull(userTokens.usedAt),
        gt(userTokens.expiresAt, new Date()),
      ),
    )
    .orderBy(desc(userTokens.createdAt))
    .limit(1);
  if (!pending) {
    if (uniform) throw codeRefused();
    throw new HttpProblem({
      status: 400,
      type: "no-pending-verification",
      title: "No verification code pending",
      detail: "The code has expired or was replaced; ask for a new verification email",
    });
  }
  const counted = await ctx.db
    .update(userTokens)
    .set({ attempts: sql`${userTokens.attempts} + 1` })
    .where(and(eq(userTokens.id, pending.id), sql`${userTokens.attempts} < ${MAX_CODE_ATTEMPTS}`))
    .returning({ attempts: userTokens.attempts });
  if (counted.length === 0) {
    if (uniform) throw codeRefused();
    throw new HttpProblem({
      status: 400,
      type: "verification-code-locked",
      title: "Too many wrong codes",
      detail: `This code was entered wrongly ${MAX_CODE_ATTEMPTS} times; ask for a new verification email`,
    });
  }
  if (!codeMatches(ctx.keys["verification-code"], userId!, code, pending.codeHash)) {
    if (uniform) throw codeRefused();
    const left = MAX_CODE_ATTEMPTS - counted[0]!.attempts;
    throw invalidField("body.code", `is wrong (${left} attempt${left === 1 ? "" : "s"} left)`);
  }
  await ctx.codeThrottle.recordSuccess(budgetKey, ip);
  await ctx.db.transaction((tx) => markVerified(tx, userId!));
  return { emailVerified: true as const };
}

/** Sends a new verification email (the older link and code stop working). 409 when already verified. */
export async function resendVerification(ctx: AccountContext, caller: Principal) {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, caller.userId)).limit(1);
  if (!user) throw unauthorized();
  if (user.emailVerifiedAt) throw conflict("This email address is already verified");
  const wait = await verificationWait(ctx.db, user.id);
  if (wait > 0) throw tooManyRequests("Verification emails are limited: one a minute, five an hour", wait);
  await ctx.db.transaction(async (tx) => {
    await retirePendingTokens(tx, user.id, "verify_email");
    await issueVerification(tx, user);
  });
  ctx.notifyOutbox();
}

/** Seconds until the user may be sent another verification email (one a minute, five an hour); 0 = now. */
async function verificationWait(db: Queryable, userId: string): Promise<number> {
  const recent = await db
    .select({ createdAt: userTokens.createdAt })
    .from(userTokens)
    .where(
      and(
        eq(userTokens.userId, userId),
        eq(userTokens.purpose, "verify_email"),
        gt(userTokens.createdAt, new Date(Date.now() - 3600_000)),
      ),
    )
    .orderBy(desc(userTokens.createdAt));
  const now = Date.now();
  const latest = recent[0]?.createdAt.getTime();
  const untilMinute = latest === undefined ? 0 : latest + RESEND_MIN_INTERVAL_MS - now;
  const untilHour =
    recent.length >= RESEND_PER_HOUR ? recent[RESEND_PER_HOUR - 1]!.createdAt.getTime() + 3600_000 - now : 0;
  return Math.max(0, untilMinute, untilHour) / 1000;
}
