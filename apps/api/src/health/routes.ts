import { migrationStatus } from "@honeydue/db";
import { sql } from "drizzle-orm";
import Type from "typebox";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../http/app-type.ts";

const Check = Type.Object({ name: Type.String(), ok: Type.Boolean(), detail: Type.Optional(Type.String()) });
const Readiness = Type.Object({
  status: Type.Union([Type.Literal("ready"), Type.Literal("degraded"), Type.Literal("not-ready")], {
    description:
      "ready: every check passed. degraded: only optional checks failed (Redis: sign-in throttles count " +
      "in memory, job kicks wait for the worker's poll); the API serves every route, so 200. not-ready: a " +
      "required check failed, 503.",
  }),
  /** The checks whose failure makes the API not ready. */
  required: Type.Array(Type.String()),
  checks: Type.Array(Check),
});

/**
 * What the API cannot serve without: the database with a current schema, and not shutting down. Redis
 * is optional: a Redis outage must not take the API out of the load balancer (docs/ops/05-services.md).
 */
const REQUIRED = ["shutdown", "database", "migrations"];

async function check(name: string, fn: () => Promise<string | undefined>) {
  try {
    const problem = await Promise.race([
      fn(),
      new Promise<string>((resolve) => setTimeout(() => resolve("timed out after 2 s"), 2000).unref()),
    ]);
    return problem ? { name, ok: false, detail: problem } : { name, ok: true };
  } catch (error) {
    return { name, ok: false, detail: error instanceof Error ? error.message.split("\n")[0] : "failed" };
  }
}

export function registerHealthRoutes(
  app: App,
  deps: Pick<ApiDeps, "db" | "database" | "redis" | "lifecycle">,
) {
  // Liveness: the process is up and its event loop turns; no dependency is checked, so a database or
  // Redis outage never makes the orchestrator restart healthy processes. /healthz is the older name.
  for (const url of ["/livez", "/healthz"]) {
    app.get(
      url,
      {
        schema: {
          tags: ["health"],
          summary: "Liveness: the process is up",
          response: { 200: Type.Object({ status: Type.Literal("ok") }) },
        },
      },
      async () => ({ status: "ok" as const }),
    );
  }

  app.get(
    "/readyz",
    {
      schema: {
        tags: ["health"],
        summary: "Readiness: database reachable and schema current (Redis only degrades it)",
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      const checks = await Promise.all([
        check("shutdown", async () => (deps.lifecycle.shuttingDown ? "shutting down" : undefined)),
        check("database", async () => {
          await deps.db.execute(sql`SELECT 1`);
          return undefined;
        }),
        check("migrations", async () => {
          const status = await migrationStatus(deps.database);
          if (status.pending.length) return `pending migrations: ${status.pending.join(", ")}`;
          if (status.changed.length) return `changed migrations: ${status.changed.join(", ")}`;
          return undefined;
        }),
        ...(deps.redis
          ? [
              check("redis", async () => {
                const pong = await deps.redis!.ping();
                return pong === "PONG" ? undefined : `unexpected reply ${pong}`;
              }),
            ]
          : []),
      ]);
      const notReady = checks.some((c) => !c.ok && REQUIRED.includes(c.name));
      const status = notReady ? "not-ready" : checks.every((c) => c.ok) ? "ready" : "degraded";
      return reply.status(notReady ? 503 : 200).send({ status, required: REQUIRED, checks });
    },
  );
}
