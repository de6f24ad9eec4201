/**
 * Recurring tasks: validation, next due dates and human descriptions.
 *
 * Three kinds of schedule:
 *  - `null`: a one-off task; completing it closes it.
 *  - `fixed`: every N days/weeks/months/years counted from the series anchor (its first due date), or any
 *    RFC 5545 RRULE body evaluated with DTSTART = the anchor. The schedule never drifts: occurrence k of
 *    "every N months" is anchor + k*N months clamped to the month end (Jan 31 -> Feb 29 -> Mar 31 -> Apr 30).
 *  - `afterCompletion`: next due = completion date + N days/weeks/months.
 *
 *  - `usage`: every N units of a meter, optionally "or every interval, whichever comes first" (usage.ts:
 *    its due date is projected from the meter's readings, not computed here).
 *
 * All dates are calendar dates (`YYYY-MM-DD`); nothing here depends on the host's time zone.
 */

import type { Options as RRuleOptions } from "rrule";
import rrulePkg from "rrule";
import {
  addDays,
  addMonths,
  addWeeks,
  addYears,
  daysInMonth,
  diffCalendarMonths,
  diffDays,
  fromDayNumber,
  isValidLocalDate,
  type LocalDate,
  laterOf,
  localDateToUtcDate,
  toDayNumber,
  utcDateToLocalDate,
} from "./dates.ts";
import { describeUsage, MAX_METER_VALUE, type UsageRecurrence } from "./usage.ts";

// rrule ships a UMD bundle as its CommonJS entry point: only the default import is reliable under Node ESM.
const { RRule } = rrulePkg;

export type RecurrenceUnit = "day" | "week" | "month" | "year";
export type AfterCompletionUnit = "day" | "week" | "month";

export type IntervalRecurrence = { kind: "fixed"; interval: number; unit: RecurrenceUnit };
export type RRuleRecurrence = { kind: "fixed"; rrule: string };
export type FixedRecurrence = IntervalRecurrence | RRuleRecurrence;
export type AfterCompletionRecurrence = {
  kind: "afterCompletion";
  interval: number;
  unit: AfterCompletionUnit;
};
export type Recurrence = null | FixedRecurrence | AfterCompletionRecurrence | UsageRecurrence;
export type { UsageRecurrence };

export const RECURRENCE_UNITS: readonly RecurrenceUnit[] = ["day", "week", "month", "year"];
export const AFTER_COMPLETION_UNITS: readonly AfterCompletionUnit[] = ["day", "week", "month"];
export const MIN_INTERVAL = 1;
export const MAX_INTERVAL = 1000;
export const MAX_RRULE_LENGTH = 500;
export const MAX_RRULE_COUNT = 10_000;

// ---------------------------------------------------------------------------------------------------------
// RRULE parsing (strict: we accept a subset of RFC 5545 that makes sense for calendar dates)
// ---------------------------------------------------------------------------------------------------------

type Freq = "YEARLY" | "MONTHLY" | "WEEKLY" | "DAILY";
const FREQS: readonly string[] = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY"];
const TOO_FINE_FREQS: readonly string[] = ["HOURLY", "MINUTELY", "SECONDLY"];
const WEEKDAYS: readonly string[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const WEEKDAY_NUMBER: Record<string, number> = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 };
const KNOWN_PARTS: readonly string[] = [
  "FREQ",
  "INTERVAL",
  "COUNT",
  "UNTIL",
  "BYMONTH",
  "BYMONTHDAY",
  "BYYEARDAY",
  "BYWEEKNO",
  "BYDAY",
  "BYSETPOS",
  "WKST",
];
const TIME_PARTS: readonly string[] = ["BYHOUR", "BYMINUTE", "BYSECOND"];

type ParsedRRule = {
  /** Canonical body: upper case, no "RRULE:" prefix, parts in the order given. */
  canonical: string;
  freq: Freq;
  interval: number;
  options: Partial<RRuleOptions>;
  /** COUNT, or null */
  count: number | null;
  /** the calendar date of UNTIL (inclusive: occurrences are at 00:00), or null */
  until: LocalDate | null;
  /** BYMONTH values (1..12), or null */
  byMonth: number[] | null;
  /** BYMONTHDAY values (±1..31), or null */
  byMonthDay: number[] | null;
  /** plain BYDAY weekdays as 0 = Sunday .. 6 = Saturday (only used for DAILY/WEEKLY), or null */
  byWeekday: number[] | null;
  /** WKST as 0 = Sunday .. 6 = Saturday (default Monday) */
  weekStart: number;
};

