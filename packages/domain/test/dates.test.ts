import assert from "node:assert/strict";
import { test } from "node:test";
import {
  addDays,
  addMonths,
  addWeeks,
  addYears,
  dayOfWeek,
  diffDays,
  fromDayNumber,
  isValidLocalDate,
  isValidTimeZone,
  laterOf,
  toDayNumber,
  todayIn,
} from "../src/index.ts";

test("isValidLocalDate accepts real dates only", () => {
  for (const ok of ["2028-02-29", "2027-12-31", "0001-01-01", "9999-12-31", "2000-02-29"]) {
    assert.equal(isValidLocalDate(ok), true, ok);
  }
  for (const bad of [
    "2027-02-29",
    "1900-02-29",
    "2027-13-01",
    "2027-00-10",
    "2027-04-31",
    "2027-1-01",
    "20270101",
    "",
    "2027-01-01T00:00:00Z",
    "0000-01-01",
  ]) {
    assert.equal(isValidLocalDate(bad), false, bad);
  }
  assert.equal(isValidLocalDate(20270101 as unknown as string), false);
});

test("day numbers round-trip and match the epoch", () => {
  assert.equal(toDayNumber("1970-01-01"), 0);
  assert.equal(toDayNumber("2000-03-01"), 11017);
  for (const d of ["0001-01-01", "1600-02-29", "1969-12-31", "2028-02-29", "9999-12-31"]) {
    assert.equal(fromDayNumber(toDayNumber(d)), d);
  }
  assert.equal(dayOfWeek("2026-11-28"), 6); // a Saturday
  assert.equal(dayOfWeek("1970-01-01"), 4); // a Thursday
});

test("addDays crosses months, years and leap days", () => {
  assert.equal(addDays("2028-02-28", 1), "2028-02-29");
  assert.equal(addDays("2027-02-28", 1), "2027-03-01");
  assert.equal(addDays("2027-12-31", 1), "2028-01-01");
  assert.equal(addDays("2028-03-01", -1), "2028-02-29");
  assert.equal(addDays("2026-01-01", 365), "2027-01-01");
  assert.equal(addWeeks("2026-12-28", 1), "2027-01-04");
  assert.throws(() => addDays("2026-01-01", 1.5), RangeError);
  assert.throws(() => addDays("9999-12-31", 1), RangeError);
  assert.throws(() => addDays("2026-02-30", 1), RangeError);
});

test("addDays is independent of DST (no local-time arithmetic)", () => {
  // US DST starts 2027-03-14 and ends 2027-11-07; EU 2027-03-28 / 2027-10-31
  assert.equal(addDays("2027-03-13", 1), "2027-03-14");
  assert.equal(addDays("2027-03-14", 1), "2027-03-15");
  assert.equal(addDays("2027-10-30", 2), "2027-11-01");
  assert.equal(diffDays("2027-03-15", "2027-03-13"), 2);
});

test("addMonths clamps to the end of the month", () => {
  assert.equal(addMonths("2028-01-31", 1), "2028-02-29");
  assert.equal(addMonths("2027-01-31", 1), "2027-02-28");
  assert.equal(addMonths("2028-01-31", 2), "2028-03-31");
  assert.equal(addMonths("2028-03-31", 1), "2028-04-30");
  assert.equal(addMonths("2028-03-31", -1), "2028-02-29");
  assert.equal(addMonths("2027-11-30", 3), "2028-02-29");
  assert.equal(addMonths("2027-12-15", 1), "2028-01-15");
  assert.equal(addMonths("2028-01-15", -13), "2026-12-15");
  assert.equal(addYears("2028-02-29", 1), "2029-02-28");
  assert.equal(addYears("2028-02-29", 4), "2032-02-29");
});

test("diffDays and laterOf", () => {
  assert.equal(diffDays("2028-03-01", "2028-02-28"), 2);
  assert.equal(diffDays("2027-03-01", "2027-02-28"), 1);
  assert.equal(diffDays("2026-01-01", "2027-01-01"), -365);
  assert.equal(laterOf("2026-01-02", "2026-01-01"), "2026-01-02");
  assert.equal(laterOf("2026-01-01", "2026-01-02"), "2026-01-02");
});

test("todayIn gives the local calendar date of an IANA zone", () => {
  // One instant, two calendar dates: Auckland is UTC+13 in November, Los Angeles UTC-8.
  const instant = new Date("2026-11-28T12:00:00Z");
  assert.equal(todayIn("Pacific/Auckland", instant), "2026-11-29"); // 01:00 on the 29th
  assert.equal(todayIn("America/Los_Angeles", instant), "2026-11-28"); // 04:00 on the 28th
  assert.equal(todayIn("UTC", instant), "2026-11-28");
  // just before midnight UTC on Dec 31
  const nye = new Date("2026-12-31T23:30:00Z");
  assert.equal(todayIn("Europe/Paris", nye), "2027-01-01");
  assert.equal(todayIn("America/New_York", nye), "2026-12-31");
  assert.equal(todayIn("Asia/Kolkata", new Date("2027-02-28T18:30:00Z")), "2027-03-01");
  assert.throws(() => todayIn("Mars/Olympus_Mons", instant), RangeError);
  assert.match(todayIn("UTC"), /^\d{4}-\d{2}-\d{2}$/);
});

test("isValidTimeZone", () => {
  for (const tz of ["UTC", "Europe/Paris", "America/Los_Angeles", "Pacific/Auckland", "Asia/Kathmandu"]) {
    assert.equal(isValidTimeZone(tz), true, tz);
  }
  for (const tz of ["", "Mars/Olympus_Mons", "+02:00", "Europe/Nowhere", "not a zone"]) {
    assert.equal(isValidTimeZone(tz), false, tz);
  }
});
