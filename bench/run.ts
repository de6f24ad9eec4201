// `npm run bench [-- --baseline <git-ref>] [--duration <s>] [--rounds <n>]`
//
// Runs the same HTTP workload against a baseline checkout and the working tree, alternating rounds
// (A B A B ...) so both see the same machine conditions, and reports throughput, p99 latency and peak
// memory of each side with the candidate/baseline ratio. Speed and memory are measured here, never in tests.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startSmtpServer, verificationTokenIn } from "@honeydue/testkit";
import autocannon from "autocannon";
import pg from "pg";

const root = resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    baseline: { type: "string" },
    duration: { type: "string", default: "8" },
    rounds: { type: "string", default: "2" },
    connections: { type: "string", default: "16" },
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
}

interface Measured {
  reqPerSec: number;
  p99Ms: number;
  errors: number;
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

async function runSide(
  dir: string,
): Promise<{ results: Record<string, Measured | null>; peakRssMb: number }> {
  const port = await freePort();
  const smtp = await startSmtpServer();
  const dataDir = join("/tmp", "honeydue-bench", `data-${port}-${Date.now()}`);
  const databaseUrl = await freshDatabaseUrl();
  const child = spawn(process.execPath, ["apps/api/src/main.ts"], {
    cwd: dir,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      // The API's own job runner mails the setup user's verification link.
      RUN_EMBEDDED_WORKER: "true",
      SMTP_URL: smtp.url,
      LOGIN_FAILURES_PER_IP_PER_HOUR: "100000",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {}
    if (i > 300) throw new Error(`API in ${dir} did not become ready`);
    await new Promise((r) => setTimeout(r, 200));
  }

  // Setup: a user with a residence and 200 tasks, if this version has those routes.
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
  if (token) {
    const residence = await json(
      `${base}/v1/residences`,
      "POST",
      { name: "Bench house", propertyType: "house" },
      token,
    );
    residenceId = residence.status === 201 ? residence.body.id : undefined;
    for (let i = 0; residenceId && i < 200; i++) {
      const day = String((i % 28) + 1).padStart(2, "0");
      await json(
        `${base}/v1/residences/${residenceId}/tasks`,
        "POST",
        { title: `Task ${i}`, dueOn: `2027-03-${day}` },
        token,
      );
    }
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
          },
        ]
      : []),
    { name: "GET /v1/me/home", method: "GET", path: "/v1/me/home", auth: true },
  ];
  const results: Record<string, Measured | null> = {};
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
    const r = await autocannon({
      url: base + s.path,
      method: s.method,
      connections,
      duration: durationS,
      headers: s.auth ? { authorization: `Bearer ${token}` } : {},
    });
    results[s.name] = { reqPerSec: r.requests.average, p99Ms: r.latency.p99, errors: r.errors + r.non2xx };
  }
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const peakRssMb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  await smtp.close();
  if (databaseUrl) {
    const admin = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${new URL(databaseUrl).pathname.slice(1)} WITH (FORCE)`);
    await admin.end();
  }
  return { results, peakRssMb };
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
  for (const side of order) samples[side].push(await runSide(side === "baseline" ? baselineDir : root));
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const names = [...new Set(samples.candidate.flatMap((s) => Object.keys(s.results)))];
const rows = names.map((name) => {
  const pick = (side: "baseline" | "candidate", k: keyof Measured) =>
    mean(samples[side].map((s) => s.results[name]?.[k]).filter((v): v is number => typeof v === "number"));
  const b = pick("baseline", "reqPerSec");
  const c = pick("candidate", "reqPerSec");
  return {
    scenario: name,
    "baseline req/s": Number.isNaN(b) ? "n/a" : Math.round(b),
    "candidate req/s": Number.isNaN(c) ? "n/a" : Math.round(c),
    "ratio c/b": Number.isNaN(b) || Number.isNaN(c) ? "n/a" : (c / b).toFixed(3),
    "baseline p99 ms": Number.isNaN(b) ? "n/a" : pick("baseline", "p99Ms"),
    "candidate p99 ms": Number.isNaN(c) ? "n/a" : pick("candidate", "p99Ms"),
    errors: pick("candidate", "errors"),
  };
});
const rssB = mean(samples.baseline.map((s) => s.peakRssMb));
const rssC = mean(samples.candidate.map((s) => s.peakRssMb));
console.table(rows);
console.log(
  `peak RSS: baseline ${rssB.toFixed(1)} MB, candidate ${rssC.toFixed(1)} MB, ratio ${(rssC / rssB).toFixed(3)}`,
);
mkdirSync(join(root, "bench", "results"), { recursive: true });
const out = join(root, "bench", "results", `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(
  out,
  JSON.stringify({ baselineRef, baselineSha, durationS, rounds, connections, rows, rssB, rssC }, null, 2),
);
console.log(`written to ${out}`);
