// `npm run api-client`: regenerates packages/api-client/src/schema.ts from the API's OpenAPI document.
// `npm run api-client -- --check` exits 1 when the checked-in file is stale (a test does the same).
import { readFile, writeFile } from "node:fs/promises";
import { generateApiClientSchema } from "../apps/api/src/api-client-schema.ts";

const target = new URL("../packages/api-client/src/schema.ts", import.meta.url);
const fresh = await generateApiClientSchema();
if (process.argv.includes("--check")) {
  const current = await readFile(target, "utf8").catch(() => "");
  if (current !== fresh) {
    console.error("packages/api-client/src/schema.ts is stale: run `npm run api-client`");
    process.exit(1);
  }
  console.log("packages/api-client/src/schema.ts is up to date");
} else {
  await writeFile(target, fresh);
  console.log("wrote packages/api-client/src/schema.ts");
}
