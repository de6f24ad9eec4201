import assert from "node:assert/strict";
import { test } from "node:test";
import { activity, completions, contractors, documents, tasks } from "@honeydue/db";
import { and, eq } from "drizzle-orm";
import { createHousehold } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();
const home = await createHousehold(deps, { name: "Maple House" });
const other = await createHousehold(deps, { name: "Elsewhere" });

async function post(body: unknown, as = home.member, residenceId = home.residence.id) {
  return app.inject({
    method: "POST",
    url: `/v1/residences/${residenceId}/appliances`,
    headers: as.auth,
    payload: body as object,
  });
}
const get = (url: string, as = home.member) => app.inject({ method: "GET", url, headers: as.auth });

const [document] = await deps.db
  .insert(documents)
  .values({ residenceId: home.residence.id, title: "Furnace manual", kind: "manual" })
  .returning();
const [contractor] = await deps.db
  .insert(contractors)
  .values({ residenceId: home.residence.id, name: "Heat & Air Co" })
  .returning();
const [foreignDocument] = await deps.db
  .insert(documents)
  .values({ residenceId: other.residence.id, title: "Not yours", kind: "manual" })
  .returning();

test("appliances CRUD with every field, links, activity; viewers read only", async () => {
  const created = await post({
    name: "  Basement furnace ",
    kind: "furnace",
    brand: " Carrier ",
    model: "59SC5A080E17",
    serialNumber: "2419A12345",
    purchasedOn: "2012-09-01",
    installedOn: "2012-09-15",
    location: "Basement",
    notes: "Two-stage gas furnace",
    lifespanYears: 18,
    replacementCostCents: 650_000,
    documentIds: [document!.id],
    contractorIds: [contractor!.id],
  });
  assert.equal(created.statusCode, 201, created.body);
  const a = created.json();
  assert.equal(a.name, "Basement furnace");
  assert.equal(a.brand, "Carrier");
  assert.equal(a.kind, "furnace");
  assert.equal(a.model, "59SC5A080E17");
  assert.equal(a.serialNumber, "2419A12345");
  assert.equal(a.purchasedOn, "2012-09-01");
  assert.equal(a.installedOn, "2012-09-15");
  assert.equal(a.location, "Basement");
  assert.equal(a.notes, "Two-stage gas furnace");
  assert.equal(a.lifespanYears, 18);
  assert.equal(a.expectedLifespanYears, 18);
  assert.equal(a.endOfLifeOn, "2030-09-15");
  assert.equal(a.replacementCostCents, 650_000);
  assert.deepEqual(a.documentIds, [document!.id]);
  assert.deepEqual(a.contractorIds, [contractor!.id]);
  assert.deepEqual(a.taskIds, []);
  assert.deepEqual(a.recalls, []);
  assert.equal(a.photoFileId, null);

  const read = await get(`/v1/appliances/${a.id}`, home.viewer);
  assert.equal(read.statusCode, 200);
  assert.deepEqual(read.json(), a);
  const list = await get(`/v1/residences/${home.residence.id}/appliances?q=carrier`, home.viewer);
  assert.deepEqual(
    list.json().items.map((x: { id: string }) => x.id),
    [a.id],
  );
  const byKind = await get(`/v1/residences/${home.residence.id}/appliances?kind=dishwasher`);
  assert.deepEqual(byKind.json().items, []);

  const patched = await app.inject({
    method: "PATCH",
    url: `/v1/appliances/${a.id}`,
    headers: home.member.auth,
    payload: { lifespanYears: null, location: "  ", documentIds: [], notes: null },
  });
  assert.equal(patched.statusCode, 200, patched.body);
  const p = patched.json();
  assert.equal(p.lifespanYears, null);
  assert.equal(p.expectedLifespanYears, 20, "the typical life of a furnace");
  assert.equal(p.endOfLifeOn, "2032-09-15");
  assert.equal(p.location, null);
  assert.equal(p.notes, null);
  assert.deepEqual(p.documentIds, []);
  assert.deepEqual(p.contractorIds, [contractor!.id], "a list left out is left alone");

  const viewerWrite = await app.inject({
    method: "PATCH",
    url: `/v1/appliances/${a.id}`,
    headers: home.viewer.auth,
    payload: { name: "Mine now" },
  });
  assertProblem(viewerWrite, 403);
  assertProblem(await get(`/v1/appliances/${a.id}`, other.owner), 404);

  const deleted = await app.inject({
    method: "DELETE",
    url: `/v1/appliances/${a.id}`,
    headers: home.member.auth,
  });
  assert.equal(deleted.statusCode, 204);
  assertProblem(await get(`/v1/appliances/${a.id}`), 404);
  const [stillThere] = await deps.db.select().from(contractors).where(eq(contractors.id, contractor!.id));
  assert.ok(stillThere, "deleting the appliance keeps its contractor");
  const actions = await deps.db
    .select({ action: activity.action })
    .from(activity)
    .where(and(eq(activity.subjectId, a.id)));
  assert.deepEqual(actions.map((x) => x.action).sort(), [
    "appliance.created",
    "appliance.deleted",
    "appliance.updated",
  ]);
});

