/**
 * Access control, checked from the route table. Every route in the OpenAPI document whose path carries an
 * ID parameter is called
 *   1. by a member of ANOTHER household, with real IDs of household A: never 2xx, and 404 (existence not
 *      revealed) for everything addressed by an ID;
 *   2. for every non-GET route, by a VIEWER of household A: never 2xx, and 403 for residence-scoped routes;
 * and, as a control that the IDs and generated inputs are real, every such GET route by A's owner: 2xx.
 *
 * Nothing here is a hand list of routes: a route added later is checked as soon as it is registered. Its
 * inputs are generated from its own schemas (path, query and JSON body), so a 403/404 comes from the access
 * check and not from validation. A new kind of ID parameter works at once with a random UUID; give it a real
 * row of household A in `seedHousehold` to make check 1 meaningful for it (the test reports such params).
 */
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { test } from "node:test";
import {
  appliances,
  completions,
  contractors,
  documents,
  files,
  invites,
  shareCodes,
  tasks,
} from "@honeydue/db";
import { sql } from "drizzle-orm";
import { createHousehold, type Household, type TestUser } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();
await app.ready();

/** Params whose value is itself the credential (a secret link or code): possession is the permission. */
const CAPABILITY_PARAMS = new Set(["token", "code"]);
/** Params naming something shared by every user (the template catalog): not household data. */
const GLOBAL_PARAMS = new Set(["templateId", "slug"]);
/** Params addressing a thing that belongs to a residence: a viewer writing it must get 403. */
const RESIDENCE_SCOPED = new Set([
  "residenceId",
  "taskId",
  "completionId",
  "contractorId",
  "documentId",
  "applianceId",
  "inviteId",
  "fileId",
  "photoId",
]);

/** Secrets of household A by the path prefix they are used under (one `token` param name, many kinds). */
const capabilities = new Map<string, string>();

const A = await createHousehold(deps, { name: "Household A" });
const B = await createHousehold(deps, { name: "Household B" });
const ids = await seedHousehold(A, "ACCESS23", true);
/** The same things in household B: B's own IDs, for the check of cross-household references in bodies. */
const idsB = await seedHousehold(B, "BCCESS23", false);

