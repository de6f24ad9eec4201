import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DEFAULT_FIELDS,
  describeRecurrence,
  describeUsage,
  fieldsFromRecurrence,
  type Recurrence,
  type RepeatFields,
  recurrenceFromFields,
} from "../src/lib/recurrence.ts";

// The one function that puts a schedule into words (list, detail, the form's preview), and the form's
// fields to and from the API's recurrence objects.

test("every kind of schedule in plain words", () => {
  const cases: [Recurrence, string][] = [
    [null, "does not repeat"],
    [{ kind: "fixed", interval: 3, unit: "month" }, "every 3 months"],
    [{ kind: "fixed", interval: 1, unit: "week" }, "every week"],
    [{ kind: "fixed", interval: 2, unit: "year" }, "every 2 years"],
    [{ kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=1" }, "every April and October"],
    [{ kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=10,4" }, "every April and October"],
    [
      { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=3,6,9;BYMONTHDAY=15" },
      "every March, June, and September, on day 15",
    ],
    [{ kind: "afterCompletion", interval: 90, unit: "day" }, "90 days after I last did it"],
    [{ kind: "afterCompletion", interval: 1, unit: "month" }, "a month after I last did it"],
    [{ kind: "fixed", rrule: "FREQ=WEEKLY;BYDAY=TH,MO" }, "every Monday and Thursday"],
    [{ kind: "fixed", rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA" }, "every 2 weeks on Saturday"],
    [{ kind: "fixed", rrule: "FREQ=MONTHLY;BYMONTHDAY=15" }, "every month on day 15"],
    [{ kind: "fixed", rrule: "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1" }, "every 3 months on day 1"],
    [{ kind: "fixed", rrule: "FREQ=MONTHLY;BYDAY=1SA" }, "the first Saturday of every month"],
    [{ kind: "fixed", rrule: "FREQ=MONTHLY;INTERVAL=6;BYDAY=-1FR" }, "the last Friday of every 6 months"],
  ];
  for (const [recurrence, words] of cases) assert.equal(describeRecurrence(recurrence, "en"), words);
});

test("numbers, months and days follow the locale; other rules are told in the API's words", () => {
  assert.equal(describeRecurrence({ kind: "fixed", interval: 1500, unit: "day" }, "de"), "every 1.500 days");
  assert.match(
    describeRecurrence({ kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=4,10" }, "fr"),
    /avril.+octobre/,
  );
  const odd = { kind: "fixed", rrule: "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO" } as const;
  assert.equal(
    describeRecurrence(odd, "en", "Every year on Monday in week 20"),
    "Every year on Monday in week 20",
  );
  assert.equal(describeRecurrence(odd, "en"), "a custom schedule (FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO)");
});

test("the form's fields make the API's recurrence objects", () => {
  const fields = (over: Partial<RepeatFields>): RepeatFields => ({ ...DEFAULT_FIELDS, ...over });
  assert.deepEqual(recurrenceFromFields(fields({ repeat: "none" })), { recurrence: null });
  assert.deepEqual(recurrenceFromFields(fields({ repeat: "every", interval: "3", unit: "month" })), {
    recurrence: { kind: "fixed", interval: 3, unit: "month" },
  });
  assert.deepEqual(recurrenceFromFields(fields({ repeat: "after", interval: "90", afterUnit: "day" })), {
    recurrence: { kind: "afterCompletion", interval: 90, unit: "day" },
  });
  assert.deepEqual(recurrenceFromFields(fields({ repeat: "months", months: [10, 4], monthDay: "1" })), {
    recurrence: { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=1" },
  });
  assert.deepEqual(
    recurrenceFromFields(fields({ repeat: "weekdays", weekdays: ["SA", "MO"], interval: "2" })),
    {
      recurrence: { kind: "fixed", rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SA" },
    },
  );
  assert.deepEqual(recurrenceFromFields(fields({ repeat: "monthDay", ordinal: "-1", weekday: "FR" })), {
    recurrence: { kind: "fixed", rrule: "FREQ=MONTHLY;BYDAY=-1FR" },
  });
  assert.deepEqual(recurrenceFromFields(fields({ repeat: "monthDay", ordinal: "day", monthDay: "15" })), {
    recurrence: { kind: "fixed", rrule: "FREQ=MONTHLY;BYMONTHDAY=15" },
  });
  assert.deepEqual(recurrenceFromFields(fields({ repeat: "rrule", rrule: "RRULE:FREQ=DAILY;INTERVAL=10" })), {
    recurrence: { kind: "fixed", rrule: "FREQ=DAILY;INTERVAL=10" },
  });
});

test("fields that say no schedule are refused in words", () => {
  const fields = (over: Partial<RepeatFields>): RepeatFields => ({ ...DEFAULT_FIELDS, ...over });
  for (const bad of [
    fields({ repeat: "every", interval: "0" }),
    fields({ repeat: "every", interval: "1001" }),
    fields({ repeat: "after", interval: "2.5" }),
    fields({ repeat: "months", months: [] }),
    fields({ repeat: "months", months: [4], monthDay: "32" }),
    fields({ repeat: "weekdays", weekdays: [] }),
    fields({ repeat: "monthDay", ordinal: "day", monthDay: "0" }),
    fields({ repeat: "rrule", rrule: "  " }),
    fields({ repeat: "usage", meterId: "", every: "50" }),
    fields({ repeat: "usage", meterId: METER, every: "0" }),
    fields({ repeat: "usage", meterId: METER, every: "12.345" }),
    fields({ repeat: "usage", meterId: METER, every: "lots" }),
    fields({ repeat: "usage", meterId: METER, every: "50", hybrid: true, interval: "0" }),
  ]) {
    const result = recurrenceFromFields(bad);
    assert.ok("error" in result && result.error.length > 0, JSON.stringify(bad));
  }
});

test("an edit form starts from the task's schedule, and saving it unchanged gives the same schedule", () => {
  const schedules: Recurrence[] = [
    null,
    { kind: "fixed", interval: 3, unit: "month" },
    { kind: "afterCompletion", interval: 2, unit: "week" },
    { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=1" },
    { kind: "fixed", rrule: "FREQ=WEEKLY;BYDAY=MO,TH" },
    { kind: "fixed", rrule: "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15" },
    { kind: "fixed", rrule: "FREQ=MONTHLY;BYDAY=1SA" },
    { kind: "fixed", rrule: "FREQ=DAILY;COUNT=10" },
    { kind: "usage", meterId: METER, every: 300 },
    { kind: "usage", meterId: METER, every: 5000.5, interval: 6, unit: "month" },
  ];
  for (const r of schedules)
    assert.deepEqual(recurrenceFromFields(fieldsFromRecurrence(r)), { recurrence: r });
  assert.equal(fieldsFromRecurrence({ kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=4,10" }).repeat, "months");
  assert.equal(fieldsFromRecurrence({ kind: "fixed", rrule: "FREQ=DAILY;COUNT=10" }).repeat, "rrule");
});

const METER = "0b1c2d3e-4f5a-4b6c-9d7e-1f2a3b4c5d6e";

test("usage schedules: every N units of a meter, or also every interval, whichever comes first", () => {
  const fields = (over: Partial<RepeatFields>): RepeatFields => ({ ...DEFAULT_FIELDS, ...over });
  assert.deepEqual(recurrenceFromFields(fields({ repeat: "usage", meterId: METER, every: " 50 " })), {
    recurrence: { kind: "usage", meterId: METER, every: 50 },
  });
  // A decimal comma as typed in many locales; the interval only when asked for.
  assert.deepEqual(
    recurrenceFromFields(
      fields({ repeat: "usage", meterId: METER, every: "7,5", interval: "3", usageUnit: "week" }),
    ),
    { recurrence: { kind: "usage", meterId: METER, every: 7.5 } },
  );
  assert.deepEqual(
    recurrenceFromFields(
      fields({
        repeat: "usage",
        meterId: METER,
        every: "5000",
        hybrid: true,
        interval: "6",
        usageUnit: "month",
      }),
    ),
    { recurrence: { kind: "usage", meterId: METER, every: 5000, interval: 6, unit: "month" } },
  );
  const meter = { id: METER, name: "Tractor engine", unit: "hours" };
  assert.equal(
    describeUsage({ kind: "usage", meterId: METER, every: 50 }, meter, "en"),
    "every 50 hours of Tractor engine",
  );
  assert.equal(
    describeUsage({ kind: "usage", meterId: METER, every: 5000, interval: 6, unit: "month" }, meter, "en"),
    "every 5,000 hours of Tractor engine, or every 6 months, whichever comes first",
  );
  assert.equal(
    describeUsage({ kind: "usage", meterId: METER, every: 1500, interval: 1, unit: "week" }, meter, "de"),
    "every 1.500 hours of Tractor engine, or every week, whichever comes first",
  );
});
