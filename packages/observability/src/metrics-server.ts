/**
 * A tiny HTTP server exposing GET /metrics on a port of its own (never routed by
 * the ingress). vmagent scrapes it in-cluster; the optional bearer token guards it
 * against anything else in the cluster network.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface MetricsServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host: string;
  /**
   * When set, requests must carry `Authorization: Bearer <token>`. An array allows
   * two valid tokens while rotating. Empty strings are ignored.
   */
  bearerToken?: string | readonly string[];
  registry: Registry;
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/**
 * Constant-time check of an Authorization header against the accepted tokens.
 * Both sides are hashed first so the comparison does not leak the token length,
 * and every candidate is compared (no early exit).
 */
export function bearerTokenMatches(header: string | undefined, tokens: readonly string[]): boolean {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? "");
  const presented = digest(match?.[1] ?? "");
  let ok = false;
  for (const token of tokens) {
    const equal = timingSafeEqual(presented, digest(token));
    ok = equal || ok;
  }
  return ok && match !== null;
}

export function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const tokens = (
    options.bearerToken === undefined
      ? []
      : typeof options.bearerToken === "string"
        ? [options.bearerToken]
        : [...options.bearerToken]
  ).filter((t) => t.length > 0);
  const { registry } = options;

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end();
      return;
    }
    if (tokens.length > 0 && !bearerTokenMatches(req.headers.authorization, tokens)) {
      res
        .writeHead(401, {
          "www-authenticate": 'Bearer realm="metrics"',
          "content-type": "text/plain; charset=utf-8",
        })
        .end("unauthorized\n");
      return;
    }
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
        res.end(req.method === "HEAD" ? undefined : body);
      },
      (err: unknown) => {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end(`metrics collection failed: ${err instanceof Error ? err.message : String(err)}\n`);
      },
    );
  });
  // Scrapes are short; never let a slow client pin a socket.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 65_000;

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeIdleConnections();
          }),
      });
    });
  });
}
