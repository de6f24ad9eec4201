import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";
import { after } from "node:test";

export interface TestProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
}

export interface LaunchedProcess extends TestProcess {
  /** Kills the process (SIGKILL) unless it has exited. */
  stop(): void;
}

interface ProcessOptions {
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  readyUrl: string;
  timeoutMs?: number;
}

/**
 * A Node process of the test (a server), killed after the test file. `readyUrl` is polled until it answers
 * (any status below 500) for up to `timeoutMs` (60 s): boots are waited for, never timed.
 */
export async function startNodeProcess(options: ProcessOptions): Promise<TestProcess> {
  const started = spawnNodeProcess(options);
  after(started.stop);
  await untilReady(started, options);
  return started;
}

/**
 * `startNodeProcess` for a process that outlives one test file (the global setup of a test run starts it
 * for all of them): the caller stops it; it is killed at once when it does not become ready.
 */
export async function launchNodeProcess(options: ProcessOptions): Promise<LaunchedProcess> {
  const started = spawnNodeProcess(options);
  try {
    await untilReady(started, options);
  } catch (error) {
    started.stop();
    throw error;
  }
  return started;
}

function spawnNodeProcess(options: ProcessOptions): LaunchedProcess {
  let output = "";
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    output += chunk;
  });
  const stop = () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  // A safety net: should its owner never stop it (an earlier hook of the test hung or failed), the child
  // and its pipes must not keep the owner's process alive, and it dies with it.
  child.unref();
  (child.stdout as Socket).unref();
  (child.stderr as Socket).unref();
  process.once("exit", stop);
  return { child, output: () => output, stop };
}

async function untilReady(started: LaunchedProcess, options: ProcessOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (started.child.exitCode !== null)
      throw new Error(`process exited with ${started.child.exitCode}:\n${started.output()}`);
    const ok = await fetch(options.readyUrl, { redirect: "manual" })
      .then((r) => r.status < 500)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`not ready at ${options.readyUrl}:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
