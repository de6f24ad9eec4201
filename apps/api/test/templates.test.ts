import assert from "node:assert/strict";
import { test } from "node:test";
import { taskTemplates } from "@honeydue/db";
import { describeRecurrence, starterTemplates, TASK_TEMPLATE_CATALOG } from "@honeydue/domain";
import { eq } from "drizzle-orm";
import { createHousehold } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();
// 2026-05-16T03:00Z is still May 15 in Los Angeles.
const h = await createHousehold(deps, { timezone: "America/Los_Angeles", propertyType: "condo" });
const other = await createHousehold(deps);
deps.clock = () => new Date("2026-05-16T03:00:00Z");

type Template = {
  id: string;
  slug: string;
  title: string;
  howTo: string;
  category: string;
  priority: string;
  recurrence: unknown;
  recurrenceText: string;
  propertyTypes: string[];
  starter: boolean;
};

async function templates(query = ""): Promise<Template[]> {
  const res = await app.inject({ method: "GET", url: `/v1/task-templates${query}`, headers: h.viewer.auth });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().items;
}

test("the seeded catalog is the domain's TASK_TEMPLATE_CATALOG (a change to it needs a new migration)", async () => {
  const items = await templates();
  assert.ok(items.length >= 40, `at least 40 templates, got ${items.length}`);
  const bySlug = new Map(items.map((t) => [t.slug, t]));
  for (const seed of TASK_TEMPLATE_CATALOG) {
    const t = bySlug.get(seed.slug);
    assert.ok(t, `${seed.slug} is seeded`);
    assert.deepEqual(
      {
        title: t.title,
        howTo: t.howTo,
        category: t.category,
        priority: t.priority,
        recurrence: t.recurrence,
        propertyTypes: t.propertyTypes,
      },
      {
        title: seed.title,
        howTo: seed.howTo,
        category: seed.category,
        priority: seed.priority,
        recurrence: seed.recurrence,
        propertyTypes: [...seed.propertyTypes],
      },
      seed.slug,
    );
    assert.equal(t.recurrenceText, describeRecurrence(seed.recurrence));
  }
  assert.equal(items.length, TASK_TEMPLATE_CATALOG.length);
});

test("?propertyType= lists that type's templates with its starter set marked", async () => {
  for (const type of ["house", "apartment"] as const) {
    const items = await templates(`?propertyType=${type}`);
    assert.ok(items.length > 0);
    assert.ok(items.every((t) => t.propertyTypes.includes(type)));
    assert.deepEqual(
      items
        .filter((t) => t.starter)
        .map((t) => t.slug)
        .sort(),
      starterTemplates(type)
        .map((t) => t.slug)
        .sort(),
    );
    assert.ok(items.findIndex((t) => !t.starter) >= items.filter((t) => t.starter).length, "starters first");
  }
  const apartment = await templates("?propertyType=apartment");
  assert.ok(!apartment.some((t) => t.slug === "clean-gutters"), "no gutters in an apartment");
  const bad = await app.inject({
    method: "GET",
    url: "/v1/task-templates?propertyType=castle",
    headers: h.viewer.auth,
  });
  assert.equal(bad.statusCode, 400);
  const anonymous = await app.inject({ method: "GET", url: "/v1/task-templates" });
  assert.equal(anonymous.statusCode, 401);
});

test("tasks from templates get a first due date in the residence's local calendar", async () => {
  const all = await templates();
  const pick = (slug: string) => all.find((t) => t.slug === slug)!;
  const filter = pick("replace-hvac-filter"); // 90 days after completion
  const gutters = pick("clean-gutters"); // every April and October
  const heater = pick("flush-water-heater"); // every year
  const res = await app.inject({
    method: "POST",
    url: `/v1/residences/${h.residence.id}/tasks/from-templates`,
    headers: h.member.auth,
    payload: { templateIds: [filter.id, gutters.id, heater.id] },
  });
  assert.equal(res.statusCode, 201, res.body);
  const items = res.json().items as Record<string, unknown>[];
  assert.deepEqual(
    items.map((t) => [t.title, t.dueOn, t.templateId, t.state]),
    [
      [filter.title, "2026-05-15", filter.id, "dueToday"],
      [gutters.title, "2026-10-01", gutters.id, "upcoming"],
      // the second interval task in the set: 0.618 of its year away (spreadFirstDueDates)
      [heater.title, "2026-12-26", heater.id, "upcoming"],
    ],
  );
  assert.equal(items[0]!.notes, filter.howTo);
  assert.deepEqual(items[1]!.recurrence, gutters.recurrence);
  assert.equal(items[0]!.residenceId, h.residence.id);
  // the schedule works from there: the gutters after Oct 1 are due Apr 1
  deps.clock = () => new Date("2026-10-01T20:00:00Z");
  const done = await app.inject({
    method: "POST",
    url: `/v1/tasks/${items[1]!.id}/complete`,
    headers: h.member.auth,
    payload: { dueOn: "2026-10-01" },
  });
  assert.equal(done.json().task.dueOn, "2027-04-01");
  deps.clock = () => new Date("2026-05-16T03:00:00Z");
});

