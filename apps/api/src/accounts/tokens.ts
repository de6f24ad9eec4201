import { timingSafeEqual } from "node:crypto";
import type { KeyRing, PurposeKeys } from "@honeydue/config";
import { type Queryable, refreshTokens, sessions } from "@honeydue/db";
import { codeHmac, hashToken, randomToken } from "@honeydue/domain/tokens";
import { signAccessToken } from "./access-token.ts";

// The token primitives live in @honeydue/domain/tokens: the email job mints tokens and codes at send time.
export { hashToken, randomToken } from "@honeydue/domain/tokens";

/**
 * Codes have only a million values, so a plain hash would be reversed offline at once: they are stored
 * as an HMAC keyed with the verification-code key (current root secret) and bound to the user.
 */
export function hashCode(keys: PurposeKeys, userId: string, code: string): Buffer {
  return codeHmac(keys.current.key, userId, code);
}

/** Whether `code` is the one stored as `stored`, under any key accepted now (a rotation's grace period). */
export function codeMatches(
  keys: PurposeKeys,
  userId: string,
  code: string,
  stored: Buffer | null | undefined,
): boolean {
  return keys.accepted().some(({ key }) => sameHash(stored, codeHmac(key, userId, code)));
}

export function sameHash(a: Buffer | null | undefined, b: Buffer): boolean {
  return !!a && a.length === b.length && timingSafeEqual(a, b);
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface TokenSettings {
  keys: Pick<KeyRing, "access-token">;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
}

export function sessionExpiry(settings: TokenSettings, from = new Date()): Date {
  return new Date(from.getTime() + settings.refreshTokenTtlDays * 86_400_000);
}

/** A new refresh token of a session, stored as its hash. */
export async function addRefreshToken(db: Queryable, sessionId: string, expiresAt: Date): Promise<string> {
  const token = randomToken();
  await db.insert(refreshTokens).values({ tokenHash: hashToken(token), sessionId, expiresAt });
  return token;
}

/** Signs in a device: a new session (the token family) with its first refresh token and an access token. */
export async function startSession(
  db: Queryable,
  settings: TokenSettings,
  device: { userId: string; deviceName?: string | null; userAgent?: string | null; ip?: string | null },
): Promise<TokenPair & { sessionId: string }> {
  const expiresAt = sessionExpiry(settings);
  const [session] = await db
    .insert(sessions)
    .values({
      userId: device.userId,
      deviceName: device.deviceName ?? null,
      userAgent: device.userAgent?.slice(0, 512) ?? null,
      ip: device.ip ?? null,
      expiresAt,
    })
    .returning({ id: sessions.id });
  const sessionId = session!.id;
  const refreshToken = await addRefreshToken(db, sessionId, expiresAt);
  const accessToken = await signAccessToken(
    settings.keys["access-token"],
    { userId: device.userId, sessionId },
    settings.accessTokenTtlSeconds,
  );
  return { sessionId, accessToken, refreshToken, expiresIn: settings.accessTokenTtlSeconds };
}
