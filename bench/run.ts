// `npm run bench [-- --baseline <git-ref>] [--duration <s>] [--rounds <n>] [--connections <n>]
//                  [--digest-users <n>] [--digest-tasks-per-user <k>] [--no-digest]]`
//
// Runs the same HTTP workload against a baseline checkout and the working tree, alternating rounds
// (A B A B ...) so both see the same machine conditions, and reports throughput, p99 latency and peak
// memory of each side with the candidate/baseline ratio. The task list and the home screen are also served
// by a bare Fastify + pg handler running honeyDue's own SQL and JSON (bench/bare-handler.ts) on the
// candidate's database, right after the candidate: candidate/bare is what honeyDue's layers cost.
// Also: cold start to ready (a restart on a migrated database), RSS and heap under load.
// BENCH_SOAK_MINUTES=30 npm run bench: instead, a soak of the candidate's task list at BENCH_SOAK_RATE
// req/s (default 200), reporting RSS each minute and its growth. Speed and memory are measured here,
// never in tests. Then the digest benchmark (bench/digest.ts, niced), given the --digest-* options as its
// own --users/--tasks-per-user; --no-digest skips it.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startSmtpServer, verificationTokenIn } from "@honeydue/testkit";
import autocannon from "autocannon";
import pg from "pg";
import { manifestProcessEnv } from "./production.ts";

const root = resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  allowNegative: true,
  options: {
    baseline: { type: "string" },
    duration: { type: "string", default: "8" },
    rounds: { type: "string", default: "2" },
    connections: { type: "string", default: "16" },
    digest: { type: "boolean", default: true },
    "digest-users": { type: "string" },
    "digest-tasks-per-user": { type: "string" },
  },
});
const git = (...a: string[]) => execFileSync("git", a, { cwd: root, encoding: "utf8" }).trim();
const dirty = git("status", "--porcelain", "--untracked-files=no") !== "";
const baselineRef = args.baseline ?? (dirty ? "HEAD" : "HEAD~1");
const baselineSha = git("rev-parse", "--short", baselineRef);
const durationS = Number(args.duration);
const rounds = Number(args.rounds);
const connections = Number(args.connections);

/** A checkout of the baseline whose node_modules are ours, except its own workspace packages. */
function prepareBaseline(): string {
  const dir = join("/tmp", "honeydue-bench", baselineSha);
  if (!existsSync(dir)) {
    mkdirSync(join("/tmp", "honeydue-bench"), { recursive: true });
    git("worktree", "add", "--detach", dir, baselineSha);
    const modules = join(dir, "node_modules");
    mkdirSync(join(modules, "@honeydue"), { recursive: true });
    for (const entry of readdirSync(join(root, "node_modules"))) {
      if (entry !== "@honeydue") symlinkSync(join(root, "node_modules", entry), join(modules, entry));
    }
    for (const group of ["apps", "packages"]) {
      if (!existsSync(join(dir, group))) continue;
      for (const name of readdirSync(join(dir, group))) {
        const pkg = join(dir, group, name, "package.json");
        if (!existsSync(pkg)) continue;
        const pkgName = JSON.parse(readFileSync(pkg, "utf8")).name as string;
        symlinkSync(join(dir, group, name), join(modules, pkgName));
      }
    }
  }
  return dir;
}

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

async function freshDatabaseUrl(): Promise<string | undefined> {
  const admin = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
  try {
    await admin.connect();
  } catch {
    return undefined; // PGlite then
  }
  const name = `honeydue_bench_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return `postgres://postgres@127.0.0.1:5432/${name}`;
}

interface Scenario {
  name: string;
  method: "GET" | "POST";
  path: string;
  auth?: boolean;
  body?: unknown;
  /** Also served by the bare handler. */
  bare?: boolean;
}

interface Measured {
  reqPerSec: number;
  p99Ms: number;
  errors: number;
  /** The server's largest RSS sampled during the run. */
  rssMb: number;
}

