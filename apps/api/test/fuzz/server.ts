import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { createTestDatabase, redisReachable, startSmtpServer, TEST_REDIS_URL } from "@honeydue/testkit";

export interface FuzzApi {
  base: string;
  port: number;
  /**
   * The client address this run's requests claim (X-Forwarded-For, trusted from loopback): throttles keyed
   * by address live in Redis across runs, so each run is a new client.
   */
  clientIp: string;
  /** Mail the API sent (verification codes for the seed users). */
  smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  /** True while the API process runs. */
  alive(): boolean;
  /** The API's log lines so far (stdout and stderr). */
  output(): string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 0;
}

/**
 * The real API as a child process (`apps/api/src/main.ts`), as production runs it: its own fresh
 * PostgreSQL database (PGlite in a temp folder without one), the test Redis (a database index of its own)
 * when reachable, mail to a test SMTP server delivered by the embedded job runner. Stopped after the file.
 */
export async function startFuzzApi(): Promise<FuzzApi> {
  const dataDir = await mkdtemp(join(tmpdir(), "honeydue-fuzz-"));
  after(() => rm(dataDir, { recursive: true, force: true }));
  const database = await createTestDatabase();
  const smtp = await startSmtpServer();
  const port = await freePort();
  const redisUrl = (await redisReachable()) ? new URL("/13", TEST_REDIS_URL).toString() : undefined;
  const child: ChildProcess = spawn(process.execPath, ["apps/api/src/main.ts"], {
    cwd: new URL("../../../../", import.meta.url).pathname,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      COMPILE_VALIDATORS_ON_FIRST_USE: "true",
      LOG_LEVEL: process.env.FUZZ_LOG_LEVEL ?? "warn",
      PORT: String(port),
      HOST: "127.0.0.1",
      METRICS_PORT: "0",
      DATA_DIR: dataDir,
      AUTH_SECRET: "fuzz-secret-fuzz-secret-fuzz-secret-0000",
      PUBLIC_API_URL: `http://127.0.0.1:${port}`,
      PUBLIC_WEB_URL: "https://web.honeydue.test",
      SMTP_URL: smtp.url,
      RUN_EMBEDDED_WORKER: "true",
      // Thousands of generated requests from one address: the per-address limit would answer most of them.
      UNAUTHENTICATED_REQUESTS_PER_IP_PER_MINUTE: "0",
      ...(database.url ? { DATABASE_URL: database.url, MIGRATE_ON_START: "false" } : {}),
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const alive = () => child.exitCode === null && child.signalCode === null;
  after(async () => {
    if (!alive()) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  });
  const base = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 100) {
    if (!alive()) throw new Error(`the API exited while starting:\n${output}`);
    const ready = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    // A deadline for a boot, not a speed check: on a loaded 2-core machine loading the modules alone has
    // taken more than a minute.
    if (waited > 180_000) throw new Error(`the API did not start within 180 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const byte = () => 1 + Math.floor(Math.random() * 254);
  const clientIp = `10.${byte()}.${byte()}.${byte()}`;
  return { base, port, clientIp, smtp, alive, output: () => output };
}
