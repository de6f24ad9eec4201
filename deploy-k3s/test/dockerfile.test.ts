// A fast static check of the Dockerfile (CI): the real image builds are `npm run test:images`
// (deploy-k3s/test/images.ts), too slow for every CI run.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { ROOT } from "./render.ts";

const run = promisify(execFile);

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

/** The runtime stage's compile-cache warm-up: the `node -e` script its RUN line runs. */
function compileCacheWarmUp(): { dir: string; script: string } {
  const runtime = stage("runtime");
  const env = runtime.lines.find((l) => /^ENV NODE_COMPILE_CACHE=/.test(l));
  assert.ok(env, "ENV NODE_COMPILE_CACHE in the runtime stage");
  const dir = /^ENV NODE_COMPILE_CACHE=(\S+)$/.exec(env)![1]!;
  const user = runtime.lines.findIndex((l) => /^USER 10001:10001$/.test(l));
  const chown = runtime.lines.findIndex((l) => l.includes(`chown 10001:10001 ${dir}`));
  const warm = runtime.lines.findIndex((l) => /^RUN node --input-type=module -e /.test(l));
  // Node names the cache's folder after the uid: written by any other user, the processes would not use it.
  assert.ok(chown !== -1 && chown < user, "the cache folder is created for uid 10001 before USER");
  assert.ok(warm > user, "the cache is written after USER 10001, as the processes' uid");
  const script = /-e "(.*)"$/.exec(runtime.lines[warm]!)?.[1];
  assert.ok(script, "the warm-up's script");
  return { dir, script };
}

test("the runtime image carries a compile cache written by the processes' own uid", () => {
  const { dir, script } = compileCacheWarmUp();
  assert.match(dir, /^\/app\//);
  for (const entry of ["apps/api/src/start.ts", "apps/worker/src/worker.ts"]) {
    assert.ok(script.includes(`'./${entry}'`), entry);
    assert.ok(existsSync(join(ROOT, entry)), `${entry} exists`);
  }
});

test("the warm-up starts nothing, and a read-only cache it wrote is used by the same uid", {
  // Switching to another uid needs root (as in CI and the image build's own USER).
  skip: process.getuid?.() !== 0 ? "needs root to run as another uid" : false,
  timeout: 120_000,
}, async (t) => {
  const { script } = compileCacheWarmUp();
  const cache = await mkdtemp(join(tmpdir(), "compile-cache-"));
  t.after(() => rm(cache, { recursive: true, force: true }));
  const uid = 65534; // nobody: not the uid that owns the checkout, like 10001 in the image
  await chown(cache, uid, uid);
  const asUid = (code: string, env: Record<string, string> = {}) =>
    run(
      "setpriv",
      [
        `--reuid=${uid}`,
        `--regid=${uid}`,
        "--clear-groups",
        process.execPath,
        "--input-type=module",
        "-e",
        code,
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: tmpdir(),
          NODE_ENV: "production",
          NODE_COMPILE_CACHE: cache,
          ...env,
        },
        timeout: 60_000,
      },
    );
  // The Dockerfile's own command: it must exit by itself (nothing listening, nothing connected).
  await asUid(script);
  // Read-only from here on, as under readOnlyRootFilesystem.
  await run("chmod", ["-R", "a-w", cache]);
  const { stderr } = await asUid("await import('./apps/api/src/start.ts')", {
    NODE_DEBUG_NATIVE: "COMPILE_CACHE",
  });
  const accepted = stderr.split("\n").filter((l) => l.includes("was accepted")).length;
  assert.ok(accepted > 1000, `${accepted} modules' code from the cache`);
  // Only what the cache has not seen is written back, and fails harmlessly: here the `-e` script itself (in
  // the image, the entry file). Every module of the API is read, none written.
  const failures = stderr.split("\n").filter((l) => /permission denied|cannot create/i.test(l));
  assert.deepEqual(
    failures.filter((l) => !l.includes("[eval")),
    [],
    "only the -e script is new to the cache",
  );
});
