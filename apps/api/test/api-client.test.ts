import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { generateApiClientSchema } from "../src/api-client-schema.ts";

test("the generated API client matches the API's OpenAPI document (run `npm run api-client` when this fails)", async () => {
  const checkedIn = await readFile(
    new URL("../../../packages/api-client/src/schema.ts", import.meta.url),
    "utf8",
  );
  const fresh = await generateApiClientSchema();
  assert.ok(fresh.includes('"/v1/residences/{residenceId}/tasks"'), "the document lists the task routes");
  assert.equal(checkedIn, fresh, "packages/api-client/src/schema.ts is stale: run `npm run api-client`");
});
