import assert from "node:assert/strict";
import { test } from "node:test";
import { calendarFeeds, completions, devices, emailMessages, notifications, tasks } from "@honeydue/db";
import { addMember, createResidence, createUser } from "./fixtures.ts";
import type { Schema } from "./fuzz/arbitraries.ts";
import { type OpenApi, responseChecker } from "./fuzz/run.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();

/** An independent RFC 4180 reader: quoted fields, doubled quotes, CRLF records, line breaks inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') {
        quoted = false;
        i += 1;
        continue;
      }
      field += c;
      i += 1;
      continue;
    }
    if (c === '"' && field === "") {
      quoted = true;
      i += 1;
    } else if (c === ",") {
      row.push(field);
      field = "";
      i += 1;
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 2;
    } else {
      assert.ok(c !== '"' && c !== "\n" && c !== "\r", `stray ${JSON.stringify(c)} at ${i}`);
      field += c;
      i += 1;
    }
  }
  assert.equal(field, "", "the last record ends with CRLF");
  assert.equal(row.length, 0);
  return rows;
}

const alice = await createUser(deps, { name: "Alice Export", timezone: "Europe/Berlin" });
const bob = await createUser(deps, { name: "Bob Cohabitant" });
const carol = await createUser(deps, { name: "Carol Landlord" });
const stranger = await createUser(deps, { name: "Stranger Danger" });
const home = await createResidence(deps, alice.id, { name: "Alice's House" });
await addMember(deps, home.id, bob.id, "member");
const flat = await createResidence(deps, carol.id, { name: "Carol's Flat" });
await addMember(deps, flat.id, alice.id, "viewer");
const foreign = await createResidence(deps, stranger.id, { name: "Not Alice's" });

const hostile = {
  formula: '=HYPERLINK("http://evil.example","click")',
  comma: 'Fix the "big" leak, then\r\nmop up',
  minus: "-5 degrees outside",
  at: "@SUM(A1:A2)",
  plus: "+1 555 0100",
};

const contractor = await app.inject({
  method: "POST",
  url: `/v1/residences/${home.id}/contractors`,
  headers: alice.auth,
  payload: { name: "Pat Plumber", trades: ["plumbing"] },
});
assert.equal(contractor.statusCode, 201, contractor.body);
const contractorId = contractor.json().id as string;
const doc = await app.inject({
  method: "POST",
  url: `/v1/residences/${home.id}/documents`,
  headers: alice.auth,
  payload: { title: "Boiler warranty", kind: "warranty", expiresOn: "2030-01-01" },
});
assert.equal(doc.statusCode, 201, doc.body);
const appliance = await app.inject({
  method: "POST",
  url: `/v1/residences/${home.id}/appliances`,
  headers: alice.auth,
  payload: {
    name: "Old boiler",
    kind: "water_heater",
    installedOn: "2005-03-01",
    replacementCostCents: 180_000,
  },
});
assert.equal(appliance.statusCode, 201, appliance.body);
const meter = await app.inject({
  method: "POST",
  url: `/v1/residences/${home.id}/meters`,
  headers: alice.auth,
  payload: { name: "Boiler hours", unit: "hours", applianceId: appliance.json().id },
});
assert.equal(meter.statusCode, 201, meter.body);
for (const [readOn, value] of [
  ["2026-01-10", 10],
  ["2026-01-20", 55],
] as const) {
  const reading = await app.inject({
    method: "POST",
    url: `/v1/meters/${meter.json().id}/readings`,
    headers: alice.auth,
    payload: { value, readOn },
  });
  assert.equal(reading.statusCode, 201, reading.body);
}

const [t1] = await deps.db
  .insert(tasks)
  .values({
    residenceId: home.id,
    title: hostile.formula,
    notes: hostile.comma,
    category: "plumbing",
    dueOn: "2026-04-01",
    recurrence: { kind: "fixed", interval: 3, unit: "month" },
    assigneeId: bob.id,
    estimatedCostCents: 12_500,
    contractorId,
    createdBy: alice.id,
  })
  .returning();
const [t2] = await deps.db
  .insert(tasks)
  .values({ residenceId: home.id, title: hostile.minus, notes: hostile.at, createdBy: bob.id })
  .returning();
await deps.db
  .insert(tasks)
  .values({ residenceId: flat.id, title: "Check the smoke alarm", notes: hostile.plus, createdBy: carol.id });
await deps.db.insert(tasks).values({ residenceId: foreign.id, title: "SECRET foreign task" });
await deps.db.insert(completions).values([
  {
    taskId: t1!.id,
    residenceId: home.id,
    completedBy: bob.id,
    completedOn: "2026-01-05",
    dueOn: "2026-01-01",
    costCents: 9_900,
    contractorId,
    notes: hostile.formula,
    previousTaskState: { dueOn: "2026-01-01", secret: "internal-undo-state" },
  },
  {
    taskId: t2!.id,
    residenceId: home.id,
    completedBy: alice.id,
    completedOn: "2026-02-10",
    previousTaskState: {},
  },
]);

// A contractor's hand-off link on Alice's task, used: its submission is the household's; its secret is not.
const handoff = await app.inject({
  method: "POST",
  url: `/v1/tasks/${t1!.id}/handoff-links`,
  headers: alice.auth,
  payload: { showAddress: true, contractorId },
});
assert.equal(handoff.statusCode, 201, handoff.body);
const handoffToken = handoff.json().token as string;
const handoffSubmitted = await app.inject({
  method: "POST",
  url: `/v1/handoff/${handoffToken}/submit`,
  payload: { contractorName: "Pat Plumber", amountCents: 4_200, note: "Fixed the drip" },
});
assert.equal(handoffSubmitted.statusCode, 200, handoffSubmitted.body);

await deps.db
  .insert(devices)
  .values({ userId: alice.id, platform: "ios", token: "push-token-secret-xyz", name: "Alice's iPhone" });
await deps.db.insert(notifications).values({
  userId: alice.id,
  kind: "task.assigned",
  title: "Bob assigned you a task",
  residenceId: home.id,
});
await deps.db.insert(notifications).values({ userId: bob.id, kind: "task.assigned", title: "Not for Alice" });
await deps.db.insert(calendarFeeds).values({ userId: alice.id, tokenHash: Buffer.from("feed-hash-secret") });
await deps.db.insert(emailMessages).values({
  userId: alice.id,
  toAddress: alice.email,
  template: "verify-email",
  subject: "Verify your email",
  status: "sent",
});

test("GET /v1/me/export is a JSON download of everything about me and nothing about others", async () => {
  const res = await app.inject({ method: "GET", url: "/v1/me/export", headers: alice.auth });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers["content-type"]), /^application\/json/);
  assert.match(
    String(res.headers["content-disposition"]),
    /^attachment; filename="honeydue-export-\d{4}-\d{2}-\d{2}\.json"$/,
  );
  assert.equal(res.headers["cache-control"], "no-store");
  const data = res.json();
  assert.equal(data.format, "honeydue-export");
  assert.equal(data.profile.id, alice.id);
  assert.equal(data.profile.email, alice.email);
  assert.equal(data.profile.timezone, "Europe/Berlin");
  // no secrets, no other household, no internal undo state
  for (const secret of [
    "passwordHash",
    "password_hash",
    "!fixture-no-password",
    "tokenHash",
    "internal-undo-state",
  ])
    assert.ok(!res.body.includes(secret), `export contains ${secret}`);
  assert.ok(!res.body.includes("SECRET foreign task"));
  assert.ok(!res.body.includes(foreign.id));
  assert.ok(!res.body.includes(stranger.email));

  assert.equal(data.version, 2);
  assert.deepEqual(
    data.residences.map((r: { id: string; role: string }) => [r.id, r.role]),
    [
      [home.id, "owner"],
      [flat.id, "viewer"],
    ],
  );
  const house = data.residences[0];
  assert.deepEqual(
    house.members.map((m: { name: string; role: string }) => [m.name, m.role]),
    [
      ["Alice Export", "owner"],
      ["Bob Cohabitant", "member"],
    ],
  );
  assert.ok(!("email" in house.members[1]), "other members' email addresses are not mine to export");
  assert.deepEqual(
    house.tasks.map((t: { title: string }) => t.title).sort(),
    [hostile.formula, hostile.minus].sort(),
  );
  const exported = house.tasks.find((t: { id: string }) => t.id === t1!.id);
  assert.deepEqual(exported.recurrence, { kind: "fixed", interval: 3, unit: "month" });
  assert.equal(exported.estimatedCostCents, 12_500);
  assert.equal(exported.notes, hostile.comma);
  assert.equal(house.completions.length, 2);
  assert.equal(house.completions[0].costCents, 9_900);
  assert.ok(!("previousTaskState" in house.completions[0]));
  assert.deepEqual(
    house.contractors.map((c: { name: string }) => c.name),
    ["Pat Plumber"],
  );
  assert.deepEqual(
    house.documents.map((d: { title: string; fileId: null }) => [d.title, d.fileId]),
    [["Boiler warranty", null]],
  );
  assert.equal(data.residences[1].tasks[0].title, "Check the smoke alarm");

  assert.ok(data.sessions.some((s: { id: string }) => s.id === alice.sessionId));
  for (const s of data.sessions)
    assert.deepEqual(
      Object.keys(s).filter((k) => /hash|token/i.test(k)),
      [],
    );
  const actions = new Set(data.activity.map((a: { action: string }) => a.action));
  for (const action of ["contractor.created", "document.created", "appliance.created"])
    assert.ok(actions.has(action), `activity has ${action}: ${[...actions].join(", ")}`);
  assert.deepEqual(
    data.devices.map((d: { platform: string; name: string }) => [d.platform, d.name]),
    [["ios", "Alice's iPhone"]],
  );
  assert.ok(!res.body.includes("push-token-secret-xyz"), "push tokens stay out");
  assert.deepEqual(
    data.notifications.map((n: { title: string }) => n.title),
    [`Pat Plumber marked “${hostile.formula}” done`, "Bob assigned you a task"],
  );
  assert.equal(data.calendarFeeds.length, 1);
  assert.deepEqual(Object.keys(data.calendarFeeds[0]).sort(), ["createdAt", "id", "revokedAt"]);
  assert.deepEqual(
    data.emails.map((e: { template: string; status: string }) => [e.template, e.status]),
    [["verify-email", "sent"]],
  );
});

test("CSV of tasks parses back exactly, with formula-like cells neutralised", async () => {
  const res = await app.inject({
    method: "GET",
    url: "/v1/me/export?format=csv&kind=tasks",
    headers: alice.auth,
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers["content-type"]), /^text\/csv; charset=utf-8/);
  assert.match(
    String(res.headers["content-disposition"]),
    /^attachment; filename="honeydue-tasks-\d{4}-\d{2}-\d{2}\.csv"$/,
  );
  const [header, ...rows] = parseCsv(res.body);
  assert.deepEqual(header, [
    "residence",
    "taskId",
    "title",
    "category",
    "priority",
    "status",
    "dueOn",
    "recurrence",
    "assignee",
    "estimatedCostCents",
    "contractor",
    "notes",
    "createdAt",
  ]);
  assert.equal(rows.length, 3);
  for (const row of rows) assert.equal(row.length, header!.length);
  const byId = new Map(rows.map((r) => [r[1], Object.fromEntries(header!.map((h, i) => [h, r[i]]))]));
  const first = byId.get(t1!.id)!;
  assert.equal(first.residence, "Alice's House");
  assert.equal(first.title, `'${hostile.formula}`);
  assert.equal(first.notes, hostile.comma);
  assert.equal(first.category, "plumbing");
  assert.equal(first.status, "open");
  assert.equal(first.dueOn, "2026-04-01");
  assert.deepEqual(JSON.parse(first.recurrence!), { kind: "fixed", interval: 3, unit: "month" });
  assert.equal(first.assignee, "Bob Cohabitant");
  assert.equal(first.estimatedCostCents, "12500");
  assert.equal(first.contractor, "Pat Plumber");
  const second = byId.get(t2!.id)!;
  assert.equal(second.title, `'${hostile.minus}`);
  assert.equal(second.notes, `'${hostile.at}`);
  assert.equal(second.dueOn, "");
  assert.equal(second.estimatedCostCents, "");
  const flatRow = rows.find((r) => r[0] === "Carol's Flat")!;
  assert.equal(flatRow[11], `'${hostile.plus}`);
  // no cell of the whole file starts with a formula character
  for (const row of rows) for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@]/, cell);
});

test("CSV of completions names the task, the person and the contractor", async () => {
  const res = await app.inject({
    method: "GET",
    url: "/v1/me/export?format=csv&kind=completions",
    headers: alice.auth,
  });
  assert.equal(res.statusCode, 200, res.body);
  const [header, ...rows] = parseCsv(res.body);
  assert.deepEqual(header, [
    "residence",
    "completionId",
    "taskId",
    "task",
    "completedOn",
    "dueOn",
    "completedBy",
    "costCents",
    "contractor",
    "notes",
    "createdAt",
  ]);
  assert.deepEqual(
    rows.map((r) => [r[3], r[4], r[5], r[6], r[7], r[8], r[9]]),
    [
      [
        `'${hostile.formula}`,
        "2026-01-05",
        "2026-01-01",
        "Bob Cohabitant",
        "9900",
        "Pat Plumber",
        `'${hostile.formula}`,
      ],
      [`'${hostile.minus}`, "2026-02-10", "", "Alice Export", "", "", ""],
    ],
  );
});

test("a user with no residences gets an empty but valid export", async () => {
  const loner = await createUser(deps, { name: "Loner" });
  const json = await app.inject({ method: "GET", url: "/v1/me/export", headers: loner.auth });
  assert.equal(json.statusCode, 200);
  assert.deepEqual(json.json().residences, []);
  const csv = await app.inject({
    method: "GET",
    url: "/v1/me/export?format=csv&kind=completions",
    headers: loner.auth,
  });
  assert.equal(csv.statusCode, 200);
  assert.equal(parseCsv(csv.body).length, 1);
});

test("bad export requests are 4xx problems", async () => {
  for (const query of ["format=csv", "format=xml", "format=csv&kind=photos"]) {
    const res = await app.inject({ method: "GET", url: `/v1/me/export?${query}`, headers: alice.auth });
    assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
    assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
  }
  const anon = await app.inject({ method: "GET", url: "/v1/me/export" });
  assert.equal(anon.statusCode, 401);
});

// ------------------------------------------------------------------------------------- the schema

const served = (await app.inject({ method: "GET", url: "/openapi.json" })).json();
const document: OpenApi = served;
const exportSchema: Schema =
  served.paths["/v1/me/export"].get.responses["200"].content["application/json"].schema;

/** Every object schema in `schema` (through $refs to components) with the JSON path it sits at. */
function objectSchemas(
  schema: unknown,
  path = "$",
  seen = new Set<unknown>(),
): [string, Record<string, unknown>][] {
  if (schema === null || typeof schema !== "object" || seen.has(schema)) return [];
  seen.add(schema);
  const node = schema as Record<string, unknown>;
  const ref = typeof node.$ref === "string" ? node.$ref.replace("#/components/schemas/", "") : undefined;
  if (ref) return objectSchemas(document.components.schemas[ref], `${path}<${ref}>`, seen);
  const out: [string, Record<string, unknown>][] = node.type === "object" ? [[path, node]] : [];
  for (const [key, child] of Object.entries(node)) {
    if (key === "properties" && child && typeof child === "object")
      for (const [name, property] of Object.entries(child))
        out.push(...objectSchemas(property, `${path}.${name}`, seen));
    else if (typeof child === "object") out.push(...objectSchemas(child, `${path}/${key}`, seen));
  }
  return out;
}

