// `npm run bench:memory [-- --duration <s>] [--jobs <n>] [--api-node-options="<flags>"] [--api-only] [--dir <checkout>]]`
//
// The memory the pods' requests and limits are sized from (deploy-k3s/base, docs/ops/09-cost-and-budget.md):
// the resident set of the API and the worker, started as in the cluster (production mode, each with its
// manifest's NODE_OPTIONS), idle after boot, under load (the largest VmRSS sampled), and at their peak
// (VmHWM, which includes the boot):
// - api: autocannon on authenticated reads and writes (sign-in user, residence, tasks) for --duration s;
//   also its CPU time per request (user + system of the process over the load / requests answered), the
//   cost side of a memory setting that holds on a shared machine where throughput does not;
// - worker: --jobs emails through the outbox, the relay, BullMQ and a real SMTP server.
// Needs PostgreSQL and Redis on 127.0.0.1 (as the tests do). Writes bench/results/memory-<time>.json.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "@honeydue/db";
import { enqueueJob } from "@honeydue/jobs";
import { freePort, mailRecipient, startSmtpServer, TEST_REDIS_URL } from "@honeydue/testkit";
import autocannon from "autocannon";
import pg from "pg";
import { manifestProcessEnv } from "./production.ts";

const root = resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "20" },
    jobs: { type: "string", default: "2000" },
    connections: { type: "string", default: "16" },
    /** Instead of the manifest's (deploy-k3s/base/api/deployment.yaml). */
    "api-node-options": { type: "string" },
    "api-only": { type: "boolean", default: false },
    /** Another checkout's processes (a baseline: `git worktree add`, its node_modules linked to these). */
    dir: { type: "string" },
    /** Sign-ins (Argon2id verifications, 19 MiB each) in a burst before the load, 8 at a time. */
    "sign-ins": { type: "string", default: "200" },
    /** Preload bench/boot-probe.ts into the API and print its V8 heap spaces at each step. */
    probe: { type: "boolean", default: false },
  },
});
const appDir = resolve(args.dir ?? root);
const API_ENV = {
  ...manifestProcessEnv(appDir, "api"),
  ...(args["api-node-options"] !== undefined ? { NODE_OPTIONS: args["api-node-options"] } : {}),
};
const WORKER_ENV = manifestProcessEnv(appDir, "worker");
const describeEnv = (env: Record<string, string>) =>
  Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ") || "no tuning";
const SECRET = "bench-memory-secret-bench-memory-secret";

