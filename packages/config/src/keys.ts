import { hkdfSync } from "node:crypto";

/**
 * One root secret (AUTH_SECRET), one key per purpose derived from it with HKDF-SHA256, so no two uses
 * share a key and a key leaked through one use says nothing about the others. Every token or stored HMAC
 * names the root secret it was made with by a key id; after a rotation (AUTH_SECRET_PREVIOUS) the previous
 * secret's keys are still accepted until AUTH_SECRET_PREVIOUS_UNTIL, and never after.
 * docs/security.md ("Keys and what rotating does") says what a rotation does to each purpose.
 */
export const KEY_PURPOSES = [
  "access-token",
  "verification-code",
  "unsubscribe-link",
  "storage-grant",
  "admin-csrf",
  "admin-recovery-code",
] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

/** The root secrets a process was given. */
export interface AuthSecrets {
  current: string;
  /** The root secret before the last rotation and the end of its grace period. */
  previous?: { secret: string; until: Date } | undefined;
}

export interface PurposeKey {
  /** Names the root secret the key was derived from (not secret: derived with its own HKDF label). */
  id: string;
  key: Buffer;
}

/** The keys of one purpose: the current one signs, any accepted one verifies. */
export interface PurposeKeys {
  readonly purpose: KeyPurpose;
  readonly current: PurposeKey;
  /** The key with this id if it is accepted now: the current one, or the previous one within its grace. */
  find(id: string, now?: number): Buffer | undefined;
  /** Every key accepted now, the current one first (for stored HMACs, which are compared, not parsed). */
  accepted(now?: number): PurposeKey[];
}

export type KeyRing = { readonly [P in KeyPurpose]: PurposeKeys };

const SALT = "honeydue/root-secret/v1";

function derive(root: string, info: string, length: number): Buffer {
  return Buffer.from(hkdfSync("sha256", root, SALT, info, length));
}

/** The key id of a root secret: 8 base64url characters of a separate HKDF output. */
export function keyIdOf(root: string): string {
  return derive(root, "honeydue/key-id", 6).toString("base64url");
}

export function derivePurposeKey(root: string, purpose: KeyPurpose): PurposeKey {
  return { id: keyIdOf(root), key: derive(root, `honeydue/${purpose}/v1`, 32) };
}

/** Derives every purpose's keys once (at boot); verification then only looks keys up. */
export function deriveKeyRing(secrets: AuthSecrets): KeyRing {
  const ring = {} as Record<KeyPurpose, PurposeKeys>;
  for (const purpose of KEY_PURPOSES) {
    const current = derivePurposeKey(secrets.current, purpose);
    const previous =
      secrets.previous && secrets.previous.secret !== secrets.current
        ? { ...derivePurposeKey(secrets.previous.secret, purpose), until: secrets.previous.until.getTime() }
        : undefined;
    const previousAccepted = (now: number) => previous !== undefined && now < previous.until;
    ring[purpose] = {
      purpose,
      current,
      find(id, now = Date.now()) {
        if (id === current.id) return current.key;
        if (previous && id === previous.id && previousAccepted(now)) return previous.key;
        return undefined;
      },
      accepted(now = Date.now()) {
        return previous && previousAccepted(now)
          ? [current, { id: previous.id, key: previous.key }]
          : [current];
      },
    };
  }
  return ring;
}
