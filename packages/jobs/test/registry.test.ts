import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { deriveKeyRing } from "@honeydue/config";
import { createMailTransport } from "@honeydue/email";
import { createLogger } from "@honeydue/observability";
import { createLocalStorage } from "@honeydue/storage";
import { createTestDatabase } from "@honeydue/testkit";
import { CronExpressionParser } from "cron-parser";
import { createJobHandlers } from "../src/handlers.ts";
import { assertHandlers, combineHandlers, JOBS, QUEUE_NAMES, queueOf, SCHEDULES } from "../src/index.ts";
import { createReminderHandlers } from "../src/jobs/reminders/handlers.ts";
import { TickPayload } from "../src/runtime/definition.ts";

const log = createLogger({ level: "silent", role: "worker" });
const { handle } = await createTestDatabase();
const db = handle.db;
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

test("the handlers composed from the groups cover every job of the registry, once each", async () => {
  const keys = deriveKeyRing({ current: "x".repeat(32) });
  const transport = createMailTransport({
    smtpUrl: undefined,
    dataDir: await mkdtemp(join(tmpdir(), "jobs-")),
  });
  const handlers = createJobHandlers({
    db,
    log,
    mail: {
      transport,
      from: "honeyDue <no-reply@honeydue.test>",
      publicWebUrl: "https://web.test",
      publicApiUrl: "https://api.test",
      keys,
      logLinks: false,
    },
    files: {
      storage: createLocalStorage({
        dir: await mkdtemp(join(tmpdir(), "jobs-files-")),
        grantKeys: keys["storage-grant"],
        publicApiUrl: "https://api.test",
      }),
      imageMaxPixels: 1_000_000,
    },
  });
  assert.deepEqual(Object.keys(handlers).sort(), Object.keys(JOBS).sort());
  transport.close();
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
  const reminders = createReminderHandlers({ db, log });
  assert.throws(
    () => combineHandlers({ "email.send": noop }, reminders, { "reminders.digest-tick": noop }),
    /two handlers for reminders\.digest-tick/,
  );
  const others = Object.fromEntries(Object.entries(all()).filter(([name]) => !(name in reminders)));
  assert.doesNotThrow(() => assertHandlers(combineHandlers(others, reminders)));
});

test("every tick job has one schedule, and every schedule one valid cron expression", () => {
  const ticks = Object.entries(JOBS)
    .filter(([, definition]) => definition.payload === TickPayload)
    .map(([name]) => name)
    .sort();
  assert.ok(ticks.includes("reminders.escalation-tick"));
  assert.deepEqual(SCHEDULES.map((s) => s.job as string).sort(), ticks);
  assert.equal(new Set(SCHEDULES.map((s) => s.id)).size, SCHEDULES.length, "schedule ids are unique");
  for (const schedule of SCHEDULES) {
    assert.doesNotThrow(() => CronExpressionParser.parse(schedule.cron, { tz: "UTC" }), schedule.id);
  }
});