test("a starter set is spread: the most urgent is due today, seasonal jobs at their season, the rest within their period", async () => {
  const home = await createHousehold(deps, { timezone: "America/Los_Angeles", propertyType: "house" });
  const starter = (await templates("?propertyType=house")).filter((t) => t.starter);
  assert.ok(starter.length >= 10, `a starter set of at least 10, got ${starter.length}`);
  const res = await app.inject({
    method: "POST",
    url: `/v1/residences/${home.residence.id}/tasks/from-templates`,
    headers: home.owner.auth,
    payload: { templateIds: starter.map((t) => t.id) },
  });
  assert.equal(res.statusCode, 201, res.body);
  const items = res.json().items as { title: string; dueOn: string; templateId: string }[];
  const today = "2026-05-15";
  const dueToday = items.filter((t) => t.dueOn === today);
  assert.equal(dueToday.length, 1, `one job due today, not ${dueToday.map((t) => t.title).join(", ")}`);
  const first = starter.find((t) => t.id === dueToday[0]!.templateId)!;
  assert.ok(
    starter.every(
      (t) =>
        ["urgent", "high", "normal", "low"].indexOf(t.priority) >=
        ["urgent", "high", "normal", "low"].indexOf(first.priority),
    ),
    `the one due today (${first.title}, ${first.priority}) is among the most urgent`,
  );
  const days = (d: string) => (Date.parse(d) - Date.parse(today)) / 86_400_000;
  const period = { day: 1, week: 7, month: 31, year: 366 } as const;
  for (const task of items) {
    const template = starter.find((t) => t.id === task.templateId)!;
    const r = template.recurrence as { rrule?: string; interval?: number; unit?: keyof typeof period } | null;
    assert.ok(days(task.dueOn) >= 0, `${task.title} is not due in the past`);
    if (r?.rrule) continue; // at its season: checked by the gutters case above
    const window = r ? Math.min(r.interval! * period[r.unit!], 366) : 14;
    assert.ok(
      days(task.dueOn) < window,
      `${task.title} (${template.recurrenceText}) due ${task.dueOn}, within ${window} days`,
    );
  }
  const busiest = Math.max(...Object.values(Object.groupBy(items, (t) => t.dueOn)).map((g) => g!.length));
  assert.ok(busiest <= 2, `no day gets more than two of the ${items.length} jobs (busiest: ${busiest})`);
});

test("from-templates refuses unknown or retired templates, viewers and other households", async () => {
  const [one] = await templates();
  const url = `/v1/residences/${h.residence.id}/tasks/from-templates`;
  const unknown = await app.inject({
    method: "POST",
    url,
    headers: h.member.auth,
    payload: { templateIds: ["00000000-0000-4000-8000-000000000000"] },
  });
  assert.equal(unknown.statusCode, 400);
  assert.equal(unknown.json().errors[0].field, "body.templateIds");
  for (const payload of [
    { templateIds: [] },
    { templateIds: [one!.id, one!.id] },
    {},
    { templateIds: ["x"] },
  ]) {
    const res = await app.inject({ method: "POST", url, headers: h.member.auth, payload });
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
  }
  const viewer = await app.inject({
    method: "POST",
    url,
    headers: h.viewer.auth,
    payload: { templateIds: [one!.id] },
  });
  assert.equal(viewer.statusCode, 403);
  const outsider = await app.inject({
    method: "POST",
    url,
    headers: other.owner.auth,
    payload: { templateIds: [one!.id] },
  });
  assert.equal(outsider.statusCode, 404);

  await deps.db.update(taskTemplates).set({ retiredAt: new Date() }).where(eq(taskTemplates.id, one!.id));
  try {
    assert.ok(!(await templates()).some((t) => t.id === one!.id), "retired templates are not listed");
    const retired = await app.inject({
      method: "POST",
      url,
      headers: h.member.auth,
      payload: { templateIds: [one!.id] },
    });
    assert.equal(retired.statusCode, 400);
  } finally {
    await deps.db.update(taskTemplates).set({ retiredAt: null }).where(eq(taskTemplates.id, one!.id));
  }
});
