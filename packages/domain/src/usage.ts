/**
 * Usage-based and hybrid schedules: meters, their readings, and the due date projected from the recent rate
 * of use (docs/escalation-and-meters.md explains the method to users). No I/O.
 *
 * A meter's readings are what the meter shows; their `total` is the use counted since the meter was added,
 * which keeps going up across a reset or a replacement (a reset reading adds nothing: the use between the
 * last reading and the reset is unknown). Schedules count in totals, so a reset never makes a task due.
 */
import { addDays, addMonths, addWeeks, diffDays, isValidLocalDate, type LocalDate } from "./dates.ts";

export const METER_UNITS = ["hours", "miles", "km", "gallons", "litres", "cycles"] as const;
export type MeterUnit = (typeof METER_UNITS)[number];
export const READING_KINDS = ["reading", "reset", "replaced"] as const;
export type ReadingKind = (typeof READING_KINDS)[number];

/** A meter reading value: at most this much, with two decimals. */
export const MAX_METER_VALUE = 1_000_000_000;
/** The rate of use is measured over the readings of this many days before the latest one. */
export const RATE_WINDOW_DAYS = 90;

export type UsageIntervalUnit = "day" | "week" | "month";

/**
 * "Every `every` units of meter `meterId`", and with `interval` + `unit` also "or every interval, whichever
 * comes first" (a hybrid): the interval counts from the start of the period (the last completion).
 */
export type UsageRecurrence = {
  kind: "usage";
  meterId: string;
  every: number;
  interval?: number;
  unit?: UsageIntervalUnit;
};

export interface MeterReadingPoint {
  readOn: LocalDate;
  /** Cumulative use since the meter was added (see above). */
  total: number;
}