/** One of each thing in a household, inserted directly; the values feed the path params of the same name. */
async function seedHousehold(h: Household, code: string, primary: boolean): Promise<Record<string, string>> {
  const residenceId = h.residence.id;
  const [contractor] = await deps.db
    .insert(contractors)
    .values({ residenceId, name: "Ace Plumbing", createdBy: h.owner.id })
    .returning();
  const [task] = await deps.db
    .insert(tasks)
    .values({
      residenceId,
      title: "Flush water heater",
      dueOn: "2030-04-01",
      scheduledOn: "2030-04-01",
      anchorOn: "2029-04-01",
      recurrence: { kind: "fixed", interval: 1, unit: "year" },
      createdBy: h.owner.id,
    })
    .returning();
  const [completion] = await deps.db
    .insert(completions)
    .values({
      taskId: task!.id,
      residenceId,
      completedBy: h.owner.id,
      completedOn: "2029-04-01",
      dueOn: "2029-04-01",
      previousTaskState: { dueOn: "2029-04-01", scheduledOn: "2029-04-01", completedAt: null },
    })
    .returning();
  const [document] = await deps.db
    .insert(documents)
    .values({ residenceId, title: "Water heater warranty", kind: "warranty", createdBy: h.owner.id })
    .returning();
  const [appliance] = await deps.db
    .insert(appliances)
    .values({ residenceId, name: "Water heater", kind: "water_heater", createdBy: h.owner.id })
    .returning();
  const token = randomUUID() + randomUUID();
  const [invite] = await deps.db
    .insert(invites)
    .values({
      residenceId,
      email: "invitee@example.test",
      role: "member",
      tokenHash: createHash("sha256").update(token).digest(),
      invitedBy: h.owner.id,
      expiresAt: new Date(Date.now() + 86_400_000),
    })
    .returning();
  await deps.db.insert(shareCodes).values({
    residenceId,
    code,
    role: "member",
    createdBy: h.owner.id,
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  if (primary) {
    capabilities.set("/v1/invites/{token}", token);
    capabilities.set("/v1/share-codes/{code}", code);
  }
  const out: Record<string, string> = {
    residenceId,
    taskId: task!.id,
    completionId: completion!.id,
    contractorId: contractor!.id,
    documentId: document!.id,
    applianceId: appliance!.id,
    inviteId: invite!.id,
    // Someone other than the viewer: a viewer may remove only themself (leave).
    userId: h.owner.id,
    sessionId: h.owner.sessionId,
  };
  // A stored file: its row and its object, so the owner's control download answers 200 and B's 404 means
  // something. Any failure here fails the file (a seed that silently falls back would pass vacuously).
  const fileId = randomUUID();
  const storageKey = `r/${residenceId}/${fileId}`;
  const bytes = Buffer.from("%PDF-1.4\n% access-control seed\n");
  await deps.storage.put(storageKey, bytes, { contentType: "application/pdf", size: bytes.length });
  await deps.db.insert(files).values({
    id: fileId,
    residenceId,
    ownerId: h.owner.id,
    purpose: "document",
    storageKey,
    contentType: "application/pdf",
    sizeBytes: bytes.length,
    status: "uploaded",
    uploadedAt: new Date(),
  });
  out.fileId = fileId;
  out.uploadId = fileId;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The route table, from the OpenAPI document

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  minProperties?: number;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  default?: unknown;
}
interface Operation {
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}
interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  params: string[];
  op: Operation;
}

const spec = app.swagger() as {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
};

/**
 * Every documented user route, and those with an ID parameter in their path. The admin routes take no user
 * token at all (401 for every one of them): admin-routes.test.ts checks them from the same route table.
 */
const allRoutes: Route[] = [];
for (const [path, operations] of Object.entries(spec.paths)) {
  if (path.startsWith("/v1/admin/")) continue;
  const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  for (const [method, op] of Object.entries(operations)) {
    if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
    allRoutes.push({ method: method.toUpperCase() as Route["method"], path, params, op });
  }
}
const routes = allRoutes.filter((r) => r.params.length > 0);

function resolve(schema: JsonSchema | undefined): JsonSchema {
  let s = schema ?? {};
  for (let i = 0; s.$ref && i < 10; i++) {
    const name = s.$ref.split("/").pop()!;
    s = spec.components?.schemas?.[name] ?? {};
  }
  return s;
}

/** A real ID of household A for a property or param name (`contractorId`, `assigneeId`), else a fresh UUID. */
function idFor(name: string): string {
  return idIn(ids, A)(name) ?? randomUUID();
}

/** A real ID of a household's thing for a property or param name, if there is one. */
function idIn(table: Record<string, string>, h: Household) {
  return (name: string): string | undefined => {
    if (table[name]) return table[name];
    if (name === "assigneeId") return h.member.id;
    if (name === "photoId" || name === "avatarFileId" || name === "photoFileId") return table.fileId;
    return undefined;
  };
}
type IdOf = (name: string) => string;

/** A minimal value valid against `schema`: required properties only, the first option of every choice. */
function generate(schema: JsonSchema | undefined, name = "", idOf: IdOf = idFor): unknown {
  const s = resolve(schema);
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  if (s.default !== undefined && s.default !== null) return s.default;
  const options = s.anyOf ?? s.oneOf;
  if (options?.length) {
    const nonNull = options.filter((o) => resolve(o).type !== "null");
    return generate(nonNull[0] ?? options[0], name, idOf);
  }
  if (s.allOf?.length) {
    return Object.assign({}, ...s.allOf.map((part) => generate(part, name, idOf) as object));
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== "null") ?? "null") : s.type;
  switch (type ?? (s.properties ? "object" : undefined)) {
    case "object": {
      const out: Record<string, unknown> = {};
      const props = s.properties ?? {};
      const keys = new Set(s.required ?? []);
      for (const key of Object.keys(props)) if (keys.size < (s.minProperties ?? 0)) keys.add(key);
      for (const key of keys) out[key] = generate(props[key], key, idOf);
      return out;
    }
    case "array":
      return Array.from({ length: s.minItems ?? 0 }, () => generate(s.items, name, idOf));
    case "integer":
    case "number": {
      const low = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
      return s.maximum !== undefined ? Math.min(low, s.maximum) : low;
    }
    case "boolean":
      return false;
    case "null":
      return null;
    case "string":
      return generateString(s, name, idOf);
    default:
      return {};
  }
}