async function json(url: string, method: string, body?: unknown, token?: string) {
  const res = await fetch(url, {
    method,
    headers: {
      ...(body ? { "content-type": "application/json" } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return {
    status: res.status,
    body: res.headers.get("content-type")?.includes("json") ? await res.json() : null,
  };
}

const BENCH_SECRET = "bench-secret-bench-secret-bench-secret";

function procStatus(pid: number | undefined, field: "VmRSS" | "VmHWM"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function until(what: string, ok: () => Promise<boolean>, child: ChildProcess): Promise<number> {
  const start = performance.now();
  for (;;) {
    try {
      if (await ok()) return performance.now() - start;
    } catch {}
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode})`);
    if (performance.now() - start > 600_000) throw new Error(`${what} did not become ready`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Starts the API of `dir` with the process tuning of its manifest (bench/production.ts) and resolves once
 * /readyz answers, with the time that took.
 */
async function startApi(dir: string, env: Record<string, string>, port: number) {
  const child = spawn(process.execPath, ["apps/api/src/main.ts"], {
    cwd: dir,
    env: { ...process.env, ...manifestProcessEnv(dir, "api"), ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  const readyMs = await until(`API in ${dir}`, async () => (await fetch(`${base}/readyz`)).ok, child);
  return { child, readyMs };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}

/** The V8 heap in use, from the API's Prometheus endpoint. */
async function heapUsedMb(metricsPort: number): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    return (
      Number(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})?\s+(\S+)/m.exec(text)?.[1] ?? Number.NaN) / 2 ** 20
    );
  } catch {
    return Number.NaN;
  }
}

/** autocannon on one scenario, sampling the server's RSS while it runs. */
async function load(base: string, s: Scenario, token: string | undefined, pid: number | undefined) {
  let rssMax = 0;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, procStatus(pid, "VmRSS"));
  }, 250);
  const r = await autocannon({
    url: base + s.path,
    method: s.method,
    connections,
    duration: durationS,
    headers: s.auth ? { authorization: `Bearer ${token}` } : {},
  });
  clearInterval(sampler);
  return {
    reqPerSec: r.requests.average,
    p99Ms: r.latency.p99,
    errors: r.errors + r.non2xx,
    rssMb: Math.max(rssMax, procStatus(pid, "VmRSS")),
  };
}

/**
 * Completing tasks: `connections` workers, each completing its own weekly tasks in turn with the due
 * date it last saw (as a client does), for the scenario's duration.
 */
async function completeLoad(base: string, token: string, taskIds: string[], pid: number | undefined) {
  const dueOn = new Map<string, string | null>();
  const latencies: number[] = [];
  let errors = 0;
  let rssMax = 0;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, procStatus(pid, "VmRSS"));
  }, 250);
  const end = performance.now() + durationS * 1000;
  const worker = async (w: number) => {
    const mine = taskIds.filter((_, i) => i % connections === w);
    for (let i = 0; performance.now() < end && mine.length; i++) {
      const id = mine[i % mine.length]!;
      const start = performance.now();
      const res = await json(
        `${base}/v1/tasks/${id}/complete`,
        "POST",
        { dueOn: dueOn.get(id) ?? null },
        token,
      );
      latencies.push(performance.now() - start);
      if (res.status === 201) dueOn.set(id, res.body.task.dueOn);
      else if (res.status === 409) dueOn.set(id, res.body.currentDueOn ?? null);
      else errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, (_, w) => worker(w)));
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  return {
    reqPerSec: latencies.length / ((performance.now() - started) / 1000),
    p99Ms: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN),
    errors,
    rssMb: Math.max(rssMax, procStatus(pid, "VmRSS")),
  };
}

interface SideResult {
  results: Record<string, Measured | null>;
  bare: Record<string, Measured | null>;
  peakRssMb: number;
  heapMb: number;
  coldStartMs: number;
}

/** A user with a residence, 200 tasks and 64 weekly ones to complete, as far as this version has them. */
async function seed(base: string, port: number, smtp: Awaited<ReturnType<typeof startSmtpServer>>) {
  const email = `bench-${port}@example.com`;
  const password = "correct horse battery staple 9";
  const reg = await json(`${base}/v1/auth/register`, "POST", { email, password, name: "Bench" });
  // Versions before issue 16 answer 201 with tokens; later ones 202: the emailed link, then sign in.
  let token: string | undefined = reg.body?.accessToken;
  if (reg.status === 202) {
    const mail = await smtp.waitFor(email, (m) => m.text.includes("/verify-email?token="), 60_000);
    await json(`${base}/v1/auth/verify-email`, "POST", { token: verificationTokenIn(mail.text) });
    token = (await json(`${base}/v1/auth/login`, "POST", { email, password })).body?.accessToken;
  }
  let residenceId: string | undefined;
  const weekly: string[] = [];
  if (token) {
    const residence = await json(
      `${base}/v1/residences`,
      "POST",
      { name: "Bench house", propertyType: "house" },
      token,
    );
    residenceId = residence.status === 201 ? residence.body.id : undefined;
    for (let i = 0; residenceId && i < 264; i++) {
      const day = String((i % 28) + 1).padStart(2, "0");
      const created = await json(
        `${base}/v1/residences/${residenceId}/tasks`,
        "POST",
        i < 200
          ? { title: `Task ${i}`, dueOn: `2027-03-${day}` }
          : {
              title: `Weekly ${i}`,
              dueOn: `2027-03-${day}`,
              recurrence: { kind: "fixed", interval: 1, unit: "week" },
            },
        token,
      );
      if (i >= 200 && created.status === 201) weekly.push(created.body.id);
    }
  }
  return { token, residenceId, weekly };
}

async function runSide(dir: string, withBare: boolean): Promise<SideResult> {
  const port = await freePort();
  const metricsPort = await freePort();
  const dataDir = join("/tmp", "honeydue-bench", `data-${port}-${Date.now()}`);
  const databaseUrl = await freshDatabaseUrl();
  const smtp = await startSmtpServer();
  const env = {
    PORT: String(port),
    HOST: "127.0.0.1",
    METRICS_HOST: "127.0.0.1",
    METRICS_PORT: String(metricsPort),
    DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
    AUTH_SECRET: BENCH_SECRET,
    // The API's own job runner mails the setup user's verification link.
    RUN_EMBEDDED_WORKER: "true",
    SMTP_URL: smtp.url,
    LOGIN_FAILURES_PER_IP_PER_HOUR: "100000",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  let { child } = await startApi(dir, env, port);
  const base = `http://127.0.0.1:${port}`;

  const { token, residenceId, weekly } = await seed(base, port, smtp);
  // Cold start: a restart on the migrated database, from spawn to /readyz.
  await stop(child);
  const restarted = await startApi(dir, env, port);
  child = restarted.child;

  // The bare handler on the same database (PostgreSQL only: it is a pg handler).
  let bareServer: ChildProcess | undefined;
  let bareBase: string | undefined;
  if (withBare && databaseUrl) {
    const barePort = await freePort();
    bareServer = spawn(process.execPath, [join(root, "bench", "bare-handler.ts")], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, AUTH_SECRET: BENCH_SECRET, PORT: String(barePort) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    bareBase = `http://127.0.0.1:${barePort}`;
    const server = bareServer;
    await until("bare handler", async () => (await fetch(`${bareBase}/v1/me/home`)).status === 401, server);
  }
  const scenarios: Scenario[] = [
    { name: "GET /healthz", method: "GET", path: "/healthz" },
    { name: "GET /v1/me", method: "GET", path: "/v1/me", auth: true },
    ...(residenceId
      ? [
          {
            name: "GET tasks (50 of 200)",
            method: "GET" as const,
            path: `/v1/residences/${residenceId}/tasks?limit=50`,
            auth: true,
            bare: true,
          },
        ]
      : []),
    { name: "GET /v1/me/home", method: "GET", path: "/v1/me/home", auth: true, bare: true },
    { name: "GET /v1/sync (first page)", method: "GET", path: "/v1/sync", auth: true },
  ];
  const results: Record<string, Measured | null> = {};
  const bare: Record<string, Measured | null> = {};
  let peakRssMb = 0;
  for (const s of scenarios) {
    if (s.auth && !token) {
      results[s.name] = null;
      continue;
    }
    const probe = await json(base + s.path, s.method, s.body, s.auth ? token : undefined);
    if (probe.status >= 300) {
      results[s.name] = null; // not in this version
      continue;
    }
    const m = await load(base, s, token, child.pid);
    results[s.name] = m;
    peakRssMb = Math.max(peakRssMb, m.rssMb);
    if (s.bare && bareBase) bare[s.name] = await load(bareBase, s, token, bareServer?.pid);
  }
  if (token && weekly.length) {
    const probe = await json(
      `${base}/v1/tasks/${weekly[0]}/complete`,
      "POST",
      { dueOn: "2027-03-01" },
      token,
    );
    results["POST complete a task"] =
      probe.status < 500 && probe.status !== 404 ? await completeLoad(base, token, weekly, child.pid) : null;
  }
  const heapMb = await heapUsedMb(metricsPort);
  peakRssMb = Math.max(peakRssMb, procStatus(child.pid, "VmHWM"));
  await stop(child);
  if (bareServer) await stop(bareServer);
  await smtp.close();
  if (databaseUrl) {
    const admin = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${new URL(databaseUrl).pathname.slice(1)} WITH (FORCE)`);
    await admin.end();
  }
  return { results, bare, peakRssMb, heapMb, coldStartMs: restarted.readyMs };
}

/**
 * BENCH_SOAK_MINUTES: the candidate's task list at a constant BENCH_SOAK_RATE for that long, its RSS
 * after each minute; growth is measured from the end of the first minute (warm-up) to the end.
 */
async function soak(minutes: number, rate: number) {
  const port = await freePort();
  const databaseUrl = await freshDatabaseUrl();
  const smtp = await startSmtpServer();
  const env = {
    PORT: String(port),
    HOST: "127.0.0.1",
    METRICS_PORT: String(await freePort()),
    DATA_DIR: join("/tmp", "honeydue-bench", `soak-${port}`),
    LOG_LEVEL: "info",
    AUTH_SECRET: BENCH_SECRET,
    // The API's own job runner mails the setup user's verification link.
    RUN_EMBEDDED_WORKER: "true",
    SMTP_URL: smtp.url,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  const { child } = await startApi(root, env, port);
  const base = `http://127.0.0.1:${port}`;
  const { token, residenceId } = await seed(base, port, smtp);
  if (!token || !residenceId) throw new Error("soak: could not set up a user and a residence");
  // The access token lives 15 minutes: sign in again each minute.
  const signIn = async () =>
    (
      await json(`${base}/v1/auth/login`, "POST", {
        email: `bench-${port}@example.com`,
        password: "correct horse battery staple 9",
      })
    ).body?.accessToken as string | undefined;
  const minutesRss: { minute: number; rssMb: number; reqPerSec: number; p99Ms: number; errors: number }[] =
    [];
  for (let minute = 1; minute <= minutes; minute++) {
    const fresh = (await signIn()) ?? token;
    const r = await autocannon({
      url: `${base}/v1/residences/${residenceId}/tasks?limit=50`,
      connections,
      overallRate: rate,
      duration: 60,
      headers: { authorization: `Bearer ${fresh}` },
    });
    const rssMb = procStatus(child.pid, "VmRSS");
    minutesRss.push({
      minute,
      rssMb: Math.round(rssMb * 10) / 10,
      reqPerSec: Math.round(r.requests.average),
      p99Ms: r.latency.p99,
      errors: r.errors + r.non2xx,
    });
    console.log(JSON.stringify(minutesRss.at(-1)));
  }
  await stop(child);
  await smtp.close();
  console.table(minutesRss);
  const first = minutesRss[0]!.rssMb;
  const last = minutesRss.at(-1)!.rssMb;
  console.log(
    `RSS after minute 1: ${first} MiB; after minute ${minutes}: ${last} MiB; growth ${(((last - first) / first) * 100).toFixed(1)} %`,
  );
}

if (process.env.BENCH_SOAK_MINUTES) {
  await soak(Number(process.env.BENCH_SOAK_MINUTES), Number(process.env.BENCH_SOAK_RATE ?? 200));
  process.exit(0);
}

const baselineDir = prepareBaseline();
console.log(
  `baseline ${baselineRef} (${baselineSha}) vs working tree; ${rounds} round(s) of ${durationS} s per scenario`,
);
const samples: {
  baseline: Awaited<ReturnType<typeof runSide>>[];
  candidate: Awaited<ReturnType<typeof runSide>>[];
} = {
  baseline: [],
  candidate: [],
};
for (let round = 0; round < rounds; round++) {
  // Alternate which side goes first so warm-up and drift do not favour one side.
  const order = round % 2 === 0 ? (["baseline", "candidate"] as const) : (["candidate", "baseline"] as const);
  for (const side of order)
    samples[side].push(await runSide(side === "baseline" ? baselineDir : root, side === "candidate"));
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const names = [...new Set(samples.candidate.flatMap((s) => Object.keys(s.results)))];
const rows = names.map((name) => {
  const pick = (side: "baseline" | "candidate", k: keyof Measured) =>
    mean(samples[side].map((s) => s.results[name]?.[k]).filter((v): v is number => typeof v === "number"));
  const b = pick("baseline", "reqPerSec");
  const c = pick("candidate", "reqPerSec");
  const bare = mean(
    samples.candidate.map((s) => s.bare[name]?.reqPerSec).filter((v): v is number => typeof v === "number"),
  );
  const ratio = (x: number, y: number) => (Number.isNaN(x) || Number.isNaN(y) ? "n/a" : (x / y).toFixed(3));
  return {
    scenario: name,
    "baseline req/s": Number.isNaN(b) ? "n/a" : Math.round(b),
    "candidate req/s": Number.isNaN(c) ? "n/a" : Math.round(c),
    "ratio c/b": ratio(c, b),
    "bare pg req/s": Number.isNaN(bare) ? "-" : Math.round(bare),
    "ratio c/bare": Number.isNaN(bare) ? "-" : ratio(c, bare),
    "baseline p99 ms": Number.isNaN(b) ? "n/a" : pick("baseline", "p99Ms"),
    "candidate p99 ms": Number.isNaN(c) ? "n/a" : pick("candidate", "p99Ms"),
    "candidate RSS MiB": Number.isNaN(c) ? "n/a" : Math.round(pick("candidate", "rssMb")),
    errors: pick("candidate", "errors"),
  };
});
const both = (k: "peakRssMb" | "heapMb" | "coldStartMs") => {
  const b = mean(samples.baseline.map((s) => s[k]));
  const c = mean(samples.candidate.map((s) => s[k]));
  return { baseline: Math.round(b), candidate: Math.round(c), "ratio c/b": (c / b).toFixed(3) };
};
const rssB = mean(samples.baseline.map((s) => s.peakRssMb));
const rssC = mean(samples.candidate.map((s) => s.peakRssMb));
console.table(rows);
console.table({
  "peak RSS MiB (VmHWM)": both("peakRssMb"),
  "V8 heap used MiB after load": both("heapMb"),
  "cold start to ready ms (migrated database)": both("coldStartMs"),
});
mkdirSync(join(root, "bench", "results"), { recursive: true });
const out = join(root, "bench", "results", `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(
  out,
  JSON.stringify({ baselineRef, baselineSha, durationS, rounds, connections, rows, rssB, rssC }, null, 2),
);
console.log(`written to ${out}`);

if (args.digest) {
  // The digest at scale (bench/digest.ts), niced as `npm run bench:digest` runs it, with its own options.
  const digestArgs = [
    ...(args["digest-users"] ? ["--users", args["digest-users"]] : []),
    ...(args["digest-tasks-per-user"] ? ["--tasks-per-user", args["digest-tasks-per-user"]] : []),
  ];
  const digest = spawn(
    "nice",
    ["-n", "10", process.execPath, join(root, "bench", "digest.ts"), ...digestArgs],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  const [code] = await new Promise<[number | null]>((r) => digest.once("exit", (c) => r([c])));
  process.exitCode = code ?? 1;
}
