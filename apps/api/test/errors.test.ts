import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { assertProblem as assertSharedProblem } from "./problems.ts";
import { signUp, startTestApi } from "./support.ts";

// A small body limit so an oversized body is cheap to send.
const api = await startTestApi({ env: { BODY_LIMIT_BYTES: "4096" }, smtp: true });
const { app } = api;

const email = `errors-${randomBytes(5).toString("hex")}@example.com`;
const token = (await signUp(api, { email, password: "correct horse battery", name: "E" })).accessToken;

const ROUTES: { method: "POST" | "PATCH"; url: string; bearer?: boolean }[] = [
  { method: "POST", url: "/v1/auth/register" },
  { method: "POST", url: "/v1/auth/login" },
  { method: "POST", url: "/v1/auth/refresh" },
  { method: "POST", url: "/v1/auth/verify-email" },
  { method: "POST", url: "/v1/auth/forgot-password" },
  { method: "POST", url: "/v1/auth/reset-password" },
  { method: "PATCH", url: "/v1/me", bearer: true },
  { method: "POST", url: "/v1/me/password", bearer: true },
];

/** A problem (see problems.ts) that also leaks no stack trace, file path or SQL. */
function assertProblem(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
) {
  const body = assertSharedProblem(res, status);
  assert.doesNotMatch(res.body, /at .*\.ts:\d+|node_modules|SELECT|INSERT/);
  return body;
}

const send = (route: (typeof ROUTES)[number], body: string | Buffer, contentType = "application/json") =>
  app.inject({
    method: route.method,
    url: route.url,
    headers: { "content-type": contentType, ...(route.bearer ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });

test("malformed JSON is a 400 problem", async () => {
  for (const route of ROUTES) {
    for (const body of ['{"email": ', "{'a': 1}", "nul", '{"a":1}}']) {
      const problem = assertProblem(await send(route, body), 400);
      assert.equal(problem.detail, "The body is not valid JSON", `${route.url} ${body}`);
    }
  }
});

test("an oversized body is a 413 problem", async () => {
  for (const route of ROUTES) {
    const big = JSON.stringify({ email: "a@b.co", password: "x".repeat(8000) });
    assertProblem(await send(route, big), 413);
  }
});

test("a body that is not JSON is a 415 problem", async () => {
  for (const route of ROUTES) {
    assertProblem(await send(route, "email=a@b.co&password=x", "application/x-www-form-urlencoded"), 415);
    assertProblem(await send(route, "hello", "text/plain"), 415);
  }
});

test("empty bodies, JSON that is not an object and wrong types are 400 problems listing the fields", async () => {
  for (const route of ROUTES) {
    for (const body of ["", "null", "[]", '"text"', "42"]) {
      const res = await send(route, body);
      assert.ok(
        res.statusCode >= 400 && res.statusCode < 500,
        `${route.url} ${JSON.stringify(body)} → ${res.statusCode}`,
      );
      assertProblem(res, res.statusCode);
    }
  }
  const wrongTypes = assertProblem(
    await send(ROUTES[1]!, JSON.stringify({ email: { address: "a@b.co" }, password: { value: 1 } })),
    400,
  );
  assert.deepEqual(wrongTypes.errors.map((e: { field: string }) => e.field).sort(), [
    "body.email",
    "body.password",
  ]);
});

test("odd but well-formed input never causes a 5xx", async () => {
  const odd: string[] = [
    { email: "a@b.co", password: "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000", name: "\u0000" },
    { email: "ü@ü.ü", password: "😀😀😀😀😀😀😀😀", name: "😀" },
    { refreshToken: "'; DROP TABLE users; --" },
    { token: "A".repeat(128), password: "correct horse battery" },
    { token: "%00%00%00%00%00%00%00%00", code: "000000" },
    { email: `${"a".repeat(64)}@${"b".repeat(63)}.com` },
    { name: "x", timezone: "../../etc/passwd", locale: "zz-ZZZZZZZZZ" },
    { currentPassword: "x", password: "y".repeat(128) },
  ].map((body) => JSON.stringify(body));
  odd.push('{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}');
  for (const route of ROUTES) {
    for (const body of odd) {
      const res = await send(route, body);
      assert.ok(res.statusCode < 500, `${route.url} ${body} → ${res.statusCode} ${res.body}`);
    }
  }
  // Path parameters too.
  for (const id of ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "%27%3B--"]) {
    const res = await app.inject({
      method: "DELETE",
      url: `/v1/me/sessions/${id}`,
      headers: { authorization: `Bearer ${token}` },
    });
    assert.ok([400, 404].includes(res.statusCode), `${id} → ${res.statusCode}`);
    assertProblem(res, res.statusCode);
  }
});

test("a malformed Authorization header is a 401 problem", async () => {
  for (const authorization of [
    "Basic dXNlcjpwYXNz",
    "Bearer",
    "Bearer a b",
    "Bearer x.y.z",
    `Bearer ${token}x`,
  ]) {
    const res = await app.inject({ method: "GET", url: "/v1/me", headers: { authorization } });
    assertProblem(res, 401);
  }
});
