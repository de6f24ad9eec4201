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
 * as an HMAC keyed with the verification-code key and bound to the user (see the API's hashCode, which
 * picks the key, and codeMatches, which accepts a rotated key during its grace period).
 */
export function codeHmac(key: Uint8Array, userId: string, code: string): Buffer {
  return createHmac("sha256", key).update(`${userId}:${code}`).digest();
}
