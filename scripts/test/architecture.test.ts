import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

// `npm run lint:deps` checks the import rules of .dependency-cruiser.cjs on the whole tree. These fixtures
// break one rule each, so a check that silently stopped checking would fail here.
const root = fileURLToPath(new URL("../../", import.meta.url));
const config = `${root}.dependency-cruiser.cjs`;
const depcruise = `${root}node_modules/dependency-cruiser/bin/dependency-cruiser.mjs`;

function cruise(fixture: string) {
  const cwd = fileURLToPath(new URL(`fixtures/architecture/${fixture}/`, import.meta.url));
  const run = spawnSync(process.execPath, [depcruise, "--config", config, "--output-type", "err", "."], {
    cwd,
    encoding: "utf8",
  });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test("an import cycle fails the dependency check", () => {
  const { status, output } = cruise("cycle");
  assert.notEqual(status, 0, output);
  assert.match(output, /no-cycles: packages\/a\/src\/a\.ts/);
});

test("a package importing an app fails the dependency check", () => {
  const { status, output } = cruise("package-imports-app");
  assert.notEqual(status, 0, output);
  assert.match(
    output,
    /packages-never-import-apps: packages\/p\/src\/shared\.ts → apps\/x\/src\/handler\.ts/,
  );
});

test("an app importing a package passes the dependency check", () => {
  const { status, output } = cruise("clean");
  assert.equal(status, 0, output);
});
