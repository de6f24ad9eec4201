// A task's schedule in the web app: the API's kinds (fixed every N units, fixed RRULE, N units after the
// last completion, every N units of a meter — alone or "or every interval, whichever first"), the plain-words forms the create/edit form offers for them, and the one function that puts
// a schedule into words everywhere the app shows one (list, detail, the form's live preview).
// Pure (no React, no server-only): the form's client component and the unit tests import it too.
import type { paths } from "@honeydue/api-client";
import { strings } from "../strings.ts";

/** A schedule as the API takes it in a task's body: one flat object whose `kind` says which fields count. */
type ApiRecurrence = NonNullable<
  paths["/v1/residences/{residenceId}/tasks"]["post"]["requestBody"]["content"]["application/json"]["recurrence"]
>;
export type Unit = NonNullable<ApiRecurrence["unit"]>;
/** A usage schedule's interval counts in these (the API refuses years there). */
export type UsageUnit = Exclude<Unit, "year">;
export const USAGE_UNITS: readonly UsageUnit[] = ["day", "week", "month"];
export const UNITS: readonly Unit[] = ["day", "week", "month", "year"];
/** "N units after the last completion" counts in these. */
export const AFTER_UNITS: readonly RepeatFields["afterUnit"][] = ["day", "week", "month"];

/** A meter a usage schedule can count on, as the form lists it. */
export interface MeterChoice {
  id: string;
  name: string;
  /** In words, plural ("hours", "miles"). */
  unit: string;
}
/**
 * The API's schedule narrowed by its kind, so the form and the words can rely on a usage schedule's meter and
 * amount; every variant is the API's own type with fewer choices, so it goes into a request body as it is.
 */
export type Recurrence =
  | (Pick<ApiRecurrence, "interval" | "unit" | "rrule"> & { kind: "fixed" })
  | (Pick<ApiRecurrence, "interval" | "unit" | "rrule"> & { kind: "afterCompletion" })
  // Counted on a meter (decision 0015): every `every` units, or also every interval, whichever comes first.
  | (Pick<ApiRecurrence, "interval" | "rrule"> &
      Required<Pick<ApiRecurrence, "meterId" | "every">> & { kind: "usage"; unit?: UsageUnit })
  | null;

/** The ways the form lets a person say how a task repeats; "rrule" is any RFC 5545 rule, for the rest. */
export const REPEAT_KINDS = [
  "none",
  "every",
  "months",
  "weekdays",
  "monthDay",
  "after",
  "usage",
  "rrule",
] as const;
export type RepeatKind = (typeof REPEAT_KINDS)[number];
export const WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
/** A day of the month by number ("day"), or the 1st..4th or last (-1) weekday of the month. */
export const MONTH_ORDINALS = ["day", "1", "2", "3", "4", "-1"] as const;

/** The form's fields for one schedule, as strings (what inputs hold). */
export interface RepeatFields {
  repeat: RepeatKind;
  interval: string;
  unit: Unit;
  months: number[];
  monthDay: string;
  weekdays: string[];
  ordinal: string;
  weekday: string;
  afterUnit: Exclude<Unit, "year">;
  rrule: string;
  /** usage: the meter, how many of its units, and whether a time interval (`interval`) counts too. */
  meterId: string;
  every: string;
  hybrid: boolean;
  usageUnit: UsageUnit;
}

export const DEFAULT_FIELDS: RepeatFields = {
  repeat: "none",
  interval: "1",
  unit: "month",
  months: [],
  monthDay: "1",
  weekdays: [],
  ordinal: "day",
  weekday: "SA",
  afterUnit: "day",
  rrule: "",
  meterId: "",
  every: "",
  hybrid: false,
  usageUnit: "month",
};

type Parts = Map<string, string>;

function ruleParts(rrule: string): Parts | null {
  const body = rrule.trim().replace(/^RRULE:/i, "");
  const parts: Parts = new Map();
  for (const part of body.split(";")) {
    const [key, value] = part.split("=");
    if (!key || value === undefined || parts.has(key.toUpperCase())) return null;
    parts.set(key.toUpperCase(), value.toUpperCase());
  }
  return parts.has("FREQ") ? parts : null;
}

/** Only these parts present (FREQ always). */
function only(parts: Parts, allowed: string[]): boolean {
  return [...parts.keys()].every((key) => key === "FREQ" || allowed.includes(key));
}

