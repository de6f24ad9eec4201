import assert from "node:assert/strict";
import { test } from "node:test";
import { createErrorSink, createMetrics } from "../src/index.ts";

// Issue 16 item 8: an error with no caller is counted every time and logged at most once per interval.
test("an error sink counts every error and logs at most once per interval, saying how many it held back", async () => {
  const lines: { obj: Record<string, unknown>; msg: string }[] = [];
  const log = { warn: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }) };
  const metrics = createMetrics("api", { defaultMetrics: false });
  let t = 0;
  const sink = createErrorSink({
    source: "postgres-pool",
    log: log as never,
    metrics,
    intervalMs: 1000,
    now: () => t,
  });
  for (let i = 0; i < 50; i++) sink(new Error(`boom ${i}`));
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.obj.source, "postgres-pool");
  assert.equal((lines[0]!.obj.err as Error).message, "boom 0");
  t = 1000;
  sink(new Error("later"));
  assert.equal(lines.length, 2);
  assert.equal(lines[1]!.obj.unlogged, 49);
  const text = await metrics.registry.metrics();
  assert.match(text, /background_errors_total\{[^}]*source="postgres-pool"[^}]*\} 51/);
});
