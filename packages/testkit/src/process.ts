import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";
import { after } from "node:test";

export interface TestProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
}

/**
 * A Node process of the test (a server), killed after the test file. `readyUrl` is polled until it answers
 * (any status below 500) for up to `timeoutMs` (60 s): boots are waited for, never timed.
 */
export async function startNodeProcess(options: {
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  readyUrl: string;
  timeoutMs?: number;
}): Promise<TestProcess> {
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
  const kill = () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  after(kill);
  // A safety net: should the after hook never run (an earlier hook of the test hung or failed), the child
  // and its pipes must not keep the test file's process alive, and it dies with it.
  child.unref();
  (child.stdout as Socket).unref();
  (child.stderr as Socket).unref();
  process.once("exit", kill);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(options.readyUrl, { redirect: "manual" })
      .then((r) => r.status < 500)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`not ready at ${options.readyUrl}:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => output };
}
