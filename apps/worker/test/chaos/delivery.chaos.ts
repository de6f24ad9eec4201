// The long chaos suite (`npm run test:chaos`): real redis-server, PostgreSQL, SMTP sink, API and worker
// processes, faults at full size. Each scenario prints its figures (docs/reliability.md quotes them).
import assert from "node:assert/strict";
import { test } from "node:test";
import { postgresReachable, redisReachable } from "@honeydue/testkit";
import {
  type Figures,
  poisonRows,
  postgresStopped,
  redisDownUnderLoad,
  redisRestartedEmpty,
  twoWorkers,
  workerKilledMidSend,
} from "./scenarios.ts";

const skip =
  (await postgresReachable()) && (await redisReachable())
    ? false
    : "needs PostgreSQL and Redis (and their binaries)";
const report = (f: Figures) => console.log(`chaos figures ${JSON.stringify(f)}`);
const exactlyOnce = (f: Figures) => {
  report(f);
  assert.equal(f.missing, 0, "nothing missing");
  assert.equal(f.delivered, f.tried);
};

test("Redis SIGKILLed and restarted empty with 300 emails queued behind a slow SMTP server", {
  skip,
}, async () => {
  const f = await redisRestartedEmpty({ emails: 300, smtpDelayMs: 100 });
  exactlyOnce(f);
  assert.equal(f.duplicated, 0);
});

test("Redis down 60 s under mixed traffic: no 5xx, no verification email lost", { skip }, async () => {
  const f = await redisDownUnderLoad({ seconds: 60 });
  exactlyOnce(f);
  assert.equal(f.errors5xx, 0, f.statuses as string);
  assert.equal(f.duplicated, 0);
});

test("a worker SIGKILLed mid-send", { skip }, async () => {
  const f = await workerKilledMidSend({ emails: 100 });
  exactlyOnce(f);
  // At-least-once bound: only messages the server accepted as the sender died can go out twice.
  assert.ok(f.duplicated <= 5, `duplicated ${f.duplicated}`);
});

test("two workers", { skip }, async () => {
  const f = await twoWorkers({ emails: 300 });
  exactlyOnce(f);
  assert.equal(f.duplicated, 0);
});

test("poison rows", { skip }, async () => {
  const f = await poisonRows({ good: 100 });
  exactlyOnce(f);
  assert.equal(f.duplicated, 0);
});

test("PostgreSQL stopped 30 s under sign-ups: 503s, then every email", { skip }, async () => {
  const f = await postgresStopped({ seconds: 30 });
  exactlyOnce(f);
  assert.equal(f.other5xx, 0, f.statuses as string);
  assert.equal(f.duplicated, 0);
});