test("the export's OpenAPI schema names every field of every record (no open objects)", () => {
  const objects = objectSchemas(exportSchema);
  assert.ok(objects.length > 30, `only ${objects.length} object schemas`);
  for (const [path, node] of objects) {
    assert.notEqual(node.additionalProperties, true, `${path} is an open object`);
    // Free-form JSON (an activity's or notification's `data`) is a record of values, said so explicitly.
    const record = typeof node.additionalProperties === "object" || node.patternProperties !== undefined;
    assert.ok(node.properties || record, `${path} names no properties`);
  }
  const residence = objects.find(([path]) => path === "$.residences/items")?.[1];
  assert.ok(residence, "residences are objects");
  for (const field of [
    "tasks",
    "completions",
    "contractors",
    "documents",
    "appliances",
    "meters",
    "handoffLinks",
    "members",
  ])
    assert.ok((residence.properties as Record<string, unknown>)[field], `residence has ${field}`);
});

test("the JSON export validates against the schema it declares", async () => {
  const check = responseChecker(document);
  for (const who of [alice, bob, carol]) {
    const res = await app.inject({ method: "GET", url: "/v1/me/export", headers: who.auth });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(check("GET /v1/me/export", exportSchema, res.json()), null);
  }
  // A schema that refuses something: the checker is not vacuous.
  const exported = (await app.inject({ method: "GET", url: "/v1/me/export", headers: alice.auth })).json();
  exported.residences[0].tasks[0].state = "sometime";
  assert.notEqual(check("GET /v1/me/export", exportSchema, exported), null);
});

