import { createHmac, timingSafeEqual } from "node:crypto";
import type { PurposeKeys } from "@honeydue/config";

/** What an unsubscribe link turns off. "reminders" = the daily digest and warranty reminder emails. */
export type UnsubscribePurpose = "reminders";
const PURPOSES: readonly UnsubscribePurpose[] = ["reminders"];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function mac(key: Buffer, keyId: string, userId: string, purpose: string): Buffer {
  return createHmac("sha256", key)
    .update(`honeydue:unsubscribe:v2:${keyId}:${purpose}:${userId.toLowerCase()}`)
    .digest()
    .subarray(0, 16);
}

/**
 * A stateless one-click unsubscribe token: `<user id>.<purpose>` (base64url), the key id and a truncated
 * HMAC-SHA256 with the unsubscribe-link key. It needs no table and never expires (RFC 8058 links must keep
 * working) and can do exactly one thing; after a rotation of the root secret, links in earlier emails
 * work until the previous secret's grace period ends.
 */
export function unsubscribeToken(
  keys: PurposeKeys,
  userId: string,
  purpose: UnsubscribePurpose = "reminders",
): string {
  const { id, key } = keys.current;
  const sig = mac(key, id, userId, purpose).toString("base64url");
  const head = Buffer.from(`${userId.toLowerCase()}.${purpose}`).toString("base64url");
  return `${head}.${id}.${sig}`;
}

export function verifyUnsubscribeToken(
  keys: PurposeKeys,
  token: string,
): { userId: string; purpose: UnsubscribePurpose } | null {
  const parts = token.split(".");
  const [head, keyId, sig] = parts;
  if (parts.length !== 3 || !head || !keyId || !sig) return null;
  const key = keys.find(keyId);
  if (!key) return null;
  const [userId, purpose] = Buffer.from(head, "base64url").toString("utf8").split(".");
  if (!userId || !UUID.test(userId) || !PURPOSES.includes(purpose as UnsubscribePurpose)) return null;
  const expected = mac(key, keyId, userId, purpose!);
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { userId, purpose: purpose as UnsubscribePurpose };
}

export function unsubscribeUrl(publicApiUrl: string, keys: PurposeKeys, userId: string): string {
  return `${publicApiUrl}/v1/unsubscribe/${unsubscribeToken(keys, userId)}`;
}