test("bad appliance input is a 400 problem naming the field, another household's things included", async () => {
  const cases: [unknown, string][] = [
    [{}, "body.name"],
    [{ name: "  " }, "body.name"],
    [{ name: "X", kind: "toaster" }, "body.kind"],
    [{ name: "X", lifespanYears: 0 }, "body.lifespanYears"],
    [{ name: "X", replacementCostCents: -1 }, "body.replacementCostCents"],
    [{ name: "X", installedOn: "2020-02-30" }, "body.installedOn"],
    [{ name: "X", documentIds: [foreignDocument!.id] }, "body.documentIds"],
    [{ name: "X", taskIds: ["not-a-uuid"] }, "body.taskIds.0"],
  ];
  for (const [body, field] of cases) {
    const res = await post(body);
    assertProblem(res, 400);
    const fields = (res.json().errors ?? []).map((e: { field: string }) => e.field);
    assert.ok(fields.includes(field), `${JSON.stringify(body)} → ${res.body}`);
  }
});

test("adding a furnace offers its template jobs; creating them links them with first due dates", async () => {
  const created = await post({ name: "Furnace", kind: "furnace", installedOn: "2000-01-01" });
  const furnace = created.json();
  const offered = await get(`/v1/appliances/${furnace.id}/suggested-tasks`);
  assert.equal(offered.statusCode, 200, offered.body);
  const items = offered.json().items as {
    slug: string;
    templateId: string;
    firstDueOn: string;
    title: string;
  }[];
  assert.deepEqual(
    items.map((i) => i.slug),
    ["replace-hvac-filter", "service-furnace", "clean-vents-and-registers"],
  );
  assert.equal(items[0]!.title, "Replace HVAC filter — Furnace");
  for (const i of items) assert.match(i.firstDueOn, /^\d{4}-\d{2}-\d{2}$/);
  assert.match(items[1]!.firstDueOn, /-09-15$/, "the furnace service falls every autumn");

  const made = await app.inject({
    method: "POST",
    url: `/v1/appliances/${furnace.id}/tasks/from-templates`,
    headers: home.member.auth,
    payload: { templateIds: [items[0]!.templateId, items[1]!.templateId] },
  });
  assert.equal(made.statusCode, 201, made.body);
  const madeTasks = made.json().items as { id: string; title: string; dueOn: string; recurrence: unknown }[];
  assert.deepEqual(
    madeTasks.map((t) => [t.title, t.dueOn]),
    [
      [items[0]!.title, items[0]!.firstDueOn],
      [items[1]!.title, items[1]!.firstDueOn],
    ],
  );
  const after = (await get(`/v1/appliances/${furnace.id}`)).json();
  assert.deepEqual([...after.taskIds].sort(), madeTasks.map((t) => t.id).sort());
  const again = (await get(`/v1/appliances/${furnace.id}/suggested-tasks`)).json().items;
  assert.deepEqual(
    again.map((i: { alreadyLinked: boolean }) => i.alreadyLinked),
    [true, true, false],
  );
  // A template that is not among this kind's suggestions is refused.
  const dishwasher = (await post({ name: "Dishwasher", kind: "dishwasher" })).json();
  const wrong = await app.inject({
    method: "POST",
    url: `/v1/appliances/${dishwasher.id}/tasks/from-templates`,
    headers: home.member.auth,
    payload: { templateIds: [items[1]!.templateId] },
  });
  assertProblem(wrong, 400);
});

