import assert from "node:assert/strict";
import { test } from "node:test";
import { assertProblem } from "./problems.ts";
import { startTestApi } from "./support.ts";

// The OpenAPI document says what the server does (issue 9): the framework's own answers are documented on
// every operation, error bodies are problem+json, parameters with defaults are optional, files are binary.
const { app } = await startTestApi();
const document = (await app.inject({ method: "GET", url: "/openapi.json" })).json();

interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema?: { default?: unknown } }[];
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: { format?: string } }> }>;
}
const operations: { method: string; path: string; op: Operation }[] = [];
for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Operation>>)) {
  for (const [method, op] of Object.entries(item)) operations.push({ method, path, op });
}

test("every operation documents the framework's answers", () => {
  assert.ok(operations.length > 50, `only ${operations.length} operations`);
  for (const { method, path, op } of operations) {
    const statuses = Object.keys(op.responses);
    const expected = ["400", "414", "431"];
    if (op.security?.length) expected.push("401");
    if (["post", "put", "patch", "delete"].includes(method)) expected.push("413", "415");
    for (const status of expected) assert.ok(statuses.includes(status), `${method} ${path} lacks ${status}`);
  }
});

test("every error answer is declared as application/problem+json, and nothing else", () => {
  for (const { method, path, op } of operations) {
    for (const [status, response] of Object.entries(op.responses)) {
      if (Number(status) < 400) continue;
      assert.deepEqual(
        Object.keys(response.content ?? {}),
        ["application/problem+json"],
        `${method} ${path} ${status}`,
      );
    }
  }
});

test("parameters with a default are not required", () => {
  for (const { method, path, op } of operations) {
    for (const parameter of op.parameters ?? []) {
      if (parameter.schema?.default !== undefined)
        assert.equal(parameter.required, false, `${method} ${path} ${parameter.name}`);
    }
  }
});

test("file downloads are described as binary", () => {
  for (const path of ["/v1/files/{fileId}", "/v1/storage"]) {
    const content = document.paths[path].get.responses["200"].content;
    assert.deepEqual(Object.keys(content), ["*/*"], path);
    assert.equal(content["*/*"].schema.format, "binary", path);
  }
});

test("a route without a body schema answers a documented 415 for a body it does not read", async () => {
  const res = await app.inject({
    method: "POST",
    url: "/v1/unsubscribe/not-a-token",
    headers: { "content-type": "application/xml" },
    body: "<a/>",
  });
  assertProblem(res, 415);
  assert.ok(document.paths["/v1/unsubscribe/{token}"].post.responses["415"]);
});
