import assert from "node:assert/strict";
import { test } from "node:test";
import { outbox } from "@honeydue/db";
import { createLogger } from "@honeydue/observability";
import { createTestDatabase } from "@honeydue/testkit";
import { eq } from "drizzle-orm";
import { startEmbeddedRunner } from "../src/runtime/embedded-runner.ts";
import { enqueueJob } from "../src/runtime/outbox.ts";
import { assertHandlers, JOBS, type JobHandlers } from "../src/runtime/registry.ts";

const log = createLogger({ level: "silent", role: "api" });
const { handle } = await createTestDatabase();
const db = handle.db;

function handlersWith(overrides: Record<string, (payload: unknown) => Promise<void>>) {
  const handlers: Record<string, unknown> = Object.fromEntries(
    Object.keys(JOBS).map((name) => [name, async () => {}]),
  );
  Object.assign(handlers, overrides);
  assertHandlers(handlers);
  return handlers;
}

async function until<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const row = async (id: string) => (await db.select().from(outbox).where(eq(outbox.id, id)))[0]!;

test("the embedded runner leases one row at a time, for longer than the job may run", async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started = false;
  const runner = startEmbeddedRunner({
    db,
    log,
    pollIntervalMs: 60_000,
    handlers: handlersWith({
      "files.cleanup-uploads": async () => {
        started = true;
        await released;
      },
    }),
  });
  try {
    const slow = await enqueueJob(db, "files.cleanup-uploads", {});
    const waiting = await enqueueJob(db, "housekeeping.cleanup", {});
    runner.kick();
    await until(async () => started, "the slow job to start");
    const running = await row(slow);
    const leaseMs = running.lockedUntil!.getTime() - Date.now();
    // The job may take its whole timeout (10 minutes): a shorter lease lets another process claim it.
    assert.ok(
      leaseMs > JOBS["files.cleanup-uploads"].timeoutMs,
      `lease of ${Math.round(leaseMs / 1000)} s outlives the job's timeout`,
    );
    // The row behind it is not leased while it waits: another process may run it meanwhile.
    const queued = await row(waiting);
    assert.equal(queued.lockedUntil, null, "the waiting row is not leased");
    assert.equal(queued.attempts, 0, "the waiting row has no attempt counted");
    release();
    await until(async () => (await row(waiting)).processedAt, "the second job to run");
    assert.ok((await row(slow)).processedAt);
  } finally {
    release();
    await runner.stop();
  }
});

test("a finished job's timeout timer is cleared at once, not left running for the job's timeout", async () => {
  const timeoutMs = JOBS["housekeeping.cleanup"].timeoutMs;
  const armed = new Set<unknown>();
  const cleared = new Set<unknown>();
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  globalThis.setTimeout = ((fn: () => void, ms?: number, ...args: unknown[]) => {
    const timer = realSetTimeout(fn, ms, ...args);
    if (ms === timeoutMs) armed.add(timer);
    return timer;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((timer: NodeJS.Timeout | undefined) => {
    cleared.add(timer);
    realClearTimeout(timer);
  }) as typeof clearTimeout;
  const runner = startEmbeddedRunner({ db, log, pollIntervalMs: 60_000, handlers: handlersWith({}) });
  try {
    const id = await enqueueJob(db, "housekeeping.cleanup", {});
    runner.kick();
    await until(async () => (await row(id)).processedAt, "the job to finish");
    assert.equal(armed.size, 1, "one timeout armed for the job");
    for (const timer of armed) assert.ok(cleared.has(timer), "the job's timeout timer was cleared");
  } finally {
    globalThis.setTimeout = realSetTimeout;
    globalThis.clearTimeout = realClearTimeout;
    await runner.stop();
  }
});

test("the embedded runner refuses to start when a job has no handler", () => {
  const handlers: Record<string, unknown> = Object.fromEntries(
    Object.keys(JOBS).map((name) => [name, async () => {}]),
  );
  delete handlers["reminders.escalation-tick"];
  assert.throws(
    // The map a caller built at run time, as createJobHandlers would without the reminders group's handler.
    () => startEmbeddedRunner({ db, log, handlers: handlers as JobHandlers }),
    /no handler for reminders\.escalation-tick/,
  );
});
