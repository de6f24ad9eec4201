import assert from "node:assert/strict";
import { test } from "node:test";
import { validateRecurrence } from "../src/recurrence.ts";
import { describeUsage, nextTotal, projectUsageDue, usageRate } from "../src/usage.ts";

const METER = "0b1c2d3e-4f5a-4b6c-9d7e-1f2a3b4c5d6e";

test("nextTotal: readings only go up, a reset or replacement keeps the use counted so far", () => {
  assert.deepEqual(nextTotal(null, { value: 500, kind: "reading" }), { total: 0 });
  assert.deepEqual(nextTotal({ value: 500, total: 0 }, { value: 520.5, kind: "reading" }), { total: 20.5 });
  assert.ok("error" in nextTotal({ value: 500, total: 0 }, { value: 499, kind: "reading" }));
  assert.deepEqual(nextTotal({ value: 500, total: 30 }, { value: 0, kind: "reset" }), { total: 30 });
  assert.deepEqual(nextTotal({ value: 500, total: 30 }, { value: 7, kind: "replaced" }), { total: 30 });
});

test("usageRate: over the 90 days before the latest reading, reaching back when the window holds one reading", () => {
  assert.equal(usageRate([]), null);
  assert.equal(usageRate([{ readOn: "2026-01-01", total: 0 }]), null);
  assert.equal(
    usageRate([
      { readOn: "2026-01-01", total: 0 },
      { readOn: "2026-01-01", total: 5 },
    ]),
    null,
  );
  const rate = usageRate([
    { readOn: "2025-06-01", total: 0 },
    { readOn: "2026-01-01", total: 1000 },
    { readOn: "2026-01-31", total: 1300 },
  ]);
  assert.deepEqual(rate, { perDay: 10, from: "2026-01-01", to: "2026-01-31", readings: 2 });
  const reachBack = usageRate([
    { readOn: "2025-06-01", total: 0 },
    { readOn: "2026-01-31", total: 244 },
  ]);
  assert.deepEqual(reachBack, { perDay: 1, from: "2025-06-01", to: "2026-01-31", readings: 2 });
});

test("projectUsageDue: by use, by interval (whichever first), reached, unknown", () => {
  const readings = [
    { readOn: "2026-01-01", total: 0 },
    { readOn: "2026-01-11", total: 100 },
  ];
  const byUse = projectUsageDue({
    recurrence: { kind: "usage", meterId: METER, every: 300, interval: 90, unit: "day" },
    sinceTotal: 0,
    sinceOn: "2026-01-01",
    readings,
  });
  assert.equal(byUse.dueBy, "usage");
  assert.equal(byUse.dueOn, "2026-01-31");
  assert.equal(byUse.intervalDueOn, "2026-04-01");
  const byInterval = projectUsageDue({
    recurrence: { kind: "usage", meterId: METER, every: 3000, interval: 1, unit: "month" },
    sinceTotal: 0,
    sinceOn: "2026-01-01",
    readings,
  });
  assert.equal(byInterval.dueBy, "interval");
  assert.equal(byInterval.dueOn, "2026-02-01");
  const reached = projectUsageDue({
    recurrence: { kind: "usage", meterId: METER, every: 50 },
    sinceTotal: 0,
    sinceOn: "2026-01-01",
    readings: [...readings, { readOn: "2026-01-20", total: 180 }],
  });
  assert.equal(reached.dueBy, "reached");
  assert.equal(reached.dueOn, "2026-01-11", "the reading that passed the target");
  const unknown = projectUsageDue({
    recurrence: { kind: "usage", meterId: METER, every: 50 },
    sinceTotal: 0,
    sinceOn: "2026-01-01",
    readings: [{ readOn: "2026-01-01", total: 0 }],
  });
  assert.equal(unknown.dueBy, "unknown");
  assert.equal(unknown.dueOn, null);
});

test("usage recurrences validate and describe themselves", () => {
  assert.equal(validateRecurrence({ kind: "usage", meterId: METER, every: 300 }), null);
  assert.equal(
    validateRecurrence({ kind: "usage", meterId: METER, every: 300, interval: 6, unit: "month" }),
    null,
  );
  assert.match(validateRecurrence({ kind: "usage", meterId: "nope", every: 300 }) ?? "", /^meterId/);
  assert.match(validateRecurrence({ kind: "usage", meterId: METER, every: -1 }) ?? "", /^every/);
  assert.match(
    validateRecurrence({ kind: "usage", meterId: METER, every: 1, interval: 2 }) ?? "",
    /^interval and unit/,
  );
  assert.match(
    validateRecurrence({ kind: "usage", meterId: METER, every: 1, interval: 2, unit: "year" }) ?? "",
    /unit/,
  );
  assert.equal(
    describeUsage(
      { kind: "usage", meterId: METER, every: 5000, interval: 6, unit: "month" },
      { name: "Car", unit: "miles" },
    ),
    "Every 5,000 miles of Car or every 6 months, whichever comes first",
  );
});
