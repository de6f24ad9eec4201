import type { users } from "@honeydue/db";
import { isValidTimeZone } from "@honeydue/domain";
import { invalidField } from "../http/problem.ts";

type UserRow = typeof users.$inferSelect;

/** The JSON shape of the signed-in user (schema `User`). */
export function toUser(row: UserRow) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    emailVerified: row.emailVerifiedAt !== null,
    timezone: row.timezone,
    locale: row.locale,
    dueSoonDays: row.dueSoonDays,
    notifications: {
      digestEnabled: row.digestEnabled,
      digestHour: row.digestHour,
      pushEnabled: row.pushEnabled,
    },
    avatarFileId: row.avatarFileId,
    createdAt: row.createdAt.toISOString(),
  };
}

export function checkTimezone(zone: string, field: string): string {
  if (!isValidTimeZone(zone)) throw invalidField(field, "must be an IANA time zone such as Europe/Berlin");
  return zone;
}

/** A BCP 47 tag in its canonical form (pt-br → pt-BR), or a 400 naming `field`. */
export function checkLocale(locale: string, field: string): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(locale);
    if (canonical) return canonical;
  } catch {}
  throw invalidField(field, "must be a BCP 47 language tag such as en or pt-BR");
}

/** Display names are trimmed and must keep at least one visible character. */
export function checkName(name: string, field: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw invalidField(field, "must not be blank");
  return trimmed;
}
