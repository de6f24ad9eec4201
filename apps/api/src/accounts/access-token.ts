import type { PurposeKeys } from "@honeydue/config";
import { errors, jwtVerify, SignJWT } from "jose";

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
  return new SignJWT({ sid: claims.sessionId, typ: "access" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: keys.current.id })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(keys.current.key);
}

/**
 * Returns the claims, or null for any invalid, expired or foreign token, and for one whose key id is not
 * accepted any more (a previous root secret past its grace period, or no key id at all).
 */
export async function verifyAccessToken(keys: PurposeKeys, token: string): Promise<AccessClaims | null> {
  const keyOf = (header: { kid?: string }) => {
    const key = header.kid ? keys.find(header.kid) : undefined;
    if (!key) throw new errors.JWKSNoMatchingKey();
    return key;
  };
  try {
    const { payload } = await jwtVerify(token, keyOf, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["HS256"],
    });
    if (payload.typ !== "access" || typeof payload.sub !== "string" || typeof payload.sid !== "string")
      return null;
    return { userId: payload.sub, sessionId: payload.sid };
  } catch (error) {
    if (error instanceof errors.JOSEError) return null;
    throw error;
  }
}
