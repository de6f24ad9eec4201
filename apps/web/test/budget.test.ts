import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";

// The performance budget on the production build (npm run web:build): the JavaScript a browser downloads to
// show each route — Next's shared runtime chunks plus the route's own client chunks — gzipped, as served.
const BUDGET_GZIP_BYTES = 160 * 1024;
const next = fileURLToPath(new URL("../.next/", import.meta.url));

function manifests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return manifests(path);
    return entry.name === "page_client-reference-manifest.js" ? [path] : [];
  });
}

test("every route's JavaScript stays within the budget (gzipped)", (t) => {
  if (!existsSync(`${next}build-manifest.json`)) {
    if (process.env.CI === "true") throw new Error("the web app is not built: npm run web:build");
    return t.skip("the web app is not built (npm run web:build)");
  }
  const build = JSON.parse(readFileSync(`${next}build-manifest.json`, "utf8")) as { rootMainFiles: string[] };
  const sizes = new Map<string, number>();
  const gzipped = (file: string) => {
    const known = sizes.get(file);
    if (known !== undefined) return known;
    const size = gzipSync(readFileSync(join(next, file))).length;
    sizes.set(file, size);
    return size;
  };
  const routes = manifests(`${next}server/app`);
  assert.ok(routes.length >= 10, "found the routes' manifests");
  const report: string[] = [];
  for (const path of routes) {
    const sandbox: {
      globalThis?: unknown;
      __RSC_MANIFEST?: Record<string, { entryJSFiles: Record<string, string[]> }>;
    } = {};
    sandbox.globalThis = sandbox;
    runInNewContext(readFileSync(path, "utf8"), sandbox);
    for (const [route, manifest] of Object.entries(sandbox.__RSC_MANIFEST ?? {})) {
      const files = new Set([...build.rootMainFiles, ...Object.values(manifest.entryJSFiles).flat()]);
      const total = [...files].reduce((sum, file) => sum + gzipped(file), 0);
      report.push(`${route.replace(/\/page$/, "") || "/"} ${(total / 1024).toFixed(1)} KiB`);
      assert.ok(
        total <= BUDGET_GZIP_BYTES,
        `${route}: ${total} gzipped bytes of JavaScript > ${BUDGET_GZIP_BYTES}`,
      );
    }
  }
  t.diagnostic(
    `JavaScript per route (gzipped, budget ${BUDGET_GZIP_BYTES / 1024} KiB): ${report.sort().join(", ")}`,
  );
});