type ParseResult = { ok: true; rule: ParsedRRule } | { ok: false; error: string };

function intInRange(value: string, min: number, max: number, allowSign: boolean): number | null {
  if (!(allowSign ? /^[+-]?\d{1,4}$/ : /^\d{1,6}$/).test(value)) return null;
  const n = Number(value);
  if (n < min || n > max || n === 0) return null;
  return n;
}

function checkIntList(name: string, value: string, limit: number, signed: boolean): string | null {
  for (const item of value.split(",")) {
    if (intInRange(item, signed ? -limit : 1, limit, signed) === null) {
      return `RRULE ${name} must be a comma-separated list of ${signed ? `±1..${limit}` : `1..${limit}`}, got "${item}"`;
    }
  }
  return null;
}

const parseCache = new Map<string, ParseResult>();

function parseRRuleBody(input: string): ParseResult {
  const cached = parseCache.get(input);
  if (cached) return cached;
  const result = parseRRuleBodyUncached(input);
  if (parseCache.size > 500) parseCache.clear();
  parseCache.set(input, result);
  return result;
}

function parseRRuleBodyUncached(input: string): ParseResult {
  const fail = (error: string): ParseResult => ({ ok: false, error });
  if (typeof input !== "string") return fail("rrule must be a string");
  let body = input.trim();
  if (body.length === 0) return fail("rrule must not be empty");
  if (body.length > MAX_RRULE_LENGTH) return fail(`rrule must be at most ${MAX_RRULE_LENGTH} characters`);
  if (/[\r\n]/.test(body) || /DTSTART|EXDATE|RDATE|TZID/i.test(body)) {
    return fail(
      "rrule must be a single RRULE body (e.g. FREQ=MONTHLY;BYMONTHDAY=1) without DTSTART/EXDATE/RDATE",
    );
  }
  body = body.toUpperCase().replace(/^RRULE:/, "");
  const parts = new Map<string, string>();
  for (const segment of body.split(";")) {
    if (segment === "") continue;
    const m = /^([A-Z]+)=([A-Z0-9,+-]+)$/.exec(segment);
    if (!m) return fail(`Malformed RRULE part "${segment}" (expected NAME=VALUE)`);
    const [, name = "", value = ""] = m;
    if (TIME_PARTS.includes(name)) {
      return fail(`RRULE ${name} is not supported: tasks are due on calendar dates, not at times of day`);
    }
    if (!KNOWN_PARTS.includes(name)) return fail(`Unknown RRULE part ${name}`);
    if (parts.has(name)) return fail(`RRULE part ${name} appears more than once`);
    parts.set(name, value);
  }

  const freq = parts.get("FREQ");
  if (freq === undefined) return fail("RRULE must have a FREQ (YEARLY, MONTHLY, WEEKLY or DAILY)");
  if (TOO_FINE_FREQS.includes(freq)) {
    return fail(`RRULE FREQ=${freq} is too frequent: the finest schedule allowed is DAILY`);
  }
  if (!FREQS.includes(freq)) return fail(`RRULE FREQ must be YEARLY, MONTHLY, WEEKLY or DAILY, got ${freq}`);
  const f = freq as Freq;

  let interval = 1;
  const intervalText = parts.get("INTERVAL");
  if (intervalText !== undefined) {
    const n = intInRange(intervalText, MIN_INTERVAL, MAX_INTERVAL, false);
    if (n === null)
      return fail(`RRULE INTERVAL must be a whole number from ${MIN_INTERVAL} to ${MAX_INTERVAL}`);
    interval = n;
  }

  const countText = parts.get("COUNT");
  const untilText = parts.get("UNTIL");
  if (countText !== undefined && untilText !== undefined)
    return fail("RRULE must not have both COUNT and UNTIL");
  if (countText !== undefined && intInRange(countText, 1, MAX_RRULE_COUNT, false) === null) {
    return fail(`RRULE COUNT must be a whole number from 1 to ${MAX_RRULE_COUNT}`);
  }
  if (untilText !== undefined) {
    const m = /^(\d{4})(\d{2})(\d{2})(T\d{6}Z?)?$/.exec(untilText);
    if (!m || !isValidLocalDate(`${m[1]}-${m[2]}-${m[3]}`)) {
      return fail("RRULE UNTIL must be a date like 20281231 (or 20281231T235959Z)");
    }
  }

  const byMonth = parts.get("BYMONTH");
  if (byMonth !== undefined) {
    const e = checkIntList("BYMONTH", byMonth, 12, false);
    if (e) return fail(e);
  }
  const byMonthDay = parts.get("BYMONTHDAY");
  if (byMonthDay !== undefined) {
    if (f === "WEEKLY") return fail("RRULE BYMONTHDAY cannot be used with FREQ=WEEKLY");
    const e = checkIntList("BYMONTHDAY", byMonthDay, 31, true);
    if (e) return fail(e);
  }
  const byYearDay = parts.get("BYYEARDAY");
  if (byYearDay !== undefined) {
    if (f !== "YEARLY") return fail("RRULE BYYEARDAY can only be used with FREQ=YEARLY");
    const e = checkIntList("BYYEARDAY", byYearDay, 366, true);
    if (e) return fail(e);
  }
  const byWeekNo = parts.get("BYWEEKNO");
  if (byWeekNo !== undefined) {
    if (f !== "YEARLY") return fail("RRULE BYWEEKNO can only be used with FREQ=YEARLY");
    const e = checkIntList("BYWEEKNO", byWeekNo, 53, true);
    if (e) return fail(e);
  }
  const byDay = parts.get("BYDAY");
  if (byDay !== undefined) {
    for (const item of byDay.split(",")) {
      const m = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(item);
      if (!m || !WEEKDAYS.includes(m[2] ?? "")) {
        return fail(`RRULE BYDAY must be a list like MO,WE or 1SA,-1FR, got "${item}"`);
      }
      if (m[1] !== undefined) {
        if (f !== "MONTHLY" && f !== "YEARLY") {
          return fail("RRULE BYDAY with a position (e.g. 1SA) needs FREQ=MONTHLY or FREQ=YEARLY");
        }
        if (f === "YEARLY" && byWeekNo !== undefined) {
          return fail("RRULE BYDAY with a position cannot be combined with BYWEEKNO");
        }
        const limit = f === "MONTHLY" || byMonth !== undefined ? 5 : 53;
        if (intInRange(m[1], -limit, limit, true) === null) {
          return fail(`RRULE BYDAY position must be ±1..${limit}, got "${item}"`);
        }
      }
    }
  }
  const bySetPos = parts.get("BYSETPOS");
  if (bySetPos !== undefined) {
    const e = checkIntList("BYSETPOS", bySetPos, 366, true);
    if (e) return fail(e);
    if (![byMonth, byMonthDay, byYearDay, byWeekNo, byDay].some((p) => p !== undefined)) {
      return fail("RRULE BYSETPOS needs another BY... part (e.g. BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1)");
    }
  }
  if (f === "DAILY" && interval > 1 && [byMonth, byMonthDay, byDay].some((p) => p !== undefined)) {
    return fail(
      "With FREQ=DAILY and INTERVAL above 1, BYMONTH/BYMONTHDAY/BYDAY are not supported (use WEEKLY)",
    );
  }
  if ((f === "DAILY" || f === "WEEKLY") && bySetPos !== undefined) {
    return fail("RRULE BYSETPOS needs FREQ=MONTHLY or FREQ=YEARLY");
  }
  const wkst = parts.get("WKST");
  if (wkst !== undefined && !WEEKDAYS.includes(wkst)) return fail("RRULE WKST must be one of MO..SU");

  const canonical = [...parts].map(([k, v]) => `${k}=${v}`).join(";");
  let options: Partial<RRuleOptions>;
  try {
    options = RRule.parseString(canonical);
  } catch (e) {
    return fail(`Invalid RRULE: ${(e as Error).message}`);
  }
  const rule: ParsedRRule = {
    canonical,
    freq: f,
    interval,
    options,
    count: countText === undefined ? null : Number(countText),
    until:
      untilText === undefined
        ? null
        : `${untilText.slice(0, 4)}-${untilText.slice(4, 6)}-${untilText.slice(6, 8)}`,
    byMonth: byMonth === undefined ? null : byMonth.split(",").map(Number),
    byMonthDay: byMonthDay === undefined ? null : byMonthDay.split(",").map(Number),
    byWeekday: byDay === undefined ? null : byDay.split(",").map((d) => WEEKDAY_NUMBER[d.slice(-2)] ?? 0),
    weekStart: WEEKDAY_NUMBER[wkst ?? "MO"] ?? 1,
  };

  // Reject rules that can never produce a date (e.g. FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30): evaluated from
  // a reference start (a leap year), unbounded, within the search horizon.
  const probe = firstRRuleOccurrenceOnOrAfter(
    { ...rule, options: { ...options, count: null, until: null }, count: null, until: null },
    "2000-01-01",
    "2000-01-01",
  );
  if (probe === null) return fail("This RRULE produces no date (none within 10 years of a start date)");
  return { ok: true, rule };
}

