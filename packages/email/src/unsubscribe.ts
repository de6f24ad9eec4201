import { createHmac, timingSafeEqual } from "node:crypto";

/** What an unsubscribe link turns off. "reminders" = the daily digest and warranty reminder emails. */
export type UnsubscribePurpose = "reminders";
const PURPOSES: readonly UnsubscribePurpose[] = ["reminders"];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function mac(secret: string, userId: string, purpose: string): Buffer {
  // Domain-separated from every other use of AUTH_SECRET.
  return createHmac("sha256", secret)
    .update(`honeydue:unsubscribe:v1:${purpose}:${userId.toLowerCase()}`)
    .digest();
}

/**
 * A stateless one-click unsubscribe token: `<user id>.<purpose>.<HMAC-SHA256(AUTH_SECRET)>`, base64url.
 * It needs no table, never expires (RFC 8058 links must keep working) and can do exactly one thing.
 */
export function unsubscribeToken(
  secret: string,
  userId: string,
  purpose: UnsubscribePurpose = "reminders",
): string {
  const sig = mac(secret, userId, purpose).subarray(0, 16).toString("base64url");
  const head = Buffer.from(`${userId.toLowerCase()}.${purpose}`).toString("base64url");
  return `${head}.${sig}`;
}

export function verifyUnsubscribeToken(
  secret: string,
  token: string,
): { userId: string; purpose: UnsubscribePurpose } | null {
  const [head, sig] = token.split(".");
  if (!head || !sig || token.split(".").length !== 2) return null;
  const [userId, purpose] = Buffer.from(head, "base64url").toString("utf8").split(".");
  if (!userId || !UUID.test(userId) || !PURPOSES.includes(purpose as UnsubscribePurpose)) return null;
  const expected = mac(secret, userId, purpose!).subarray(0, 16);
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { userId, purpose: purpose as UnsubscribePurpose };
}

export function unsubscribeUrl(publicApiUrl: string, secret: string, userId: string): string {
  return `${publicApiUrl}/v1/unsubscribe/${unsubscribeToken(secret, userId)}`;
}
