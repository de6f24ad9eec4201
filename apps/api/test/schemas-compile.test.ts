import assert from "node:assert/strict";
import { test } from "node:test";
import Fastify from "fastify";
import { serializerFactory, validatorFactory } from "../src/http/validation.ts";
import { startTestApi } from "./support.ts";

// Production compiles each route's validators and serializers on its first request
// (COMPILE_VALIDATORS_ON_FIRST_USE defaults to true: half the boot's CPU). A schema that cannot compile
// would then fail that route's first request instead of the boot, so this test compiles every route of
// the real API at boot, as COMPILE_VALIDATORS_ON_FIRST_USE=false does.
test("every route's request validators and response serializers compile", async () => {
  const { app } = await startTestApi({ COMPILE_VALIDATORS_ON_FIRST_USE: "false" });
  await app.ready();
  const res = await app.inject({ method: "GET", url: "/openapi.json" });
  assert.equal(res.statusCode, 200);
  const paths = Object.keys(res.json().paths as Record<string, object>);
  assert.ok(paths.length > 100, `the API's routes were registered (${paths.length} paths)`);
});

// What the test above relies on: compiled at boot, a broken schema fails `ready()`.
for (const part of ["validator", "serializer"] as const)
  test(`a ${part} that cannot compile fails the boot when compiled at boot`, async () => {
    const app = Fastify({
      schemaController: {
        compilersFactory: {
          buildValidator: validatorFactory({ compileOnFirstUse: false }),
          buildSerializer: serializerFactory({ compileOnFirstUse: false }),
        },
      },
    });
    const broken = { type: "object", properties: { a: { type: "no-such-type" } } };
    app.post(
      "/broken",
      { schema: part === "validator" ? { body: broken } : { response: { 200: broken } } },
      async () => ({ a: 1 }),
    );
    await assert.rejects(async () => {
      await app.ready();
    });
  });
