import assert from "node:assert/strict";
import { test } from "node:test";
import {
  brandInText,
  brandsMatch,
  endOfLifeOn,
  modelsMatch,
  normalizeBrand,
  normalizeModel,
  recallCovers,
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

test("a brand is found in free text as whole words, whatever its punctuation", () => {
  assert.equal(brandInText("Instant Pot", "Instant Pot is printed on the front of the multicookers."), true);
  assert.equal(brandInText("Whirlpool Corporation", "Whirlpool-branded dishwashers"), true);
  assert.equal(brandInText("GE", "Replace the hinge of the door"), false, "not inside a word");
  assert.equal(brandInText("Bosch", "Whirlpool dishwashers"), false);
});

test("a recall covers an appliance only with the same brand and the same model", () => {
  const recall = {
    firms: ["Whirlpool Corporation"],
    models: ["WDT730PAHZ0", "WDF520*"],
    text: "Whirlpool Recalls Dishwashers Due to Fire Hazard",
  };
  assert.equal(recallCovers({ brand: "whirlpool", model: "wdt-730 pahz0" }, recall), true);
  assert.equal(recallCovers({ brand: "Whirlpool", model: "WDF520PADM7" }, recall), true, "a model pattern");
  assert.equal(recallCovers({ brand: "Bosch", model: "WDT730PAHZ0" }, recall), false, "another brand");
  assert.equal(recallCovers({ brand: "Whirlpool", model: "WRF555SDFZ" }, recall), false, "another model");
  assert.equal(recallCovers({ brand: "Whirlpool", model: null }, recall), false, "no model: never");
  assert.equal(recallCovers({ brand: null, model: "WDT730PAHZ0" }, recall), false, "no brand: never");
  // The brand named only in the notice's text (its maker is a contract manufacturer).
  const madeFor = {
    firms: ["Foshan Linshine Technology Co."],
    models: ["IP-DUO60"],
    text: "Instant Pot is printed on the front",
  };
  assert.equal(recallCovers({ brand: "Instant Pot", model: "IP DUO 60" }, madeFor), true);
});
