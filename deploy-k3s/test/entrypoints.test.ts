// Each image's exact entrypoint, run outside a container on production dependencies only: the build
// context is assembled as the Dockerfile does (its COPY lines, .dockerignore), its `npm ci --omit=dev` runs,
// then each target's CMD starts with the target's ENV. A runtime import of a devDependency, a file left out
// of the image or a setting the role cannot parse fails here. (The container builds themselves are
// `npm run test:images`.)
import assert from "node:assert/strict";
import { execSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { after, test } from "node:test";
import { freePort, postgresReachable, redisReachable, TEST_PG_URL, TEST_REDIS_URL } from "@honeydue/testkit";
import pg from "pg";
import { ROOT } from "./render.ts";

const skip = !(await postgresReachable()) || !(await redisReachable()) ? "needs PostgreSQL and Redis" : false;

const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8").replace(/\\\n\s*/g, " ");
const instructions = dockerfile.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
type Stage = { name: string; from: string; lines: string[] };
const stages: Stage[] = [];
for (const line of instructions) {
  const m = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/.exec(line);
  if (m) stages.push({ from: m[1]!, name: m[2] ?? "", lines: [] });
  else stages.at(-1)?.lines.push(line);
}
const stage = (name: string) => stages.find((s) => s.name === name)!;
const chain = (name: string): Stage[] => {
  const s = stage(name);
  return stages.some((x) => x.name === s.from) ? [...chain(s.from), s] : [s];
};

const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8")
  .split("\n")
  .filter((l) => l.trim() && !l.startsWith("#"));
/** .dockerignore's patterns as this file uses them: `**`/name anywhere, plain names at the top. */
function isIgnored(rel: string): boolean {
  const parts = rel.split("/");
  return ignored.some((pattern) => {
    if (pattern.startsWith("**/*")) return rel.endsWith(pattern.slice(4));
    if (pattern.startsWith("**/")) return parts.includes(pattern.slice(3));
    if (pattern.startsWith("*")) return parts.length === 1 && rel.endsWith(pattern.slice(1));
    return parts[0] === pattern;
  });
}

/** The build context after the COPY lines of the deps and runtime stages, and the deps stage's RUN. */
function assembleImage(dir: string) {
  // Docker's rules: a directory's contents go to the destination; a file goes into a destination ending in /.
  const copy = (line: string) => {
    const args = line
      .split(/\s+/)
      .slice(1)
      .filter((a) => !a.startsWith("--"));
    const dest = args.pop()!;
    for (const src of args) {
      const from = join(ROOT, src);
      const to =
        statSync(from).isDirectory() || !dest.endsWith("/")
          ? join(dir, dest)
          : join(dir, dest, basename(src));
      mkdirSync(dirname(to), { recursive: true });
      cpSync(from, to, {
        recursive: true,
        filter: (f) => f === from || !isIgnored(f.slice(ROOT.length + 1)),
      });
    }
  };
  for (const line of stage("deps").lines) {
    if (line.startsWith("COPY ")) copy(line);
    if (line.startsWith("RUN ")) {
      // The install itself; the image's cache cleanup must not touch this machine's npm cache.
      const install = line
        .slice(4)
        .split("&&")
        .map((c) => c.trim())
        .filter((c) => c.startsWith("npm ci "));
      assert.equal(install.length, 1, line);
      execSync(install[0]!, {
        cwd: dir,
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, NODE_ENV: "production", npm_config_prefer_offline: "true" },
      });
    }
  }
  for (const line of stage("runtime").lines)
    if (line.startsWith("COPY ") && !line.includes("--from=")) copy(line);
}

function targetEnv(target: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of chain(target))
    for (const line of s.lines.filter((l) => l.startsWith("ENV ")))
      for (const [, k, v] of line.slice(4).matchAll(/(\w+)=(\S+)/g)) env[k!] = v!;
  return env;
}
const targetCmd = (target: string): string[] =>
  JSON.parse(
    chain(target)
      .flatMap((s) => s.lines.filter((l) => l.startsWith("CMD ")))
      .at(-1)!
      .slice(4),
  );

const dir = mkdtempSync(join(tmpdir(), "honeydue-image-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(target: string, env: Record<string, string>) {
  const [command, ...args] = targetCmd(target);
  assert.equal(command, "node");
  const child = spawn(process.execPath, args, {
    cwd: dir,
    // The image's environment only: no inherited NODE_OPTIONS, no dev tooling on PATH.
    env: { PATH: "/usr/bin:/bin", ...targetEnv(target), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c));
  child.stderr.on("data", (c: Buffer) => (output += c));
  after(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return { child, output: () => output };
}

async function until(fn: () => Promise<boolean>, what: string) {
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; ) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out: ${what}`);
}

test("migrate, api and worker entrypoints run on production dependencies only", {
  skip,
  timeout: 600_000,
}, async (t) => {
  assembleImage(dir);
  assert.ok(existsSync(join(dir, "node_modules/fastify")), "production dependencies installed");
  for (const dev of ["@biomejs/biome", "kubernetes-models", "autocannon"])
    assert.ok(!existsSync(join(dir, "node_modules", dev)), `no devDependency ${dev}`);
  assert.ok(!existsSync(join(dir, "apps/api/test")), ".dockerignore leaves the tests out");

  const name = `honeydue_image_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  after(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  const data = mkdtempSync(join(tmpdir(), "honeydue-image-data-"));
  after(() => rmSync(data, { recursive: true, force: true }));
  // Production mode, the settings the manifests give (the ConfigMap's and the Secret's keys).
  const common = {
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    DATA_DIR: join(data, "honeydue"),
    DATABASE_URL: url.toString(),
    AUTH_SECRET: "image-test-secret-image-test-secret-image",
  };

  // The migrate Job gets the database URL only.
  const migrate = run("migrate", { NODE_ENV: "production", DATABASE_URL: url.toString() });
  const [code] = await once(migrate.child, "exit");
  assert.equal(code, 0, migrate.output());
  assert.match(migrate.output(), /applied \d+ migration/);

  const apiPort = await freePort();
  const api = run("api", {
    ...common,
    HOST: "127.0.0.1",
    PORT: String(apiPort),
    METRICS_PORT: "0",
    REDIS_URL: TEST_REDIS_URL,
  });
  await until(
    async () => (await fetch(`http://127.0.0.1:${apiPort}/readyz`)).ok,
    `api ready\n${api.output()}`,
  );
  assert.equal((await fetch(`http://127.0.0.1:${apiPort}/livez`)).status, 200);

  const healthPort = await freePort();
  const worker = run("worker", {
    ...common,
    WORKER_HEALTH_HOST: "127.0.0.1",
    WORKER_HEALTH_PORT: String(healthPort),
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: `image${process.pid}`,
    RUN_SCHEDULES: "false",
    NODE_OPTIONS: "--max-semi-space-size=1",
  });
  await until(
    async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok,
    `worker ready\n${worker.output()}`,
  );

  for (const p of [api, worker]) {
    p.child.kill("SIGTERM");
    const [exit] = await once(p.child, "exit");
    assert.equal(exit, 0, p.output());
  }
  t.diagnostic(
    `image context: ${execSync("du -sm node_modules", { cwd: dir, encoding: "utf8" }).split("\t")[0]} MiB of production node_modules`,
  );
});
