import assert from "node:assert/strict";
import { test } from "node:test";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();

test("GET /livez (and its older name /healthz) answers ok", async () => {
  for (const url of ["/livez", "/healthz"]) {
    const res = await app.inject({ method: "GET", url });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: "ok" });
  }
});

test("GET /readyz is ready on a migrated database", async () => {
  const res = await app.inject({ method: "GET", url: "/readyz" });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().status, "ready");
});

test("GET /readyz reports not-ready while shutting down", async () => {
  deps.lifecycle.shuttingDown = true;
  try {
    const res = await app.inject({ method: "GET", url: "/readyz" });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(
      res.json().checks.find((c: { name: string }) => c.name === "shutdown"),
      { name: "shutdown", ok: false, detail: "shutting down" },
    );
  } finally {
    deps.lifecycle.shuttingDown = false;
  }
});

test("an unknown route is a 404 problem", async () => {
  const res = await app.inject({ method: "GET", url: "/v1/nothing-here" });
  assert.equal(res.statusCode, 404);
  assert.match(res.headers["content-type"] as string, /^application\/problem\+json/);
  assert.equal(res.json().title, "Not found");
});

test("OpenAPI 3.1 is served at /openapi.json and the reference at /docs", async () => {
  const spec = await app.inject({ method: "GET", url: "/openapi.json" });
  assert.equal(spec.statusCode, 200);
  assert.equal(spec.json().openapi, "3.1.0");
  assert.ok(spec.json().paths["/readyz"]);
  const docs = await app.inject({ method: "GET", url: "/docs" });
  assert.ok([200, 302].includes(docs.statusCode));
});
