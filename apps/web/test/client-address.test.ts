import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { createTestDatabase, freePort, startNodeProcess } from "@honeydue/testkit";
import { artifactsDir } from "@honeydue/testkit/browser";
import { apiProcess, webProcess, webServer } from "./support.ts";

// The web app's server calls the API for browsers: it forwards each browser's X-Forwarded-For, so the API's
// per-address limits count the browser, not the web server (whose address is in the API's TRUST_PROXY).
const LIMIT = 3;

test("the API limits each browser behind the web app by its own address, not the web server's", async (t) => {
  if (!existsSync(webServer)) {
    if (process.env.CI === "true") throw new Error("the web app is not built: npm run web:build");
    return t.skip("the web app is not built (npm run web:build)");
  }
  const database = await createTestDatabase();
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const api = `http://127.0.0.1:${apiPort}`;
  await startNodeProcess(
    apiProcess(apiPort, {
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      // In-memory counters: this API's budget is this test's alone.
      REDIS_URL: "",
      AUTH_SECRET: "web-address-secret-web-address-secret-0",
      DATA_DIR: artifactsDir("web-address-data"),
      TRUST_PROXY: "loopback",
      UNAUTHENTICATED_REQUESTS_PER_IP_PER_MINUTE: String(LIMIT),
    }),
  );
  await startNodeProcess(webProcess(webPort, api));
  const browserA = "203.0.113.7";
  const browserB = "203.0.113.8";
  const page = (client: string) =>
    fetch(`http://127.0.0.1:${webPort}/unsubscribe/not-a-valid-token-at-all`, {
      headers: { "x-forwarded-for": client },
    });
  // Browser A opens a public page that asks the API once per render, until its budget is spent.
  for (let i = 0; i < LIMIT; i++) assert.equal((await page(browserA)).status, 200);
  const direct = (headers: Record<string, string>) =>
    fetch(`${api}/v1/unsubscribe/not-a-valid-token-at-all`, { headers });
  // The API counted those renders for A: A's next request is refused...
  const refused = await direct({ "x-forwarded-for": browserA });
  assert.equal(refused.status, 429);
  assert.ok(Number(refused.headers.get("retry-after")) >= 1);
  // ...while the web server's own address (127.0.0.1) and browser B were not charged.
  assert.equal((await direct({})).status, 404);
  assert.equal((await page(browserB)).status, 200);
  assert.equal((await direct({ "x-forwarded-for": browserB })).status, 404);
});
