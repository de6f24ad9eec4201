import { createHmac, randomInt } from "node:crypto";
import type { PurposeKeys } from "@honeydue/config";
import { adminRecoveryCodes, adminUsers, type Queryable } from "@honeydue/db";
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";

/** RFC 6238 with the parameters every authenticator app supports: SHA-1, 6 digits, 30-second steps. */
const PERIOD = 30;
const totpFor = (secret: string, label: string) =>
  new TOTP({
    issuer: "honeyDue admin",
    label,
    algorithm: "SHA1",
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secret),
  });

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** What an authenticator app needs: the otpauth:// URI, as text and as a QR code (SVG data URL). */
export async function enrolment(secret: string, email: string) {
  const uri = totpFor(secret, email).toString();
  // Loaded by the first enrolment, not at boot (an admin enrols once).
  const { default: QRCode } = await import("qrcode");
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
  return {
    secret,
    otpauthUri: uri,
    qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`,
  };
}

/**
 * Checks a 6-digit code (one step of clock drift either way) and records its time step, so the same code
 * cannot be used twice: the update only succeeds when the step is newer than the last one accepted.
 */
export async function acceptTotp(
  db: Queryable,
  admin: { id: string; email: string; totpSecret: string | null },
  code: string,
): Promise<boolean> {
  if (!admin.totpSecret || !/^\d{6}$/.test(code)) return false;
  const delta = totpFor(admin.totpSecret, admin.email).validate({ token: code, window: 1 });
  if (delta === null) return false;
  const step = Math.floor(Date.now() / 1000 / PERIOD) + delta;
  const updated = await db
    .update(adminUsers)
    .set({ totpLastStep: step })
    .where(
      and(
        eq(adminUsers.id, admin.id),
        or(isNull(adminUsers.totpLastStep), sql`${adminUsers.totpLastStep} < ${step}`),
      ),
    )
    .returning({ id: adminUsers.id });
  return updated.length === 1;
}

/** The current code of a secret (tests and the CLI's self-check). */
export function currentTotp(secret: string): string {
  return totpFor(secret, "x").generate();
}

const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const RECOVERY_CODES = 10;

/**
 * Recovery codes are stored as HMACs keyed with the admin-recovery-code key: 50 bits each, never stored in
 * clear. Issued under the current key; a code made under the previous root secret works during its grace.
 */
function hashRecoveryCode(key: Buffer, code: string): Buffer {
  return createHmac("sha256", key)
    .update(`admin-recovery:${code.toLowerCase().replace(/[^a-z0-9]/g, "")}`)
    .digest();
}

function randomRecoveryCode(): string {
  let s = "";
  for (let i = 0; i < 10; i++) s += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

/** Replaces an admin's recovery codes with ten new ones, returned once in clear. */
export async function issueRecoveryCodes(
  db: Queryable,
  keys: PurposeKeys,
  adminId: string,
): Promise<string[]> {
  await db.delete(adminRecoveryCodes).where(eq(adminRecoveryCodes.adminId, adminId));
  const codes = Array.from({ length: RECOVERY_CODES }, randomRecoveryCode);
  await db
    .insert(adminRecoveryCodes)
    .values(codes.map((code) => ({ adminId, codeHash: hashRecoveryCode(keys.current.key, code) })));
  return codes;
}

/** Uses up one unused recovery code of this admin; false when it is not one. */
export async function useRecoveryCode(
  db: Queryable,
  keys: PurposeKeys,
  adminId: string,
  code: string,
): Promise<boolean> {
  const used = await db
    .update(adminRecoveryCodes)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(adminRecoveryCodes.adminId, adminId),
        inArray(
          adminRecoveryCodes.codeHash,
          keys.accepted().map(({ key }) => hashRecoveryCode(key, code)),
        ),
        isNull(adminRecoveryCodes.usedAt),
      ),
    )
    .returning({ id: adminRecoveryCodes.id });
  return used.length === 1;
}

export const looksLikeRecoveryCode = (code: string) => /^[a-z0-9]{5}-?[a-z0-9]{5}$/i.test(code.trim());
