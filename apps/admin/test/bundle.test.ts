import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

// No setting, secret or server-only value reaches the browser: the built client bundle (.next/static) is
// searched for them. The panel's only setting is ADMIN_API_URL (read on the server at run time).
const staticDir = fileURLToPath(new URL("../.next/static/", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

test("the browser bundle holds no setting, secret or server-only code", (t) => {
  if (!existsSync(staticDir)) {
    if (process.env.CI === "true") throw new Error("the admin panel is not built: npm run admin:build");
    return t.skip("the admin panel is not built (npm run admin:build)");
  }
  const bundle = files(staticDir)
    .filter((f) => /\.(js|css|json|html)$/.test(f))
    .map((f) => readFileSync(f, "utf8"))
    .join("\n");
  assert.ok(bundle.length > 10_000, "found the client bundle");
  for (const needle of [
    "ADMIN_API_URL",
    "http://127.0.0.1:3000", // the setting's default value
    "AUTH_SECRET",
    "DATABASE_URL",
    "REDIS_URL",
    "SMTP_URL",
    "x-csrf-token", // the server attaches it; the browser never sends it itself
    "__Host-honeydue-admin", // the session cookie is HttpOnly and handled on the server only
  ]) {
    assert.ok(!bundle.includes(needle), `${needle} is in the browser bundle`);
  }
});