/** The total after a new reading: readings only go up, unless the meter was reset or replaced. */
export function nextTotal(
  previous: { value: number; total: number } | null,
  reading: { value: number; kind: ReadingKind },
): { total: number } | { error: string } {
  if (previous === null) return { total: 0 };
  if (reading.kind !== "reading") return { total: previous.total };
  if (reading.value < previous.value)
    return {
      error: `must be at least the latest reading (${previous.value}); if the meter was reset or replaced, say so with kind "reset" or "replaced"`,
    };
  return { total: round2(previous.total + (reading.value - previous.value)) };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export interface UsageRate {
  /** Units per day. */
  perDay: number;
  /** The readings the rate was measured between. */
  from: LocalDate;
  to: LocalDate;
  readings: number;
}

/**
 * The recent rate of use: from the oldest reading within RATE_WINDOW_DAYS before the latest reading (or,
 * when that window holds only the latest reading, the one just before it) to the latest reading, total
 * use over days. Null with fewer than two readings on different days. `readings` must be in order.
 */
export function usageRate(readings: readonly MeterReadingPoint[]): UsageRate | null {
  const latest = readings.at(-1);
  if (!latest) return null;
  const windowStart = addDays(latest.readOn, -RATE_WINDOW_DAYS);
  let first = readings.findIndex((r) => r.readOn >= windowStart);
  // Readings on the latest day alone say nothing about a rate: reach back to the one before.
  while (first > 0 && diffDays(latest.readOn, readings[first]!.readOn) < 1) first--;
  const start = readings[first]!;
  const span = diffDays(latest.readOn, start.readOn);
  if (span < 1) return null;
  return {
    perDay: Math.max(0, (latest.total - start.total) / span),
    from: start.readOn,
    to: latest.readOn,
    readings: readings.length - first,
  };
}

export type UsageDueBy = "usage" | "interval" | "reached" | "unknown";

export interface UsageProjection {
  /** The due date: the earlier of the usage and interval dates; null when neither can be said. */
  dueOn: LocalDate | null;
  dueBy: UsageDueBy;
  /** Use since the period started, and what is left before the task is due by use. */
  used: number;
  remaining: number;
  /** When use reaches `every` at the recent rate (or the day a reading passed it); null without a rate. */
  usageDueOn: LocalDate | null;
  /** With an interval: the start of the period + the interval. */
  intervalDueOn: LocalDate | null;
  rate: UsageRate | null;
  /** The latest reading's date, if any. */
  latestReadingOn: LocalDate | null;
}

function addIntervalUnits(d: LocalDate, n: number, unit: UsageIntervalUnit): LocalDate {
  if (unit === "day") return addDays(d, n);
  if (unit === "week") return addWeeks(d, n);
  return addMonths(d, n);
}

/**
 * Projects a usage task's due date.
 *  - used = latest total − the total when the period started (`sinceTotal`); remaining = every − used.
 *  - Reached (remaining ≤ 0): due on the date of the first reading at or past the target.
 *  - Otherwise, with a rate of use r > 0 (usageRate): due on latest reading date + ceil(remaining / r) days.
 *  - Without a rate (fewer than two readings on different days, or no use): not due by use yet.
 *  - A hybrid is due on the earlier of that and `sinceOn` + interval.
 */
export function projectUsageDue(input: {
  recurrence: UsageRecurrence;
  sinceTotal: number;
  sinceOn: LocalDate;
  readings: readonly MeterReadingPoint[];
}): UsageProjection {
  const { recurrence: r, sinceTotal, sinceOn, readings } = input;
  if (!isValidLocalDate(sinceOn)) throw new RangeError(`sinceOn must be YYYY-MM-DD, got ${sinceOn}`);
  const latest = readings.at(-1) ?? null;
  const used = round2(Math.max(0, (latest?.total ?? sinceTotal) - sinceTotal));
  const remaining = round2(r.every - used);
  const rate = usageRate(readings);
  let usageDueOn: LocalDate | null = null;
  let reached = false;
  if (remaining <= 0) {
    reached = true;
    const target = sinceTotal + r.every;
    usageDueOn = readings.find((p) => p.total >= target)?.readOn ?? latest?.readOn ?? sinceOn;
  } else if (rate && rate.perDay > 0 && latest) {
    const days = Math.ceil(remaining / rate.perDay);
    // Beyond ~27 years the projection says nothing useful (and would leave the calendar): not due by use.
    if (days <= 10_000) usageDueOn = addDays(latest.readOn, days);
  }
  const intervalDueOn =
    r.interval !== undefined && r.unit !== undefined ? addIntervalUnits(sinceOn, r.interval, r.unit) : null;
  let dueOn: LocalDate | null = usageDueOn;
  let dueBy: UsageDueBy = usageDueOn ? (reached ? "reached" : "usage") : "unknown";
  if (intervalDueOn && (dueOn === null || intervalDueOn < dueOn)) {
    dueOn = intervalDueOn;
    dueBy = "interval";
  }
  return {
    dueOn,
    dueBy,
    used,
    remaining: Math.max(0, remaining),
    usageDueOn,
    intervalDueOn,
    rate,
    latestReadingOn: latest?.readOn ?? null,
  };
}

/** "Every 300 hours of Furnace", "Every 5,000 miles of Car or every 6 months, whichever comes first". */
export function describeUsage(r: UsageRecurrence, meter: { name: string; unit: string } | null): string {
  const amount = `${r.every.toLocaleString("en-US")} ${meter?.unit ?? "units"}`;
  const of = meter ? ` of ${meter.name}` : "";
  if (r.interval === undefined || r.unit === undefined) return `Every ${amount}${of}`;
  const period = r.interval === 1 ? r.unit : `${r.interval} ${r.unit}s`;
  return `Every ${amount}${of} or every ${period}, whichever comes first`;
}

/** The basis of a projection in words: "at 4.2 hours a day (readings of Mar 1 – May 30)". */
export function describeProjection(p: UsageProjection, unit: string): string {
  if (p.dueBy === "reached") return `Due: ${p.used} ${unit} used since it was last done`;
  const rate = p.rate
    ? `${round2(p.rate.perDay)} ${unit} a day (readings from ${p.rate.from} to ${p.rate.to})`
    : null;
  if (p.dueBy === "interval")
    return `Due by the calendar first${rate ? `; at ${rate}, use would make it due on ${p.usageDueOn ?? "no date yet"}` : ""}`;
  if (p.dueBy === "usage") return `${p.remaining} ${unit} to go at ${rate}`;
  return `${p.remaining} ${unit} to go; two readings on different days are needed to project a date`;
}
