import assert from "node:assert/strict";
import { test } from "node:test";
import { type DueState, dueState, dueStateBounds } from "../src/index.ts";

const today = "2027-03-10";
const open = (dueOn: string | null) => ({ dueOn, archivedAt: null, completedAt: null });

test("dueState covers every state", () => {
  const cases: [Parameters<typeof dueState>[0], DueState][] = [
    [open("2027-03-09"), "overdue"],
    [open("2026-12-31"), "overdue"],
    [open("2027-03-10"), "dueToday"],
    [open("2027-03-11"), "dueSoon"],
    [open("2027-03-17"), "dueSoon"], // today + 7: still soon
    [open("2027-03-18"), "upcoming"],
    [open(null), "unscheduled"],
    [{ dueOn: null, archivedAt: null, completedAt: "2027-03-01T10:00:00Z" }, "completed"],
    [{ dueOn: "2027-03-01", archivedAt: null, completedAt: new Date("2027-03-01T10:00:00Z") }, "completed"],
    [{ dueOn: "2027-03-01", archivedAt: new Date(), completedAt: null }, "archived"],
    [{ dueOn: null, archivedAt: "2027-03-05T00:00:00Z", completedAt: "2027-03-01T00:00:00Z" }, "archived"],
  ];
  for (const [task, expected] of cases) assert.equal(dueState(task, today), expected, JSON.stringify(task));
});

test("dueState horizon is configurable", () => {
  assert.equal(dueState(open("2027-03-20"), today, 14), "dueSoon");
  assert.equal(dueState(open("2027-03-25"), today, 14), "upcoming");
  assert.equal(dueState(open("2027-03-11"), today, 0), "upcoming");
  assert.equal(dueState(open("2027-03-10"), today, 0), "dueToday");
  assert.throws(() => dueState(open("2027-03-10"), today, -1), RangeError);
  assert.throws(() => dueState(open("2027-03-10"), "10/03/2027"), RangeError);
});

test("dueStateBounds", () => {
  assert.deepEqual(dueStateBounds(today), { today, soonThrough: "2027-03-17" });
  assert.deepEqual(dueStateBounds("2028-02-25", 7), { today: "2028-02-25", soonThrough: "2028-03-03" });
  assert.deepEqual(dueStateBounds("2027-12-30", 3), { today: "2027-12-30", soonThrough: "2028-01-02" });
});

test("dueStateBounds agrees with dueState", () => {
  const { today: t, soonThrough } = dueStateBounds(today, 5);
  for (let i = -3; i < 10; i++) {
    const d = new Date(Date.UTC(2027, 2, 10 + i)).toISOString().slice(0, 10);
    const expected: DueState =
      d < t ? "overdue" : d === t ? "dueToday" : d <= soonThrough ? "dueSoon" : "upcoming";
    assert.equal(dueState(open(d), today, 5), expected, d);
  }
});
