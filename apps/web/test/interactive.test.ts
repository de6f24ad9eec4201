import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { test } from "node:test";
import { waitFor } from "@honeydue/testkit";
import { artifactsDir } from "@honeydue/testkit/browser";
import type { Browser, BrowserContext } from "playwright-core";
import {
  CPU_SLOWDOWN,
  criticalNetwork,
  median,
  modelInteractive,
  type ObservedLoad,
  type ObservedRequest,
  QUIET_WINDOW_MS,
  type Span,
  timeToInteractive,
} from "./interactive-model.ts";
import { signUpMember, startWebStack } from "./support.ts";

// The time-to-interactive budget on the production build (decision 0014). Each main route is loaded cold
// in headless Chromium on a throttled phone (CPU 4× slower, slow 4G), THROTTLED_RUNS times. The raw TTI of
// those loads is reported (CI log and artifacts/web-performance/interactive.json) but never asserted: on a
// shared 2-core machine it moves with everyone else's work. The budget is enforced on the modelled TTI of
// MODEL_RUNS unthrottled cold loads, built from what does not move: the critical bytes (network simulated at
// the reference link) and the main thread's CPU time (not wall time: waiting for a core is not work; and
// unthrottled, since the throttle's own pauses are counted as CPU time), scaled by a calibration workload's
// CPU time in the same page right after, against the reference machine's, × 4.

/** Lighthouse's "fast" time to interactive on its mobile reference (the scoring curve's 10th percentile). */
const BUDGET_MS = 3800;
const THROTTLED_RUNS = 2;
const MODEL_RUNS = 3;
/** Iterations of `calibrate` below per calibration. */
const CALIBRATION_ITERATIONS = 5000;
/**
 * Main-thread CPU ms of CALIBRATION_ITERATIONS of `calibrate`, warmed up, unthrottled, on the reference
 * machine: this machine kind (2 cores), Debian's Chromium 156. Five runs at load average 16 took 45.6–48.2 ms
 * of CPU (69–371 ms of wall time); the least, as the test takes it (decision 0014).
 */
const REFERENCE_CALIBRATION_CPU_MS = 45.6;
/** DevTools' request-level throttling for Lighthouse's slow 4G (its "devtools" throttling preset). */
const SLOW_4G = {
  offline: false,
  latency: 562.5,
  downloadThroughput: (1474.56 * 1024) / 8,
  uploadThroughput: (675 * 1024) / 8,
};

/** Collects the page's long tasks from its first moment (before any script of its own runs). */
const LONG_TASKS_OBSERVER = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, end: e.startTime + e.duration });
  }).observe({ type: "longtask", buffered: true });
