// A fast static check of the Dockerfile (CI): the real image builds are `npm run test:images`
// (deploy-k3s/test/images.ts), too slow for every CI run.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "./render.ts";

const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const lines = dockerfile
  .replace(/\\\n\s*/g, " ")
  .split("\n")
  .filter((l) => l.trim() && !l.trim().startsWith("#"));

interface Stage {
  name: string;
  from: string;
  lines: string[];
}
const stages: Stage[] = [];
for (const line of lines) {
  const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
  if (from) stages.push({ from: from[1]!, name: from[2] ?? "", lines: [] });
  else stages.at(-1)?.lines.push(line);
}
const stage = (name: string) => {
  const s = stages.find((x) => x.name === name);
  assert.ok(s, `stage ${name}`);
  return s;
};
/** A stage's instruction, looked up through the stages it is built FROM. */
function inherited(name: string, instruction: string): string[] {
  const s = stage(name);
  const own = s.lines.filter((l) => l.startsWith(`${instruction} `));
  return own.length || !stages.some((x) => x.name === s.from) ? own : inherited(s.from, instruction);
}

export const TARGETS = {
  api: "apps/api/src/main.ts",
  worker: "apps/worker/src/main.ts",
  migrate: "packages/db/src/cli/migrate.ts",
};

test("the base image is pinned by digest in one ARG, and every stage builds on it", () => {
  const pinned = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile);
  assert.ok(pinned, "ARG NODE_IMAGE");
  assert.match(pinned[1]!, /^node:24-slim@sha256:[0-9a-f]{64}$/);
  const external = stages.filter((s) => !stages.some((x) => x.name === s.from));
  const arg = "$" + "{NODE_IMAGE}";
  assert.deepEqual(
    external.map((s) => s.from),
    [arg],
  );
});

test("each target runs its entry file with node, as a non-root user", () => {
  for (const [target, entry] of Object.entries(TARGETS)) {
    assert.ok(existsSync(join(ROOT, entry)), `${entry} exists`);
    const cmd = inherited(target, "CMD");
    assert.deepEqual(cmd, [`CMD ["node", "${entry}"]`], target);
    const user = inherited(target, "USER");
    assert.equal(user.length, 1, `${target} sets USER`);
    assert.match(user[0]!, /^USER [1-9]\d{4,}(:[1-9]\d{4,})?$/, `${target} runs as a uid above 10000`);
  }
  assert.equal(stages.at(-1)?.name, "api", "a plain build gives the API");
});

test("the Next.js targets run their standalone servers as a non-root user", () => {
  for (const app of ["admin", "web"]) {
    assert.deepEqual(inherited(app, "CMD"), [`CMD ["node", "apps/${app}/server.js"]`], app);
    assert.match(inherited(app, "USER")[0] ?? "", /^USER [1-9]\d{4,}/, `${app} non-root`);
    assert.ok(
      stage(app).lines.some((l) => l.startsWith(`COPY --from=next-build /app/apps/${app}/.next/standalone `)),
      `${app} ships only the standalone output`,
    );
  }
  assert.ok(
    existsSync(join(ROOT, "scripts/admin-build.ts")) && existsSync(join(ROOT, "scripts/web-build.ts")),
  );
});

test("production dependencies only, from the lockfile, for every workspace", () => {
  const deps = stage("deps").lines;
  assert.ok(
    deps.some((l) => /^RUN npm ci --omit=dev\b/.test(l)),
    "npm ci --omit=dev",
  );
  for (const group of ["apps", "packages"]) {
    for (const name of readdirSync(join(ROOT, group))) {
      if (!existsSync(join(ROOT, group, name, "package.json"))) continue;
      assert.ok(
        deps.some((l) => l.startsWith(`COPY ${group}/${name}/package.json `)),
        `the deps stage copies ${group}/${name}/package.json`,
      );
    }
  }
});

test(".dockerignore keeps secrets, VCS data, tests and local installs out of the build context", () => {
  const ignore = readFileSync(join(ROOT, ".dockerignore"), "utf8").split("\n");
  for (const pattern of ["**/node_modules", ".git", ".env", "**/*.env", "**/test", "data"]) {
    assert.ok(ignore.includes(pattern), pattern);
  }
});

test("the images write nowhere but /tmp: DATA_DIR points there", () => {
  for (const target of ["api", "worker"]) {
    assert.ok(
      inherited(target, "ENV").some((l) => /DATA_DIR=\/tmp\//.test(l)),
      `${target} DATA_DIR under /tmp`,
    );
  }
});