const mib = (kb: number) => Math.round((kb / 1024) * 10) / 10;
function memory(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMiB: mib(field("VmRSS")), peakMiB: mib(field("VmHWM")) };
}
/** User + system CPU time of a process so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(fn: () => Promise<boolean>, what: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`timed out: ${what}`);
}

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `honeydue_bench_mem_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

function spawnRole(entry: string, env: Record<string, string>, probe = false): ChildProcess {
  return spawn(
    process.execPath,
    [...(probe ? ["--import", join(root, "bench/boot-probe.ts")] : []), join(appDir, entry)],
    {
      cwd: appDir,
      env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "warn", AUTH_SECRET: SECRET, ...env },
      stdio: ["ignore", "ignore", "inherit", ...(probe ? (["ipc"] as const) : [])],
    },
  );
}

/** The V8 heap spaces of a process started with the probe (bench/boot-probe.ts), in MiB. */
async function heapSpaces(child: ChildProcess): Promise<unknown> {
  const report = new Promise<{ memory: unknown; heapSpaces: Record<string, { physicalMiB: number }> }>((r) =>
    child.once("message", (m) => r(m as never)),
  );
  child.send("report");
  const { memory, heapSpaces } = await report;
  const physical = Object.fromEntries(
    Object.entries(heapSpaces)
      .filter(([, s]) => s.physicalMiB > 0)
      .map(([name, s]) => [name, s.physicalMiB]),
  );
  return { memory, physicalMiB: physical };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

const dataDir = join(tmpdir(), `honeydue-bench-memory-${process.pid}`);
const database = await freshDatabase();
const results: Record<
  string,
  {
    idleMiB: number;
    afterSignInsMiB?: number;
    underLoadMiB?: number;
    afterLoadMiB?: number;
    peakMiB: number;
    cpuUsPerRequest?: number;
    load: string;
  }
> = {};
try {
  // --- migrate first, as the deploy's migrate Job does; the API then starts on a current schema.
  const migrate = spawnRole("packages/db/src/cli/migrate.ts", {
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
  });
  await new Promise((r) => migrate.once("exit", r));
  if (migrate.exitCode !== 0) throw new Error("migrations failed");

  // --- api
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = spawnRole(
    "apps/api/src/main.ts",
    {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      PORT: String(port),
      METRICS_PORT: "0",
      DATA_DIR: dataDir,
      MIGRATE_ON_START: "false",
      RUN_EMBEDDED_WORKER: "false",
      LOGIN_FAILURES_PER_IP_PER_HOUR: "100000",
      ...API_ENV,
    },
    args.probe,
  );
  const probe = async (step: string) => {
    if (args.probe) console.log(step, JSON.stringify(await heapSpaces(api)));
  };
  await until(async () => (await fetch(`${base}/readyz`)).ok, "api ready");
  await sleep(5000); // settle: lazy imports, JIT, first GC
  const apiIdle = memory(api.pid!).rssMiB;
  await probe("idle");
  const account = { email: "bench-mem@example.com", password: "correct horse battery staple 9" };
  const reg = await fetch(`${base}/v1/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...account, name: "B" }),
  });
  if (reg.status !== 202) throw new Error(`register answered ${reg.status}`);
  // Setup only: no worker runs yet to mail the link, so the address is confirmed in the database.
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  await sql.query("UPDATE users SET email_verified_at = now() WHERE email = $1", [account.email]);
  await sql.end();
  const signIn = async () => {
    const signedIn = await fetch(`${base}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(account),
    });
    if (signedIn.status !== 200) throw new Error(`sign-in answered ${signedIn.status}`);
    return ((await signedIn.json()) as { accessToken: string }).accessToken;
  };
  // A burst of sign-ins: Argon2id allocates 19 MiB outside the V8 heap per verification, on libuv's
  // threads; what stays resident afterwards is the allocator keeping it.
  let signIns = Number(args["sign-ins"]);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (signIns-- > 0) await signIn();
    }),
  );
  await sleep(2000);
  const afterSignIns = memory(api.pid!).rssMiB;
  await probe("after sign-ins");
  const accessToken = await signIn();
  const auth = { authorization: `Bearer ${accessToken}`, "content-type": "application/json" };
  const residence = (await (
    await fetch(`${base}/v1/residences`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ name: "Bench house", propertyType: "house" }),
    })
  ).json()) as { id: string };
  let underLoad = 0;
  const sampler = setInterval(() => {
    underLoad = Math.max(underLoad, memory(api.pid!).rssMiB);
  }, 250);
  const cpuBefore = cpuMs(api.pid!);
  const loaded = await autocannon({
    url: base,
    connections: Number(args.connections),
    duration: Number(args.duration),
    headers: auth,
    requests: [
      { method: "GET", path: "/v1/me" },
      { method: "GET", path: "/v1/task-templates" },
      { method: "GET", path: `/v1/residences/${residence.id}/tasks` },
      {
        method: "POST",
        path: `/v1/residences/${residence.id}/tasks`,
        body: JSON.stringify({ title: "Bench task", dueOn: "2027-03-01" }),
      },
    ],
  });
  const cpuUsPerRequest = ((cpuMs(api.pid!) - cpuBefore) * 1000) / loaded.requests.total;
  clearInterval(sampler);
  if (loaded.non2xx || loaded.errors) throw new Error(`${loaded.non2xx + loaded.errors} failed requests`);
  await sleep(2000);
  await probe("after load");
  results.api = {
    idleMiB: apiIdle,
    afterSignInsMiB: afterSignIns,
    underLoadMiB: underLoad,
    afterLoadMiB: memory(api.pid!).rssMiB,
    peakMiB: memory(api.pid!).peakMiB,
    cpuUsPerRequest: Math.round(cpuUsPerRequest),
    load:
      `${args["sign-ins"]} sign-ins, then ${args.duration} s of autocannon, ${args.connections} connections, ` +
      `reads + task creation (${loaded.requests.total} requests; ${describeEnv(API_ENV)})`,
  };
  await stop(api);

  // --- worker
  if (!args["api-only"]) {
    const smtp = await startSmtpServer();
    const healthPort = await freePort();
    const worker = spawnRole("apps/worker/src/main.ts", {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      SMTP_URL: smtp.url,
      DATA_DIR: dataDir,
      QUEUE_PREFIX: `benchmem${process.pid}`,
      RUN_SCHEDULES: "false",
      WORKER_HEALTH_PORT: String(healthPort),
      ...WORKER_ENV,
    });
    await until(async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok, "worker ready");
    await sleep(5000);
    const workerIdle = memory(worker.pid!).rssMiB;
    const handle = await openDatabase({ url: database.url, poolMax: 4 });
    const jobs = Number(args.jobs);
    for (let i = 0; i < jobs; i++) {
      await enqueueJob(handle.db, "email.send", {
        template: "password-changed",
        userId: await mailRecipient(handle.db, `mem-${i}@example.com`),
      });
    }
    await until(async () => smtp.messages.length >= jobs, `${jobs} emails`, 600_000);
    results.worker = {
      idleMiB: workerIdle,
      peakMiB: memory(worker.pid!).peakMiB,
      load: `${jobs} emails through outbox, relay, BullMQ and SMTP (${describeEnv(WORKER_ENV)})`,
    };
    await stop(worker);
    await handle.close();
    await smtp.close();
  }
} finally {
  await database.drop().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
}

console.table(
  Object.fromEntries(
    Object.entries(results).map(([role, r]) => [
      role,
      {
        "idle RSS MiB": r.idleMiB,
        "after sign-ins": r.afterSignInsMiB ?? "-",
        "under load (max)": r.underLoadMiB ?? "-",
        "after load": r.afterLoadMiB ?? "-",
        "peak (VmHWM)": r.peakMiB,
        "CPU µs/request": r.cpuUsPerRequest ?? "-",
      },
    ]),
  ),
);
for (const [role, r] of Object.entries(results)) console.log(`${role}: ${r.load}`);
mkdirSync(join(root, "bench/results"), { recursive: true });
const file = join(root, "bench/results", `memory-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify({ node: process.version, results }, null, 2));
console.log(`wrote ${file}`);