`;

/**
 * A fixed piece of main-thread work — array copies and string building, so both the JIT's loops and the
 * allocator and garbage collector are in it.
 */
function calibrate(iterations: number): number {
  const source = Array.from({ length: 10_000 }, (_, i) => i);
  const target = new Array<number>(source.length);
  let built = 0;
  for (let k = 0; k < iterations; k++) {
    for (let i = 0; i < source.length; i++) target[i] = (source[i] as number) * 2 + 1;
    let text = "";
    for (let i = 0; i < 1000; i++) text += "x";
    built += text.length;
  }
  // Used, so the engine cannot drop the work.
  return built + (target[source.length - 1] ?? 0);
}

interface Run extends ObservedLoad {
  /** A phone's load (CPU 4×, slow 4G: the raw TTI) or an unthrottled one (the model's CPU time). */
  throttled: boolean;
  route: string;
  /** Raw: measured on this machine right now (reported, not asserted). Null if never quiet within 90 s. */
  tti: number | null;
  fcp: number;
}

async function measure(
  browser: Browser,
  url: string,
  route: string,
  signedIn: BrowserContext | null,
  throttled: boolean,
) {
  const context = await browser.newContext({
    viewport: { width: 360, height: 780 },
    locale: "en-US",
    // The page itself, cold: no service worker installing its own cache alongside.
    serviceWorkers: "block",
    ...(signedIn ? { storageState: await signedIn.storageState() } : {}),
  });
  try {
    await context.addInitScript(LONG_TASKS_OBSERVER);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Performance.enable");
    if (throttled) {
      await cdp.send("Network.emulateNetworkConditions", SLOW_4G);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
    }
    // Requests on the wall clock (the page's clock is wall time since its time origin).
    const requests = new Map<string, ObservedRequest & { wallStart: number; monotonicStart: number }>();
    cdp.on("Network.requestWillBeSent", (e) => {
      requests.set(e.requestId, {
        start: 0,
        end: null,
        bytes: 0,
        type: e.type ?? "Other",
        wallStart: e.wallTime * 1000,
        monotonicStart: e.timestamp,
      });
    });
    const finish = (id: string, timestamp: number, bytes: number) => {
      const request = requests.get(id);
      if (!request) return;
      request.end = request.wallStart + (timestamp - request.monotonicStart) * 1000;
      request.bytes = bytes;
    };
    cdp.on("Network.loadingFinished", (e) => finish(e.requestId, e.timestamp, e.encodedDataLength));
    cdp.on("Network.loadingFailed", (e) => finish(e.requestId, e.timestamp, 0));
    // The main thread's CPU time over the run, sampled with the page's clock.
    const work: { at: number; ms: number }[] = [];
    await page.goto(url, { waitUntil: "domcontentloaded", timeout: 120_000 });
    const observe = async () => {
      const metrics = await cdp.send("Performance.getMetrics");
      const cpuSeconds = metrics.metrics.find((m) => m.name === "ThreadTime")?.value ?? 0;
      const seen = await page.evaluate(() => {
        const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime;
        return {
          now: performance.now(),
          origin: performance.timeOrigin,
          fcp: fcp ?? null,
          domContentLoaded: navigation?.domContentLoadedEventEnd || null,
          longTasks: (window as unknown as { __longTasks: Span[] }).__longTasks,
        };
      });
      work.push({ at: seen.now, ms: cpuSeconds * 1000 });
      const observed = [...requests.values()].map((r) => ({
        ...r,
        start: r.wallStart - seen.origin,
        end: r.end === null ? null : r.end - seen.origin,
      }));
      if (seen.fcp === null || seen.domContentLoaded === null) return { seen, observed, result: null };
      const result = timeToInteractive({
        fcp: seen.fcp,
        domContentLoaded: seen.domContentLoaded,
        longTasks: seen.longTasks,
        requests: observed,
        now: seen.now,
      });
      return { seen, observed, result };
    };
    let last = await observe();
    let confirmed = true;
    try {
      await waitFor(
        `${route}: ${QUIET_WINDOW_MS / 1000} quiet seconds after first paint`,
        async () => {
          last = await observe();
          return last.result?.confirmed;
        },
        { timeoutMs: 90_000, intervalMs: 250 },
      );
    } catch {
      // Never quiet within 90 s (a saturated machine): the raw TTI is unknown; the model uses the work
      // until the last long task seen, which is what TTI would be if the page went quiet now.
      confirmed = false;
    }
    const { seen, observed, result } = last;
    if (!result || seen.fcp === null) assert.fail(`${route}: no first contentful paint within 90 s`);
    // The main thread's CPU time for the whole load: until the quiet window was seen whole, so hydration and
    // Next's prefetches are always in it (the window itself holds no long task: little more).
    const workMs = work.at(-1)?.ms ?? 0;
    // The calibration, in this page, under the same conditions, right after: a warm-up, then the least CPU
    // time of three (other work on the machine only ever adds to it: shared caches, a busy sibling core).
    const cpuMs = async () =>
      ((await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "ThreadTime")?.value ?? 0) *
      1000;
    await page.evaluate(calibrate, CALIBRATION_ITERATIONS / 5);
    const calibrations: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = await cpuMs();
      await page.evaluate(calibrate, CALIBRATION_ITERATIONS);
      calibrations.push((await cpuMs()) - before);
    }
    // Reference-phone ms per ms measured here: the phone is CPU_SLOWDOWN × the reference machine.
    const cpuScale = (CPU_SLOWDOWN * REFERENCE_CALIBRATION_CPU_MS) / Math.min(...calibrations);
    const run: Run = {
      route,
      throttled,
      tti: confirmed ? Math.round(result.tti) : null,
      fcp: Math.round(seen.fcp),
      workMs: Math.round(workMs),
      cpuScale: Number(cpuScale.toFixed(3)),
      ...criticalNetwork(observed, result.tti),
    };
    return run;
  } finally {
    await context.close();
  }
}

// 4 routes × 3 cold loads, each watched for its 5 quiet seconds: longer than the suite's default per test.
test("time to interactive on a throttled phone: modelled within the budget, raw reported", {
  timeout: 600_000,
}, async (t) => {
  const stack = await startWebStack(t);
  if (!stack) return;
  const { web, browser } = stack;
  const who = {
    email: "tti@interactive.example.test",
    password: "tti's long passphrase",
    name: "Tia Timing",
  };
  const member = await signUpMember(stack, who);
  const residence = await member.post<{ id: string }>("/v1/residences", {
    name: "Quick House",
    propertyType: "house",
  });
  // A list worth rendering: overdue, due soon and later tasks, some recurring.
  const today = new Date();
  const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  for (let i = 0; i < 24; i++) {
    await member.post(`/v1/residences/${residence.id}/tasks`, {
      title: `Household task number ${i + 1}`,
      dueOn: day(i * 3 - 10),
      ...(i % 3 === 0 ? { recurrence: { kind: "fixed", interval: 3, unit: "month" } } : {}),
    });
  }
  const signedIn = await browser.newContext({ locale: "en-US" });
  const page = await signedIn.newPage();
  await page.goto(`${web}/sign-in`);
  await page.getByLabel("Email address").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/tasks$/, { timeout: 60_000 });

  const routes: [string, string, boolean][] = [
    ["/ (start page)", "/", false],
    ["/tasks", "/tasks", true],
    ["/residences/{id} (the list)", `/residences/${residence.id}`, true],
    ["/residences/{id}/tasks/new (the task form)", `/residences/${residence.id}/tasks/new`, true],
  ];
  const runs: Run[] = [];
  for (const [route, path, needsSession] of routes) {
    const session = needsSession ? signedIn : null;
    for (let i = 0; i < THROTTLED_RUNS; i++)
      runs.push(await measure(browser, `${web}${path}`, route, session, true));
    for (let i = 0; i < MODEL_RUNS; i++)
      runs.push(await measure(browser, `${web}${path}`, route, session, false));
  }
  await signedIn.close();

  const summary = routes.map(([route]) => {
    const phone = runs.filter((r) => r.route === route && r.throttled);
    const mine = runs.filter((r) => r.route === route && !r.throttled);
    const raw = phone.map((r) => r.tti).filter((v): v is number => v !== null);
    const modelled = modelInteractive(mine);
    return {
      route,
      modelledMs: modelled.ms,
      networkMs: modelled.networkMs,
      cpuMs: modelled.cpuMs,
      criticalKiB: Number((modelled.criticalBytes / 1024).toFixed(1)),
      rawTtiMs: raw.length ? median(raw) : null,
      rawFcpMs: median(phone.map((r) => r.fcp)),
      cpuScale: median(mine.map((r) => r.cpuScale)),
    };
  });
  const file = `${artifactsDir("web-performance")}/interactive.json`;
  writeFileSync(file, `${JSON.stringify({ budgetMs: BUDGET_MS, summary, runs }, null, 2)}\n`);
  t.diagnostic(
    `time to interactive (a route: ${THROTTLED_RUNS} throttled cold loads, raw, their median; ${MODEL_RUNS} unthrottled ones for the model; budget ${BUDGET_MS} ms modelled), details in ${file}`,
  );
  for (const s of summary) {
    t.diagnostic(
      `${s.route}: modelled ${s.modelledMs} ms (network ${s.networkMs} ms for ${s.criticalKiB} KiB, main thread ${s.cpuMs} ms); ` +
        `raw on this machine now: TTI ${s.rawTtiMs ?? "not quiet within 90 s"} ms, FCP ${s.rawFcpMs} ms; CPU scale ${s.cpuScale}`,
    );
  }
  for (const s of summary) {
    assert.ok(
      s.modelledMs <= BUDGET_MS,
      `${s.route}: modelled time to interactive ${s.modelledMs} ms > ${BUDGET_MS} ms ` +
        `(network ${s.networkMs} ms for ${s.criticalKiB} KiB, main thread ${s.cpuMs} ms)`,
    );
  }
});
