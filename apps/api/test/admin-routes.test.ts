import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { createAdmin } from "./admin-support.ts";
import { createUser } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { startTestApi } from "./support.ts";

// Generated from the route table (the OpenAPI document): every admin route refuses a user's access token,
// refuses a state change without the CSRF token, and refuses support admins where only a superadmin may act.
const { app, deps } = await startTestApi();
const user = await createUser(deps);
const superadmin = await createAdmin(deps, "superadmin");
const support = await createAdmin(deps, "support");

await app.ready();
type Operation = { security?: Record<string, string[]>[] };
const doc = app.swagger() as { paths: Record<string, Record<string, Operation>> };
const routes = Object.entries(doc.paths)
  .filter(([path]) => path.startsWith("/v1/admin/"))
  .flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase() as "GET" | "POST" | "PATCH" | "DELETE",
      path,
      url: path.replace(/\{(\w+)\}/g, (_, name: string) => (name === "name" ? "verify-email" : randomUUID())),
      operation,
    })),
  );
const guarded = routes.filter((r) => r.path !== "/v1/admin/auth/sign-in");
const changes = guarded.filter((r) => r.method !== "GET");
const SUPERADMIN_ONLY = [
  "DELETE /v1/admin/users/{userId}",
  "POST /v1/admin/users/{userId}/disable",
  "POST /v1/admin/users/{userId}/enable",
  "GET /v1/admin/admins",
  "POST /v1/admin/admins",
  "PATCH /v1/admin/admins/{adminId}",
  "POST /v1/admin/admins/{adminId}/reset",
  "DELETE /v1/admin/admins/{adminId}",
  "DELETE /v1/admin/jobs/failed/{jobId}",
];

const send = (r: (typeof routes)[number], headers: Record<string, string>) =>
  app.inject({ method: r.method, url: r.url, headers, ...(r.method === "GET" ? {} : { payload: {} }) });

test("the route table has the admin routes, each documented with the admin cookie", () => {
  assert.ok(routes.length >= 30, `found ${routes.length} admin routes`);
  for (const r of guarded) {
    assert.deepEqual(
      r.operation.security,
      [{ adminSession: [] }],
      `${r.method} ${r.path} documents its security`,
    );
  }
  for (const name of SUPERADMIN_ONLY) {
    assert.ok(
      routes.some((r) => `${r.method} ${r.path}` === name),
      `${name} exists`,
    );
  }
});

test("a user's access token is refused on every admin route", async () => {
  for (const r of guarded) {
    const res = await send(r, {
      ...user.auth,
      ...(r.method === "GET" ? {} : { "content-type": "application/json" }),
    });
    const body = assertProblem(res, 401);
    assert.match(body.type, /admin-unauthorized$/, `${r.method} ${r.path}`);
  }
});

test("an admin cookie without the CSRF token is refused on every state-changing admin route", async () => {
  assert.ok(changes.length >= 15, `found ${changes.length}`);
  for (const r of changes) {
    const res = await send(r, superadmin.cookie);
    const body = assertProblem(res, 403);
    assert.match(body.type, /csrf-token-invalid$/, `${r.method} ${r.path}: ${res.body}`);
    const wrong = await send(r, { ...superadmin.cookie, "x-csrf-token": "x".repeat(43) });
    assert.equal(wrong.statusCode, 403, `${r.method} ${r.path} with a wrong token`);
  }
});

test("a support admin is refused every superadmin route", async () => {
  for (const r of routes.filter((x) => SUPERADMIN_ONLY.includes(`${x.method} ${x.path}`))) {
    const res = await send(r, support.headers);
    const body = assertProblem(res, 403);
    assert.match(body.detail, /superadmin/, `${r.method} ${r.path}`);
  }
});

test("an admin session never works on a user route", async () => {
  for (const url of ["/v1/me", "/v1/residences", "/v1/task-templates"]) {
    const res = await app.inject({ method: "GET", url, headers: superadmin.headers });
    assertProblem(res, 401);
  }
});
