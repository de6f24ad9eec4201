// `npm run bench:memory [-- --duration <s>] [--jobs <n>]`
//
// The memory the pods' requests and limits are sized from (deploy-k3s/base, docs/ops/09-cost-and-budget.md):
// the resident set of the API and the worker, started as in the cluster (production mode, the worker with
// the manifest's NODE_OPTIONS), idle after boot and at their peak (VmHWM) under load:
// - api: autocannon on authenticated reads and writes (sign-in user, residence, tasks) for --duration s;
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

const root = resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "20" },
    jobs: { type: "string", default: "2000" },
    connections: { type: "string", default: "16" },
  },
});
const WORKER_NODE_OPTIONS = "--max-semi-space-size=1"; // deploy-k3s/base/worker/deployment.yaml
const SECRET = "bench-memory-secret-bench-memory-secret";

const mib = (kb: number) => Math.round((kb / 1024) * 10) / 10;
function memory(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMiB: mib(field("VmRSS")), peakMiB: mib(field("VmHWM")) };
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

function spawnRole(entry: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [join(root, entry)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "warn", AUTH_SECRET: SECRET, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

const dataDir = join(tmpdir(), `honeydue-bench-memory-${process.pid}`);
const database = await freshDatabase();
const results: Record<string, { idleMiB: number; peakMiB: number; load: string }> = {};
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
  const api = spawnRole("apps/api/src/main.ts", {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    PORT: String(port),
    METRICS_PORT: "0",
    DATA_DIR: dataDir,
    MIGRATE_ON_START: "false",
    RUN_EMBEDDED_WORKER: "false",
    LOGIN_FAILURES_PER_IP_PER_HOUR: "100000",
  });
  await until(async () => (await fetch(`${base}/readyz`)).ok, "api ready");
  await sleep(5000); // settle: lazy imports, JIT, first GC
  const apiIdle = memory(api.pid!).rssMiB;
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
  const signedIn = await fetch(`${base}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(account),
  });
  const { accessToken } = (await signedIn.json()) as { accessToken: string };
  const auth = { authorization: `Bearer ${accessToken}`, "content-type": "application/json" };
  const residence = (await (
    await fetch(`${base}/v1/residences`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ name: "Bench house", propertyType: "house" }),
    })
  ).json()) as { id: string };
  await autocannon({
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
  results.api = {
    idleMiB: apiIdle,
    peakMiB: memory(api.pid!).peakMiB,
    load: `${args.duration} s of autocannon, ${args.connections} connections, reads + task creation`,
  };
  await stop(api);

  // --- worker
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
    NODE_OPTIONS: WORKER_NODE_OPTIONS,
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
    load: `${jobs} emails through outbox, relay, BullMQ and SMTP (NODE_OPTIONS=${WORKER_NODE_OPTIONS})`,
  };
  await stop(worker);
  await handle.close();
  await smtp.close();
} finally {
  await database.drop().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
}

console.log("role    idle RSS   peak RSS (VmHWM)   load");
for (const [role, r] of Object.entries(results)) {
  console.log(
    `${role.padEnd(7)} ${`${r.idleMiB} MiB`.padEnd(10)} ${`${r.peakMiB} MiB`.padEnd(18)} ${r.load}`,
  );
}
mkdirSync(join(root, "bench/results"), { recursive: true });
const file = join(root, "bench/results", `memory-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify({ node: process.version, results }, null, 2));
console.log(`wrote ${file}`);
