import { spawn } from "node:child_process";
import { once } from "node:events";
import { after } from "node:test";
import { fileURLToPath } from "node:url";
import { loadWorkerSettings, type WorkerSettings } from "@honeydue/config";
import { startRedisServer } from "@honeydue/testkit";

export const SECRET = "test-secret-test-secret-test-secret-1234";
export const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

export { freePort } from "@honeydue/testkit";

/** A redis-server of the test's own (testkit's startRedisServer): the shared one must never be stopped. */
export const startOwnRedis = startRedisServer;

/** Worker settings for a test: its own queue prefix, a fast relay, a health port of its own. */
export function workerSettings(env: Record<string, string>): WorkerSettings {
  return loadWorkerSettings(workerEnv(env));
}

export function workerEnv(env: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: "test",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    AUTH_SECRET: SECRET,
    PUBLIC_WEB_URL: "https://web.honeydue.test",
    PUBLIC_API_URL: "https://api.honeydue.test",
    DATA_DIR: "/tmp/honeydue-test-data",
    WORKER_HEALTH_PORT: "0",
    RELAY_POLL_MS: "100",
    SHUTDOWN_GRACE_MS: "10000",
    ...env,
  };
}

/** Spawns `apps/worker/src/main.ts` as its own process (Node 24, like npm scripts). */
export function spawnWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...workerEnv(env), LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of [...waiters]) {
      if (w.re.test(output)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  after(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return {
    child,
    output: () => output,
    /** Resolves once the output matches (rejects if the process exits first). */
    waitFor(re: RegExp, timeoutMs = 60_000) {
      if (re.test(output)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`worker output never matched ${re}:\n${output}`)),
          timeoutMs,
        );
        child.once("exit", () => {
          clearTimeout(timer);
          if (!re.test(output)) reject(new Error(`worker exited before ${re}:\n${output}`));
        });
        waiters.push({
          re,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    async exit(): Promise<number | null> {
      if (child.exitCode !== null) return child.exitCode;
      const [code] = await once(child, "exit");
      return code as number | null;
    },
  };
}

/** Polls `fn` until it returns a truthy value (event-driven waits are not available across processes). */
export async function until<T>(
  fn: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 60_000,
) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A real SMTP server that can hold a message unanswered (`hold = true`): the sender is then "in the middle
 * of sending". A message counts as delivered only once the server has answered 250; a sender that dies
 * while held never got that answer, and its message is dropped (as a real server would not queue it
 * before replying).
 */
export async function startHoldingSmtp() {
  const { SMTPServer } = await import("smtp-server");
  const { simpleParser } = await import("mailparser");
  const delivered: { to: string[]; subject: string; messageId: string }[] = [];
  const held: { release: () => void; sessionId: string }[] = [];
  const closed = new Set<string>();
  const state = { hold: false };
  let onHeld: (() => void) | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onClose(session) {
      closed.add(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        const parsed = await simpleParser(Buffer.concat(chunks));
        const accept = () => {
          if (closed.has(session.id)) return;
          delivered.push({
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: parsed.subject ?? "",
            messageId: parsed.messageId ?? "",
          });
          callback();
        };
        if (state.hold) {
          held.push({ release: accept, sessionId: session.id });
          onHeld?.();
        } else accept();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `smtp://127.0.0.1:${port}`,
    delivered,
    state,
    /** Resolves when a message is being held. */
    held: () =>
      held.length
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            onHeld = resolve;
          }),
    releaseAll() {
      state.hold = false;
      for (const h of held.splice(0)) h.release();
    },
  };
}