// ------------------------------------------------------------------------- records as their GET

type Json = Record<string, unknown>;
const getJson = async (url: string): Promise<Json> => {
  const res = await app.inject({ method: "GET", url, headers: alice.auth });
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  return res.json();
};
const byId = (items: Json[], id: unknown, key = "id") => {
  const found = items.find((item) => item[key] === id);
  assert.ok(found, `no item ${key}=${String(id)}`);
  return found;
};
/** The fields of `answer` taken from `exported`: equal to `answer` when the export carries it whole. */
const pick = (exported: Json, answer: Json) =>
  Object.fromEntries(Object.keys(answer).map((k) => [k, exported[k]]));

test("every record in the export is what its own GET answers: the same fields, the same values", async () => {
  const data = (await app.inject({ method: "GET", url: "/v1/me/export", headers: alice.auth })).json();
  const house = byId(data.residences, home.id);
  const extra = (exported: Json, answer: Json) =>
    Object.keys(exported)
      .filter((k) => !(k in answer))
      .sort();

  assert.deepEqual(data.profile, await getJson("/v1/me"));

  const residence = await getJson(`/v1/residences/${home.id}`);
  assert.deepEqual(pick(house, residence), residence);
  assert.deepEqual(extra(house, residence), [
    "appliances",
    "completions",
    "contractors",
    "documents",
    "handoffLinks",
    "handovers",
    "members",
    "meters",
    "replacementPlan",
    "reportLinks",
    "tasks",
  ]);

  const members = (await getJson(`/v1/residences/${home.id}/members`)).items as Json[];
  for (const member of house.members as Json[]) {
    const { email: _email, ...answer } = byId(members, member.userId, "userId");
    assert.deepEqual(member, answer);
  }

  for (const task of house.tasks as Json[]) assert.deepEqual(task, await getJson(`/v1/tasks/${task.id}`));
  assert.equal((house.tasks as Json[]).length, 2);
  for (const completion of house.completions as Json[])
    assert.deepEqual(completion, await getJson(`/v1/completions/${completion.id}`));
  assert.deepEqual(house.contractors, (await getJson(`/v1/residences/${home.id}/contractors`)).items);
  assert.deepEqual(house.documents, [await getJson(`/v1/documents/${(house.documents as Json[])[0]!.id}`)]);
  assert.deepEqual(house.appliances, [await getJson(`/v1/appliances/${appliance.json().id}`)]);
  assert.deepEqual(house.replacementPlan, await getJson(`/v1/residences/${home.id}/replacement-plan`));
  assert.deepEqual(house.handoffLinks, (await getJson(`/v1/tasks/${t1!.id}/handoff-links`)).items);
  assert.equal((house.handoffLinks as Json[]).length, 1);
  assert.equal(((house.handoffLinks as Json[])[0]!.submission as Json).note, "Fixed the drip");
  assert.ok(!JSON.stringify(data).includes(handoffToken), "the export holds the hand-off link's secret");
  assert.deepEqual(house.reportLinks, (await getJson(`/v1/residences/${home.id}/report-links`)).items);
  assert.deepEqual(house.handovers, (await getJson(`/v1/residences/${home.id}/handovers`)).items);

  const [exportedMeter] = house.meters as Json[];
  const { readings, ...meterFields } = exportedMeter!;
  assert.deepEqual(meterFields, await getJson(`/v1/meters/${meter.json().id}`));
  const answered = (await getJson(`/v1/meters/${meter.json().id}/readings`)).items as Json[];
  assert.deepEqual(
    readings,
    [...answered].sort((a, b) => String(a.readOn).localeCompare(String(b.readOn))),
  );
  assert.equal((readings as Json[]).length, 2);

  const activity = (await getJson(`/v1/residences/${home.id}/activity`)).items as Json[];
  for (const entry of (data.activity as Json[]).filter((a) => a.residenceId === home.id)) {
    const answer = byId(activity, entry.id);
    assert.deepEqual(pick(entry, answer), answer);
    assert.deepEqual(extra(entry, answer), ["residenceId"]);
  }

  const sessions = (await getJson("/v1/me/sessions")).items as Json[];
  const current = byId(data.sessions, alice.sessionId);
  assert.equal(current.current, true);
  const sessionAnswer = byId(sessions, alice.sessionId);
  assert.deepEqual(pick(current, sessionAnswer), sessionAnswer);
  assert.deepEqual(extra(current, sessionAnswer), ["revokedAt", "revokedReason"]);

  assert.deepEqual(data.devices, (await getJson("/v1/devices")).items);
  for (const note of data.notifications as Json[])
    assert.deepEqual(note, await getJson(`/v1/notifications/${note.id}`));
});