function generateString(s: JsonSchema, name: string, idOf: IdOf): string {
  if (s.format === "uuid") return idOf(name);
  if (s.format === "date" || s.pattern === "^\\d{4}-\\d{2}-\\d{2}$") return "2030-04-01";
  if (s.format === "date-time") return "2030-04-01T09:00:00.000Z";
  if (s.format === "email") return "someone@example.test";
  if (s.format === "uri" || s.format === "url") return "https://example.test/";
  if (s.pattern === "^[A-Z]{2}$") return "US";
  if (s.pattern === "^[A-Z]{3}$") return "USD";
  if (/time ?zone/i.test(name)) return "UTC";
  const length = Math.max(s.minLength ?? 1, 1);
  return "x".repeat(s.maxLength !== undefined ? Math.min(length, s.maxLength) : length);
}

type Values = (route: Route, param: string) => string | undefined;

/** The request for a route: path params from `values`, required query params and a JSON body generated. */
function request(
  route: Route,
  values: Values,
  headers: Record<string, string>,
  body?: Record<string, unknown>,
) {
  let url = route.path;
  for (const param of route.params)
    url = url.replace(`{${param}}`, encodeURIComponent(values(route, param)!));
  const query = new URLSearchParams();
  for (const p of route.op.parameters ?? []) {
    if (p.in === "query" && p.required) query.set(p.name, String(generate(p.schema, p.name)));
  }
  if (query.size) url += `?${query}`;
  const json = route.op.requestBody?.content?.["application/json"];
  return app.inject({
    method: route.method,
    url,
    headers,
    ...(json ? { payload: body ?? (generate(json.schema) as Record<string, unknown>) } : {}),
  });
}

function capabilityOf(route: Route, param: string): string | undefined {
  for (const [prefix, value] of capabilities) {
    if (route.path.startsWith(prefix) && prefix.endsWith(`{${param}}`)) return value;
  }
  return undefined;
}
/** Household A's real values; a capability of A is used only where it is known (undefined otherwise). */
const realValue: Values = (route, param) =>
  CAPABILITY_PARAMS.has(param) ? capabilityOf(route, param) : idFor(param);
/** For an outsider, a capability (secret link/code) of household A is unknowable: a random one stands in. */
const outsiderValue: Values = (route, param) => {
  if (!CAPABILITY_PARAMS.has(param)) return idFor(param);
  const schema = resolve(route.op.parameters?.find((p) => p.in === "path" && p.name === param)?.schema);
  const random = randomUUID().replaceAll("-", "") + randomUUID().replaceAll("-", "");
  return random.slice(0, Math.max(schema.minLength ?? 1, Math.min(43, schema.maxLength ?? 43)));
};

const label = (route: Route) => `${route.method} ${route.path}`;
const is2xx = (status: number) => status >= 200 && status < 300;
const auth = (user: TestUser) => user.auth;

const unseeded = [...new Set(routes.flatMap((r) => r.params))].filter(
  (p) => !ids[p] && !GLOBAL_PARAMS.has(p) && !CAPABILITY_PARAMS.has(p),
);

test("the route table is read, and covers the residence routes", (t) => {
  t.diagnostic(`${routes.length} ID-bearing routes: ${routes.map(label).join(", ")}`);
  if (unseeded.length) t.diagnostic(`params without a seeded row of household A (random UUIDs): ${unseeded}`);
  // This file alone registers 15 of them; others add tasks, contractors, documents and files.
  assert.ok(routes.length >= 15, `only ${routes.length} routes found`);
  for (const expected of [
    "DELETE /v1/residences/{residenceId}",
    "PATCH /v1/residences/{residenceId}/members/{userId}",
    "POST /v1/invites/{token}/accept",
    "POST /v1/share-codes/{code}/join",
  ]) {
    assert.ok(
      routes.some((r) => label(r) === expected),
      `${expected} is missing from the route table`,
    );
  }
});

