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

function mac(secret: string, body: string): string {
  return createHmac("sha256", `honeydue-storage:${secret}`).update(body).digest("base64url");
}

/** An opaque token `<base64url JSON>.<HMAC-SHA256>` carrying a grant, signed with AUTH_SECRET. */
export function signGrant(secret: string, grant: LocalGrant): string {
  const body = Buffer.from(JSON.stringify(grant)).toString("base64url");
  return `${body}.${mac(secret, body)}`;
}

/** The grant of a valid, unexpired token, or null. */
export function verifyGrant(secret: string, token: string, now = Date.now()): LocalGrant | null {
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) return null;
  const expected = Buffer.from(mac(secret, body));
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
