import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createTestDatabase, freePort, postgresReachable, waitFor } from "@honeydue/testkit";

const GRACE_MS = 3000;
const LOOPS = 4;

interface Result {
  status?: number;
  /** The response's Connection header. */
  connection?: string;
  error?: string;
  retried: boolean;
  at: number;
}

/**
 * One HTTP request. A request that fails on a reused keep-alive socket before any response arrived (the
 * server closed an idle connection just as it was reused) is retried once on a new connection, as HTTP
 * clients do; every other failure is a failure.
 */
function request(
  agent: http.Agent,
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
  body?: string,
): Promise<Result> {
  const once = () =>
    new Promise<{ status?: number; connection?: string; error?: string; reused: boolean }>((resolve) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port,
          path,
          method,
          agent,
          headers: { "content-type": "application/json", ...headers },
        },
        (res) => {
          res.resume();
          res.on("end", () =>
            resolve({ status: res.statusCode, connection: res.headers.connection, reused: req.reusedSocket }),
          );
          res.on("error", (e) => resolve({ error: `${e.message} (after response started)`, reused: false }));
        },
      );
      req.on("error", (e: NodeJS.ErrnoException) =>
        resolve({ error: e.code ?? e.message, reused: req.reusedSocket }),
      );
      req.end(body);
    });
  return once().then(async (first) => {
    if (first.error && first.reused && ["ECONNRESET", "EPIPE"].includes(first.error)) {
      const second = await once();
      return { ...second, retried: true, at: Date.now() };
    }
    return { ...first, retried: false, at: Date.now() };
  });
}

