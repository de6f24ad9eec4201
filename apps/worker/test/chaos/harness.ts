import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { after } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort } from "@honeydue/testkit";
import { SECRET, workerEnv } from "../support.ts";

const API_MAIN = fileURLToPath(new URL("../../../api/src/main.ts", import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

/** Boot waits are generous: CI machines are shared and slow. */
export const BOOT_TIMEOUT_MS = 60_000;

/** Polls `fn` until it returns a truthy value; never sleeps-and-asserts. */
export async function until<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface ChildHandle {
  child: ChildProcess;
  output(): string;
  /** Resolves once the output matches (rejects if the process exits first or after the timeout). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

function track(child: ChildProcess, name: string): ChildHandle {
  let output = "";
  child.stdout?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return {
    child,
    output: () => output,
    waitFor: (re, timeoutMs = BOOT_TIMEOUT_MS) =>
      until(
        () => {
          if (child.exitCode !== null)
            throw new Error(`${name} exited (${child.exitCode}):\n${output.slice(-4000)}`);
          return re.test(output);
        },
        `${name} output ${re}`,
        timeoutMs,
      ).then(() => {}),
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, "exit");
      child.kill(signal);
      const [code] = await exited;
      return code as number | null;
    },
  };
}

/** The worker's main.ts as its own process. */
export function spawnWorkerProcess(env: Record<string, string>): ChildHandle {
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env: { PATH: process.env.PATH, ...workerEnv(env), LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return track(child, "worker");
}

/** The API's main.ts as its own process, on a free port; `url` is its base URL. */
export async function spawnApiProcess(env: Record<string, string>): Promise<ChildHandle & { url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [API_MAIN], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      COMPILE_VALIDATORS_ON_FIRST_USE: "true",
      LOG_LEVEL: "warn",
      AUTH_SECRET: SECRET,
      PUBLIC_WEB_URL: "https://web.honeydue.test",
      PUBLIC_API_URL: "https://api.honeydue.test",
      DATA_DIR: "/tmp/honeydue-test-data",
      HOST: "127.0.0.1",
      PORT: String(port),
      METRICS_PORT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const handle = track(child, "api");
  const url = `http://127.0.0.1:${port}`;
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`API exited (${child.exitCode}):\n${handle.output()}`);
      try {
        return (await fetch(`${url}/healthz`)).ok;
      } catch {
        return false;
      }
    },
    "the API to answer /healthz",
    BOOT_TIMEOUT_MS,
    200,
  );
  return { ...handle, url };
}

export interface SinkMessage {
  to: string;
  messageId: string;
  /** The plain-text part (e.g. to follow a verification link). */
  text: string;
}

/**
 * An SMTP sink that keeps every accepted message (recipient, Message-ID and text). `delayMs` answers each
 * message that late (a slow server); `refuse` answers 550 for recipients matching it (a permanent
 * refusal); `hold()` leaves messages unanswered until `release()`. A message counts as delivered once it
 * was answered 250.
 */
export async function startSmtpSink(options: { delayMs?: number; refuse?: RegExp } = {}) {
  const { SMTPServer } = await import("smtp-server");
  const { simpleParser } = await import("mailparser");
  const state = { delayMs: options.delayMs ?? 0, refuse: options.refuse, hold: false };
  const held: (() => void)[] = [];
  const delivered: SinkMessage[] = [];
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (state.refuse?.test(address.address)) {
        refused++;
        const error = new Error("5.1.1 no such user") as Error & { responseCode: number };
        error.responseCode = 550;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        const parsed = await simpleParser(Buffer.concat(chunks));
        const accept = () =>
          setTimeout(() => {
            for (const rcpt of session.envelope.rcptTo) {
              delivered.push({
                to: rcpt.address.toLowerCase(),
                messageId: parsed.messageId ?? "",
                text: parsed.text ?? "",
              });
            }
            callback();
          }, state.delayMs);
        if (state.hold) held.push(accept);
        else accept();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `smtp://127.0.0.1:${port}`,
    state,
    delivered,
    refused: () => refused,
    /** Holds every message from now on unanswered (the senders wait), until `release()`. */
    hold() {
      state.hold = true;
    },
    release() {
      state.hold = false;
      for (const accept of held.splice(0)) accept();
    },
    /** Distinct recipients delivered, and how many deliveries were repeats of one already delivered. */
    tally(expected: readonly string[]) {
      const counts = new Map<string, number>();
      for (const m of delivered) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
      const missing = expected.filter((to) => !counts.has(to.toLowerCase()));
      const duplicated = [...counts.values()].reduce((n, c) => n + (c - 1), 0);
      return { delivered: counts.size, duplicated, missing: missing.length };
    },
  };
}
