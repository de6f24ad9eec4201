import assert from "node:assert/strict";
import { test } from "node:test";
import { UnrecoverableError } from "bullmq";
import { isPermanentError, jobData, splitJobData } from "../src/runtime/queue-contract.ts";

test("permanent errors: BullMQ's UnrecoverableError (known by name), errors that say so, SMTP 5xx", () => {
  assert.equal(isPermanentError(new UnrecoverableError("unknown job")), true);
  assert.equal(isPermanentError(Object.assign(new Error("no template"), { permanent: true })), true);
  assert.equal(
    isPermanentError(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 })),
    true,
  );
  assert.equal(isPermanentError(Object.assign(new Error("try later"), { responseCode: 451 })), false);
  assert.equal(isPermanentError(new Error("connection reset")), false);
  assert.equal(isPermanentError("a string"), false);
  assert.equal(isPermanentError(null), false);
});

test("the job data envelope carries the trace context and gives it back", () => {
  const traceContext = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
  const data = jobData({ userId: "u1" }, traceContext);
  assert.deepEqual(splitJobData(data), { payload: { userId: "u1" }, traceContext });
  assert.deepEqual(splitJobData({ userId: "u1" }), { payload: { userId: "u1" }, traceContext: null });
  // Only an object payload takes the context; anything else is passed as it is.
  assert.deepEqual(jobData([1], traceContext), [1]);
});
