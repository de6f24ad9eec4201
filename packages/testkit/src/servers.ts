import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import pg from "pg";
import { freePort } from "./net.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

async function killChild(child: ChildProcess | undefined, signal: NodeJS.Signals) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill(signal);
  await exited;
}

export interface OwnServer {
  url: string;
  port: number;
  /** Starts it again on the same port (Redis: empty). */
  start(): Promise<void>;
  /** SIGKILL by default: the server dies without a word, as in a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Whether it is running. */
  running(): boolean;
}

/**
 * A redis-server of the test's own (the shared one must never be stopped): no persistence, on a free
 * port; `stop()` kills it, `start()` brings it back on the same port, empty.
 */
export async function startRedisServer(args: string[] = []): Promise<OwnServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  async function start() {
    child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...args],
      { stdio: "ignore" },
    );
    const end = Date.now() + 60_000;
    while (Date.now() < end) {
      if (await redisPing(port)) return;
      await sleep(50);
    }
    throw new Error("redis-server did not start within 60 s");
  }
  const stop = (signal: NodeJS.Signals = "SIGKILL") => killChild(child, signal);
  await start();
  after(() => stop());
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    running: () => !!child && child.exitCode === null && child.signalCode === null,
  };
}

/**
 * A PostgreSQL cluster of the test's own (initdb in a temporary folder, trust auth, fsync off) on a free
 * port, for tests that stop PostgreSQL: the shared server must never be stopped. Runs as the `postgres`
 * user when the test runs as root (PostgreSQL refuses root). `stop()` kills the postmaster (SIGKILL: a
 * crash; "SIGINT": a fast shutdown); `start()` brings it back on the same port with its data.
 */
export async function startPostgresServer(): Promise<OwnServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "honeydue-pg-"));
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? postgresIds() : undefined;
  if (ids) chownSync(dir, ids.uid, ids.gid);
  const data = join(dir, "data");
  const init = spawnSync(
    "initdb",
    ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"],
    { ...(ids ?? {}), encoding: "utf8" },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.error}`);
  let child: ChildProcess | undefined;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const spawnPostgres = () =>
    spawn(
      "postgres",
      [
        "-D",
        data,
        "-p",
        String(port),
        "-k",
        dir,
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "fsync=off",
        "-c",
        "full_page_writes=off",
        "-c",
        "max_connections=100",
      ],
      { ...(ids ?? {}), stdio: "ignore" },
    );
  async function start() {
    child = spawnPostgres();
    const end = Date.now() + 60_000;
    while (Date.now() < end) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      client.on("error", () => {});
      try {
        await client.connect();
        await client.query("SELECT 1");
        await client.end();
        return;
      } catch {
        await client.end().catch(() => {});
        // After a SIGKILL the old backends may still hold the shared memory a moment: try again.
        if (child.exitCode !== null) child = spawnPostgres();
        await sleep(100);
      }
    }
    throw new Error("postgres did not start within 60 s");
  }
  const stop = (signal: NodeJS.Signals = "SIGKILL") => killChild(child, signal);
  await start();
  after(async () => {
    await stop("SIGINT").catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    url,
    port,
    start,
    stop,
    running: () => !!child && child.exitCode === null && child.signalCode === null,
  };
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
  const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid))
    throw new Error("no postgres user to run PostgreSQL as");
  return { uid, gid };
}
