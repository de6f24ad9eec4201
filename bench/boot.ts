// `npm run bench:boot [-- --runs 5] [--modules] [--node-options="<flags>"] [--dir <checkout>]`
//
// Cold start to ready: the API spawned as in production (NODE_ENV=production, tracing off, the migration
// check of MIGRATE_ON_START on a database whose migrations are applied, no embedded worker) until /readyz
// answers 200. Reports per run the wall time, the process's own CPU time at that moment (user + system from
// /proc/<pid>/stat: on a shared machine wall time mostly measures the neighbours, CPU time what the start
// costs) and its RSS. Run 1 is a first start (the API's temporary directory, where Node's compile cache
// goes, is new), the later runs are restarts. With the process tuning of the API's manifest
// (bench/production.ts). `--modules` preloads bench/boot-probe.ts and also reports the modules loaded, the
// V8 heap spaces and the packages with the most modules (the probe's hook adds a little to the times).
// Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and Redis on 127.0.0.1:6379, as the tests do.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { freePort, TEST_REDIS_URL } from "@honeydue/testkit";
import pg from "pg";
import { manifestProcessEnv } from "./production.ts";

const root = resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    modules: { type: "boolean", default: false },
    /** Instead of the manifest's (deploy-k3s/base/api/deployment.yaml). */
    "node-options": { type: "string" },
    /** Another checkout's API (a baseline: `git worktree add`, its node_modules linked to these). */
    dir: { type: "string" },
  },
});
const apiDir = resolve(args.dir ?? root);
const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux
const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

function cpuMsOf(pid: number): number {
  // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}
function rssMiBOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 102.4) / 10;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

const name = `honeydue_bench_boot_${process.pid}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const databaseUrl = `postgres://postgres@127.0.0.1:5432/${name}`;
const dataDir = join("/tmp", `honeydue-bench-boot-${process.pid}`);
// The API's temporary directory, where its compile cache goes (main.ts), starts empty: run 1 is a first
// start after a deploy, the later runs are restarts.
const tmp = join(dataDir, "tmp");
mkdirSync(tmp, { recursive: true });
const env = {
  ...process.env,
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  AUTH_SECRET: "bench-boot-secret-bench-boot-secret",
  DATABASE_URL: databaseUrl,
  REDIS_URL: TEST_REDIS_URL,
  DATA_DIR: dataDir,
  RUN_EMBEDDED_WORKER: "false",
  METRICS_PORT: "0",
  ...manifestProcessEnv(apiDir, "api"),
  ...(args["node-options"] !== undefined ? { NODE_OPTIONS: args["node-options"] } : {}),
};
const rows: Record<string, unknown>[] = [];
try {
  const migrate = spawn(process.execPath, [join(apiDir, "packages/db/src/cli/migrate.ts")], {
    cwd: apiDir,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const [code] = await new Promise<[number | null]>((r) => migrate.once("exit", (c) => r([c])));
  if (code !== 0) throw new Error("migrations failed");

  for (let run = 1; run <= Number(args.runs); run++) {
    const port = await freePort();
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [...(args.modules ? ["--import", join(root, "bench/boot-probe.ts")] : []), "apps/api/src/main.ts"],
      {
        cwd: apiDir,
        env: { ...env, PORT: String(port), TMPDIR: tmp },
        stdio: ["ignore", "ignore", "inherit", ...(args.modules ? (["ipc"] as const) : [])],
      },
    );
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode})`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const wallMs = Math.round(performance.now() - started);
    const cpuMs = cpuMsOf(child.pid!);
    const rssMiB = rssMiBOf(child.pid!);
    const row: Record<string, unknown> = {
      run,
      start: run === 1 ? "first" : "restart",
      wallMs,
      cpuMs,
      rssMiB,
    };
    if (args.modules) {
      const report = new Promise<Record<string, unknown>>((r) =>
        child.once("message", (m) => r(m as Record<string, unknown>)),
      );
      child.send("report");
      const probed = await report;
      row.modules = probed.modules;
      row.loadMs = probed.loadMs;
      if (run === 1) console.log(JSON.stringify(probed, null, 2));
    }
    rows.push(row);
    await stop(child);
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
}
console.table(rows);
const median = (k: string) => {
  const xs = rows
    .slice(1)
    .map((r) => Number(r[k]))
    .sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)];
};
console.log(
  `first start: ${rows[0]?.wallMs} ms wall, ${rows[0]?.cpuMs} ms CPU; restarts (median of ${rows.length - 1}): ` +
    `${median("wallMs")} ms wall, ${median("cpuMs")} ms CPU, RSS ${median("rssMiB")} MiB` +
    ` (NODE_OPTIONS=${env.NODE_OPTIONS ?? ""})`,
);