const FREQ_YEARS: Record<Freq, number> = { YEARLY: 1, MONTHLY: 1 / 12, WEEKLY: 7 / 365, DAILY: 1 / 365 };
/** The Gregorian calendar (leap years, weekdays, ISO weeks) repeats exactly every 400 years = 146097 days. */
const GREGORIAN_CYCLE_DAYS = 146_097;
const GREGORIAN_CYCLE_YEARS = 400;

/** How far past `from` we look for the next occurrence: one full period plus ten years (covers Feb 29 gaps). */
function searchHorizonYears(rule: ParsedRRule): number {
  return Math.ceil(rule.interval * FREQ_YEARS[rule.freq]) + 10;
}

/**
 * First occurrence on or after `from` of the rule with DTSTART = `anchor`, or null.
 *
 * The rrule library only stops walking when it emits a candidate past the window or reaches year 9999, so a
 * rule that matches nothing near `from` would make it walk to 9999 (millions of steps for FREQ=DAILY). To
 * bound the walk we shift the whole computation forward by whole 400-year Gregorian cycles (which preserves
 * every calendar property) so the end of the search window lands within 400 years of 9999, and shift the
 * result back.
 */
function firstRRuleOccurrenceOnOrAfter(
  rule: ParsedRRule,
  anchor: LocalDate,
  from: LocalDate,
): LocalDate | null {
  if (rule.freq === "DAILY" || rule.freq === "WEEKLY")
    return firstDayRuleOccurrenceOnOrAfter(rule, anchor, from);
  const start = laterOf(from, anchor);
  const startYear = Number(start.slice(0, 4));
  const horizon = searchHorizonYears(rule);
  const end = startYear + horizon > 9999 ? "9999-12-31" : addYears(start, horizon);
  const cycles = Math.max(0, Math.floor((9999 - Number(end.slice(0, 4))) / GREGORIAN_CYCLE_YEARS));
  const shiftDays = cycles * GREGORIAN_CYCLE_DAYS;
  const shifted = (d: LocalDate): Date => localDateToUtcDate(fromDayNumber(toDayNumber(d) + shiftDays));
  const until = rule.options.until;
  const rr = new RRule({
    ...rule.options,
    dtstart: shifted(anchor),
    until: until ? new Date(until.getTime() + shiftDays * 86_400_000) : null,
  });
  // The iterator stops rrule after the first match.
  const found = rr.between(shifted(start), shifted(end), true, (_d, n) => n === 0);
  const first = found[0];
  return first ? addDays(utcDateToLocalDate(first), -shiftDays) : null;
}

