import type { ApiSettings } from "@honeydue/config";
import type { HoneydueMetrics, Logger } from "@honeydue/observability";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";

/**
 * Counts failures per key in a fixed window that starts at the key's first failure. One interface, two
 * implementations: Redis (shared by every API process) when REDIS_URL is set, memory otherwise.
 */
export interface FailureCounter {
  /** Failures so far in the key's window and the ms until the window ends (0 when none). */
  peek(key: string): Promise<{ count: number; resetInMs: number }>;
  /** Records one failure; returns the new count and the ms until the window ends. */
  hit(key: string): Promise<{ count: number; resetInMs: number }>;
  /** Forgets the key (a successful sign-in clears its account's failures). */
  clear(key: string): Promise<void>;
  /** Gives one hit back (an attempt counted beforehand turned out to succeed). */
  unhit(key: string): Promise<void>;
}

export function createMemoryCounter(windowMs: number, now: () => number = Date.now): FailureCounter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const live = (key: string) => {
    const w = windows.get(key);
    if (w && w.resetAt <= now()) {
      windows.delete(key);
      return undefined;
    }
    return w;
  };
  // Expired windows are swept now and then so the map cannot grow without bound.
  let calls = 0;
  const sweep = () => {
    if (++calls % 1000 !== 0) return;
    const t = now();
    for (const [key, w] of windows) if (w.resetAt <= t) windows.delete(key);
  };
  return {
    async peek(key) {
      const w = live(key);
      return w ? { count: w.count, resetInMs: w.resetAt - now() } : { count: 0, resetInMs: 0 };
    },
    async hit(key) {
      sweep();
      let w = live(key);
      if (!w) {
        w = { count: 0, resetAt: now() + windowMs };
        windows.set(key, w);
      }
      w.count++;
      return { count: w.count, resetInMs: w.resetAt - now() };
    },
    async clear(key) {
      windows.delete(key);
    },
    async unhit(key) {
      const w = live(key);
      if (w && w.count > 0) w.count--;
    },
  };
}

/** Where a limiter reports that it counts in memory because Redis does not answer. */
export interface FallbackReporter {
  /** Label of the limiter in rate_limiter_fallback{limiter}. */
  name: string;
  metrics?: Pick<HoneydueMetrics, "rateLimiterFallback" | "rateLimiterFallbackTotal">;
  log?: Pick<Logger, "warn" | "info">;
}

/**
 * Counts in Redis (rate-limiter-flexible), shared by every API process, with an in-memory insurance
 * limiter: while Redis is down or not ready, calls go to this process's memory at once instead of
 * failing, so sign-in keeps working (each process then limits on its own) and
 * rate_limiter_fallback{limiter} says so. Keys are `${prefix}${key}`; the window starts at the first
 * failure and is not extended by later ones.
 */
export function createRedisCounter(
  redis: Redis,
  windowMs: number,
  prefix = "honeydue:throttle:",
  fallback: FallbackReporter = { name: "default" },
): FailureCounter {
  const options = {
    // A failure counter never refuses by itself: the callers compare counts with their own limits.
    points: Number.MAX_SAFE_INTEGER,
    duration: Math.max(1, Math.ceil(windowMs / 1000)),
  };
  let onFallback = false;
  class Insurance extends RateLimiterMemory {
    override consume(key: string | number, points?: number, opts?: object) {
      report(true);
      return super.consume(key, points, opts);
    }
    override get(key: string | number, opts?: object) {
      report(true);
      return super.get(key, opts);
    }
    override delete(key: string | number, opts?: object) {
      report(true);
      return super.delete(key, opts);
    }
  }
  function report(usingFallback: boolean) {
    if (usingFallback) fallback.metrics?.rateLimiterFallbackTotal.inc({ limiter: fallback.name });
    if (usingFallback === onFallback) return;
    onFallback = usingFallback;
    fallback.metrics?.rateLimiterFallback.set({ limiter: fallback.name }, usingFallback ? 1 : 0);
    if (usingFallback)
      fallback.log?.warn({ limiter: fallback.name }, "Redis not answering: limiting in memory");
    else fallback.log?.info({ limiter: fallback.name }, "Redis answering again: limiting in Redis");
  }
  const limiter = new RateLimiterRedis({
    ...options,
    storeClient: redis,
    keyPrefix: prefix.replace(/:$/, ""),
    // Not connected: go to the insurance at once instead of waiting for a command to fail.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new Insurance(options),
  });
  const done = <T>(value: T) => {
    if (redis.status === "ready") report(false);
    return value;
  };
  return {
    async peek(key) {
      const res = done(await limiter.get(key));
      return res
        ? { count: res.consumedPoints, resetInMs: Math.max(0, res.msBeforeNext) }
        : { count: 0, resetInMs: 0 };
    },
    async hit(key) {
      const res = done(await limiter.consume(key, 1));
      return { count: res.consumedPoints, resetInMs: Math.max(0, res.msBeforeNext) };
    },
    async clear(key) {
      done(await limiter.delete(key));
    },
    async unhit(key) {
      done(await limiter.reward(key, 1));
    },
  };
}

/**
 * Consume before verify (issue 16): an attempt is counted, atomically (INCR in Redis, a synchronous
 * increment in memory), BEFORE the password is checked, and only an attempt whose count is within the
 * limit is checked at all. Sixty parallel wrong passwords therefore get at most `perAccountPerHour`
 * checks; a peek-then-verify-then-record throttle let all of them through. A success gives its hits back.
 */