async function startApi(): Promise<{
  child: ChildProcess;
  port: number;
  dataDir: string;
  output: () => string;
}> {
  const dataDir = await mkdtemp(join(tmpdir(), "honeydue-shutdown-"));
  after(() => rm(dataDir, { recursive: true, force: true }));
  // Its own fresh PostgreSQL database when available; otherwise the embedded PGlite in its data folder.
  const databaseUrl = (await postgresReachable()) ? (await createTestDatabase()).url : undefined;
  const port = await freePort();
  const child = spawn(process.execPath, ["apps/api/src/main.ts"], {
    cwd: new URL("../../../", import.meta.url).pathname,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      AUTH_SECRET: "shutdown-test-secret-shutdown-test-secret",
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => {
    output += d;
  });
  child.stderr!.on("data", (d) => {
    output += d;
  });
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const agent = new http.Agent({ keepAlive: false });
  await waitFor(
    "the API to be ready",
    async () => {
      if (child.exitCode !== null) throw new Error(`API exited early (${child.exitCode}):\n${output}`);
      return (await request(agent, port, "/readyz")).status === 200;
    },
    { timeoutMs: 150_000 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${output}`);
  });
  return { child, port, dataDir, output: () => output };
}

test("SIGTERM under steady keep-alive traffic: no request fails and the process exits 0", async (t) => {
  const { child, port, dataDir, output } = await startApi();
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );

  // Setup requests on connections of their own, closed at once.
  const setup = new http.Agent({ keepAlive: false });
  const post = (path: string, payload: unknown) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port,
          path,
          method: "POST",
          agent: setup,
          headers: { "content-type": "application/json" },
        },
        (res) => {
          let body = "";
          res.on("data", (d) => {
            body += d;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify(payload));
    });
  const account = { email: "shutdown@example.com", password: "correct horse battery" };
  const registered = await post("/v1/auth/register", { ...account, name: "S" });
  assert.equal(registered.status, 202, registered.body);

  // The embedded mode end to end: the API's own job runner wrote the verification email as an .eml
  // file and logged its link; the link verifies the address, then the member signs in.
  await waitFor(`the verification email in ${dataDir}/mail`, async () => {
    const files = await readdir(join(dataDir, "mail")).catch(() => [] as string[]);
    return files.some((f) => f.endsWith(".eml")) && /verify-email\?token=/.test(output());
  }).catch((error: Error) => assert.fail(`${error.message}:\n${output()}`));
  const token = /verify-email\?token=([A-Za-z0-9_-]+)/.exec(output())![1];
  const verified = await post("/v1/auth/verify-email", { token });
  assert.equal(verified.status, 200, verified.body);
  const signedIn = await post("/v1/auth/login", account);
  assert.equal(signedIn.status, 200, signedIn.body);
  const reg = JSON.parse(signedIn.body).accessToken as string;

  // The clients: keep-alive connections, a few loops sending back to back (a cheap and a database route).
  const agent = new http.Agent({ keepAlive: true, maxSockets: LOOPS });
  let routed = true; // whether the "load balancer" still sends us traffic
  const results: Result[] = [];
  const loops = Array.from({ length: LOOPS }, async (_, i) => {
    while (routed) {
      const r =
        i % 2 === 0
          ? await request(agent, port, "/healthz")
          : await request(agent, port, "/v1/me", { authorization: `Bearer ${reg}` });
      results.push(r);
    }
  });

  // The load balancer: probes readiness; after the first failed probe it still routes requests for a while
  // (a probe period) before it stops sending new ones to this instance. SIGTERM comes once traffic flows;
  // routing stops once requests were served after the API reported itself not ready — each step waits for
  // its condition, never for a fixed time.
  let sigtermAt = 0;
  const probe = new http.Agent({ keepAlive: false });
  const servedSince = (at: number) => results.filter((r) => r.at >= at && r.status === 200).length;
  const balancer = (async () => {
    await waitFor("keep-alive traffic to flow", () => servedSince(0) >= 20);
    sigtermAt = Date.now();
    child.kill("SIGTERM");
    await waitFor(
      "/readyz to report not ready",
      async () => (await request(probe, port, "/readyz")).status !== 200,
      {
        intervalMs: 25,
      },
    );
    const notReadyAt = Date.now();
    await waitFor("requests served while draining", () => servedSince(notReadyAt) >= 2 * LOOPS, {
      intervalMs: 10,
    });
    routed = false;
  })();

  await balancer;
  await Promise.all(loops);
  const exit = await exited;

  const failures = results.filter((r) => r.error || r.status !== 200);
  const afterSigterm = results.filter((r) => r.at >= sigtermAt);
  assert.deepEqual(failures, [], `failed requests:\n${JSON.stringify(failures.slice(0, 5))}\n${output()}`);
  assert.ok(afterSigterm.length > 0, "requests were still being served after SIGTERM");
  // While draining, responses ask the clients to close their keep-alive connections.
  assert.ok(
    afterSigterm.some((r) => r.connection === "close"),
    "no Connection: close while draining",
  );
  assert.ok(
    results.filter((r) => r.at < sigtermAt).every((r) => r.connection === "keep-alive"),
    "connections were kept alive before SIGTERM",
  );
  // Exit code 0 means the drain finished inside the grace period (past it the API exits 1, server.ts).
  assert.equal(exit.code, 0, output());
  assert.match(output(), /shutdown complete/);
  const retried = results.filter((r) => r.retried).length;
  t.diagnostic(`requests: ${results.length}, after SIGTERM: ${afterSigterm.length}, retried: ${retried}`);
  agent.destroy();
});

test("SIGTERM right after a burst of requests: every request's log line is written before the exit", async () => {
  const { child, port, output } = await startApi();
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // Many requests at once, so the asynchronous log destination still holds lines when SIGTERM arrives.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const ids = Array.from({ length: 400 }, (_, i) => `flush-${i}-${process.pid}`);
  const results = await Promise.all(ids.map((id) => request(agent, port, "/v1/me", { "x-request-id": id })));
  assert.deepEqual(
    results.filter((r) => r.status !== 401),
    [],
    "every unauthenticated /v1/me answered 401",
  );
  child.kill("SIGTERM");
  assert.equal(await exited, 0, output());
  agent.destroy();
  // The output is complete once the pipe closed; each request's id appears in its request log line.
  await new Promise((resolve) =>
    child.stdout!.readableEnded ? resolve(null) : child.stdout!.once("end", resolve),
  );
  const requestLines = output()
    .split("\n")
    .filter((line) => line.startsWith("{") && line.includes('"msg":"request"'));
  // The id is the request logger's label, written once (a repeated key is ambiguous to log parsers).
  const repeated = requestLines.filter((line) => line.match(/"requestId":/g)?.length !== 1);
  assert.deepEqual(
    repeated.slice(0, 3),
    [],
    `${repeated.length} request log lines without exactly one requestId`,
  );
  const logged = new Set(
    requestLines
      .map((line) => JSON.parse(line) as { msg?: string; requestId?: string })
      .filter((line) => line.msg === "request")
      .map((line) => line.requestId),
  );
  const missing = ids.filter((id) => !logged.has(id));
  assert.deepEqual(missing, [], `${missing.length} request log lines lost`);
  assert.match(output(), /shutdown complete/);
});
