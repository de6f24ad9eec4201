// The short form of the chaos suite (the long one: `npm run test:chaos`, apps/worker/test/chaos/): the
// same scenarios with real processes, at a size that fits the unit run.
import assert from "node:assert/strict";
import { test } from "node:test";
import { postgresReachable, redisReachable } from "@honeydue/testkit";
import { poisonRows, redisDownUnderLoad, redisRestartedEmpty } from "./chaos/scenarios.ts";

const skip =
  (await postgresReachable()) && (await redisReachable())
    ? false
    : "needs PostgreSQL and Redis (and their binaries)";

test("chaos (short): Redis restarted empty with emails queued loses none and doubles none", {
  skip,
}, async () => {
  const f = await redisRestartedEmpty({ emails: 40, smtpDelayMs: 50 });
  assert.deepEqual([f.delivered, f.missing, f.duplicated], [40, 0, 0]);
  assert.ok(Number(f.sentBeforeKill) < 40, "most emails were still queued in Redis when it died");
});

test("chaos (short): poison rows fail alone", { skip }, async () => {
  const f = await poisonRows({ good: 10 });
  assert.deepEqual([f.delivered, f.missing, f.duplicated], [10, 0, 0]);
});

test("chaos (short): Redis down under traffic, no 5xx", { skip }, async () => {
  const f = await redisDownUnderLoad({ seconds: 3 });
  assert.equal(f.errors5xx, 0, f.statuses as string);
  assert.equal(f.missing, 0);
});
