// Module resolution hooks that take a Node 24 cost off every start of a process that loads drizzle-orm.
//
// Node's ESM resolver works out a `.js` file's format from its package scope (`getPackageScopeConfig` in
// internal/modules/package_json_reader.js). That function spreads the package.json data it deserialised,
// and the spread runs the lazy getter of `exports`, which JSON-parses the whole field again: once for
// every module resolved, nothing cached. drizzle-orm's package.json is 179 KB, almost all `exports`, so
// each of its ~70 modules (and each `import … from "drizzle-orm…"` of ours) parsed it anew: importing
// drizzle-orm took ~200 ms and left ~80 MiB of garbage, which grew V8's young generation to its 128 MiB
// maximum at boot (and V8 keeps it committed). docs/performance.md, "Third round: cold start and resident memory".
//
// The hooks answer what the default resolver would, without asking for the package scope per module:
// - a relative `.js`/`.mjs` import inside node_modules, in a package whose nearest package.json says
//   `"type": "module"`, resolves to the file next to its parent as an ES module (anything else, a missing
//   file included, goes to Node's resolver, which gives its own answer or error);
// - a bare specifier resolves once per lookup scope: the enclosing package (a package may import itself by
//   name) and the node_modules folders that exist on the way up, with the import conditions. Files with the
//   same scope get the same answer from Node, so it is asked once (~30 ms of a start).
import { existsSync, lstatSync, readFileSync, realpathSync } from "node:fs";
import { registerHooks } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

type ResolveResult = { url: string; format?: string | null | undefined; shortCircuit?: boolean };

const moduleScope = new Map<string, boolean>();

/** Whether the nearest package.json at or above `directory` declares `"type": "module"`. */
function inModuleScope(directory: string): boolean {
  const cached = moduleScope.get(directory);
  if (cached !== undefined) return cached;
  const manifest = path.join(directory, "package.json");
  let result: boolean;
  // Node stops at a node_modules folder: no package scope there or above it.
  if (path.basename(directory) === "node_modules") result = false;
  // Node's rule: the nearest package.json is the scope, whatever it declares.
  else if (existsSync(manifest))
    result = (JSON.parse(readFileSync(manifest, "utf8")) as { type?: unknown }).type === "module";
  else {
    const parent = path.dirname(directory);
    result = parent !== directory && inModuleScope(parent);
  }
  moduleScope.set(directory, result);
  return result;
}

const lookupScopes = new Map<string, string>();

/**
 * What a bare specifier's resolution from a file in `directory` depends on: the nearest package.json's
 * folder (self-reference by the package's name) and every node_modules folder that exists from `directory`
 * up (Node looks in each, nearest first).
 */
function lookupScopeOf(directory: string): string {
  const cached = lookupScopes.get(directory);
  if (cached !== undefined) return cached;
  const folders: string[] = [];
  let packageRoot: string | undefined;
  for (let dir = directory; ; dir = path.dirname(dir)) {
    if (packageRoot === undefined) {
      // The package scope ends at a node_modules folder, as in inModuleScope.
      if (path.basename(dir) === "node_modules") packageRoot = "";
      else if (existsSync(path.join(dir, "package.json"))) packageRoot = dir;
    }
    if (existsSync(path.join(dir, "node_modules"))) folders.push(path.join(dir, "node_modules"));
    if (path.dirname(dir) === dir) break;
  }
  const scope = `${packageRoot ?? ""}\0${folders.join("\0")}`;
  lookupScopes.set(directory, scope);
  return scope;
}

const realDirectories = new Map<string, string | null>();

/**
 * The file's canonical path, as Node's resolver answers (a symlinked file is loaded once, under its target),
 * or undefined when it is not a regular file there: missing, a directory or a symlink, left to Node, which
 * gives its own answer or error. The directory's real path is looked up once; the file costs one lstat.
 */
function realFileOf(file: string): string | undefined {
  const directory = path.dirname(file);
  let real = realDirectories.get(directory);
  if (real === undefined) {
    try {
      real = realpathSync.native(directory);
    } catch {
      real = null; // no such directory: Node's resolver reports it
    }
    realDirectories.set(directory, real);
  }
  if (real === null) return undefined;
  const target = real === directory ? file : path.join(real, path.basename(file));
  return lstatSync(target, { throwIfNoEntry: false })?.isFile() ? target : undefined;
}

const isRelative = (specifier: string) => specifier.startsWith("./") || specifier.startsWith("../");
const isBare = (specifier: string) =>
  !isRelative(specifier) &&
  !specifier.startsWith("/") &&
  !specifier.includes(":") &&
  !specifier.startsWith("#");

export function registerModuleResolutionHooks(): void {
  const bareResolutions = new Map<string, ResolveResult>();
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const parentURL = context.parentURL;
      if (!parentURL?.startsWith("file:")) return nextResolve(specifier, context);
      if (isRelative(specifier) && parentURL.includes("/node_modules/")) {
        const url = new URL(specifier, parentURL);
        if (url.search === "" && url.hash === "" && /\.m?js$/.test(url.pathname)) {
          const file = fileURLToPath(url);
          if (url.pathname.endsWith(".mjs") || inModuleScope(path.dirname(file))) {
            const real = realFileOf(file);
            if (real)
              return {
                url: real === file ? url.href : pathToFileURL(real).href,
                format: "module",
                shortCircuit: true,
              };
          }
        }
        return nextResolve(specifier, context);
      }
      if (!isBare(specifier)) return nextResolve(specifier, context);
      const scope = lookupScopeOf(path.dirname(fileURLToPath(parentURL)));
      const key = `${specifier}\0${scope}\0${context.conditions.join(",")}`;
      const cached = bareResolutions.get(key);
      if (cached) return cached;
      const resolved = nextResolve(specifier, context);
      bareResolutions.set(key, { url: resolved.url, format: resolved.format, shortCircuit: true });
      return resolved;
    },
  });
}
