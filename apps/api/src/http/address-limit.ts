import { isIPv6 } from "node:net";
import type { HoneydueMetrics, Logger } from "@honeydue/observability";
import type { FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { tooManyRequests } from "../accounts/actions.ts";
import { createMemoryCounter, createRedisCounter } from "../accounts/throttle.ts";
import type { App } from "./app-type.ts";

/** Probes of the orchestrator and the load balancer: never limited (they come from the nodes). */
const EXEMPT_ROUTES = new Set(["/livez", "/healthz", "/readyz"]);

/**
 * The bucket of a client address: an IPv4 address itself (also when written IPv4-mapped), an IPv6
 * address's /64 — one subscriber usually holds a whole /64 and could otherwise change address per request.
 */
export function addressBucket(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = "", tail = ""] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = ip.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = [...left, ...new Array(8 - left.length - right.length).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}

/**
 * A route is unauthenticated when its OpenAPI security allows an anonymous caller: no `security` at all
 * (sign-in, sign-up, links from emails, calendar feeds, storage URLs, unknown paths) or `{}` among its
 * alternatives (optional sign-in). Decided from the route, never from the request's headers, so a bogus
 * Authorization header does not take a request out of the budget.
 */
export function isUnauthenticatedRoute(request: FastifyRequest): boolean {
  if (request.method === "OPTIONS") return false;
  const url = request.routeOptions.url;
  if (url !== undefined && EXEMPT_ROUTES.has(url)) return false;
  const security = request.routeOptions.schema?.security;
  return !security || security.length === 0 || security.some((s) => Object.keys(s).length === 0);
}

/**
 * The per-address global limit of unauthenticated routes (issue 16): every request to such a route is
 * counted per client address (`request.ip`, the real client behind TRUST_PROXY; IPv6 per /64) in one-minute windows
 * before anything else runs; past the limit it answers 429 with Retry-After. Counted in Redis when
 * configured (shared by every API process, in-memory insurance while Redis is down), else in memory.
 * `perMinute` 0 turns it off. The web app's server forwards each browser's address (X-Forwarded-For), so
 * its pods must be in TRUST_PROXY (docs/security.md).
 */
export function registerAddressLimit(
  app: App,
  options: {
    perMinute: number;
    redis: Redis | undefined;
    metrics?: Pick<HoneydueMetrics, "rateLimiterFallback" | "rateLimiterFallbackTotal">;
    log?: Pick<Logger, "warn" | "info">;
  },
) {
  if (options.perMinute <= 0) return;
  const windowMs = 60_000;
  const counter = options.redis
    ? createRedisCounter(options.redis, windowMs, "honeydue:address:", {
        name: "unauthenticated",
        metrics: options.metrics,
        log: options.log,
      })
    : createMemoryCounter(windowMs);
  app.addHook("onRequest", async (request) => {
    if (!isUnauthenticatedRoute(request)) return;
    const { count, resetInMs } = await counter.hit(addressBucket(request.ip));
    if (count > options.perMinute)
      throw tooManyRequests(
        "Too many requests from this address; try again later",
        Math.max(1, Math.ceil(resetInMs / 1000)),
      );
  });
}
