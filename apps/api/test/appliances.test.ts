import assert from "node:assert/strict";
import { test } from "node:test";
import {
  activity,
  appliances,
  completions,
  contractors,
  documents,
  files,
  memberships,
  residences,
  tasks,
} from "@honeydue/db";
import { and, eq } from "drizzle-orm";
import { jpegWithGps, multipart, pendingJobs } from "./files-support.ts";
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

test("every kind offers its catalog jobs, with first due dates counted from the install", async () => {
  const h = await createHousehold(deps, { name: "Schedule House", timezone: "America/Chicago" });
  deps.clock = () => new Date("2026-06-01T12:00:00Z");
  try {
    const add = async (body: object) => {
      const res = await post(body, h.member, h.residence.id);
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string };
    };
    type Offer = { slug: string; templateId: string; firstDueOn: string; recurrenceText: string };
    const offers = async (id: string) => {
      const res = await get(`/v1/appliances/${id}/suggested-tasks`, h.viewer);
      assert.equal(res.statusCode, 200, res.body);
      return res.json().items as Offer[];
    };
    const make = async (id: string, items: Offer[]) => {
      const res = await app.inject({
        method: "POST",
        url: `/v1/appliances/${id}/tasks/from-templates`,
        headers: h.member.auth,
        payload: { templateIds: items.map((i) => i.templateId) },
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json().items as { title: string; dueOn: string; recurrence: unknown; templateId: string }[];
    };

    // Every kind but "other" calls for at least one job of its own.
    const expected: Record<string, string[]> = {
      furnace: ["replace-hvac-filter", "service-furnace", "clean-vents-and-registers"],
      air_conditioner: [
        "service-air-conditioner",
        "clean-ac-condenser",
        "flush-ac-condensate-line",
        "replace-hvac-filter",
      ],
      heat_pump: ["replace-hvac-filter", "service-air-conditioner", "clean-ac-condenser"],
      water_heater: [
        "flush-water-heater",
        "inspect-water-heater-anode-rod",
        "test-water-heater-relief-valve",
      ],
      water_softener: [
        "refill-water-softener-salt",
        "clean-water-softener-brine-tank",
        "replace-water-filter",
      ],
      dishwasher: ["clean-dishwasher-filter"],
      washer: ["inspect-washing-machine-hoses", "clean-washing-machine"],
      dryer: ["clean-dryer-vent"],
      refrigerator: ["clean-refrigerator-coils", "replace-water-filter"],
      range: ["clean-range-hood-filter", "clean-oven"],
      microwave: ["clean-microwave-filters"],
      garage_door_opener: ["test-garage-door-auto-reverse", "lubricate-garage-door"],
      sump_pump: ["check-sump-pump"],
      roof: ["inspect-roof", "clean-gutters"],
      smoke_co_alarm: ["test-smoke-co-alarms", "replace-smoke-alarm-batteries", "replace-smoke-alarms"],
      other: [],
    };
    for (const [kind, slugs] of Object.entries(expected)) {
      const a = await add({ name: `A ${kind}`, kind });
      const items = await offers(a.id);
      assert.deepEqual(
        items.map((i) => i.slug),
        slugs,
        kind,
      );
      // Unknown age: interval jobs are due today, seasonal ones at their season.
      for (const i of items) assert.ok(i.firstDueOn >= "2026-06-01", `${kind} ${i.slug} ${i.firstDueOn}`);
    }

    // A furnace fitted a month ago: its filter 90 days after the install, its service every autumn.
    const furnace = await add({ name: "Furnace", kind: "furnace", installedOn: "2026-05-02" });
    const furnaceOffers = await offers(furnace.id);
    const furnaceTasks = await make(furnace.id, furnaceOffers.slice(0, 2));
    assert.deepEqual(
      furnaceTasks.map((t) => [t.dueOn, t.recurrence]),
      [
        ["2026-07-31", { kind: "afterCompletion", interval: 90, unit: "day" }],
        ["2026-09-15", { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=15" }],
      ],
    );

    // A water heater bought two years ago and never serviced: flush yearly (overdue: due today), anode check
    // every three years (a year from now); one installed this spring has its first flush next spring.
    const heater = await add({ name: "Water heater", kind: "water_heater", purchasedOn: "2024-04-10" });
    const heaterTasks = await make(heater.id, (await offers(heater.id)).slice(0, 2));
    assert.deepEqual(
      heaterTasks.map((t) => [t.title, t.dueOn, t.recurrence]),
      [
        ["Flush the water heater — Water heater", "2026-06-01", { kind: "fixed", interval: 1, unit: "year" }],
        [
          "Inspect the water heater anode rod — Water heater",
          "2027-04-10",
          { kind: "fixed", interval: 3, unit: "year" },
        ],
      ],
    );
    const fresh = await add({ name: "New heater", kind: "water_heater", installedOn: "2026-03-20" });
    assert.equal((await offers(fresh.id))[0]!.firstDueOn, "2027-03-20");
    const linked = (await get(`/v1/appliances/${heater.id}`, h.viewer)).json().taskIds;
    assert.equal(linked.length, 2, "created tasks are linked to the appliance");
  } finally {
    deps.clock = undefined;
  }
});

test("viewers cannot write appliances (403), other households cannot reach them (404)", async () => {
  const a = (await post({ name: "Sump pump", kind: "sump_pump" })).json();
  const offer = (await get(`/v1/appliances/${a.id}/suggested-tasks`)).json().items[0];
  const writes = [
    { method: "POST", url: `/v1/residences/${home.residence.id}/appliances`, payload: { name: "Mine" } },
    { method: "PATCH", url: `/v1/appliances/${a.id}`, payload: { name: "Mine" } },
    { method: "DELETE", url: `/v1/appliances/${a.id}` },
    { method: "PUT", url: `/v1/appliances/${a.id}/photo`, payload: { fileId: null } },
    {
      method: "POST",
      url: `/v1/appliances/${a.id}/tasks/from-templates`,
      payload: { templateIds: [offer.templateId] },
    },
  ] as const;
  for (const w of writes) {
    assertProblem(await app.inject({ ...w, headers: home.viewer.auth }), 403);
    assertProblem(await app.inject({ ...w, headers: other.owner.auth }), 404);
  }
  for (const url of [
    `/v1/appliances/${a.id}`,
    `/v1/appliances/${a.id}/suggested-tasks`,
    `/v1/appliances/${a.id}/service-history`,
    `/v1/residences/${home.residence.id}/appliances`,
    `/v1/residences/${home.residence.id}/replacement-plan`,
    `/v1/residences/${home.residence.id}/recalls`,
  ]) {
    assert.equal((await get(url, home.viewer)).statusCode, 200, url);
    assertProblem(await get(url, other.owner), 404);
  }
  const still = (await get(`/v1/appliances/${a.id}`)).json();
  assert.equal(still.name, "Sump pump", "nothing was written");
  assert.deepEqual(still.taskIds, []);
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
  assert.equal(plan.items[0].currency, "USD");
  assert.equal(plan.totalCostCents, 1_500_000);
  assert.deepEqual(plan.totals, [{ currency: "USD", costCents: 1_500_000 }]);
  deps.clock = undefined;
});

test("an appliance's photo goes through the upload pipeline; replacing or deleting it deletes the file", async () => {
  const upload = async (as: typeof home.member, residenceId: string) => {
    const body = multipart(
      { purpose: "appliance_photo", residenceId },
      { filename: "label.jpg", contentType: "image/jpeg", data: await jpegWithGps() },
    );
    const res = await app.inject({
      method: "POST",
      url: "/v1/uploads",
      headers: { ...as.auth, ...body.headers },
      payload: body.payload,
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().purpose, "appliance_photo");
    return res.json() as { id: string; url: string };
  };
  const put = (applianceId: string, fileId: string | null, as = home.member) =>
    app.inject({
      method: "PUT",
      url: `/v1/appliances/${applianceId}/photo`,
      headers: as.auth,
      payload: { fileId },
    });
  const created = await post({ name: "Water heater", kind: "water_heater" });
  const a = created.json();
  const first = await upload(home.member, home.residence.id);

  assertProblem(await put(a.id, first.id, home.viewer), 403);
  const foreign = await upload(other.member, other.residence.id);
  assertProblem(await put(a.id, foreign.id), 400, "body.fileId");
  assertProblem(await put(a.id, first.id, other.owner), 404);

  const set = await put(a.id, first.id);
  assert.equal(set.statusCode, 200, set.body);
  assert.equal(set.json().photo.id, first.id);
  assert.equal(set.json().photo.status, "attached");
  assert.equal((await get(`/v1/appliances/${a.id}`, home.viewer)).json().photoFileId, first.id);
  assert.equal((await get(first.url, home.viewer)).statusCode, 200, "members read it");
  assert.equal((await get(first.url, other.owner)).statusCode, 404, "other households do not");

  const second = await upload(home.member, home.residence.id);
  assert.equal((await put(a.id, second.id)).json().photo.id, second.id);
  assert.equal(
    (await deps.db.select().from(files).where(eq(files.id, first.id))).length,
    0,
    "replaced: deleted",
  );
  const deletions = await pendingJobs(deps, "files.delete-objects");
  assert.ok(
    deletions.some((j) => JSON.stringify(j.payload).includes(first.id)),
    "its stored objects are deleted through the outbox",
  );

  const removed = await app.inject({
    method: "DELETE",
    url: `/v1/appliances/${a.id}`,
    headers: home.member.auth,
  });
  assert.equal(removed.statusCode, 204);
  assert.equal(
    (await deps.db.select().from(files).where(eq(files.id, second.id))).length,
    0,
    "appliance deleted: deleted",
  );
});

test("appliances are in search, the export (JSON and CSV, with the replacement plan) and the sync feed", async () => {
  const created = await post({
    name: "Garage freezer",
    kind: "refrigerator",
    brand: "Frigidaire",
    model: "FFFU20F2VW",
    installedOn: "2010-05-01",
    replacementCostCents: 90_000,
    notes: "Chest freezer by the workbench",
  });
  const a = created.json();
  const asGet = (await get(`/v1/appliances/${a.id}`)).json();

  // Search: by brand prefix, by model, and only appliances when asked.
  const search = (q: string, type = "") =>
    get(`/v1/residences/${home.residence.id}/search?q=${encodeURIComponent(q)}${type}`, home.viewer);
  const byBrand = (await search("frigid")).json().items;
  assert.deepEqual(
    byBrand.map((h: { type: string; id: string }) => [h.type, h.id]),
    [["appliance", a.id]],
  );
  assert.match(byBrand[0].headline, /<mark>Frigidaire<\/mark>/);
  assert.equal((await search("FFFU20F2VW", "&type=appliance")).json().items[0]?.id, a.id);
  assert.deepEqual((await search("freezer", "&type=task")).json().items, []);
  assert.equal(
    (await get(`/v1/residences/${home.residence.id}/search?q=freezer`, other.owner)).statusCode,
    404,
  );

  // Export: the appliance as GET answers it, the replacement plan, and a CSV of appliances.
  const exported = await get("/v1/me/export", home.member);
  assert.equal(exported.statusCode, 200);
  const mine = JSON.parse(exported.body).residences.find((r: { id: string }) => r.id === home.residence.id);
  assert.deepEqual(
    mine.appliances.find((x: { id: string }) => x.id === a.id),
    asGet,
  );
  const planned = mine.replacementPlan.items.find((i: { applianceId: string }) => i.applianceId === a.id);
  assert.equal(planned.status, "past_end_of_life");
  assert.ok(mine.replacementPlan.totalCostCents >= 90_000);
  assert.deepEqual(mine.replacementPlan.totals, [
    { currency: "USD", costCents: mine.replacementPlan.totalCostCents },
  ]);
  const csv = await get("/v1/me/export?format=csv&kind=appliances", home.member);
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers["content-type"]), /^text\/csv/);
  const [header, ...lines] = csv.body.trimEnd().split("\r\n");
  assert.equal(header!.split(",").slice(0, 4).join(","), "residence,applianceId,name,kind");
  const row = lines.find((l) => l.includes(a.id))!;
  assert.match(row, /^Maple House,[0-9a-f-]{36},Garage freezer,refrigerator,Frigidaire,FFFU20F2VW,/);
  assert.match(row, /,2023-05-01,past_end_of_life,90000,/);
  const otherCsv = await get("/v1/me/export?format=csv&kind=appliances", other.owner);
  assert.ok(!otherCsv.body.includes(a.id), "only my residences");

  // Sync: the snapshot has it as GET answers it; a change, a new link and a delete arrive after a cursor.
  const snapshot = async (as = home.viewer) => {
    const changes: { type: string; id: string; op: string; data?: unknown }[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = (await get(`/v1/sync${cursor ? `?since=${encodeURIComponent(cursor)}` : ""}`, as)).json();
      changes.push(...page.changes);
      cursor = page.nextCursor;
      if (!page.hasMore) return { changes, cursor: cursor! };
    }
  };
  const first = await snapshot();
  const up = first.changes.find((c) => c.type === "appliance" && c.id === a.id);
  assert.deepEqual(up?.data, asGet);
  assert.ok(!(await snapshot(other.owner)).changes.some((c) => c.id === a.id), "not another household's");

  const patched = await app.inject({
    method: "PATCH",
    url: `/v1/appliances/${a.id}`,
    headers: home.member.auth,
    payload: { location: "Garage", documentIds: [document!.id] },
  });
  assert.equal(patched.statusCode, 200);
  // Transactions still running anywhere on the database server (other test files) hold the feed back for a
  // moment (decision 0004: a cursor never skips a late commit), so the next page is polled until it shows.
  const changesSince = async (cursor: string) => {
    for (let i = 0; ; i++) {
      const page = (await get(`/v1/sync?since=${encodeURIComponent(cursor)}`, home.viewer)).json();
      if (page.changes.some((c: { id: string }) => c.id === a.id) || i >= 600) return page;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const after = await changesSince(first.cursor);
  const changed = after.changes.filter(
    (c: { type: string; id: string }) => c.type === "appliance" && c.id === a.id,
  );
  assert.equal(changed.length, 1, "each entity once, in its current state");
  assert.deepEqual(changed[0].data, (await get(`/v1/appliances/${a.id}`)).json());
  assert.deepEqual(changed[0].data.documentIds, [document!.id]);

  await app.inject({ method: "DELETE", url: `/v1/appliances/${a.id}`, headers: home.member.auth });
  const gone = await changesSince(after.nextCursor);
  assert.deepEqual(
    gone.changes.filter((c: { id: string }) => c.id === a.id).map((c: { op: string }) => c.op),
    ["delete"],
  );
});

test("the home screen sums up the replacement plan across my residences, soonest first", async () => {
  const mine = await createHousehold(deps, { name: "Summary House" });
  const year = new Date().getUTCFullYear();
  const add = (body: object) =>
    app.inject({
      method: "POST",
      url: `/v1/residences/${mine.residence.id}/appliances`,
      headers: mine.owner.auth,
      payload: body,
    });
  const old = (
    await add({ name: "Old roof", kind: "roof", installedOn: "1990-06-01", replacementCostCents: 1_200_000 })
  ).json();
  const soon = (
    await add({
      name: "Water heater",
      kind: "water_heater",
      installedOn: `${year - 9}-01-01`,
      lifespanYears: 10,
      replacementCostCents: 150_000,
    })
  ).json();
  await add({ name: "New dishwasher", kind: "dishwasher", installedOn: `${year}-01-01` });
  await add({ name: "Unknown age", kind: "furnace" });

  const home_ = await get("/v1/me/home", mine.viewer);
  assert.equal(home_.statusCode, 200, home_.body);
  const r = home_.json().replacement;
  assert.equal(r.pastEndOfLife, 1);
  assert.equal(r.nearingEndOfLife, 1);
  assert.equal(r.totalCostCents, 1_350_000);
  assert.deepEqual(
    r.items.map((i: { applianceId: string; status: string }) => [i.applianceId, i.status]),
    [
      [old.id, "past_end_of_life"],
      [soon.id, "nearing_end_of_life"],
    ],
  );
  assert.deepEqual(r.totals, [{ currency: "USD", costCents: 1_350_000 }]);

  // A second residence of mine keeps its costs in euros: each item says its currency, the totals are per currency.
  const [euroHome] = await deps.db
    .update(residences)
    .set({ currency: "EUR" })
    .where(eq(residences.id, (await createHousehold(deps, { name: "Euro House" })).residence.id))
    .returning();
  await deps.db
    .insert(memberships)
    .values({ residenceId: euroHome!.id, userId: mine.viewer.id, role: "viewer" });
  await deps.db.insert(appliances).values({
    residenceId: euroHome!.id,
    name: "Euro boiler",
    kind: "water_heater",
    installedOn: "2000-01-01",
    replacementCostCents: 300_000,
  });
  const both = (await get("/v1/me/home", mine.viewer)).json().replacement;
  assert.deepEqual(both.totals, [
    { currency: "EUR", costCents: 300_000 },
    { currency: "USD", costCents: 1_350_000 },
  ]);
  assert.deepEqual(
    both.items.map((i: { name: string; currency: string }) => [i.name, i.currency]),
    [
      ["Euro boiler", "EUR"],
      ["Old roof", "USD"],
      ["Water heater", "USD"],
    ],
  );
  const empty = (await get("/v1/me/home", (await createHousehold(deps)).owner)).json().replacement;
  assert.deepEqual(empty, {
    pastEndOfLife: 0,
    nearingEndOfLife: 0,
    totalCostCents: 0,
    totals: [],
    items: [],
  });
});
