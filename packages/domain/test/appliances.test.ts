import assert from "node:assert/strict";
import { test } from "node:test";
import {
  brandsMatch,
  endOfLifeOn,
  modelsMatch,
  normalizeBrand,
  normalizeModel,
  replacementStatus,
  wholeYearsBetween,
} from "../src/appliances.ts";

test("brands and models are compared normalised; fuzzy only where it is safe", () => {
  assert.equal(normalizeBrand("Whirlpool Corporation"), "whirlpool");
  assert.equal(normalizeBrand("A.O. Smith Corp."), "ao smith");
  assert.ok(brandsMatch("GE", "GE Profile"));
  assert.ok(!brandsMatch("LG", "GE"));
  assert.equal(normalizeModel("WDT-730 pahz"), "WDT730PAHZ");
  assert.ok(modelsMatch("WDT730PAHZ0", "WDT-730-PAHZ"));
  assert.ok(modelsMatch("WDT730PAHZ0", "WDT730*"));
  assert.ok(modelsMatch("59SC5A080E17", "59SC5A080E18"), "one typo in a long model");
  assert.ok(!modelsMatch("X1", "X2"), "short models match exactly");
  assert.ok(!modelsMatch("ABC123", "XYZ789"));
});

test("end of life, status and age are calendar arithmetic", () => {
  assert.equal(endOfLifeOn("2012-02-29", 13), "2025-02-28");
  assert.equal(endOfLifeOn(null, 10), null);
  assert.equal(replacementStatus("2025-01-01", "2026-06-01"), "past_end_of_life");
  assert.equal(replacementStatus("2027-01-01", "2026-06-01"), "nearing_end_of_life");
  assert.equal(replacementStatus("2040-01-01", "2026-06-01"), "ok");
  assert.equal(replacementStatus(null, "2026-06-01"), "unknown");
  assert.equal(wholeYearsBetween("1990-06-02", "2026-06-01"), 35);
});
