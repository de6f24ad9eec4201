import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import { after } from "node:test";

export interface FakeCpscServer {
  /** The Recall endpoint, e.g. http://127.0.0.1:PORT/RestWebServices/Recall (the RECALLS_CPSC_URL). */
  url: string;
  /** Every request's query, in order. */
  requests: URLSearchParams[];
  /**
   * What the next requests get: the recalls of a fixture file or given, other JSON (not a list), an HTTP
   * error status, or a body that is not JSON.
   */
  answer(
    with_:
      | { fixture: string }
      | { recalls: unknown[] }
      | { json: unknown }
      | { status: number }
      | { garbage: string },
  ): void;
  close(): Promise<void>;
}

/**
 * A stand-in for the CPSC Recall Retrieval Web Services speaking its protocol: `GET /RestWebServices/Recall`
 * with `format=json` answers a JSON array of recalls (fixture files in the published shape), filtered by
 * `LastPublishDateStart` the way the real service filters (recalls whose LastPublishDate is on or after it).
 * Without `format=json` it answers XML, as CPSC does, which a JSON client cannot read. Closed after the file.
 */
export async function startFakeCpscServer(): Promise<FakeCpscServer> {
  const requests: URLSearchParams[] = [];
  let current: { recalls: unknown[] } | { json: unknown } | { status: number } | { garbage: string } = {
    recalls: [],
  };
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" || url.pathname !== "/RestWebServices/Recall") {
      res.writeHead(404, { "content-type": "text/html" }).end("<h1>Not Found</h1>");
      return;
    }
    requests.push(url.searchParams);
    if ("status" in current) {
      res.writeHead(current.status, { "content-type": "text/html" }).end("<h1>Service Unavailable</h1>");
      return;
    }
    if ("json" in current) {
      res
        .writeHead(200, { "content-type": "application/json; charset=utf-8" })
        .end(JSON.stringify(current.json));
      return;
    }
    if ("garbage" in current) {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(current.garbage);
      return;
    }
    if (url.searchParams.get("format")?.toLowerCase() !== "json") {
      res.writeHead(200, { "content-type": "application/xml" }).end("<Recalls></Recalls>");
      return;
    }
    const since = url.searchParams.get("LastPublishDateStart");
    const recalls = current.recalls.filter((r) => {
      if (!since) return true;
      const published = String((r as { LastPublishDate?: unknown }).LastPublishDate ?? "").slice(0, 10);
      return published >= since.slice(0, 10);
    });
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(recalls));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  let closed = false;
  const close = () =>
    closed
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          closed = true;
          server.closeAllConnections();
          server.close(() => resolve());
        });
  after(close);
  return {
    url: `http://127.0.0.1:${port}/RestWebServices/Recall`,
    requests,
    answer(with_) {
      current =
        "fixture" in with_
          ? { recalls: JSON.parse(readFileSync(with_.fixture, "utf8")) as unknown[] }
          : (with_ as typeof current);
    },
    close,
  };
}