/**
 * FREQ=DAILY and FREQ=WEEKLY rules are evaluated here, day by day over a bounded window, which is much
 * faster than rrule's walk and cannot run away. Validation guarantees: no ordinals in BYDAY, no BYSETPOS,
 * BYYEARDAY or BYWEEKNO, no BYMONTHDAY for WEEKLY, and no BY parts for DAILY with INTERVAL > 1.
 * Semantics follow RFC 5545 / rrule: WEEKLY without BYDAY uses the anchor's weekday; weeks start on WKST.
 */
function firstDayRuleOccurrenceOnOrAfter(
  rule: ParsedRRule,
  anchor: LocalDate,
  from: LocalDate,
): LocalDate | null {
  const anchorN = toDayNumber(anchor);
  const startN = Math.max(anchorN, toDayNumber(from));
  const maxN = toDayNumber("9999-12-31");
  const horizonEndN = Math.min(maxN, startN + searchHorizonYears(rule) * 366);
  const endN = rule.until === null ? horizonEndN : Math.min(horizonEndN, toDayNumber(rule.until));
  const weekday = (n: number): number => (((n + 4) % 7) + 7) % 7;
  const weekStartOf = (n: number): number => n - ((weekday(n) - rule.weekStart + 7) % 7);
  const anchorWeek = weekStartOf(anchorN);
  const byWeekday = rule.byWeekday ?? (rule.freq === "WEEKLY" ? [weekday(anchorN)] : null);

  const matches = (n: number): boolean => {
    if (rule.freq === "DAILY") {
      if ((n - anchorN) % rule.interval !== 0) return false;
    } else if (((weekStartOf(n) - anchorWeek) / 7) % rule.interval !== 0) {
      return false;
    }
    if (byWeekday !== null && !byWeekday.includes(weekday(n))) return false;
    if (rule.byMonth === null && rule.byMonthDay === null) return true;
    const d = fromDayNumber(n);
    const year = Number(d.slice(0, 4));
    const month = Number(d.slice(5, 7));
    const day = Number(d.slice(8, 10));
    if (rule.byMonth !== null && !rule.byMonth.includes(month)) return false;
    if (rule.byMonthDay !== null) {
      const dim = daysInMonth(year, month);
      if (!rule.byMonthDay.some((v) => (v > 0 ? v === day : dim + 1 + v === day))) return false;
    }
    return true;
  };

  if (rule.count !== null) {
    // COUNT counts from the anchor, so walk from there.
    let seen = 0;
    for (let n = anchorN; n <= endN; n++) {
      if (!matches(n)) continue;
      seen += 1;
      if (n >= startN) return fromDayNumber(n);
      if (seen >= rule.count) return null;
    }
    return null;
  }
  let n = startN;
  if (rule.freq === "DAILY" && rule.interval > 1) {
    // No BY parts here: jump straight to the first aligned day.
    n = startN + ((((anchorN - startN) % rule.interval) + rule.interval) % rule.interval);
    return n <= endN ? fromDayNumber(n) : null;
  }
  for (; n <= endN; n++) {
    if (matches(n)) return fromDayNumber(n);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkInterval(v: unknown): string | null {
  if (typeof v !== "number" || !Number.isInteger(v) || v < MIN_INTERVAL || v > MAX_INTERVAL) {
    return `interval must be a whole number from ${MIN_INTERVAL} to ${MAX_INTERVAL}`;
  }
  return null;
}

function checkKeys(o: Record<string, unknown>, allowed: readonly string[]): string | null {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) return `Unexpected recurrence field "${k}"`;
  }
  return null;
}