test("control: household A's owner reaches every ID-bearing GET route with these IDs", async (t) => {
  const failures: string[] = [];
  let checked = 0;
  for (const route of routes.filter((r) => r.method === "GET")) {
    if (route.params.some((p) => unseeded.includes(p) || GLOBAL_PARAMS.has(p))) continue;
    if (route.params.some((p) => realValue(route, p) === undefined)) continue;
    const res = await request(route, realValue, route.op.security ? auth(A.owner) : {});
    checked++;
    if (!(res.statusCode >= 200 && res.statusCode < 400))
      failures.push(`${label(route)} → ${res.statusCode} ${res.body}`);
  }
  t.diagnostic(`${checked} GET routes called as household A's owner`);
  assert.ok(checked >= 5, `only ${checked} GET routes checked`);
  assert.deepEqual(failures, []);
});

test("a member of another household gets 404 for household A's things, never a 2xx", async (t) => {
  const failures: string[] = [];
  const seen: string[] = [];
  let checked = 0;
  for (const route of routes) {
    if (route.params.every((p) => GLOBAL_PARAMS.has(p))) continue;
    const res = await request(route, outsiderValue, auth(B.owner));
    checked++;
    const status = res.statusCode;
    seen.push(`${status} ${label(route)}`);
    // A capability route answers an unknown secret with its own 4xx (404, 403 invalid signature, ...).
    const capability = route.params.some((p) => CAPABILITY_PARAMS.has(p));
    const expected = route.path.startsWith("/admin") || capability ? "4xx" : 404;
    const ok = expected === 404 ? status === 404 : status >= 400 && status < 500;
    if (!ok || is2xx(status))
      failures.push(`${label(route)} → ${status} (expected ${expected}) ${res.body.slice(0, 200)}`);
  }
  t.diagnostic(`${checked} routes called as a member of household B:\n  ${seen.join("\n  ")}`);
  assert.ok(checked >= 15, `only ${checked} routes checked`);
  assert.deepEqual(failures, []);
});

test("a viewer of household A gets 403 on every write to it, never a 2xx", async (t) => {
  const failures: string[] = [];
  const seen: string[] = [];
  let checked = 0;
  for (const route of routes) {
    if (route.method === "GET") continue;
    if (route.params.every((p) => GLOBAL_PARAMS.has(p))) continue;
    // A capability route whose secret of household A is not known here cannot be aimed at A.
    if (route.params.some((p) => realValue(route, p) === undefined)) continue;
    const res = await request(route, realValue, auth(A.viewer));
    checked++;
    const status = res.statusCode;
    seen.push(`${status} ${label(route)}`);
    // A residence-scoped route answers 403; a capability (an invite or share code of a residence the viewer
    // is in) 409, a user-scoped one of someone else (another user's session) 404. None may succeed.
    const scoped = route.params.some((p) => RESIDENCE_SCOPED.has(p));
    const ok = scoped ? status === 403 : status >= 400 && status < 500;
    if (!ok)
      failures.push(
        `${label(route)} → ${status} (expected ${scoped ? 403 : "4xx"}) ${res.body.slice(0, 200)}`,
      );
  }
  t.diagnostic(`${checked} write routes called as a viewer of household A:\n  ${seen.join("\n  ")}`);
  assert.ok(checked >= 10, `only ${checked} routes checked`);
  assert.deepEqual(failures, []);
  // And nothing of household A changed: the viewer is still a viewer, the owner still the owner.
  const members = await app.inject({
    method: "GET",
    url: `/v1/residences/${A.residence.id}/members`,
    headers: auth(A.owner),
  });
  assert.deepEqual(
    members.json().items.map((m: { userId: string; role: string }) => [m.userId, m.role]),
    [
      [A.owner.id, "owner"],
      [A.member.id, "member"],
      [A.viewer.id, "viewer"],
    ],
  );
});

