// `npm run bench:peers`: honeyDue's task list against the peers of ../shared/peers (the Go stand-in for the
// original API, bare Fastify + postgres.js, bare Fastify + pg), measured by the peers' own run-bench.sh in
// one interleaved run. honeyDue runs as in production (NODE_ENV=production, embedded worker off, its
// request log written to a file), seeded with the peers' data set through its API and SQL
// (bench/peers-seed.ts); the script prints the table. Environment knobs are passed through to run-bench.sh
// (REPS, DURATION, RATE, SKIP_OPENLOOP, ...). PEERS_DIR points at the peers folder when it is not found
// beside the checkout.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import pg from "pg";
import { seedPeersData } from "./peers-seed.ts";
import { manifestProcessEnv } from "./production.ts";

const root = resolve(import.meta.dirname, "..");
const source = [
  process.env.PEERS_DIR,
  join(root, "..", "shared", "peers"),
  join(root, "..", "..", "shared", "peers"),
].find((dir): dir is string => dir !== undefined && existsSync(join(dir, "run-bench.sh")));
if (!source) {
  console.error("no peers folder (run-bench.sh) beside the checkout: set PEERS_DIR");
  process.exit(1);
}
// run-bench.sh writes beside itself (builds, node_modules, tokens, results): a scratch copy, kept between
// runs so the builds and installs are reused.
const work = process.env.PEERS_WORK_DIR ?? "/tmp/honeydue-peers";
mkdirSync(work, { recursive: true });
cpSync(source, work, { recursive: true, force: true });

// Access tokens live at most 15 minutes and the seeding takes minutes: the peers' installs and builds are
// done first (the same steps run-bench.sh takes when they are missing), so the measurement starts as soon
// as the seeding ends.
const prepare = (dir: string, command: string, args: string[], env: Record<string, string> = {}) =>
  execFileSync(command, args, { cwd: join(work, dir), env: { ...process.env, ...env }, stdio: "inherit" });
for (const dir of ["bare-fastify", "bare-fastify-pg", "bench"]) {
  if (!existsSync(join(work, dir, "node_modules")))
    prepare(dir, "npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
}
// The Go toolchain, the Go peer's libraries, wrk and jq come from Debian (as run-bench.sh would install
// them, but the Go builds happen here first).
const debianPackages = [
  "golang-go",
  "golang-github-labstack-echo-dev",
  "golang-github-jinzhu-gorm-dev",
  "golang-github-lib-pq-dev",
  "wrk",
  "jq",
];
const missing = debianPackages.filter(
  (pkg) =>
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
    spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" }).stdout !==
    "install ok installed",
);
if (missing.length > 0) {
  const run = (args: string[]) => {
    const [command, ...rest] = process.getuid?.() === 0 ? args : ["sudo", ...args];
    execFileSync(command!, rest, { stdio: "inherit" });
  };
  run(["apt-get", "update", "-qq"]);
  run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...missing]);
}
const gopath = { GO111MODULE: "off", GOFLAGS: "" };
prepare(
  "go-echo-gorm/src/peer",
  "go",
  ["build", "-trimpath", "-o", join(work, "go-echo-gorm/bin/peer"), "."],
  {
    ...gopath,
    GOPATH: `${join(work, "go-echo-gorm")}:/usr/share/gocode`,
  },
);
prepare("bench/openloop", "go", ["build", "-trimpath", "-o", join(work, "bench/bin/openloop"), "."], gopath);

const port = Number(process.env.HONEYDUE_PORT ?? 3500);
const database = "honeydue_peers";
const admin = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${database}`);
await admin.end();

const logFile = join(work, "honeydue.log");
const log = openSync(logFile, "w");
const api = spawn(process.execPath, ["apps/api/src/main.ts"], {
  cwd: root,
  env: {
    ...process.env,
    // The process tuning of the API's Deployment (NODE_OPTIONS, MALLOC_*).
    ...manifestProcessEnv(root, "api"),
    NODE_ENV: "production",
    AUTH_SECRET: "peers-benchmark-secret-0123456789abcdef",
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
    PORT: String(port),
    HOST: "127.0.0.1",
    RUN_EMBEDDED_WORKER: "false",
    ACCESS_TOKEN_TTL_SECONDS: "900",
    LOGIN_FAILURES_PER_IP_PER_HOUR: "100000",
    // The seeding signs up 2,000 accounts from one address.
    UNAUTHENTICATED_REQUESTS_PER_IP_PER_MINUTE: "0",
  },
  stdio: ["ignore", log, log],
});
const stop = () => {
  if (api.exitCode === null) api.kill("SIGTERM");
};
process.on("exit", stop);
process.on("SIGINT", () => process.exit(130));

const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/readyz`)).ok) break;
  } catch {}
  if (api.exitCode !== null || i > 600) {
    console.error(`honeyDue did not become ready (see ${logFile})`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 100));
}
console.error(`honeyDue ready on ${base} (pid ${api.pid}); seeding …`);

const run = (command: string, args: string[], env: Record<string, string>) =>
  execFileSync(command, args, { cwd: work, env: { ...process.env, ...env }, stdio: "inherit" });
const tokens = await seedPeersData({
  baseUrl: base,
  databaseUrl: `postgres://postgres@127.0.0.1:5432/${database}`,
  households: Number(process.env.N ?? 2000),
});
writeFileSync(join(work, "honeydue-tokens.txt"), `${tokens.join("\n")}\n`);
run("bash", ["run-bench.sh"], {
  THIRD_URL: base,
  THIRD_TOKENS: join(work, "honeydue-tokens.txt"),
  THIRD_PID: String(api.pid),
  THIRD_NAME: "honeydue",
  FOURTH_CMD: process.env.FOURTH_CMD ?? "bare-fastify-pg/server.mjs",
  RATE: process.env.RATE ?? "600",
  DURATION: process.env.DURATION ?? "15",
  KEEP_PG: "1",
});
stop();
