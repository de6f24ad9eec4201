import assert from "node:assert/strict";
import { test } from "node:test";
import {
  describeRecurrence,
  findTemplate,
  nextDueAfterCompletion,
  PROPERTY_TYPES,
  starterTemplates,
  TASK_CATEGORIES,
  TASK_PRIORITIES,
  TASK_TEMPLATE_CATALOG,
  validateRecurrence,
} from "../src/index.ts";

test("catalog has at least 45 templates with unique kebab-case slugs", () => {
  assert.ok(TASK_TEMPLATE_CATALOG.length >= 45, `only ${TASK_TEMPLATE_CATALOG.length}`);
  const slugs = TASK_TEMPLATE_CATALOG.map((t) => t.slug);
  assert.equal(new Set(slugs).size, slugs.length, "duplicate slug");
  for (const s of slugs) assert.match(s, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  const titles = TASK_TEMPLATE_CATALOG.map((t) => t.title.toLowerCase());
  assert.equal(new Set(titles).size, titles.length, "duplicate title");
});

test("every template is well-formed and its recurrence validates", () => {
  for (const t of TASK_TEMPLATE_CATALOG) {
    assert.equal(validateRecurrence(t.recurrence), null, `${t.slug}: ${validateRecurrence(t.recurrence)}`);
    assert.ok(TASK_CATEGORIES.includes(t.category), t.slug);
    assert.ok(TASK_PRIORITIES.includes(t.priority), t.slug);
    assert.ok(t.title.length > 3 && t.title.length <= 80, t.slug);
    const sentences = t.howTo.split(/(?<=[.!?])\s+/).filter((s) => s.length > 0);
    assert.ok(sentences.length >= 2 && sentences.length <= 5, `${t.slug}: ${sentences.length} sentences`);
    assert.ok(t.propertyTypes.length > 0, t.slug);
    for (const p of t.propertyTypes) assert.ok(PROPERTY_TYPES.includes(p), `${t.slug}: ${p}`);
    assert.equal(new Set(t.propertyTypes).size, t.propertyTypes.length, t.slug);
    assert.equal(typeof t.starter, "boolean");
    assert.notEqual(describeRecurrence(t.recurrence), "Invalid schedule");
    // the schedule produces a next date
    const next = nextDueAfterCompletion({
      recurrence: t.recurrence,
      anchorOn: "2027-01-01",
      dueOn: "2027-01-01",
      completedOn: "2027-01-01",
    });
    assert.equal(next.closes, false, t.slug);
    assert.ok(next.nextDueOn !== null && next.nextDueOn > "2027-01-01", t.slug);
  }
});

test("catalog uses every recurrence kind and every category", () => {
  const kinds = new Set<string>(
    TASK_TEMPLATE_CATALOG.map((t) =>
      t.recurrence === null
        ? "none"
        : t.recurrence.kind === "fixed" && "rrule" in t.recurrence
          ? "rrule"
          : t.recurrence.kind,
    ),
  );
  for (const k of ["fixed", "rrule", "afterCompletion"]) assert.ok(kinds.has(k), k);
  const categories = new Set(TASK_TEMPLATE_CATALOG.map((t) => t.category));
  for (const c of TASK_CATEGORIES) assert.ok(categories.has(c), c);
});

test("the headline templates from the product spec are present", () => {
  assert.deepEqual(findTemplate("replace-hvac-filter")?.recurrence, {
    kind: "afterCompletion",
    interval: 90,
    unit: "day",
  });
  assert.deepEqual(findTemplate("flush-water-heater")?.recurrence, {
    kind: "fixed",
    interval: 1,
    unit: "year",
  });
  assert.deepEqual(findTemplate("clean-gutters")?.recurrence, {
    kind: "fixed",
    rrule: "FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=1",
  });
  assert.deepEqual(findTemplate("pump-septic-tank")?.recurrence, {
    kind: "fixed",
    interval: 3,
    unit: "year",
  });
  assert.equal(findTemplate("no-such-template"), undefined);
});

test("yard and gutter jobs are not offered to apartments or condos", () => {
  for (const t of TASK_TEMPLATE_CATALOG) {
    if (
      t.category === "yard" ||
      t.slug === "clean-gutters" ||
      t.slug === "inspect-roof" ||
      t.slug === "pump-septic-tank"
    ) {
      assert.ok(!t.propertyTypes.includes("apartment"), t.slug);
      assert.ok(!t.propertyTypes.includes("condo"), t.slug);
    }
  }
});

test("starter sets: 8-12 per property type, all applicable", () => {
  for (const p of PROPERTY_TYPES) {
    const starters = starterTemplates(p);
    assert.ok(starters.length >= 8 && starters.length <= 12, `${p}: ${starters.length}`);
    for (const t of starters) {
      assert.ok(t.starter);
      assert.ok(t.propertyTypes.includes(p));
    }
  }
  const apartment = starterTemplates("apartment").map((t) => t.slug);
  assert.ok(apartment.includes("test-smoke-co-alarms"));
  assert.ok(!apartment.includes("clean-gutters"));
  assert.ok(starterTemplates("house").some((t) => t.slug === "clean-gutters"));
});