const intIn = (value: string | undefined, min: number, max: number): number | null => {
  if (value === undefined || !/^-?\d{1,4}$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
};

/** The form fields that show a schedule, so editing starts from what the task has. */
export function fieldsFromRecurrence(r: Recurrence): RepeatFields {
  if (r === null) return DEFAULT_FIELDS;
  if (r.kind === "usage") {
    return {
      ...DEFAULT_FIELDS,
      repeat: "usage",
      meterId: r.meterId,
      every: String(r.every),
      hybrid: r.interval !== undefined,
      interval: String(r.interval ?? 1),
      usageUnit: r.unit ?? "month",
    };
  }
  if (r.kind === "afterCompletion") {
    const unit = r.unit === "year" || !r.unit ? "day" : r.unit;
    return { ...DEFAULT_FIELDS, repeat: "after", interval: String(r.interval ?? 1), afterUnit: unit };
  }
  if (!r.rrule) {
    return { ...DEFAULT_FIELDS, repeat: "every", interval: String(r.interval ?? 1), unit: r.unit ?? "month" };
  }
  const shape = ruleShape(r.rrule);
  const rrule = { ...DEFAULT_FIELDS, repeat: "rrule" as const, rrule: r.rrule };
  if (!shape) return rrule;
  switch (shape.kind) {
    case "months":
      return { ...DEFAULT_FIELDS, repeat: "months", months: shape.months, monthDay: String(shape.day) };
    case "weekdays":
      return {
        ...DEFAULT_FIELDS,
        repeat: "weekdays",
        weekdays: shape.weekdays,
        interval: String(shape.interval),
      };
    case "monthDay":
      return {
        ...DEFAULT_FIELDS,
        repeat: "monthDay",
        monthDay: String(shape.day),
        interval: String(shape.interval),
      };
    case "monthWeekday":
      return {
        ...DEFAULT_FIELDS,
        repeat: "monthDay",
        ordinal: String(shape.ordinal),
        weekday: shape.weekday,
        interval: String(shape.interval),
      };
  }
}

type Shape =
  | { kind: "months"; months: number[]; day: number }
  | { kind: "weekdays"; weekdays: string[]; interval: number }
  | { kind: "monthDay"; day: number; interval: number }
  | { kind: "monthWeekday"; ordinal: number; weekday: string; interval: number };

/** The plain-words shapes an RRULE can have here; null for anything else (described by the API's text). */
function ruleShape(rrule: string): Shape | null {
  const parts = ruleParts(rrule);
  if (!parts) return null;
  const freq = parts.get("FREQ");
  const interval = parts.has("INTERVAL") ? intIn(parts.get("INTERVAL"), 1, 1000) : 1;
  if (interval === null) return null;
  if (freq === "YEARLY" && interval === 1 && only(parts, ["BYMONTH", "BYMONTHDAY", "INTERVAL"])) {
    const months = (parts.get("BYMONTH") ?? "").split(",").map((m) => intIn(m, 1, 12));
    const day = parts.has("BYMONTHDAY") ? intIn(parts.get("BYMONTHDAY"), 1, 31) : 1;
    if (months.some((m) => m === null) || day === null || !parts.has("BYMONTH")) return null;
    return { kind: "months", months: [...new Set(months as number[])].sort((a, b) => a - b), day };
  }
  if (freq === "WEEKLY" && only(parts, ["BYDAY", "INTERVAL"]) && parts.has("BYDAY")) {
    const days = (parts.get("BYDAY") ?? "").split(",");
    if (!days.every((d) => (WEEKDAY_CODES as readonly string[]).includes(d))) return null;
    return { kind: "weekdays", weekdays: WEEKDAY_CODES.filter((d) => days.includes(d)), interval };
  }
  if (freq === "MONTHLY" && only(parts, ["BYMONTHDAY", "INTERVAL"]) && parts.has("BYMONTHDAY")) {
    const day = intIn(parts.get("BYMONTHDAY"), 1, 31);
    return day === null ? null : { kind: "monthDay", day, interval };
  }
  if (freq === "MONTHLY" && only(parts, ["BYDAY", "INTERVAL"])) {
    const match = /^(-1|[1-4])(MO|TU|WE|TH|FR|SA|SU)$/.exec(parts.get("BYDAY") ?? "");
    if (!match?.[1] || !match[2]) return null;
    return { kind: "monthWeekday", ordinal: Number(match[1]), weekday: match[2], interval };
  }
  return null;
}

/** A meter amount as typed: above 0, at most 1,000,000,000, at most two decimals (what the API accepts). */
function amount(value: string): number | null {
  const typed = value.trim().replace(",", ".");
  if (!/^\d{1,10}(\.\d{1,2})?$/.test(typed)) return null;
  const n = Number(typed);
  return n > 0 && n <= 1_000_000_000 ? n : null;
}

export type FieldsResult = { recurrence: Recurrence } | { error: string };

/** The schedule the form's fields say, or what is wrong with them (in the person's words). */
export function recurrenceFromFields(f: RepeatFields): FieldsResult {
  const w = strings.recurrence.errors;
  const interval = intIn(f.interval.trim(), 1, 1000);
  switch (f.repeat) {
    case "none":
      return { recurrence: null };
    case "every":
      return interval === null
        ? { error: w.interval }
        : { recurrence: { kind: "fixed", interval, unit: f.unit } };
    case "after":
      return interval === null
        ? { error: w.interval }
        : { recurrence: { kind: "afterCompletion", interval, unit: f.afterUnit } };
    case "months": {
      const day = intIn(f.monthDay.trim(), 1, 31);
      if (f.months.length === 0) return { error: w.months };
      if (day === null) return { error: w.monthDay };
      const months = [...new Set(f.months)].sort((a, b) => a - b).join(",");
      return { recurrence: { kind: "fixed", rrule: `FREQ=YEARLY;BYMONTH=${months};BYMONTHDAY=${day}` } };
    }
    case "weekdays": {
      if (f.weekdays.length === 0) return { error: w.weekdays };
      if (interval === null) return { error: w.interval };
      const days = WEEKDAY_CODES.filter((d) => f.weekdays.includes(d)).join(",");
      return {
        recurrence: {
          kind: "fixed",
          rrule: `FREQ=WEEKLY${interval > 1 ? `;INTERVAL=${interval}` : ""};BYDAY=${days}`,
        },
      };
    }
    case "monthDay": {
      if (interval === null) return { error: w.interval };
      const every = interval > 1 ? `;INTERVAL=${interval}` : "";
      if (f.ordinal !== "day") {
        const ordinal = intIn(f.ordinal, -1, 4);
        if (ordinal === null || ordinal === 0 || !(WEEKDAY_CODES as readonly string[]).includes(f.weekday))
          return { error: w.monthDay };
        return {
          recurrence: { kind: "fixed", rrule: `FREQ=MONTHLY${every};BYDAY=${ordinal}${f.weekday}` },
        };
      }
      const day = intIn(f.monthDay.trim(), 1, 31);
      if (day === null) return { error: w.monthDay };
      return { recurrence: { kind: "fixed", rrule: `FREQ=MONTHLY${every};BYMONTHDAY=${day}` } };
    }
    case "usage": {
      if (!f.meterId) return { error: w.meter };
      const every = amount(f.every);
      if (every === null) return { error: w.every };
      if (!f.hybrid) return { recurrence: { kind: "usage", meterId: f.meterId, every } };
      if (interval === null) return { error: w.interval };
      return { recurrence: { kind: "usage", meterId: f.meterId, every, interval, unit: f.usageUnit } };
    }
    case "rrule": {
      const rule = f.rrule.trim().replace(/^RRULE:/i, "");
      return rule ? { recurrence: { kind: "fixed", rrule: rule } } : { error: w.rrule };
    }
  }
}

function monthName(month: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { month: "long", timeZone: "UTC" }).format(
    new Date(Date.UTC(2000, month - 1, 1)),
  );
}

