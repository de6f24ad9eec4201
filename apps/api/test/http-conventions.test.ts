import assert from "node:assert/strict";
import { test } from "node:test";
import { databaseProblem } from "../src/http/errors.ts";
import { createUser } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();
const owner = await createUser(deps);

const isProblem = (res: { headers: Record<string, unknown> }) =>
  assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);

test("a body that is not JSON is a 415 problem on every JSON route", async () => {
  for (const url of ["/v1/residences", "/v1/auth/login"]) {
    const res = await app.inject({
      method: "POST",
      url,
      headers: { ...owner.auth, "content-type": "text/plain" },
      payload: "name=House",
    });
    assert.equal(res.statusCode, 415, `${url}: ${res.body}`);
    isProblem(res);
  }
});

test("JSON bodies are validated as sent, not coerced", async () => {
  const res = await app.inject({
    method: "POST",
    url: "/v1/auth/register",
    payload: { email: ["someone@example.test"], password: 12345678901, name: 42 },
  });
  assert.equal(res.statusCode, 400, res.body);
  isProblem(res);
  const fields = res.json().errors.map((e: { field: string }) => e.field);
  for (const field of ["body.email", "body.password", "body.name"]) assert.ok(fields.includes(field), field);
});

test("query strings are still coerced to their schema's types", async () => {
  const created = await app.inject({
    method: "POST",
    url: "/v1/residences",
    headers: owner.auth,
    payload: { name: "Coerced", propertyType: "house" },
  });
  assert.equal(created.statusCode, 201, created.body);
  const feed = `/v1/residences/${created.json().id}/activity`;
  const ok = await app.inject({ method: "GET", url: `${feed}?limit=1`, headers: owner.auth });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().items.length, 1);
  const bad = await app.inject({ method: "GET", url: `${feed}?limit=abc`, headers: owner.auth });
  assert.equal(bad.statusCode, 400, bad.body);
  assert.equal(bad.json().errors[0].field, "query.limit");
});

test("a value PostgreSQL refuses (a NUL byte in text) is a 400 problem, never a 500", async () => {
  const res = await app.inject({
    method: "POST",
    url: "/v1/residences",
    headers: owner.auth,
    payload: { name: "House\u0000with a NUL", propertyType: "house" },
  });
  assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body}`);
  isProblem(res);
  assert.doesNotMatch(res.body, /insert|select|syntax|stack/i);
});

test("database errors map by SQLSTATE through wrapped causes", () => {
  const wrapped = new Error("Failed query: insert into ...", {
    cause: Object.assign(new Error("x"), { code: "22021" }),
  });
  assert.equal(databaseProblem(wrapped)?.status, 400);
  assert.equal(databaseProblem(Object.assign(new Error("dup"), { code: "23505" }))?.status, 409);
  assert.equal(databaseProblem(Object.assign(new Error("other"), { code: "42P01" })), null);
  assert.equal(databaseProblem(new Error("plain")), null);
});
