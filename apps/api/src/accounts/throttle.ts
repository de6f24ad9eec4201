import type { ApiSettings } from "@honeydue/config";
import type { Redis } from "ioredis";

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
  };
}

export function createRedisCounter(
  redis: Redis,
  windowMs: number,
  prefix = "honeydue:throttle:",
): FailureCounter {
  return {
    async peek(key) {
      const [[, count], [, ttl]] = (await redis
        .multi()
        .get(prefix + key)
        .pttl(prefix + key)
        .exec()) as [[unknown, string | null], [unknown, number]];
      return { count: Number(count ?? 0), resetInMs: Math.max(0, ttl) };
    },
    async hit(key) {
      // SET NX PX starts the window at the first failure; INCR counts. One round trip, atomic.
      const results = (await redis
        .multi()
        .set(prefix + key, 0, "PX", windowMs, "NX")
        .incr(prefix + key)
        .pttl(prefix + key)
        .exec()) as [unknown, unknown][];
      return { count: Number(results[1]![1]), resetInMs: Math.max(0, Number(results[2]![1])) };
    },
    async clear(key) {
      await redis.del(prefix + key);
    },
  };
}

export interface LoginThrottle {
  /** Seconds until the caller may try again, or 0 when neither the account nor the IP is blocked. */
  blockedFor(email: string, ip: string): Promise<number>;
  recordFailure(email: string, ip: string): Promise<void>;
  recordSuccess(email: string): Promise<void>;
}

/** Failed sign-ins limited per account (≤ 100/h) and per IP, each in a one-hour window. */
export function createLoginThrottle(options: {
  counter: FailureCounter;
  perAccountPerHour: number;
  perIpPerHour: number;
}): LoginThrottle {
  const accountKey = (email: string) => `login:account:${email.trim().toLowerCase()}`;
  const ipKey = (ip: string) => `login:ip:${ip}`;
  return {
    async blockedFor(email, ip) {
      const [account, address] = await Promise.all([
        options.counter.peek(accountKey(email)),
        options.counter.peek(ipKey(ip)),
      ]);
      let ms = 0;
      if (account.count >= options.perAccountPerHour) ms = Math.max(ms, account.resetInMs);
      if (address.count >= options.perIpPerHour) ms = Math.max(ms, address.resetInMs);
      return ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : 0;
    },
    async recordFailure(email, ip) {
      await Promise.all([options.counter.hit(accountKey(email)), options.counter.hit(ipKey(ip))]);
    },
    async recordSuccess(email) {
      await options.counter.clear(accountKey(email));
    },
  };
}

/**
 * The sign-in throttle with the settings' limits in one-hour windows, as sign-in and account deletion use
 * it: counted in Redis when configured (shared by every API process and by both routes), in memory otherwise.
 */
export function createSignInThrottle(options: {
  redis: Redis | undefined;
  settings: Pick<ApiSettings, "loginFailuresPerAccountPerHour" | "loginFailuresPerIpPerHour">;
  /** Prefix of the Redis keys (tests give each file its own). */
  prefix?: string;
}): LoginThrottle {
  const windowMs = 3600_000;
  return createLoginThrottle({
    counter: options.redis
      ? createRedisCounter(options.redis, windowMs, options.prefix)
      : createMemoryCounter(windowMs),
    perAccountPerHour: options.settings.loginFailuresPerAccountPerHour,
    perIpPerHour: options.settings.loginFailuresPerIpPerHour,
  });
}