export interface LoginThrottle {
  /**
   * Counts one attempt for the account and the address. Answers 0 when the attempt may go ahead (verify
   * the password now), else the seconds until the caller may try again (answer 429, verify nothing).
   */
  attempt(email: string, ip: string): Promise<number>;
  /** The password was right: the account's failures are forgotten and the address's hit is given back. */
  recordSuccess(email: string, ip?: string): Promise<void>;
}

/** Failed sign-ins limited per account (≤ 100/h) and per IP, each in a one-hour window. */
export function createLoginThrottle(options: {
  counter: FailureCounter;
  perAccountPerHour: number;
  perIpPerHour: number;
  /** Key namespace: one budget per purpose ("login": every password check; "code": guessable codes). */
  purpose?: string;
}): LoginThrottle {
  const purpose = options.purpose ?? "login";
  const accountKey = (subject: string) => `${purpose}:account:${subject.trim().toLowerCase()}`;
  const ipKey = (ip: string) => `${purpose}:ip:${ip}`;
  return {
    async attempt(email, ip) {
      const [account, address] = await Promise.all([
        options.counter.hit(accountKey(email)),
        options.counter.hit(ipKey(ip)),
      ]);
      let ms = 0;
      if (account.count > options.perAccountPerHour) ms = Math.max(ms, account.resetInMs);
      if (address.count > options.perIpPerHour) ms = Math.max(ms, address.resetInMs);
      return ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : 0;
    },
    async recordSuccess(email, ip) {
      await Promise.all([
        options.counter.clear(accountKey(email)),
        ip === undefined ? undefined : options.counter.unhit(ipKey(ip)),
      ]);
    },
  };
}

/**
 * The password throttle with the settings' limits in one-hour windows, built once (app.ts) and shared by
 * every route that checks a password (sign-in, password change, account deletion): counted in Redis when configured (shared by every API process), with the
 * in-memory insurance while Redis is down; in memory otherwise.
 */
export function createSignInThrottle(options: {
  redis: Redis | undefined;
  settings: Pick<ApiSettings, "loginFailuresPerAccountPerHour" | "loginFailuresPerIpPerHour">;
  /** Prefix of the Redis keys (tests give each file its own). */
  prefix?: string;
  metrics?: FallbackReporter["metrics"];
  log?: FallbackReporter["log"];
}): LoginThrottle {
  const windowMs = 3600_000;
  return createLoginThrottle({
    counter: options.redis
      ? createRedisCounter(options.redis, windowMs, options.prefix, {
          name: "sign-in",
          metrics: options.metrics,
          log: options.log,
        })
      : createMemoryCounter(windowMs),
    perAccountPerHour: options.settings.loginFailuresPerAccountPerHour,
    perIpPerHour: options.settings.loginFailuresPerIpPerHour,
  });
}

/** Wrong guessable codes (share codes, email verification codes) allowed per hour per user and per IP. */
export const CODE_FAILURES_PER_USER = 10;
export const CODE_FAILURES_PER_IP = 50;

/**
 * The budget for guessable codes, shared by share-code joins and email verification codes: attempts
 * counted before the code is compared (consume before verify), per user and per client address, in
 * one-hour windows; a right code gives its hits back. Built once in app.ts.
 */
export function createCodeThrottle(options: HourlyThrottleOptions): LoginThrottle {
  return createHourlyThrottle(options, {
    name: "codes",
    perAccountPerHour: CODE_FAILURES_PER_USER,
    perIpPerHour: CODE_FAILURES_PER_IP,
    purpose: "code",
  });
}

/** Requests through a secret link (a contractor's hand-off link, a shared report) per hour, per link and per IP. */
export const LINK_REQUESTS_PER_LINK = 100;
export const LINK_REQUESTS_PER_IP = 300;

/**
 * The budget of secret links that people without an account open: every request is counted before the
 * link is looked up, per link (its token's hash) and per client address, in one-hour windows. Built once
 * in app.ts.
 */
export function createLinkThrottle(options: HourlyThrottleOptions): LoginThrottle {
  return createHourlyThrottle(options, {
    name: "links",
    perAccountPerHour: LINK_REQUESTS_PER_LINK,
    perIpPerHour: LINK_REQUESTS_PER_IP,
    purpose: "link",
  });
}

interface HourlyThrottleOptions {
  redis: Redis | undefined;
  prefix?: string;
  metrics?: FallbackReporter["metrics"];
  log?: FallbackReporter["log"];
}

/** A LoginThrottle over one-hour windows: in Redis when there is one (named for its metrics), else in memory. */
function createHourlyThrottle(
  options: HourlyThrottleOptions,
  budget: { name: string; perAccountPerHour: number; perIpPerHour: number; purpose: "code" | "link" },
): LoginThrottle {
  const windowMs = 3600_000;
  return createLoginThrottle({
    counter: options.redis
      ? createRedisCounter(options.redis, windowMs, options.prefix, {
          name: budget.name,
          metrics: options.metrics,
          log: options.log,
        })
      : createMemoryCounter(windowMs),
    perAccountPerHour: budget.perAccountPerHour,
    perIpPerHour: budget.perIpPerHour,
    purpose: budget.purpose,
  });
}
