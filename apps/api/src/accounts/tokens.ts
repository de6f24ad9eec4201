import { timingSafeEqual } from "node:crypto";
import { type Queryable, refreshTokens, sessions } from "@honeydue/db";
import { hashToken, randomToken } from "@honeydue/domain/tokens";
import { signAccessToken } from "./access-token.ts";

// The token primitives live in @honeydue/domain/tokens (the email job mints tokens at send time too).
export { hashCode, hashToken, randomCode, randomToken } from "@honeydue/domain/tokens";

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
  accessKey: Uint8Array;
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
    settings.accessKey,
    { userId: device.userId, sessionId },
    settings.accessTokenTtlSeconds,
  );
  return { sessionId, accessToken, refreshToken, expiresIn: settings.accessTokenTtlSeconds };
}
