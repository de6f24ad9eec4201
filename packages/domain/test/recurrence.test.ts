import assert from "node:assert/strict";
import { test } from "node:test";
import rrulePkg from "rrule";
import {
  addDays,
  describeRecurrence,
  type FixedRecurrence,
  firstDueOn,
  type LocalDate,
  nextDueAfterCompletion,
  nextDueAfterSkip,
  nextFixedOccurrence,
  normalizeRecurrence,
  type Recurrence,
  spreadFirstDueDates,
  validateRecurrence,
} from "../src/index.ts";

const { RRule } = rrulePkg;

const monthly: FixedRecurrence = { kind: "fixed", interval: 1, unit: "month" };
const yearly: FixedRecurrence = { kind: "fixed", interval: 1, unit: "year" };
const weekly: FixedRecurrence = { kind: "fixed", interval: 1, unit: "week" };
const aprilOctober: FixedRecurrence = { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=1" };

/** Walks a fixed schedule from its anchor, collecting `n` successive occurrences after the anchor. */
function series(r: FixedRecurrence, anchor: LocalDate, n: number): (LocalDate | null)[] {
  const out: (LocalDate | null)[] = [];
  let current: LocalDate | null = anchor;
  for (let i = 0; i < n && current !== null; i++) {
    current = nextFixedOccurrence(r, anchor, current);
    out.push(current);
  }
  return out;
}

test("monthly from Jan 31 in a leap year clamps and recovers (no drift)", () => {
  assert.deepEqual(series(monthly, "2028-01-31", 5), [
    "2028-02-29",
    "2028-03-31",
    "2028-04-30",
    "2028-05-31",
    "2028-06-30",
  ]);
});

test("monthly from Jan 31 in a non-leap year", () => {
  assert.deepEqual(series(monthly, "2027-01-31", 3), ["2027-02-28", "2027-03-31", "2027-04-30"]);
  // across the year end
  assert.deepEqual(series(monthly, "2027-10-31", 4), [
    "2027-11-30",
    "2027-12-31",
    "2028-01-31",
    "2028-02-29",
  ]);
});

test("every 3 months from Nov 30 lands on Feb 29 then back on the 30th", () => {
  const quarterly: FixedRecurrence = { kind: "fixed", interval: 3, unit: "month" };
  assert.deepEqual(series(quarterly, "2027-11-30", 3), ["2028-02-29", "2028-05-30", "2028-08-30"]);
});

test("yearly from Feb 29 -> Feb 28 in common years, Feb 29 again in leap years", () => {
  assert.deepEqual(series(yearly, "2028-02-29", 4), ["2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"]);
  const everyTwoYears: FixedRecurrence = { kind: "fixed", interval: 2, unit: "year" };
  assert.deepEqual(series(everyTwoYears, "2028-02-29", 2), ["2030-02-28", "2032-02-29"]);
});

test("weekly and every N days", () => {
  assert.deepEqual(series(weekly, "2026-12-28", 3), ["2027-01-04", "2027-01-11", "2027-01-18"]);
  const tenDays: FixedRecurrence = { kind: "fixed", interval: 10, unit: "day" };
  assert.deepEqual(series(tenDays, "2028-02-25", 2), ["2028-03-06", "2028-03-16"]);
});

test("nextFixedOccurrence: strictly after `after`, anchor is occurrence 0", () => {
  assert.equal(nextFixedOccurrence(monthly, "2028-01-31", "2028-01-30"), "2028-01-31");
  assert.equal(nextFixedOccurrence(monthly, "2028-01-31", "2027-06-01"), "2028-01-31");
  assert.equal(nextFixedOccurrence(monthly, "2028-01-31", "2028-01-31"), "2028-02-29");
  // from an arbitrary date between occurrences
  assert.equal(nextFixedOccurrence(monthly, "2028-01-31", "2028-03-15"), "2028-03-31");
  assert.equal(nextFixedOccurrence(monthly, "2028-01-31", "2028-04-30"), "2028-05-31");
  assert.equal(nextFixedOccurrence(monthly, "2028-01-31", "2030-02-27"), "2030-02-28");
  assert.equal(nextFixedOccurrence(weekly, "2026-12-28", "2027-01-05"), "2027-01-11");
  assert.equal(nextFixedOccurrence(yearly, "2028-02-29", "2031-12-31"), "2032-02-29");
});

test("RRULE every April and October", () => {
  assert.deepEqual(series(aprilOctober, "2026-04-01", 4), [
    "2026-10-01",
    "2027-04-01",
    "2027-10-01",
    "2028-04-01",
  ]);
  // anchor that is not itself on the rule (rrule semantics: the anchor only counts if it matches)
  assert.equal(nextFixedOccurrence(aprilOctober, "2026-01-15", "2026-01-15"), "2026-04-01");
  assert.equal(nextFixedOccurrence(aprilOctober, "2026-01-15", "2026-01-01"), "2026-04-01");
  assert.equal(nextFixedOccurrence(aprilOctober, "2026-01-15", "2026-09-30"), "2026-10-01");
  assert.equal(nextFixedOccurrence(aprilOctober, "2026-01-15", "2026-10-01"), "2027-04-01");
  assert.equal(describeRecurrence(aprilOctober), "Every April and October on the 1st");
});

test("RRULE BYMONTHDAY=31 skips short months (RFC 5545); BYMONTHDAY=-1 is the month end", () => {
  const the31st: FixedRecurrence = { kind: "fixed", rrule: "FREQ=MONTHLY;BYMONTHDAY=31" };
  assert.deepEqual(series(the31st, "2028-01-31", 3), ["2028-03-31", "2028-05-31", "2028-07-31"]);
  const lastDay: FixedRecurrence = { kind: "fixed", rrule: "FREQ=MONTHLY;BYMONTHDAY=-1" };
  assert.deepEqual(series(lastDay, "2028-01-31", 3), ["2028-02-29", "2028-03-31", "2028-04-30"]);
});

test("RRULE UNTIL and COUNT exhaust the series", () => {
  const untilEnd2028: FixedRecurrence = { kind: "fixed", rrule: "FREQ=MONTHLY;BYMONTHDAY=1;UNTIL=20281201" };
  assert.equal(nextFixedOccurrence(untilEnd2028, "2028-01-01", "2028-10-15"), "2028-11-01");
  assert.equal(nextFixedOccurrence(untilEnd2028, "2028-01-01", "2028-11-01"), "2028-12-01"); // UNTIL is inclusive
  assert.equal(nextFixedOccurrence(untilEnd2028, "2028-01-01", "2028-12-01"), null);
  const withTime: FixedRecurrence = { kind: "fixed", rrule: "FREQ=WEEKLY;UNTIL=20270118T235959Z" };
  assert.deepEqual(series(withTime, "2026-12-28", 5), ["2027-01-04", "2027-01-11", "2027-01-18", null]);
  const threeTimes: FixedRecurrence = { kind: "fixed", rrule: "FREQ=YEARLY;COUNT=3" };
  assert.deepEqual(series(threeTimes, "2027-06-01", 3), ["2028-06-01", "2029-06-01", null]);
  const threeDays: FixedRecurrence = { kind: "fixed", rrule: "FREQ=DAILY;BYDAY=SA,SU;COUNT=3" };
  assert.deepEqual(series(threeDays, "2026-11-28", 3), ["2026-11-29", "2026-12-05", null]);
});

test("RRULE first Saturday of the month and last weekday of the month", () => {
  const firstSat: FixedRecurrence = { kind: "fixed", rrule: "FREQ=MONTHLY;BYDAY=1SA" };
  assert.deepEqual(series(firstSat, "2026-11-07", 3), ["2026-12-05", "2027-01-02", "2027-02-06"]);
  const lastWeekday: FixedRecurrence = {
    kind: "fixed",
    rrule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
  };
  assert.deepEqual(series(lastWeekday, "2027-01-29", 2), ["2027-02-26", "2027-03-31"]);
});

test("DAILY/WEEKLY RRULEs agree with the rrule library", () => {
  const rules = [
    "FREQ=DAILY",
    "FREQ=DAILY;INTERVAL=3",
    "FREQ=DAILY;BYDAY=MO,WE,FR",
    "FREQ=DAILY;BYMONTH=6,7,8",
    "FREQ=DAILY;BYMONTHDAY=1,15,-1",
    "FREQ=WEEKLY",
    "FREQ=WEEKLY;INTERVAL=2",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SA",
    "FREQ=WEEKLY;INTERVAL=3;BYDAY=SU,MO;WKST=SU",
    "FREQ=WEEKLY;BYDAY=TH;BYMONTH=11",
    "FREQ=WEEKLY;COUNT=4;BYDAY=MO,FR",
    "FREQ=DAILY;UNTIL=20270310",
  ];
  const anchors = ["2026-11-28", "2027-02-28", "2027-03-03"];
  for (const body of rules) {
    for (const anchor of anchors) {
      const rr = new RRule({ ...RRule.parseString(body), dtstart: new Date(`${anchor}T00:00:00Z`) });
      const expected = rr
        .between(new Date(`${anchor}T00:00:00Z`), new Date("2027-12-31T00:00:00Z"), true)
        .map((d) => d.toISOString().slice(0, 10));
      const ours: LocalDate[] = [];
      let after = addDays(anchor, -1);
      for (;;) {
        const next = nextFixedOccurrence({ kind: "fixed", rrule: body }, anchor, after);
        if (next === null || next >= "2028-01-01") break;
        ours.push(next);
        after = next;
      }
      assert.deepEqual(ours, expected, `${body} from ${anchor}`);
    }
  }
});

// Speed is the benchmark's business (npm run bench); this checks that long series and sparse rules end with
// the right answer, and that a rule that never occurs answers null instead of walking to year 9999.
test("RRULE evaluation of long-running series and sparse rules", () => {
  assert.equal(
    nextFixedOccurrence({ kind: "fixed", rrule: "FREQ=DAILY" }, "1990-01-01", "2026-11-28"),
    "2026-11-29",
  );
  assert.equal(
    nextFixedOccurrence({ kind: "fixed", rrule: "FREQ=MONTHLY;BYDAY=1SA" }, "1990-01-01", "2026-11-28"),
    "2026-12-05",
  );
  // Feb 29 every 4 years from a common year never happens: null instead of walking to year 9999
  assert.equal(
    nextFixedOccurrence(
      { kind: "fixed", rrule: "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29" },
      "2001-02-01",
      "2001-02-01",
    ),
    null,
  );
  assert.equal(
    nextFixedOccurrence(
      { kind: "fixed", rrule: "FREQ=WEEKLY;INTERVAL=4;BYMONTH=2;BYDAY=MO" },
      "2027-03-01",
      "2027-03-01",
    ),
    "2028-02-28", // 52 weeks after the anchor Monday
  );
});

test("completion of a one-off closes it", () => {
  assert.deepEqual(
    nextDueAfterCompletion({
      recurrence: null,
      anchorOn: null,
      dueOn: "2027-03-01",
      completedOn: "2027-03-05",
    }),
    { nextDueOn: null, closes: true },
  );
  assert.deepEqual(
    nextDueAfterCompletion({ recurrence: null, anchorOn: null, dueOn: null, completedOn: "2027-03-05" }),
    {
      nextDueOn: null,
      closes: true,
    },
  );
});

test("late completion of a fixed task does not shift the schedule", () => {
  assert.deepEqual(
    nextDueAfterCompletion({
      recurrence: monthly,
      anchorOn: "2027-01-01",
      dueOn: "2027-03-01",
      completedOn: "2027-03-20",
    }),
    { nextDueOn: "2027-04-01", closes: false },
  );
  // anchor not stored: falls back to the current due date
  assert.deepEqual(
    nextDueAfterCompletion({
      recurrence: monthly,
      anchorOn: null,
      dueOn: "2027-03-01",
      completedOn: "2027-03-20",
    }),
    { nextDueOn: "2027-04-01", closes: false },
  );
  // monthly anchored on the 31st keeps its day after a late completion in a short month
  assert.deepEqual(
    nextDueAfterCompletion({
      recurrence: monthly,
      anchorOn: "2028-01-31",
      dueOn: "2028-02-29",
      completedOn: "2028-03-10",
    }),
    { nextDueOn: "2028-03-31", closes: false },
  );
});

test("very late completion moves to the first occurrence after the completion date", () => {
  assert.deepEqual(
    nextDueAfterCompletion({
      recurrence: monthly,
      anchorOn: "2027-01-01",
      dueOn: "2027-03-01",
      completedOn: "2027-04-05",
    }),
    { nextDueOn: "2027-05-01", closes: false },
  );
  assert.deepEqual(
    nextDueAfterCompletion({
      recurrence: aprilOctober,
      anchorOn: "2026-04-01",
      dueOn: "2026-10-01",
      completedOn: "2026-12-02",
    }),
    { nextDueOn: "2027-04-01", closes: false },
  );
});

test("early completion of a fixed task moves to the occurrence after the current due date", () => {
  assert.deepEqual(
    nextDueAfterCompletion({
      recurrence: monthly,
      anchorOn: "2027-01-01",
      dueOn: "2027-06-01",
      completedOn: "2027-05-20",
    }),
    { nextDueOn: "2027-07-01", closes: false },
  );
  assert.deepEqual(
    nextDueAfterCompletion({
      recurrence: aprilOctober,
      anchorOn: "2026-04-01",
      dueOn: "2026-10-01",
      completedOn: "2026-09-20",
    }),
    { nextDueOn: "2027-04-01", closes: false },
  );
  // on time
  assert.deepEqual(
    nextDueAfterCompletion({
      recurrence: weekly,
      anchorOn: "2026-12-28",
      dueOn: "2027-01-11",
      completedOn: "2027-01-11",
    }),
    { nextDueOn: "2027-01-18", closes: false },
  );
});

test("completing the last occurrence of a COUNT/UNTIL rule closes the task", () => {
  const twice: Recurrence = { kind: "fixed", rrule: "FREQ=MONTHLY;COUNT=2" };
  assert.deepEqual(
    nextDueAfterCompletion({
      recurrence: twice,
      anchorOn: "2027-01-15",
      dueOn: "2027-01-15",
      completedOn: "2027-01-15",
    }),
    { nextDueOn: "2027-02-15", closes: false },
  );
  assert.deepEqual(
    nextDueAfterCompletion({
      recurrence: twice,
      anchorOn: "2027-01-15",
      dueOn: "2027-02-15",
      completedOn: "2027-02-16",
    }),
    { nextDueOn: null, closes: true },
  );
});

test("after-completion: 90 days after a late completion", () => {
  const ninetyDays: Recurrence = { kind: "afterCompletion", interval: 90, unit: "day" };
  assert.deepEqual(
    nextDueAfterCompletion({
      recurrence: ninetyDays,
      anchorOn: "2027-01-01",
      dueOn: "2027-01-01",
      completedOn: "2027-02-15",
    }),
    { nextDueOn: "2027-05-16", closes: false },
  );
  // across a leap day
  assert.deepEqual(
    nextDueAfterCompletion({
      recurrence: ninetyDays,
      anchorOn: null,
      dueOn: null,
      completedOn: "2027-12-15",
    }),
    { nextDueOn: "2028-03-14", closes: false },
  );
  const oneMonth: Recurrence = { kind: "afterCompletion", interval: 1, unit: "month" };
  assert.deepEqual(
    nextDueAfterCompletion({
      recurrence: oneMonth,
      anchorOn: null,
      dueOn: "2027-02-01",
      completedOn: "2027-01-31",
    }),
    { nextDueOn: "2027-02-28", closes: false },
  );
  const twoWeeks: Recurrence = { kind: "afterCompletion", interval: 2, unit: "week" };
  assert.deepEqual(
    nextDueAfterCompletion({
      recurrence: twoWeeks,
      anchorOn: null,
      dueOn: "2027-03-01",
      completedOn: "2027-02-20",
    }),
    { nextDueOn: "2027-03-06", closes: false },
  );
});

test("skip", () => {
  assert.equal(
    nextDueAfterSkip({ recurrence: monthly, anchorOn: "2028-01-31", dueOn: "2028-02-29" }),
    "2028-03-31",
  );
  assert.equal(nextDueAfterSkip({ recurrence: weekly, anchorOn: null, dueOn: "2027-01-04" }), "2027-01-11");
  assert.equal(
    nextDueAfterSkip({ recurrence: aprilOctober, anchorOn: "2026-04-01", dueOn: "2026-10-01" }),
    "2027-04-01",
  );
  // a skip on an overdue fixed task moves exactly one occurrence on
  assert.equal(
    nextDueAfterSkip({ recurrence: monthly, anchorOn: "2027-01-01", dueOn: "2027-03-01" }),
    "2027-04-01",
  );
  assert.equal(
    nextDueAfterSkip({
      recurrence: { kind: "afterCompletion", interval: 90, unit: "day" },
      anchorOn: null,
      dueOn: "2027-03-01",
    }),
    "2027-05-30",
  );
  assert.equal(
    nextDueAfterSkip({
      recurrence: { kind: "fixed", rrule: "FREQ=YEARLY;COUNT=1" },
      anchorOn: "2027-03-01",
      dueOn: "2027-03-01",
    }),
    null,
  );
  assert.throws(() => nextDueAfterSkip({ recurrence: null, anchorOn: null, dueOn: "2027-03-01" }), /one-off/);
});

test("firstDueOn", () => {
  assert.equal(firstDueOn(aprilOctober, "2026-11-28"), "2027-04-01");
  assert.equal(firstDueOn(aprilOctober, "2026-10-01"), "2026-10-01");
  assert.equal(firstDueOn(monthly, "2026-11-28"), "2026-11-28");
  assert.equal(firstDueOn(null, "2026-11-28"), "2026-11-28");
});

test("invalid recurrences are rejected", () => {
  const invalid: unknown[] = [
    undefined,
    "monthly",
    42,
    [],
    {},
    { kind: "weekly" },
    { kind: "fixed" },
    { kind: "fixed", interval: 0, unit: "month" },
    { kind: "fixed", interval: 1001, unit: "day" },
    { kind: "fixed", interval: 1.5, unit: "day" },
    { kind: "fixed", interval: "3", unit: "day" },
    { kind: "fixed", interval: 3, unit: "fortnight" },
    { kind: "fixed", interval: 3, unit: "month", extra: true },
    { kind: "fixed", interval: 3, unit: "month", rrule: "FREQ=DAILY" },
    { kind: "afterCompletion", interval: 1, unit: "year" },
    { kind: "afterCompletion", interval: -5, unit: "day" },
    { kind: "afterCompletion", interval: 90 },
    { kind: "fixed", rrule: 12 },
    { kind: "fixed", rrule: "" },
    { kind: "fixed", rrule: "garbage" },
    { kind: "fixed", rrule: "BYMONTH=4" },
    { kind: "fixed", rrule: "FREQ=HOURLY" },
    { kind: "fixed", rrule: "FREQ=MINUTELY;INTERVAL=30" },
    { kind: "fixed", rrule: "FREQ=SECONDLY" },
    { kind: "fixed", rrule: "FREQ=FORTNIGHTLY" },
    { kind: "fixed", rrule: "FREQ=DAILY;BYHOUR=9" },
    { kind: "fixed", rrule: "FREQ=DAILY;INTERVAL=0" },
    { kind: "fixed", rrule: "FREQ=DAILY;INTERVAL=5000" },
    { kind: "fixed", rrule: "FREQ=MONTHLY;COUNT=0" },
    { kind: "fixed", rrule: "FREQ=MONTHLY;COUNT=3;UNTIL=20281231" },
    { kind: "fixed", rrule: "FREQ=MONTHLY;UNTIL=20280231" },
    { kind: "fixed", rrule: "FREQ=MONTHLY;UNTIL=tomorrow" },
    { kind: "fixed", rrule: "FREQ=MONTHLY;FREQ=YEARLY" },
    { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=13" },
    { kind: "fixed", rrule: "FREQ=MONTHLY;BYMONTHDAY=32" },
    { kind: "fixed", rrule: "FREQ=MONTHLY;BYMONTHDAY=0" },
    { kind: "fixed", rrule: "FREQ=WEEKLY;BYDAY=XX" },
    { kind: "fixed", rrule: "FREQ=WEEKLY;BYDAY=1MO" },
    { kind: "fixed", rrule: "FREQ=WEEKLY;BYMONTHDAY=1" },
    { kind: "fixed", rrule: "FREQ=MONTHLY;BYDAY=6MO" },
    { kind: "fixed", rrule: "FREQ=MONTHLY;BYSETPOS=1" },
    { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30" },
    { kind: "fixed", rrule: "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31" },
    { kind: "fixed", rrule: "FREQ=DAILY;INTERVAL=7;BYDAY=MO" },
    { kind: "fixed", rrule: "DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY" },
    { kind: "fixed", rrule: `FREQ=DAILY;${"BYMONTH=1;".repeat(60)}` },
  ];
  for (const r of invalid) {
    const error = validateRecurrence(r);
    assert.equal(typeof error, "string", `should reject ${JSON.stringify(r)}`);
    assert.ok((error ?? "").length > 5);
  }
  assert.match(validateRecurrence({ kind: "fixed", rrule: "FREQ=HOURLY" }) ?? "", /DAILY/);
  assert.throws(
    () => nextFixedOccurrence({ kind: "fixed", rrule: "FREQ=HOURLY" }, "2027-01-01", "2027-01-01"),
    /Invalid recurrence/,
  );
  assert.throws(() => nextFixedOccurrence(monthly, "2027-02-30", "2027-03-01"), RangeError);
  assert.throws(() =>
    nextDueAfterCompletion({
      recurrence: monthly,
      anchorOn: null,
      dueOn: "2027-03-01",
      completedOn: "03/05/2027",
    }),
  );
});

test("valid recurrences are accepted", () => {
  const valid: unknown[] = [
    null,
    { kind: "fixed", interval: 1, unit: "day" },
    { kind: "fixed", interval: 1000, unit: "year" },
    { kind: "afterCompletion", interval: 90, unit: "day" },
    { kind: "afterCompletion", interval: 6, unit: "month" },
    { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=1" },
    { kind: "fixed", rrule: "RRULE:FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=1" },
    { kind: "fixed", rrule: "freq=monthly;bymonthday=-1" },
    { kind: "fixed", rrule: "FREQ=MONTHLY;BYMONTHDAY=31" },
    { kind: "fixed", rrule: "FREQ=MONTHLY;BYDAY=-1FR" },
    { kind: "fixed", rrule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1" },
    { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29" },
    { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU" },
    { kind: "fixed", rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;WKST=SU" },
    { kind: "fixed", rrule: "FREQ=DAILY;UNTIL=20301231T235959Z" },
    { kind: "fixed", rrule: "FREQ=MONTHLY;COUNT=12;" },
  ];
  for (const r of valid) assert.equal(validateRecurrence(r), null, JSON.stringify(r));
});

test("normalizeRecurrence canonicalizes RRULE bodies and throws on invalid", () => {
  assert.deepEqual(normalizeRecurrence({ kind: "fixed", rrule: " rrule:freq=monthly;bymonthday=-1; " }), {
    kind: "fixed",
    rrule: "FREQ=MONTHLY;BYMONTHDAY=-1",
  });
  assert.deepEqual(normalizeRecurrence({ kind: "afterCompletion", interval: 90, unit: "day" }), {
    kind: "afterCompletion",
    interval: 90,
    unit: "day",
  });
  assert.equal(normalizeRecurrence(null), null);
  assert.throws(() => normalizeRecurrence({ kind: "fixed", rrule: "FREQ=HOURLY" }), /Invalid recurrence/);
});

test("describeRecurrence", () => {
  assert.equal(describeRecurrence(null), "Does not repeat");
  assert.equal(describeRecurrence({ kind: "fixed", interval: 3, unit: "month" }), "Every 3 months");
  assert.equal(describeRecurrence({ kind: "fixed", interval: 1, unit: "week" }), "Every week");
  assert.equal(describeRecurrence({ kind: "fixed", interval: 1, unit: "year" }), "Every year");
  assert.equal(describeRecurrence({ kind: "fixed", interval: 2, unit: "day" }), "Every 2 days");
  assert.equal(
    describeRecurrence({ kind: "afterCompletion", interval: 90, unit: "day" }),
    "90 days after completion",
  );
  assert.equal(
    describeRecurrence({ kind: "afterCompletion", interval: 1, unit: "month" }),
    "1 month after completion",
  );
  assert.equal(
    describeRecurrence({ kind: "fixed", rrule: "FREQ=MONTHLY;BYDAY=1SA" }),
    "Every month on the 1st Saturday",
  );
  assert.equal(
    describeRecurrence({ kind: "fixed", rrule: "FREQ=MONTHLY;UNTIL=20281231" }),
    "Every month until December 31, 2028",
  );
});

test("spreadFirstDueDates: seasons at their season, intervals within their period, the first given today", () => {
  const today = "2026-05-15";
  const dates = spreadFirstDueDates(
    [
      { kind: "fixed", interval: 1, unit: "year" },
      { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=1" },
      { kind: "fixed", interval: 1, unit: "year" },
      { kind: "afterCompletion", interval: 1, unit: "week" },
      null,
    ],
    today,
  );
  assert.equal(dates[0], today, "the first interval task is due today");
  assert.equal(dates[1], "2026-10-01", "a seasonal job waits for its season");
  assert.equal(dates[2], "2026-12-26", "the second sits 0.618 of its year on");
  assert.ok(dates[3]! > today && dates[3]! < "2026-05-22", `a weekly job within its week: ${dates[3]}`);
  assert.ok(dates[4]! >= today && dates[4]! < "2026-05-29", `a one-off within two weeks: ${dates[4]}`);
  // Many yearly jobs added at once fall on different days.
  const yearly = spreadFirstDueDates(Array(12).fill({ kind: "fixed", interval: 1, unit: "year" }), today);
  assert.equal(new Set(yearly).size, 12);
  assert.throws(() => spreadFirstDueDates([null], "2026-02-30"));
});
