import { isValidTimeZone } from "@honeydue/domain";
import { invalidField } from "../http/problem.ts";

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
