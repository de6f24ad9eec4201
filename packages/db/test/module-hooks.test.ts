import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const hooksModule = fileURLToPath(new URL("../src/module-hooks.ts", import.meta.url));
const dbIndex = fileURLToPath(new URL("../src/index.ts", import.meta.url));

type Outcome = { loaded: string[]; error?: string };

/**
 * Imports `specifiers` in a fresh Node process (from `cwd`) and reports every module loaded with the
 * format Node loaded it as (files only: the hooks' own imports of builtins differ), and the error code if the
 * import failed.
 */
async function importInChild(specifiers: string[], cwd: string, withHooks: boolean): Promise<Outcome> {
  const script = `
    import { registerHooks } from "node:module";
    const loaded = [];
    registerHooks({ load(url, context, next) { const r = next(url, context); loaded.push(url + " " + r.format); return r; } });
    if (process.env.WITH_HOOKS === "1") (await import(${JSON.stringify(hooksModule)})).registerModuleResolutionHooks();
    let error;
    try { for (const s of ${JSON.stringify(specifiers)}) await import(s); } catch (e) { error = e.code ?? String(e); }
    process.stdout.write(JSON.stringify({ loaded: loaded.filter((l) => l.startsWith("file:") && !l.includes("module-hooks.ts")), error }));
  `;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
    cwd,
    env: { ...process.env, WITH_HOOKS: withHooks ? "1" : "0" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const outcome = JSON.parse(stdout) as Outcome;
  return { loaded: [...new Set(outcome.loaded)].sort(), error: outcome.error };
}

test("with the hooks, the database package and drizzle-orm load the same files in the same formats", async () => {
  const specifiers = [dbIndex, "drizzle-orm", "drizzle-orm/pg-core", "drizzle-orm/node-postgres"];
  const cwd = fileURLToPath(new URL("..", import.meta.url));
  const [without, withHooks] = await Promise.all([
    importInChild(specifiers, cwd, false),
    importInChild(specifiers, cwd, true),
  ]);
  assert.equal(without.error, undefined);
  assert.equal(withHooks.error, undefined);
  // The comparison is only meaningful if drizzle's relative imports were among the loads.
  assert.ok(without.loaded.filter((l) => l.includes("/node_modules/drizzle-orm/")).length > 50);
  assert.deepEqual(withHooks.loaded, without.loaded);
});

test("with the hooks, packages outside the shortcut resolve and fail as Node decides", async (t) => {
  const root = await mkdtemp(join(tmpdir(), "module-hooks-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const write = async (path: string, text: string) => {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), text);
  };
  await write("package.json", "{}");
  // An ES module package whose module imports a file that is not there.
  await write("node_modules/esm-missing/package.json", '{ "name": "esm-missing", "type": "module" }');
  await write("node_modules/esm-missing/index.js", 'import "./missing.js";');
  // No "type": Node detects each .js file's syntax, and the shortcut must leave that to it.
  await write("node_modules/untyped/package.json", '{ "name": "untyped" }');
  await write(
    "node_modules/untyped/index.js",
    'import { a } from "./esm.js"; import b from "./cjs.js"; export { a, b };',
  );
  await write("node_modules/untyped/esm.js", "export const a = 1;");
  await write("node_modules/untyped/cjs.js", "module.exports = 2;");
  // A module-scoped package with a CommonJS folder inside it (its own package.json), and a .cjs file.
  await write("node_modules/mixed/package.json", '{ "name": "mixed", "type": "module" }');
  await write("node_modules/mixed/index.js", 'export { c } from "./lib/c.js"; export { d } from "./d.cjs";');
  await write("node_modules/mixed/lib/package.json", '{ "type": "commonjs" }');
  await write("node_modules/mixed/lib/c.js", "exports.c = 3;");
  await write("node_modules/mixed/d.cjs", "exports.d = 4;");
  // A symlinked file: Node loads it under its target's path, once.
  await write("node_modules/mixed/target.js", "export const e = 5;");
  await symlink("target.js", join(root, "node_modules/mixed/linked.js"));
  // And a symlinked folder: its files load under the folder's real path.
  await write("node_modules/mixed/real-dir/g.js", "export const g = 6;");
  await symlink("real-dir", join(root, "node_modules/mixed/linked-dir"));
  await write(
    "node_modules/mixed/both.js",
    'export { e } from "./linked.js"; export { e as f } from "./target.js"; export { g } from "./linked-dir/g.js";',
  );

  // The same bare specifier from two folders, one with its own node_modules: two different packages.
  await write("node_modules/dep/package.json", '{ "name": "dep", "type": "module" }');
  await write("node_modules/dep/index.js", "export const where = 'top';");
  await write("a/node_modules/dep/package.json", '{ "name": "dep", "type": "module" }');
  await write("a/node_modules/dep/index.js", "export const where = 'a';");
  await write("a/index.js", 'export { where } from "dep";');
  await write("b/index.js", 'export { where } from "dep";');
  const inFolders = [join(root, "a/index.js"), join(root, "b/index.js")];

  for (const specifiers of [
    ["esm-missing"],
    ["untyped", "mixed", join(root, "node_modules/mixed/both.js")],
    inFolders,
  ]) {
    const [without, withHooks] = await Promise.all([
      importInChild(specifiers, root, false),
      importInChild(specifiers, root, true),
    ]);
    assert.deepEqual(withHooks, without, specifiers.join());
  }
  const missing = await importInChild(["esm-missing"], root, true);
  assert.equal(missing.error, "ERR_MODULE_NOT_FOUND");
  const mixed = await importInChild(
    ["untyped", "mixed", join(root, "node_modules/mixed/both.js")],
    root,
    true,
  );
  assert.equal(mixed.error, undefined);
  assert.ok(
    mixed.loaded.some((l) => l.endsWith("/mixed/lib/c.js commonjs")),
    mixed.loaded.join("\n"),
  );
  assert.ok(
    mixed.loaded.some((l) => l.endsWith("/untyped/esm.js module")),
    mixed.loaded.join("\n"),
  );
  assert.ok(
    mixed.loaded.some((l) => l.endsWith("/untyped/cjs.js commonjs")),
    mixed.loaded.join("\n"),
  );
  assert.ok(!mixed.loaded.some((l) => l.includes("/mixed/linked")), mixed.loaded.join("\n"));
  assert.ok(
    mixed.loaded.some((l) => l.endsWith("/mixed/real-dir/g.js module")),
    mixed.loaded.join("\n"),
  );
  const folders = await importInChild(inFolders, root, true);
  assert.ok(
    folders.loaded.some((l) => l.endsWith("/a/node_modules/dep/index.js module")),
    folders.loaded.join("\n"),
  );
  assert.ok(
    folders.loaded.some((l) => l.endsWith(`${root}/node_modules/dep/index.js module`)),
    folders.loaded.join("\n"),
  );
});
