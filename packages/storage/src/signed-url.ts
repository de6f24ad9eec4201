import { createHmac, timingSafeEqual } from "node:crypto";

/** What a local-driver URL lets its bearer do, until `exp` (epoch seconds). */
export interface LocalGrant {
  /** "put" uploads exactly `size` bytes of `type`; "get" downloads as `name`. */
  op: "put" | "get";
  key: string;
  exp: number;
  size?: number;
  type?: string;
  name?: string;
}

/**
 * The storage-grant keys (`KeyRing["storage-grant"]` of @honeydue/config, which this package does not
 * import): the current key signs, `find` returns the key of an id that is still accepted.
 */
export interface GrantKeys {
  current: { id: string; key: Uint8Array };
  find(id: string, now?: number): Uint8Array | undefined;
}

function mac(key: Uint8Array, signed: string): string {
  return createHmac("sha256", key).update(`storage-grant:${signed}`).digest("base64url");
}

/** An opaque token `<key id>.<base64url JSON>.<HMAC-SHA256 of both>` carrying a grant. */
export function signGrant(keys: GrantKeys, grant: LocalGrant): string {
  const signed = `${keys.current.id}.${Buffer.from(JSON.stringify(grant)).toString("base64url")}`;
  return `${signed}.${mac(keys.current.key, signed)}`;
}

/** The grant of a valid, unexpired token whose key is still accepted, or null. */
export function verifyGrant(keys: GrantKeys, token: string, now = Date.now()): LocalGrant | null {
  const [keyId, body, signature, extra] = token.split(".");
  if (!keyId || !body || !signature || extra !== undefined) return null;
  const key = keys.find(keyId, now);
  if (!key) return null;
  const expected = Buffer.from(mac(key, `${keyId}.${body}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const grant = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as LocalGrant;
    if (typeof grant.exp !== "number" || grant.exp * 1000 < now) return null;
    if ((grant.op !== "put" && grant.op !== "get") || typeof grant.key !== "string") return null;
    return grant;
  } catch {
    return null;
  }
}
