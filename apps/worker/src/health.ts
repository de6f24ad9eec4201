import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "@honeydue/db";
import { bearerTokenMatches } from "@honeydue/observability";
import { sql } from "drizzle-orm";
import type { Redis } from "ioredis";

export interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

async function check(name: string, fn: () => Promise<string | undefined>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const problem = await Promise.race([
      fn(),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve("timed out after 2 s"), 2000);
      }),
    ]);
    return problem ? { name, ok: false, detail: problem } : { name, ok: true };
  } catch (error) {
    return { name, ok: false, detail: error instanceof Error ? error.message.split("\n")[0] : "failed" };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * BullMQ needs Redis to keep every key: with any eviction policy Redis may silently drop queued jobs under
 * memory pressure. Read from INFO (works where CONFIG is disabled, e.g. managed Redis).
 */
export async function maxmemoryPolicy(redis: Redis): Promise<string | undefined> {
  const info = await redis.info("memory");
  return /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
}

export async function readiness(deps: {
  db: Database;
  redis: Redis;
  lifecycle: { shuttingDown: boolean };
}): Promise<{ status: "ready" | "not-ready"; checks: Check[] }> {
  const checks = await Promise.all([
    check("shutdown", async () => (deps.lifecycle.shuttingDown ? "shutting down" : undefined)),
    check("database", async () => {
      await deps.db.execute(sql`SELECT 1`);
      return undefined;
    }),
    check("redis", async () => {
      const pong = await deps.redis.ping();
      return pong === "PONG" ? undefined : `unexpected reply ${pong}`;
    }),
    check("redis-maxmemory-policy", async () => {
      const policy = await maxmemoryPolicy(deps.redis);
      return policy === "noeviction"
        ? undefined
        : `maxmemory-policy is ${policy ?? "unknown"}; BullMQ needs noeviction`;
    }),
  ]);
  return { status: checks.every((c) => c.ok) ? "ready" : "not-ready", checks };
}

/**
 * The worker's own small HTTP port: GET /livez (the process is up; /healthz is the older name), GET /readyz
 * (PostgreSQL, Redis and its eviction policy; fails while shutting down), GET /metrics (Prometheus).
 */
export async function startHealthServer(options: {
  host: string;
  port: number;
  readiness: () => ReturnType<typeof readiness>;
  metrics?: { contentType: string; metrics(): Promise<string> };
  /** METRICS_TOKEN: when set, GET /metrics needs `Authorization: Bearer <token>` (probes stay open). */
  metricsToken?: string | undefined;
}): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?", 1)[0];
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.method !== "GET") return json(405, { status: "method not allowed" });
    if (path === "/livez" || path === "/healthz") return json(200, { status: "ok" });
    if (path === "/readyz") {
      options.readiness().then(
        (r) => json(r.status === "ready" ? 200 : 503, r),
        (error) =>
          json(503, {
            status: "not-ready",
            checks: [{ name: "readiness", ok: false, detail: String(error) }],
          }),
      );
      return;
    }
    if (path === "/metrics" && options.metrics) {
      if (options.metricsToken && !bearerTokenMatches(req.headers.authorization, [options.metricsToken])) {
        res.writeHead(401, { "www-authenticate": 'Bearer realm="metrics"' }).end();
        return;
      }
      const m = options.metrics;
      m.metrics().then(
        (text) => res.writeHead(200, { "content-type": m.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    json(404, { status: "not found" });
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
