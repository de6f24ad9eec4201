import { createHash, createHmac, randomBytes, randomInt } from "node:crypto";

/**
 * The secrets honeyDue mails or hands out (refresh, reset, verification and invitation tokens, codes) and
 * the only forms in which they are stored. Server-only: import it as `@honeydue/domain/tokens`.
 */

/** 32 random bytes (256 bits), base64url: refresh, reset, verification and invitation tokens. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Only this hash of a token is stored: a database leak yields no usable token. */
export function hashToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** A 6-digit verification code, uniformly random. */
export function randomCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, "0");
}

/**
 * Codes have only a million values, so a plain hash would be reversed offline at once: they are stored
 * as an HMAC keyed with the server secret and bound to the user.
 */
export function hashCode(secret: Uint8Array, userId: string, code: string): Buffer {
  return createHmac("sha256", secret).update(`${userId}:${code}`).digest();
}

/**
 * The key verification codes are hashed with (see hashCode): the bytes of AUTH_SECRET, as the API's
 * access-token key. The worker mints codes when it sends the email, the API checks them.
 */
export function verificationCodeKey(authSecret: string): Uint8Array {
  return new TextEncoder().encode(authSecret);
}