test("the service history lists the completions of linked tasks and totals their cost", async () => {
  const heater = (await post({ name: "Water heater", kind: "water_heater" })).json();
  const [flush, anode, unrelated] = await deps.db
    .insert(tasks)
    .values(["Flush", "Anode", "Unrelated"].map((title) => ({ residenceId: home.residence.id, title })))
    .returning();
  await app.inject({
    method: "PATCH",
    url: `/v1/appliances/${heater.id}`,
    headers: home.member.auth,
    payload: { taskIds: [flush!.id, anode!.id] },
  });
  const done = (taskId: string, completedOn: string, costCents: number | null) => ({
    taskId,
    residenceId: home.residence.id,
    completedOn,
    costCents,
    contractorId: contractor!.id,
    previousTaskState: {},
  });
  await deps.db
    .insert(completions)
    .values([
      done(flush!.id, "2025-04-01", 12_000),
      done(anode!.id, "2025-06-01", 4_550),
      done(flush!.id, "2026-04-01", null),
      done(unrelated!.id, "2026-05-01", 99_999),
    ]);
  const res = await get(`/v1/appliances/${heater.id}/service-history`, home.viewer);
  assert.equal(res.statusCode, 200, res.body);
  const h = res.json();
  assert.equal(h.serviceCount, 3);
  assert.equal(h.totalCostCents, 16_550);
  assert.deepEqual(
    h.items.map((i: { completedOn: string }) => i.completedOn),
    ["2026-04-01", "2025-06-01", "2025-04-01"],
  );
  assert.equal(h.items[0].contractorName, "Heat & Air Co");
  assert.equal(h.items[0].taskTitle, "Flush");
});

test("replacement planning: what is past or near its end of life, soonest first, with the cost", async () => {
  const h = await createHousehold(deps, { name: "Old House", timezone: "America/Chicago" });
  deps.clock = () => new Date("2026-06-01T12:00:00Z");
  const add = (body: object) => post(body, h.owner, h.residence.id);
  await add({ name: "Old roof", kind: "roof", installedOn: "1990-05-01", replacementCostCents: 1_500_000 });
  await add({ name: "Tired dryer", kind: "dryer", installedOn: "2014-01-01", lifespanYears: 13 });
  await add({ name: "New fridge", kind: "refrigerator", installedOn: "2025-01-01" });
  await add({ name: "Undated", kind: "washer" });
  const res = await get(`/v1/residences/${h.residence.id}/replacement-plan`, h.viewer);
  assert.equal(res.statusCode, 200, res.body);
  const plan = res.json();
  assert.deepEqual(
    plan.items.map((i: { name: string; status: string }) => [i.name, i.status]),
    [
      ["Old roof", "past_end_of_life"],
      ["Tired dryer", "nearing_end_of_life"],
    ],
  );
  assert.equal(plan.items[0].endOfLifeOn, "2015-05-01");
  assert.ok(plan.items[0].ageYears >= 35);
  assert.equal(plan.items[0].ageYears, 36);
  assert.equal(plan.items[1].endOfLifeOn, "2027-01-01");
  assert.equal(plan.totalCostCents, 1_500_000);
  deps.clock = undefined;
});
