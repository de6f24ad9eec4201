import type { PurposeKeys } from "@honeydue/config";
import { createSigner, createVerifier, TokenError } from "fast-jwt";

/** Short-lived (≤ 15 min) HS256 access token naming the user and the device session it belongs to. */
export interface AccessClaims {
  userId: string;
  sessionId: string;
}

const ISSUER = "honeydue";
const AUDIENCE = "honeydue-api";

/** Signed with the current access-token key; its id (`kid`) says which root secret made it. */
export async function signAccessToken(
  keys: PurposeKeys,
  claims: AccessClaims,
  ttlSeconds: number,
): Promise<string> {
  const sign = createSigner({
    key: keys.current.key,
    algorithm: "HS256",
    kid: keys.current.id,
    iss: ISSUER,
    aud: AUDIENCE,
    sub: claims.userId,
    expiresIn: ttlSeconds * 1000,
  });
  return sign({ sid: claims.sessionId, typ: "access" });
}

type Verify = (token: string) => Record<string, unknown>;

// Every authenticated request verifies a token: fast-jwt checks HS256 synchronously (node:crypto HMAC),
// where jose goes through WebCrypto's promise per call (≈ 10 % of the task list's CPU in the profile,
// docs/performance.md). One verifier per key, built on first use.
const verifiers = new WeakMap<Buffer, Verify>();
function verifierFor(key: Buffer): Verify {
  let verify = verifiers.get(key);
  if (!verify) {
    verify = createVerifier({
      key,
      algorithms: ["HS256"],
      allowedIss: ISSUER,
      allowedAud: AUDIENCE,
      requiredClaims: ["exp", "sub", "sid"],
    });
    verifiers.set(key, verify);
  }
  return verify;
}

/** The `kid` of a compact JWS's protected header, or undefined when there is none or it is malformed. */
function keyIdOf(token: string): string | undefined {
  const dot = token.indexOf(".");
  if (dot <= 0) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), "base64url").toString("utf8"));
    const kid = header && typeof header === "object" ? (header as { kid?: unknown }).kid : undefined;
    return typeof kid === "string" ? kid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Returns the claims, or null for any invalid, expired or foreign token, and for one whose key id is not
 * accepted any more (a previous root secret past its grace period, or no key id at all).
 */
export function verifyAccessToken(keys: PurposeKeys, token: string): AccessClaims | null {
  const kid = keyIdOf(token);
  const key = kid ? keys.find(kid) : undefined;
  if (!key) return null;
  try {
    const payload = verifierFor(key)(token);
    if (payload.typ !== "access" || typeof payload.sub !== "string" || typeof payload.sid !== "string")
      return null;
    return { userId: payload.sub, sessionId: payload.sid };
  } catch (error) {
    if (error instanceof TokenError) return null;
    throw error;
  }
}