/** Monday is 2024-01-01. */
export function weekdayName(code: string, locale: string): string {
  const index = (WEEKDAY_CODES as readonly string[]).indexOf(code);
  return new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" }).format(
    new Date(Date.UTC(2024, 0, 1 + Math.max(index, 0))),
  );
}

export function monthNames(locale: string): string[] {
  return Array.from({ length: 12 }, (_, i) => monthName(i + 1, locale));
}

function list(items: string[], locale: string): string {
  return new Intl.ListFormat(locale, { style: "long", type: "conjunction" }).format(items);
}

/**
 * A schedule in plain words: "every 3 months", "every April and October", "90 days after I last did it".
 * An RRULE outside the form's shapes is told in the API's own words (`apiText`) when given.
 */
export function describeRecurrence(r: Recurrence, locale: string, apiText?: string): string {
  const w = strings.recurrence.words;
  const count = (n: number) => new Intl.NumberFormat(locale).format(n);
  if (r === null) return w.none;
  if (r.kind === "usage") return apiText ?? w.custom("usage");
  if (r.kind === "afterCompletion") return w.after(r.interval ?? 1, count(r.interval ?? 1), r.unit ?? "day");
  if (!r.rrule) return w.every(r.interval ?? 1, count(r.interval ?? 1), r.unit ?? "month");
  const shape = ruleShape(r.rrule);
  if (!shape) return apiText || w.custom(r.rrule);
  switch (shape.kind) {
    case "months":
      return w.months(
        list(
          shape.months.map((m) => monthName(m, locale)),
          locale,
        ),
        shape.day,
        count(shape.day),
      );
    case "weekdays":
      return w.weekdays(
        list(
          shape.weekdays.map((d) => weekdayName(d, locale)),
          locale,
        ),
        shape.interval,
        count(shape.interval),
      );
    case "monthDay":
      return w.monthDay(count(shape.day), shape.interval, count(shape.interval));
    case "monthWeekday":
      return w.monthWeekday(
        w.ordinals[String(shape.ordinal) as keyof typeof w.ordinals],
        weekdayName(shape.weekday, locale),
        shape.interval,
        count(shape.interval),
      );
  }
}

/**
 * A usage schedule in plain words, for the form's preview (the list and the task's page show the API's own
 * words, which know the meter): "every 50 hours of Tractor engine, or every 3 months, whichever comes first".
 */
export function describeUsage(
  r: Extract<Recurrence, { kind: "usage" }>,
  meter: MeterChoice | undefined,
  locale: string,
): string {
  const w = strings.recurrence.words;
  const count = (n: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(n);
  const use = w.usage(count(r.every), meter?.unit ?? strings.recurrence.meterUnits, meter?.name ?? "");
  if (r.interval === undefined || r.unit === undefined) return use;
  return w.usageOrTime(use, w.every(r.interval, count(r.interval), r.unit));
}
