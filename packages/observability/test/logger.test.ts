import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";

// The asynchronous logger gathers lines up to 4 KiB per write (createLogger({ async: true })): a line of a
// quiet process must still come out on its own, without more lines pushing it and without an exit.
test("a quiet API's single log line is written without waiting for more lines or the exit", async (t) => {
  const child = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { createLogger } from "@honeydue/observability";
       const log = createLogger({ level: "info", role: "api", async: true });
       log.info({ probe: "quiet-line" }, "one line");
       setInterval(() => {}, 60_000);`,
    ],
    { cwd: import.meta.dirname, stdio: ["ignore", "pipe", "inherit"] },
  );
  t.after(() => child.kill("SIGKILL"));
  let out = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    out += chunk;
  });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`the logging process exited early (${code})`);
  });
  // Polls for the line; the test's own timeout is the only deadline.
  const written = (async () => {
    while (!out.includes('"probe":"quiet-line"')) await new Promise((r) => setTimeout(r, 25));
  })();
  await Promise.race([written, exited]);
  const line = JSON.parse(out.trim().split("\n")[0]!);
  assert.equal(line.msg, "one line");
  assert.equal(line.role, "api");
  assert.equal(child.exitCode, null, "the line came out while the process was still running");
});
