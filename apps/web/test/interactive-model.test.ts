import assert from "node:assert/strict";
import { test } from "node:test";
import {
  criticalNetwork,
  median,
  modelInteractive,
  type ObservedRequest,
  REFERENCE_NETWORK,
  timeToInteractive,
} from "./interactive-model.ts";

// The TTI definition and the budget's model on made-up timelines (the browser run is interactive.test.ts).

const request = (start: number, end: number | null, type = "Script", bytes = 0): ObservedRequest => ({
  start,
  end,
  type,
  bytes,
});

test("no long task and a quiet network: TTI is first contentful paint (or DOMContentLoaded if later)", () => {
  const quiet = { longTasks: [], requests: [request(0, 300, "Document")], now: 7000 };
  assert.deepEqual(timeToInteractive({ fcp: 400, domContentLoaded: 350, ...quiet }), {
    tti: 400,
    quietFrom: 400,
    confirmed: true,
  });
  assert.equal(timeToInteractive({ fcp: 400, domContentLoaded: 900, ...quiet }).tti, 900);
});

test("TTI is the end of the last long task before five quiet seconds; short tasks do not count", () => {
  const longTasks = [
    { start: 500, end: 700 },
    { start: 800, end: 830 }, // 30 ms: not long
    { start: 3000, end: 3400 },
    { start: 9000, end: 9100 }, // after a quiet window from 3400: not part of TTI
  ];
  const result = timeToInteractive({ fcp: 400, domContentLoaded: 400, longTasks, requests: [], now: 8500 });
  assert.deepEqual(result, { tti: 3400, quietFrom: 3400, confirmed: true });
  // Before the window was seen whole the answer is not confirmed: the run keeps watching.
  assert.equal(
    timeToInteractive({ fcp: 400, domContentLoaded: 400, longTasks, requests: [], now: 8000 }).confirmed,
    false,
  );
});

test("more than two requests in flight push the quiet window, not TTI itself past the last long task", () => {
  const requests = [request(1000, 2500), request(1100, 2600), request(1200, 4000)];
  const longTasks = [{ start: 600, end: 900 }];
  const result = timeToInteractive({ fcp: 500, domContentLoaded: 500, longTasks, requests, now: 20_000 });
  // Three in flight from 1200 until 2500: the window starts when the count is back to two.
  assert.deepEqual(result, { tti: 900, quietFrom: 2500, confirmed: true });
  // A request still in flight that crowds the window keeps it unconfirmed.
  const pending = [...requests, request(2600, null), request(2700, null), request(2800, null)];
  const open = timeToInteractive({
    fcp: 500,
    domContentLoaded: 500,
    longTasks,
    requests: pending,
    now: 60_000,
  });
  assert.equal(open.confirmed, false);
  assert.equal(open.tti, 900);
});

test("the network part: three round trips and the critical bytes before TTI at 1.6 Mbit/s", () => {
  const requests = [
    request(0, 200, "Document", 20_000),
    request(300, 900, "Script", 150_000),
    request(300, 600, "Stylesheet", 5_000),
    request(2000, 2100, "Fetch", 90_000), // a prefetch: not needed to be interactive
    request(9000, 9100, "Script", 70_000), // after TTI
  ];
  assert.deepEqual(criticalNetwork(requests, 3000), {
    networkMs: Math.round(3 * REFERENCE_NETWORK.rttMs + 175_000 / REFERENCE_NETWORK.bytesPerMs),
    criticalBytes: 175_000,
    criticalRequests: 3,
  });
});

test("the model: the median load's network, and its main thread's CPU time scaled to the phone", () => {
  const network = { networkMs: 1200, criticalBytes: 160_000, criticalRequests: 9 };
  const loads = [
    { ...network, workMs: 600, cpuScale: 1 },
    // An odd load (a calibration far off) moves nothing.
    { ...network, workMs: 620, cpuScale: 3 },
    { ...network, workMs: 500, cpuScale: 1.1 },
  ];
  assert.deepEqual(modelInteractive(loads), {
    ms: 1800,
    networkMs: 1200,
    criticalBytes: 160_000,
    cpuMs: 600,
  });
  assert.throws(() => modelInteractive([]));
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});