/**
 * Validates a recurrence. Returns null when valid (including `null`, a one-off), else a message that can be
 * shown to a user. Unknown fields are rejected so what gets stored stays clean.
 */
export function validateRecurrence(r: unknown): string | null {
  if (r === null) return null;
  if (!isPlainObject(r)) return "recurrence must be null or an object";
  if (r.kind === "fixed") {
    if ("rrule" in r) {
      if ("interval" in r || "unit" in r)
        return "A fixed recurrence has either rrule or interval+unit, not both";
      const e = checkKeys(r, ["kind", "rrule"]);
      if (e) return e;
      if (typeof r.rrule !== "string") return "rrule must be a string";
      const parsed = parseRRuleBody(r.rrule);
      return parsed.ok ? null : parsed.error;
    }
    const e = checkKeys(r, ["kind", "interval", "unit"]) ?? checkInterval(r.interval);
    if (e) return e;
    if (!RECURRENCE_UNITS.includes(r.unit as RecurrenceUnit))
      return "unit must be one of day, week, month, year";
    return null;
  }
  if (r.kind === "afterCompletion") {
    const e = checkKeys(r, ["kind", "interval", "unit"]) ?? checkInterval(r.interval);
    if (e) return e;
    if (!AFTER_COMPLETION_UNITS.includes(r.unit as AfterCompletionUnit)) {
      return "unit of an after-completion recurrence must be one of day, week, month";
    }
    return null;
  }
  if (r.kind === "usage") {
    const e = checkKeys(r, ["kind", "meterId", "every", "interval", "unit"]);
    if (e) return e;
    if (typeof r.meterId !== "string" || !UUID.test(r.meterId)) return "meterId must be a meter's id";
    if (typeof r.every !== "number" || !Number.isFinite(r.every) || r.every <= 0 || r.every > MAX_METER_VALUE)
      return `every must be a number of units above 0 and at most ${MAX_METER_VALUE}`;
    if (Math.round(r.every * 100) !== r.every * 100) return "every must have at most two decimals";
    if ("interval" in r !== "unit" in r) return "interval and unit go together (or neither, for use alone)";
    if (!("interval" in r)) return null;
    const ie = checkInterval(r.interval);
    if (ie) return ie;
    if (!AFTER_COMPLETION_UNITS.includes(r.unit as AfterCompletionUnit))
      return "unit of a usage schedule's interval must be one of day, week, month";
    return null;
  }
  return 'recurrence kind must be "fixed", "afterCompletion" or "usage"';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Validates and returns a canonical copy (RRULE upper-cased, "RRULE:" prefix dropped). Throws on invalid. */
export function normalizeRecurrence(r: unknown): Recurrence {
  const error = validateRecurrence(r);
  if (error) throw new Error(`Invalid recurrence: ${error}`);
  const v = r as Recurrence;
  if (v === null) return null;
  if (v.kind === "usage") {
    const { meterId, every, interval, unit } = v;
    return interval === undefined
      ? { kind: "usage", meterId: meterId.toLowerCase(), every }
      : { kind: "usage", meterId: meterId.toLowerCase(), every, interval, unit: unit! };
  }
  if ("rrule" in v) return { kind: "fixed", rrule: requireRule(v.rrule).canonical };
  return { kind: v.kind, interval: v.interval, unit: v.unit } as Recurrence;
}

function requireValid(r: unknown): void {
  const error = validateRecurrence(r);
  if (error) throw new Error(`Invalid recurrence: ${error}`);
}

function requireRule(body: string): ParsedRRule {
  const parsed = parseRRuleBody(body);
  if (!parsed.ok) throw new Error(`Invalid recurrence: ${parsed.error}`);
  return parsed.rule;
}

function requireDate(d: unknown, name: string): LocalDate {
  if (typeof d !== "string" || !isValidLocalDate(d)) {
    throw new RangeError(`${name} must be a calendar date YYYY-MM-DD, got ${JSON.stringify(d)}`);
  }
  return d;
}

// ---------------------------------------------------------------------------------------------------------
// Next occurrences
// ---------------------------------------------------------------------------------------------------------

function addUnits(d: LocalDate, n: number, unit: RecurrenceUnit): LocalDate {
  switch (unit) {
    case "day":
      return addDays(d, n);
    case "week":
      return addWeeks(d, n);
    case "month":
      return addMonths(d, n);
    case "year":
      return addYears(d, n);
  }
}

function nextIntervalOccurrence(r: IntervalRecurrence, anchor: LocalDate, after: LocalDate): LocalDate {
  if (after < anchor) return anchor;
  const { interval, unit } = r;
  let k: number;
  if (unit === "day" || unit === "week") {
    const step = interval * (unit === "week" ? 7 : 1);
    k = Math.floor(diffDays(after, anchor) / step) + 1;
    return addDays(anchor, k * step);
  }
  // Months and years: occurrence k is anchor + k*stepMonths months, clamped (never chained, so no drift).
  const stepMonths = interval * (unit === "year" ? 12 : 1);
  k = Math.max(0, Math.floor(diffCalendarMonths(after, anchor) / stepMonths));
  let candidate = addMonths(anchor, k * stepMonths);
  while (candidate <= after) {
    k += 1;
    candidate = addMonths(anchor, k * stepMonths);
  }
  return candidate;
}

/**
 * The first occurrence strictly after `after` of a fixed schedule whose series starts at `anchor`
 * (the anchor itself is occurrence 0 for interval schedules; for RRULEs DTSTART = anchor and, as in the
 * rrule library, the anchor counts only if it matches the rule).
 * Returns null when an RRULE is exhausted (COUNT/UNTIL), or when no occurrence exists within one period plus
 * ten years (only possible for odd rules such as Feb 29 every 4 years from a non-leap year).
 * Throws on an invalid recurrence or date.
 */
export function nextFixedOccurrence(
  r: FixedRecurrence,
  anchor: LocalDate,
  after: LocalDate,
): LocalDate | null {
  requireValid(r);
  if (r?.kind !== "fixed") throw new Error("nextFixedOccurrence needs a fixed recurrence");
  requireDate(anchor, "anchor");
  requireDate(after, "after");
  if ("rrule" in r) {
    const rule = requireRule(r.rrule);
    let from: LocalDate;
    try {
      from = addDays(after, 1);
    } catch {
      return null;
    }
    return firstRRuleOccurrenceOnOrAfter(rule, anchor, from);
  }
  try {
    return nextIntervalOccurrence(r, anchor, after);
  } catch (e) {
    if (e instanceof RangeError) return null; // past year 9999
    throw e;
  }
}

/**
 * The first due date of a new series starting on or after `from`: for an RRULE, its first occurrence on or
 * after `from` (with DTSTART = `from`); for every other kind simply `from`.
 * Store the result as both the task's due date and its anchor.
 */
export function firstDueOn(r: Recurrence, from: LocalDate): LocalDate | null {
  requireValid(r);
  requireDate(from, "from");
  if (r !== null && r.kind === "fixed" && "rrule" in r) {
    return firstRRuleOccurrenceOnOrAfter(requireRule(r.rrule), from, from);
  }
  return from;
}

/** Days in one period of an interval schedule, for spreading (a month as 30 days is close enough). */
const PERIOD_DAYS: Record<RecurrenceUnit, number> = { day: 1, week: 7, month: 30, year: 365 };
/** One-off tasks added together are spread over the first two weeks. */
const ONE_OFF_WINDOW_DAYS = 14;
/** The fractional part of the golden ratio: successive multiples mod 1 are evenly spread for any count. */
const GOLDEN_FRACTION = 0.6180339887498949;

/**
 * First due dates for tasks added together (a starter set of templates), in the order given — put the
 * most important first. Adding twenty jobs at once must not make them all due today:
 *  - a seasonal schedule (an RRULE) starts at its season: its first occurrence on or after today;
 *  - an interval schedule ("every 6 months", "90 days after I last did it") gets a first date within its
 *    first period (capped at a year), and a one-off within two weeks, spread so that the set does not
 *    pile up on any day: the k-th task sits at fraction (k × 0.618…) mod 1 of its window. The first
 *    task given is due today.
 */
export function spreadFirstDueDates(recurrences: readonly Recurrence[], today: LocalDate): LocalDate[] {
  requireDate(today, "today");
  let k = 0;
  return recurrences.map((r) => {
    requireValid(r);
    if (r !== null && r.kind === "fixed" && "rrule" in r) return firstDueOn(r, today)!;
    if (r !== null && r.kind === "usage") return today; // projected from its meter once it has readings
    const window = r === null ? ONE_OFF_WINDOW_DAYS : Math.min(r.interval * PERIOD_DAYS[r.unit], 365);
    const fraction = (k * GOLDEN_FRACTION) % 1;
    k += 1;
    return addDays(today, Math.floor(fraction * window));
  });
}

/**
 * What a completion does to a task's due date.
 *  - one-off (null): { nextDueOn: null, closes: true }
 *  - fixed: the next occurrence on the schedule strictly after the current due date, so a late completion
 *    does not shift the schedule and an early one moves to the occurrence after the current due date.
 *    Occurrences that are already in the past at the completion date are not handed back: a very late
 *    completion (due Mar 1, done Apr 5, monthly) moves to the first occurrence after the completion date
 *    (May 1), not to an already overdue Apr 1. An exhausted RRULE closes the task ({ null, closes: true }).
 *    Anchor: `anchorOn ?? dueOn ?? completedOn` (the API should store anchorOn = the series' first due date).
 *  - afterCompletion: completedOn + interval (month math clamps to the month end).
 * Throws on an invalid recurrence or date.
 */
export function nextDueAfterCompletion(input: {
  recurrence: Recurrence;
  anchorOn: LocalDate | null;
  dueOn: LocalDate | null;
  completedOn: LocalDate;
}): { nextDueOn: LocalDate | null; closes: boolean } {
  const { recurrence: r } = input;
  requireValid(r);
  const completedOn = requireDate(input.completedOn, "completedOn");
  const dueOn = input.dueOn === null ? null : requireDate(input.dueOn, "dueOn");
  const anchorOn = input.anchorOn === null ? null : requireDate(input.anchorOn, "anchorOn");
  if (r === null) return { nextDueOn: null, closes: true };
  if (r.kind === "usage") throw new Error("A usage schedule's next due date is projected from its meter");
  if (r.kind === "afterCompletion") {
    return { nextDueOn: addUnits(completedOn, r.interval, r.unit), closes: false };
  }
  const current = dueOn ?? completedOn;
  const after = laterOf(completedOn, current);
  const next = nextFixedOccurrence(r, anchorOn ?? current, after);
  return next === null ? { nextDueOn: null, closes: true } : { nextDueOn: next, closes: false };
}

/**
 * Skip the current occurrence (no log entry).
 *  - fixed: the next occurrence strictly after the current due date (null if an RRULE is exhausted; the
 *    caller decides whether that closes or archives the task)
 *  - afterCompletion: dueOn + interval
 *  - one-off (null): THROWS a plain Error — a one-off task has nothing to skip to (snooze it instead).
 */
export function nextDueAfterSkip(input: {
  recurrence: Recurrence;
  anchorOn: LocalDate | null;
  dueOn: LocalDate;
}): LocalDate | null {
  const { recurrence: r } = input;
  requireValid(r);
  const dueOn = requireDate(input.dueOn, "dueOn");
  const anchorOn = input.anchorOn === null ? null : requireDate(input.anchorOn, "anchorOn");
  if (r === null)
    throw new Error("Cannot skip a one-off task: it does not repeat (snooze or archive it instead)");
  if (r.kind === "usage") throw new Error("A usage schedule's next due date is projected from its meter");
  if (r.kind === "afterCompletion") return addUnits(dueOn, r.interval, r.unit);
  return nextFixedOccurrence(r, anchorOn ?? dueOn, dueOn);
}

// ---------------------------------------------------------------------------------------------------------
// Description
// ---------------------------------------------------------------------------------------------------------

function unitPhrase(n: number, unit: RecurrenceUnit): string {
  return n === 1 ? unit : `${n} ${unit}s`;
}

/** "Every 3 months", "Every April and October on the 1st", "90 days after completion", "Does not repeat". */
export function describeRecurrence(r: Recurrence): string {
  if (r === null) return "Does not repeat";
  if (validateRecurrence(r) !== null) return "Invalid schedule";
  if (r.kind === "usage") return describeUsage(r, null);
  if (r.kind === "afterCompletion")
    return `${r.interval} ${r.unit}${r.interval === 1 ? "" : "s"} after completion`;
  if ("rrule" in r) {
    const rule = requireRule(r.rrule);
    try {
      const text = new RRule(rule.options).toText();
      return text.charAt(0).toUpperCase() + text.slice(1);
    } catch {
      return `Custom schedule (${rule.canonical})`;
    }
  }
  if (r.interval === 1) return `Every ${r.unit}`;
  return `Every ${unitPhrase(r.interval, r.unit)}`;
}
