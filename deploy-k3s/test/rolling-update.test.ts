// The rolling update the Deployments describe (maxUnavailable 0, maxSurge 1, readiness-gated, SIGTERM with a
// grace period), replayed with real processes:
// - api: three API processes behind a round-robin proxy that, like Traefik with Kubernetes endpoints, only
//   routes to backends whose /readyz answers 200; constant keep-alive load; each old process replaced by a
//   new one (start it, wait until ready, SIGTERM the old one). Zero failed requests.
// - worker: emails enqueued all along while each worker is replaced the same way: every job delivered once.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { enqueueJob } from "@honeydue/jobs";
import {
  createTestDatabase,
  fetchApi,
  freePort,
  mailRecipient,
  postgresReachable,
  redisReachable,
  signUpByEmail,
  startSmtpServer,
  TEST_REDIS_URL,
} from "@honeydue/testkit";
import { ROOT } from "./render.ts";

const skip = !(await postgresReachable())
  ? "the processes share PostgreSQL with the test (PGlite is in-process)"
  : false;
const database = skip ? undefined : await createTestDatabase();
const dataDir = mkdtempSync(join(tmpdir(), "honeydue-rolling-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const BASE_ENV = {
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  AUTH_SECRET: "rolling-update-secret-rolling-update-secret",
  DATA_DIR: dataDir,
  MIGRATE_ON_START: "false",
  PUBLIC_WEB_URL: "https://web.honeydue.test",
  PUBLIC_API_URL: "https://api.honeydue.test",
};

interface Proc {
  child: ChildProcess;
  port: number;
  output: () => string;
  exit: () => Promise<number | null>;
}

function start(entry: string, env: Record<string, string>, port: number): Proc {
  const child = spawn(process.execPath, [join(ROOT, entry)], {
    env: { ...process.env, ...BASE_ENV, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c));
  child.stderr!.on("data", (c: Buffer) => (output += c));
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return {
    child,
    port,
    output: () => output,
    exit: async () => {
      if (child.exitCode !== null) return child.exitCode;
      const [code] = await once(child, "exit");
      return code as number | null;
    },
  };
}

async function until(fn: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function ready(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * A round-robin reverse proxy over keep-alive connections, routing only to backends whose last readiness
 * probe passed (probed every 200 ms, like a readiness probe feeding the endpoints Traefik routes to).
 * No retries: a request that fails at a backend fails for the client.
 */
async function startProxy() {
  const backends = new Map<number, { ready: boolean }>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let next = 0;
  const probe = setInterval(() => {
    for (const [port, state] of backends) void ready(port).then((ok) => (state.ready = ok));
  }, 200);
  const server = http.createServer((req, res) => {
    const live = [...backends].filter(([, s]) => s.ready).map(([port]) => port);
    if (!live.length) {
      res.writeHead(503).end("no ready backend");
      return;
    }
    const port = live[next++ % live.length]!;
    const upstream = http.request(
      { host: "127.0.0.1", port, path: req.url, method: req.method, headers: req.headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end("upstream error");
      else res.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    add: (port: number) => backends.set(port, { ready: false }),
    remove: (port: number) => backends.delete(port),
    isRouted: (port: number) => backends.get(port)?.ready === true,
    close: async () => {
      clearInterval(probe);
      agent.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Constant keep-alive load: `connections` loops of sequential requests until stopped. */
function startLoad(port: number, connections: number, token: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const counts = { ok: 0, failed: 0, failures: [] as string[] };
  let running = true;
  const one = (path: string) =>
    new Promise<void>((resolve) => {
      const headers = { authorization: `Bearer ${token}` };
      const req = http.get({ host: "127.0.0.1", port, path, agent, headers }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode === 200) counts.ok++;
          else {
            counts.failed++;
            counts.failures.push(`${path} ${res.statusCode}`);
          }
          resolve();
        });
      });
      req.on("error", (error) => {
        counts.failed++;
        counts.failures.push(`${path} ${error.message}`);
        resolve();
      });
    });
  const loops = Array.from({ length: connections }, async (_, i) => {
    while (running) await one(i % 2 ? "/v1/me" : "/v1/task-templates");
  });
  return {
    counts,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      agent.destroy();
    },
  };
}

test("api: three replicas replaced one at a time under keep-alive load, zero failed requests", {
  skip,
  timeout: 300_000,
}, async (t) => {
  const smtp = await startSmtpServer();
  const apiEnv = async () => {
    const port = await freePort();
    return {
      port,
      env: {
        DATABASE_URL: database!.url!,
        HOST: "127.0.0.1",
        PORT: String(port),
        METRICS_PORT: "0",
        // The replicas' own job runners mail the sign-up's verification link (rows claimed with SKIP LOCKED).
        RUN_EMBEDDED_WORKER: "true",
        SMTP_URL: smtp.url,
        // Drain: readiness fails at once, the listener closes after SHUTDOWN_GRACE_MS/5 (1 s here).
        SHUTDOWN_GRACE_MS: "5000",
        TRUST_PROXY: "loopback",
      },
    };
  };
  const proxy = await startProxy();
  after(() => proxy.close());
  const boot = async () => {
    const { port, env } = await apiEnv();
    const proc = start("apps/api/src/main.ts", env, port);
    await until(() => ready(port), `api on ${port} ready\n${proc.output()}`);
    proxy.add(port);
    await until(() => proxy.isRouted(port), `api on ${port} routed`);
    return proc;
  };
  let replicas = [await boot(), await boot(), await boot()];
  // A signed-in user: the load reads the template catalog and its own profile (auth + database).
  const { accessToken } = await signUpByEmail(fetchApi(`http://127.0.0.1:${proxy.port}`), smtp, {
    email: "rolling@example.test",
    password: "correct horse battery staple 9",
    name: "Roll",
  });
  const load = startLoad(proxy.port, 4, accessToken);
  await until(() => load.counts.ok > 200, "load flowing");
  for (let i = 0; i < 3; i++) {
    const old = replicas[0]!;
    const fresh = await boot(); // maxSurge 1: the new pod is Ready before an old one goes
    old.child.kill("SIGTERM"); // maxUnavailable 0: only now does the old one stop
    assert.equal(await old.exit(), 0, `the old api exits cleanly\n${old.output()}`);
    proxy.remove(old.port);
    replicas = [...replicas.slice(1), fresh];
    const before = load.counts.ok;
    await until(() => load.counts.ok > before + 100, "load still flowing");
  }
  await load.stop();
  for (const r of replicas) r.child.kill("SIGTERM");
  for (const r of replicas) assert.equal(await r.exit(), 0);
  assert.deepEqual(load.counts.failures.slice(0, 10), [], `${load.counts.failed} failed`);
  assert.equal(load.counts.failed, 0);
  assert.ok(load.counts.ok > 500, `${load.counts.ok} requests served`);
  t.diagnostic(`${load.counts.ok} requests through 3 replacements, ${load.counts.failed} failed`);
});

test("worker: replaced one at a time while jobs flow, every job delivered exactly once", {
  skip: skip || (!(await redisReachable()) && "Redis not reachable"),
  timeout: 300_000,
}, async (t) => {
  const smtp = await startSmtpServer();
  after(() => smtp.close());
  const queuePrefix = `rolling${process.pid}${Date.now()}`;
  const boot = async () => {
    const port = await freePort();
    const proc = start(
      "apps/worker/src/main.ts",
      {
        DATABASE_URL: database!.url!,
        REDIS_URL: TEST_REDIS_URL,
        SMTP_URL: smtp.url,
        QUEUE_PREFIX: queuePrefix,
        RUN_SCHEDULES: "false",
        RELAY_POLL_MS: "100",
        WORKER_HEALTH_HOST: "127.0.0.1",
        WORKER_HEALTH_PORT: String(port),
        SHUTDOWN_GRACE_MS: "20000",
      },
      port,
    );
    await until(() => ready(port), `worker on ${port} ready\n${proc.output()}`);
    return proc;
  };
  const db = database!.handle.db;
  const ours = () =>
    smtp.messages.flatMap((m) => m.to.map((t) => t.toLowerCase())).filter((to) => /^rolling-\d+@/.test(to));
  const sent: string[] = [];
  let producing = true;
  const producer = (async () => {
    for (let i = 0; producing || i < 20; i++) {
      const to = `rolling-${i}@example.test`;
      await enqueueJob(db, "email.send", {
        template: "password-changed",
        userId: await mailRecipient(db, to),
      });
      sent.push(to);
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  let current = await boot();
  for (let i = 0; i < 3; i++) {
    const before = ours().length;
    await until(() => ours().length > before + 5, "jobs being delivered");
    const fresh = await boot();
    current.child.kill("SIGTERM");
    assert.equal(await current.exit(), 0, `the old worker exits cleanly\n${current.output()}`);
    current = fresh;
  }
  producing = false;
  await producer;
  await until(() => ours().length >= sent.length, `${sent.length} emails delivered`, 120_000);
  // A little longer: a duplicate would arrive after the count was reached.
  await new Promise((r) => setTimeout(r, 1000));
  current.child.kill("SIGTERM");
  assert.equal(await current.exit(), 0);
  // Only this test's jobs (the api test's sign-up queued a verification email in the same database).
  const delivered = ours();
  const duplicates = delivered.filter((to, i) => delivered.indexOf(to) !== i);
  assert.deepEqual(duplicates, [], "no job ran twice");
  assert.deepEqual([...new Set(delivered)].sort(), [...sent].sort(), "no job lost");
  t.diagnostic(`${sent.length} jobs through 3 worker replacements, ${delivered.length} emails delivered`);
});
