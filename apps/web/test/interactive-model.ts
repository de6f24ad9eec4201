// Time to interactive, and the load-independent model of it the performance budget is enforced on
// (decision 0014). Pure functions: the browser run (interactive.test.ts) feeds them what it observed, and
// interactive-model.test.ts checks them on made-up timelines.

/** A span on the page's clock (ms since navigation start). */
export interface Span {
  start: number;
  end: number;
}

/** A request as the browser saw it; `end` is null while it is in flight. */
export interface ObservedRequest {
  start: number;
  end: number | null;
  /** Bytes on the wire (headers and compressed body). */
  bytes: number;
  /** The DevTools resource type: Document, Script, Stylesheet, Font, Image, Fetch, … */
  type: string;
}

/** A main task longer than this blocks input noticeably (the Long Tasks API's threshold). */
export const LONG_TASK_MS = 50;
/** TTI needs this long without long tasks and with at most two requests in flight. */
export const QUIET_WINDOW_MS = 5000;
const MAX_IN_FLIGHT = 2;

/**
 * Time to interactive as Lighthouse and the original definition have it: from first contentful paint (and
 * not before DOMContentLoaded), find the first window of QUIET_WINDOW_MS with no long task and at most two
 * requests in flight; TTI is the end of the last long task before that window (or the lower bound when
 * there is none). `confirmed` is false while the window has not been observed whole (`now` is before its
 * end, or requests that started before its end are still in flight): the caller keeps watching.
 */
export function timeToInteractive(input: {
  fcp: number;
  domContentLoaded: number;
  longTasks: Span[];
  requests: ObservedRequest[];
  now: number;
}): { tti: number; quietFrom: number; confirmed: boolean } {
  const lower = Math.max(input.fcp, input.domContentLoaded);
  const tasks = input.longTasks.filter((task) => task.end - task.start > LONG_TASK_MS);
  const spans = input.requests.map((r) => ({ start: r.start, end: r.end ?? Number.POSITIVE_INFINITY }));
  let from = lower;
  for (let guard = 0; guard < 10_000; guard++) {
    const until = from + QUIET_WINDOW_MS;
    const blocking = tasks.find((task) => task.end > from && task.start < until);
    if (blocking) {
      from = blocking.end;
      continue;
    }
    const busy = busyUntil(spans, from, until);
    if (busy === null) break;
    from = busy;
  }
  const before = tasks.filter((task) => task.end <= from).map((task) => task.end);
  const tti = Math.max(lower, ...before);
  const confirmed = input.now >= from + QUIET_WINDOW_MS && from !== Number.POSITIVE_INFINITY;
  return { tti, quietFrom: from, confirmed };
}

/**
 * Null when at most MAX_IN_FLIGHT requests are in flight at every moment of [from, until); otherwise the
 * first moment after the first crowded one when the count is back down (where a quiet window may start).
 */
function busyUntil(spans: Span[], from: number, until: number): number | null {
  // The count only rises at a start, so checking `from` and every start inside the window finds a crowd.
  const inFlight = (t: number) => spans.filter((s) => s.start <= t && s.end > t).length;
  const moments = [from, ...spans.map((s) => s.start).filter((t) => t > from && t < until)].sort(
    (a, b) => a - b,
  );
  const crowded = moments.find((t) => inFlight(t) > MAX_IN_FLIGHT);
  if (crowded === undefined) return null;
  const ends = spans
    .map((s) => s.end)
    .filter((t) => t > crowded)
    .sort((a, b) => a - b);
  return ends.find((t) => inFlight(t) <= MAX_IN_FLIGHT) ?? Number.POSITIVE_INFINITY;
}

/**
 * The reference phone link, as Lighthouse's simulated mobile throttling has it ("slow 4G"): 150 ms round
 * trips and 1.6 Mbit/s down.
 */
export const REFERENCE_NETWORK = { rttMs: 150, bytesPerMs: (1638.4 * 1024) / 8 / 1000 };
/**
 * The reference phone's CPU: Lighthouse's mobile setting runs a desktop's main thread 4 times slower; our
 * reference desktop is this machine kind's core (decision 0014).
 */
export const CPU_SLOWDOWN = 4;
/**
 * Resource types a page needs before it can answer input: its HTML, scripts, styles and fonts. Images and
 * the fetches the page makes on its own afterwards (Next's prefetches, the offline sync) are not.
 */
const CRITICAL_TYPES = new Set(["Document", "Script", "Stylesheet", "Font"]);

export interface CriticalNetwork {
  /** Three round trips (connection, document, the resources it names) and the critical bytes' transfer. */
  networkMs: number;
  criticalBytes: number;
  criticalRequests: number;
}

/** The network part of the model: the critical requests made before TTI, at the reference link. */
export function criticalNetwork(requests: ObservedRequest[], tti: number): CriticalNetwork {
  const critical = requests.filter((r) => CRITICAL_TYPES.has(r.type) && r.start <= tti);
  const criticalBytes = critical.reduce((sum, r) => sum + r.bytes, 0);
  const { rttMs, bytesPerMs } = REFERENCE_NETWORK;
  return {
    networkMs: Math.round(3 * rttMs + criticalBytes / bytesPerMs),
    criticalBytes,
    criticalRequests: critical.length,
  };
}

/** One cold load as observed: its critical network, its main thread's CPU time, the calibration after it. */
export interface ObservedLoad extends CriticalNetwork {
  /** The main thread's CPU time for the load (throttled, on this machine). */
  workMs: number;
  /**
   * Reference-phone ms per CPU ms measured here: CPU_SLOWDOWN × the calibration workload's CPU time on the
   * reference machine ÷ its CPU time in the same page right after the load (about 4 for an unthrottled
   * load on the reference machine kind, whatever else runs; less on a slower machine).
   */
  cpuScale: number;
}

export interface ModelledInteractive {
  /** The modelled TTI on the reference phone: networkMs + cpuMs (no overlap counted: an upper bound). */
  ms: number;
  networkMs: number;
  criticalBytes: number;
  /** The main thread's work, in reference-phone ms. */
  cpuMs: number;
}

/**
 * The TTI of a page on the reference phone from several cold loads, from quantities that do not move with
 * how busy this machine is: the critical bytes at the reference link, and the main thread's CPU time — not
 * wall time: a thread waiting for a core does no work — scaled to the reference phone by the calibration.
 * The median load of each, so one odd load moves nothing.
 */
export function modelInteractive(loads: ObservedLoad[]): ModelledInteractive {
  if (loads.length === 0) throw new Error("no load to model");
  const networkMs = median(loads.map((l) => l.networkMs));
  const criticalBytes = median(loads.map((l) => l.criticalBytes));
  const cpuMs = Math.round(median(loads.map((l) => l.workMs * l.cpuScale)));
  return { ms: Math.round(networkMs + cpuMs), networkMs, criticalBytes, cpuMs };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