test("a body cannot point at another household's things (assignee, contractor, task, file, ...)", async (t) => {
  // Household B's owner writes to B (B's own IDs in the path), with one ID property of the body aimed at
  // household A. Then the same request with B's own ID, as a control that the input was otherwise fine.
  const idA = idIn(ids, A);
  const idB = idIn(idsB, B);
  const idOfB: IdOf = (name) => idB(name) ?? randomUUID();
  const bValue: Values = (_route, param) => idOfB(param);
  const failures: string[] = [];
  const seen: string[] = [];
  let checked = 0;
  for (const route of allRoutes) {
    if (route.method === "GET" || route.params.some((p) => CAPABILITY_PARAMS.has(p) || GLOBAL_PARAMS.has(p)))
      continue;
    const schema = resolve(route.op.requestBody?.content?.["application/json"]?.schema);
    for (const [prop, propSchema] of Object.entries(schema.properties ?? {})) {
      const many = uuidArray(propSchema);
      const single = many ? prop.replace(/Ids$/, "Id") : prop;
      if (!many && !isUuid(propSchema)) continue;
      if (GLOBAL_PARAMS.has(single) || idA(single) === undefined || idB(single) === undefined) continue;
      const base = generate(schema, "", idOfB) as Record<string, unknown>;
      const foreign = { ...base, [prop]: many ? [idA(single)] : idA(single) };
      const res = await request(route, bValue, auth(B.owner), foreign);
      checked++;
      seen.push(`${res.statusCode} ${label(route)} ${prop}`);
      if (is2xx(res.statusCode) || res.statusCode >= 500) {
        failures.push(
          `${label(route)} with ${prop} of household A → ${res.statusCode} ${res.body.slice(0, 200)}`,
        );
      }
      const own = await request(route, bValue, auth(B.owner), {
        ...base,
        [prop]: many ? [idB(single)] : idB(single),
      });
      if (!is2xx(own.statusCode)) seen.push(`    (control with B's own ${prop}: ${own.statusCode})`);
    }
  }
  t.diagnostic(`${checked} body references to household A tried:\n  ${seen.join("\n  ")}`);
  assert.ok(checked >= 3, `only ${checked} references tried`);
  assert.deepEqual(failures, []);
});

function isUuid(schema: JsonSchema): boolean {
  const s = resolve(schema);
  const options = s.anyOf ?? s.oneOf;
  if (options) return options.some((o) => isUuid(o));
  return s.format === "uuid";
}
function uuidArray(schema: JsonSchema): boolean {
  const s = resolve(schema);
  const options = s.anyOf ?? s.oneOf;
  if (options) return options.some((o) => uuidArray(o));
  return (
    (s.type === "array" || (Array.isArray(s.type) && s.type.includes("array"))) &&
    !!s.items &&
    isUuid(s.items)
  );
}

test("every bearer route answers 401 without a token, and with a token of an ended session", async (t) => {
  const failures: string[] = [];
  // `security: [{}, {bearerAuth: []}]` marks a route where the token is optional.
  const bearerRoutes = allRoutes.filter(
    (r) => r.op.security?.length && r.op.security.every((req) => Object.keys(req as object).length > 0),
  );
  const ended = await createHousehold(deps, { name: "Ended" });
  await deps.db.execute(sql`UPDATE sessions SET revoked_at = now() WHERE id = ${ended.owner.sessionId}`);
  for (const route of bearerRoutes) {
    for (const [who, headers] of [
      ["no token", {}],
      ["ended session", auth(ended.owner)],
    ] as const) {
      const res = await request(route, (r, p) => realValue(r, p) ?? "x", headers);
      if (res.statusCode !== 401) failures.push(`${label(route)} (${who}) → ${res.statusCode}`);
    }
  }
  t.diagnostic(`${bearerRoutes.length} bearer routes called without a valid token`);
  assert.ok(bearerRoutes.length >= 20, `only ${bearerRoutes.length} bearer routes`);
  assert.deepEqual(failures, []);
});
