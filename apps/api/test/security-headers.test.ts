import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { API_CSP } from "../src/http/security-headers.ts";
import { createUser } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { securityHeaderProblems } from "./security-header-checks.ts";
import { startTestApi } from "./support.ts";

// Issue 16 item 2: security headers on every answer, CORS for exactly the web and admin origins.
const WEB = "https://web.honeydue.test";
const ADMIN = "https://admin.honeydue.test";
const { app, deps } = await startTestApi({ PUBLIC_ADMIN_URL: `${ADMIN}/panel` });
const user = await createUser(deps);
const document = (await app.inject({ method: "GET", url: "/openapi.json" })).json();

// The route table, as the OpenAPI document generated from it lists it: every operation is called, with
// and without a bearer token, and whatever it answers (2xx, 4xx) carries the headers.
const operations: { method: string; path: string }[] = [];
for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
  for (const method of Object.keys(item)) operations.push({ method: method.toUpperCase(), path });
}
// Sign-out and account deletion last: they end the token the other calls use.
operations.sort((a, b) => Number(isEnding(a.path)) - Number(isEnding(b.path)));

function isEnding(path: string) {
  return path === "/v1/me" || path.includes("sign-out") || path.includes("sessions");
}

function assertSecurityHeaders(
  res: { statusCode: number; headers: Record<string, string | string[] | number | undefined> },
  where: string,
  credentialed = false,
  operation?: string,
) {
  assert.deepEqual(
    securityHeaderProblems(res.headers, { status: res.statusCode, credentialed, operation }),
    [],
    where,
  );
}

test("every operation of the route table answers with the security headers, signed in or not", async () => {
  assert.ok(operations.length > 50, `only ${operations.length} operations`);
  for (const { method, path } of operations) {
    const url = path.replace(/\{[^}]+\}/g, () => randomUUID());
    const withBody = ["POST", "PUT", "PATCH", "DELETE"].includes(method);
    for (const signedIn of [false, true]) {
      const res = await app.inject({
        method: method as "GET",
        url,
        headers: {
          ...(signedIn ? user.auth : {}),
          ...(withBody ? { "content-type": "application/json" } : {}),
        },
        ...(withBody ? { payload: "{}" } : {}),
      });
      const where = `${method} ${path} (${signedIn ? "signed in" : "anonymous"}) → ${res.statusCode}`;
      assert.notEqual(res.statusCode, 500, where);
      assertSecurityHeaders(res, where, signedIn, `${method} ${path}`);
    }
  }
});

test("the API's CSP forbids loading and framing; unknown paths and problems carry the headers too", async () => {
  const res = await app.inject({ method: "GET", url: "/no/such/path" });
  assertProblem(res, 404);
  assertSecurityHeaders(res, "404");
  assert.equal(res.headers["content-security-policy"], API_CSP);
  const health = await app.inject({ method: "GET", url: "/healthz" });
  assertSecurityHeaders(health, "/healthz");
  assert.equal(health.headers["cache-control"], undefined, "an anonymous health check may be cached");
});

test("a CORS preflight from a foreign origin is refused", async () => {
  const res = await app.inject({
    method: "OPTIONS",
    url: "/v1/me",
    headers: {
      origin: "https://evil.example",
      "access-control-request-method": "GET",
      "access-control-request-headers": "authorization",
    },
  });
  assertProblem(res, 403);
  assertSecurityHeaders(res, "a foreign preflight");
  assert.equal(res.headers["access-control-allow-origin"], undefined);
  // A simple request from there is answered (the browser hides it) but never granted.
  const simple = await app.inject({
    method: "GET",
    url: "/healthz",
    headers: { origin: "https://evil.example" },
  });
  assert.equal(simple.headers["access-control-allow-origin"], undefined);
});

test("a preflight from the web origin is allowed, without credentials", async () => {
  const res = await app.inject({
    method: "OPTIONS",
    url: "/v1/me",
    headers: {
      origin: WEB,
      "access-control-request-method": "GET",
      "access-control-request-headers": "authorization",
    },
  });
  assert.equal(res.statusCode, 204);
  assertSecurityHeaders(res, "the web origin's preflight");
  assert.equal(res.headers["access-control-allow-origin"], WEB);
  assert.equal(res.headers["access-control-allow-credentials"], undefined);
  assert.match(String(res.headers["access-control-allow-headers"]), /authorization/);
  assert.match(String(res.headers.vary), /origin/i);
  const fresh = await createUser(deps);
  const get = await app.inject({ method: "GET", url: "/v1/me", headers: { origin: WEB, ...fresh.auth } });
  assert.equal(get.statusCode, 200);
  assert.equal(get.headers["access-control-allow-origin"], WEB);
  assert.match(String(get.headers["access-control-expose-headers"]), /etag/);
});

test("a preflight from the admin origin is allowed with credentials (its session cookie)", async () => {
  const res = await app.inject({
    method: "OPTIONS",
    url: "/v1/admin/me",
    headers: {
      origin: ADMIN,
      "access-control-request-method": "POST",
      "access-control-request-headers": "x-csrf-token",
    },
  });
  assert.equal(res.statusCode, 204);
  assert.equal(res.headers["access-control-allow-origin"], ADMIN);
  assert.equal(res.headers["access-control-allow-credentials"], "true");
  const get = await app.inject({
    method: "GET",
    url: "/v1/admin/me",
    headers: { origin: ADMIN, cookie: "__Host-honeydue-admin=not-a-session" },
  });
  assertProblem(get, 401);
  assert.equal(get.headers["cache-control"], "no-store");
  assert.equal(get.headers["access-control-allow-origin"], ADMIN);
});

test("Swagger UI under /docs keeps a CSP of its own, with nosniff", async () => {
  const docs = await app.inject({ method: "GET", url: "/docs/static/index.html" });
  assert.ok(docs.statusCode < 400, `docs ${docs.statusCode}`);
  assert.notEqual(docs.headers["content-security-policy"], API_CSP);
  assert.equal(docs.headers["x-content-type-options"], "nosniff");
});
