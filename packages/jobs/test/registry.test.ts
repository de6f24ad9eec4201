import assert from "node:assert/strict";
import { test } from "node:test";
import { deriveKeyRing } from "@honeydue/config";
import { createLogger } from "@honeydue/observability";
import { assertHandlers, combineHandlers, JOBS, QUEUE_NAMES, queueOf } from "../src/index.ts";
import { createWorkerHandlers } from "../src/worker-handlers.ts";

const log = createLogger({ level: "silent", role: "worker" });
const noop = async () => {};
const all = () => Object.fromEntries(Object.keys(JOBS).map((name) => [name, noop]));

test("every registered job has a queue the worker runs", () => {
  for (const name of Object.keys(JOBS) as (keyof typeof JOBS)[]) {
    assert.ok(QUEUE_NAMES.includes(queueOf(name)), name);
    assert.ok(JOBS[name].attempts >= 1 && JOBS[name].timeoutMs > 0, name);
  }
  for (const q of ["email", "push", "reminders", "housekeeping"]) {
    assert.ok(
      Object.values(JOBS).some((j) => j.queue === q),
      `a job on queue ${q}`,
    );
  }
});

test("a complete handler map boots", () => {
  assert.doesNotThrow(() => assertHandlers(all()));
});

test("a job without a handler refuses to boot", () => {
  const handlers = all();
  delete handlers["push.send"];
  assert.throws(() => assertHandlers(handlers), /no handler for push\.send/);
});

test("a handler for an unknown job refuses to boot", () => {
  assert.throws(() => assertHandlers({ ...all(), "email.sned": noop }), /unknown job email\.sned/);
});

test("two handlers for one job refuse to boot", () => {
  const worker = createWorkerHandlers({
    db: undefined as never,
    log,
    unsubscribeKeys: deriveKeyRing({ current: "x".repeat(32) })["unsubscribe-link"],
    publicApiUrl: "https://api.test",
    publicWebUrl: "https://web.test",
  });
  assert.throws(
    () => combineHandlers({ "email.send": noop }, worker, { "reminders.digest-tick": noop }),
    /two handlers for reminders\.digest-tick/,
  );
  const others = Object.fromEntries(Object.entries(all()).filter(([name]) => !(name in worker)));
  assert.doesNotThrow(() => assertHandlers(combineHandlers(others, worker)));
});
