/**
 * Calendar-date helpers. A `LocalDate` is a calendar date written `YYYY-MM-DD` (no time, no zone).
 *
 * All arithmetic here is pure integer math on year/month/day components (days-from-civil), so it never
 * depends on the host's time zone or on daylight-saving transitions. Supported years: 0001..9999; an
 * operation whose result falls outside that range throws a RangeError.
 */

export type LocalDate = string;

const LOCAL_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MIN_DAY_NUMBER = daysFromCivil(1, 1, 1);
const MAX_DAY_NUMBER = daysFromCivil(9999, 12, 31);

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in `month` (1..12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True for a real calendar date in `YYYY-MM-DD` form (year 0001..9999), e.g. rejects 2027-02-29. */
export function isValidLocalDate(s: string): boolean {
  if (typeof s !== "string") return false;
  const m = LOCAL_DATE_RE.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export type DateParts = { year: number; month: number; day: number };

/** Splits a LocalDate into numbers (month 1..12). Throws a RangeError for an invalid date. */
export function parseLocalDate(d: LocalDate): DateParts {
  if (!isValidLocalDate(d))
    throw new RangeError(`Invalid calendar date ${JSON.stringify(d)} (expected YYYY-MM-DD)`);
  return { year: Number(d.slice(0, 4)), month: Number(d.slice(5, 7)), day: Number(d.slice(8, 10)) };
}

/** Builds a LocalDate from components (month 1..12). Throws a RangeError if they are not a real date. */
export function formatLocalDate(year: number, month: number, day: number): LocalDate {
  const s = `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day) || !isValidLocalDate(s)) {
    throw new RangeError(`Not a calendar date: ${year}-${month}-${day}`);
  }
  return s;
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian; day 0 = 1970-01-01).
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(n: number): DateParts {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Days since 1970-01-01 (negative before). */
export function toDayNumber(d: LocalDate): number {
  const { year, month, day } = parseLocalDate(d);
  return daysFromCivil(year, month, day);
}

/** Inverse of toDayNumber. */
export function fromDayNumber(n: number): LocalDate {
  if (!Number.isInteger(n) || n < MIN_DAY_NUMBER || n > MAX_DAY_NUMBER) {
    throw new RangeError("Date out of the supported range 0001-01-01..9999-12-31");
  }
  const { year, month, day } = civilFromDays(n);
  return formatLocalDate(year, month, day);
}

function assertInteger(n: number, what: string): void {
  if (!Number.isInteger(n)) throw new RangeError(`${what} must be an integer, got ${n}`);
}

export function addDays(d: LocalDate, n: number): LocalDate {
  assertInteger(n, "Days");
  return fromDayNumber(toDayNumber(d) + n);
}

export function addWeeks(d: LocalDate, n: number): LocalDate {
  assertInteger(n, "Weeks");
  return addDays(d, 7 * n);
}

/** Adds calendar months, clamping the day to the end of the target month (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(d: LocalDate, n: number): LocalDate {
  assertInteger(n, "Months");
  const { year, month, day } = parseLocalDate(d);
  const total = year * 12 + (month - 1) + n;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  if (y < 1 || y > 9999) throw new RangeError("Date out of the supported range 0001-01-01..9999-12-31");
  return formatLocalDate(y, m, Math.min(day, daysInMonth(y, m)));
}

/** Adds calendar years, clamping Feb 29 to Feb 28 in non-leap years. */
export function addYears(d: LocalDate, n: number): LocalDate {
  assertInteger(n, "Years");
  return addMonths(d, 12 * n);
}

/** Whole days from `b` to `a` (a - b): diffDays("2028-03-01", "2028-02-28") === 2. */
export function diffDays(a: LocalDate, b: LocalDate): number {
  return toDayNumber(a) - toDayNumber(b);
}

/** Whole calendar months from `b`'s month to `a`'s month, ignoring the day. */
export function diffCalendarMonths(a: LocalDate, b: LocalDate): number {
  const pa = parseLocalDate(a);
  const pb = parseLocalDate(b);
  return pa.year * 12 + pa.month - (pb.year * 12 + pb.month);
}

/** -1, 0 or 1. (Valid LocalDates also compare correctly as plain strings.) */
export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  const d = diffDays(a, b);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/** The later of two dates. */
export function laterOf(a: LocalDate, b: LocalDate): LocalDate {
  return compareLocalDates(a, b) >= 0 ? a : b;
}

/** Day of week, 0 = Sunday .. 6 = Saturday. */
export function dayOfWeek(d: LocalDate): number {
  return (((toDayNumber(d) + 4) % 7) + 7) % 7;
}

/** Midnight UTC of the date, as a Date (for libraries that need a Date, e.g. rrule). */
export function localDateToUtcDate(d: LocalDate): Date {
  return new Date(toDayNumber(d) * 86_400_000);
}

/** The UTC calendar date of a Date. */
export function utcDateToLocalDate(date: Date): LocalDate {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("Invalid Date");
  return fromDayNumber(Math.floor(ms / 86_400_000));
}

const formatterCache = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatterCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      calendar: "gregory",
      numberingSystem: "latn",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    if (formatterCache.size > 1000) formatterCache.clear();
    formatterCache.set(timeZone, f);
  }
  return f;
}

/** The shape of an IANA zone name: Area/Location[/More], in letters, digits, `_`, `+` and `-`. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/**
 * True for an IANA time-zone name the runtime knows ("Europe/Paris", "America/Los_Angeles", "UTC").
 * Offset strings such as "+02:00" are rejected: a residence's zone must follow DST rules.
 */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== "string" || tz.length === 0 || tz.length > 64) return false;
  if (!ZONE_NAME.test(tz)) return false;
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

/** The calendar date it is in `timeZone` at instant `now` (default: the current instant). */
export function todayIn(timeZone: string, now: Date = new Date()): LocalDate {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown time zone ${JSON.stringify(timeZone)}`);
  const parts = formatterFor(timeZone).formatToParts(now);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return formatLocalDate(get("year"), get("month"), get("day"));
}
