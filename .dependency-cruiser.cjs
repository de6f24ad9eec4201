// The architecture's import rules, checked by `npm run lint:deps` (part of `npm test`).
// apps/ are processes, packages/ are shared code: imports point from apps to packages, never back, and
// nothing imports in a circle. `scripts/test/architecture.test.ts` proves each rule fails on a fixture that breaks it.
// The TypeScript project is given per run (`--ts-config`): the web and admin apps resolve `@/` themselves.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "A cycle hides which module owns what; split the shared part out instead.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "packages-never-import-apps",
      comment: "packages/ is shared code: it cannot depend on a process in apps/.",
      severity: "error",
      from: { path: "^packages/" },
      to: { path: "^apps/" },
    },
    {
      name: "apps-do-not-import-other-apps",
      comment: "Each app is its own process; what two apps share belongs in packages/.",
      severity: "error",
      from: { path: "^apps/([^/]+)/" },
      to: { path: "^apps/", pathNot: "^apps/$1/" },
    },
    {
      name: "source-never-imports-tests",
      comment: "Production code cannot depend on test code.",
      severity: "error",
      from: { path: "^(apps|packages)/[^/]+/src/" },
      to: { path: "/test/" },
    },
    {
      name: "no-unresolvable-imports",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Declaration files only describe; Next's generated types are not ours.
    exclude: { path: "(^|/)(node_modules|\\.next)/|\\.d\\.ts$|^scripts/test/fixtures/" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};
