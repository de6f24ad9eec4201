// Module resolution hooks that take a Node 24 cost off every start of a process that loads drizzle-orm.
//
// Node's ESM resolver works out a `.js` file's format from its package scope (`getPackageScopeConfig` in
// internal/modules/package_json_reader.js). That function spreads the package.json data it deserialised,
// and the spread runs the lazy getter of `exports`, which JSON-parses the whole field again: once for
// every module resolved, nothing cached. drizzle-orm's package.json is 179 KB, almost all `exports`, so
// each of its ~70 modules (and each `import … from "drizzle-orm…"` of ours) parsed it anew: importing
// drizzle-orm took ~200 ms and left ~80 MiB of garbage, which grew V8's young generation to its 128 MiB
// maximum at boot (and V8 keeps it committed). docs/performance.md, "Cold start".
//
// The hooks answer what the default resolver would, without asking for the package scope per module:
// - a relative `.js`/`.mjs` import inside node_modules, in a package whose nearest package.json says
//   `"type": "module"`, resolves to the file next to its parent as an ES module (anything else, a missing
//   file included, goes to Node's resolver, which gives its own answer or error);
// - a bare specifier resolves once per (parent directory, conditions): every file of a directory sees the
//   same node_modules chain, so the answer cannot differ between them.
import { existsSync, readFileSync } from "node:fs";
import { registerHooks } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

type ResolveResult = { url: string; format?: string | null | undefined; shortCircuit?: boolean };

const moduleScope = new Map<string, boolean>();

/** Whether the nearest package.json at or above `directory` declares `"type": "module"`. */
function inModuleScope(directory: string): boolean {
  const cached = moduleScope.get(directory);
  if (cached !== undefined) return cached;
  const manifest = path.join(directory, "package.json");
  let result: boolean;
  if (existsSync(manifest)) {
    // Node's rule: the nearest package.json is the scope, whatever it declares.
    result = (JSON.parse(readFileSync(manifest, "utf8")) as { type?: unknown }).type === "module";
  } else {
    const parent = path.dirname(directory);
    // Node stops at a node_modules folder: a package.json above it is not this package's scope.
    result = parent !== directory && path.basename(directory) !== "node_modules" && inModuleScope(parent);
  }
  moduleScope.set(directory, result);
  return result;
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
          if ((url.pathname.endsWith(".mjs") || inModuleScope(path.dirname(file))) && existsSync(file)) {
            return { url: url.href, format: "module", shortCircuit: true };
          }
        }
        return nextResolve(specifier, context);
      }
      if (!isBare(specifier)) return nextResolve(specifier, context);
      const key = `${specifier}\0${new URL(".", parentURL).href}\0${context.conditions.join(",")}`;
      const cached = bareResolutions.get(key);
      if (cached) return cached;
      const resolved = nextResolve(specifier, context);
      bareResolutions.set(key, { url: resolved.url, format: resolved.format, shortCircuit: true });
      return resolved;
    },
  });
}
