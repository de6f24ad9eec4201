import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createMetrics } from "../src/metrics.ts";
import { bearerTokenMatches, type MetricsServer, startMetricsServer } from "../src/metrics-server.ts";

describe("metrics server without a token", () => {
  let server: MetricsServer;
  before(async () => {
    const m = createMetrics("api");
    m.startHttpRequest("GET")("/health", 200);
    server = await startMetricsServer({ port: 0, host: "127.0.0.1", registry: m.registry });
  });
  after(() => server.close());

  it("serves GET /metrics in the Prometheus text format", async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    assert.match(body, /http_requests_total\{method="GET",route="\/health",status_code="200",role="api"\} 1/);
    assert.match(body, /nodejs_eventloop_lag_seconds/);
  });

  it("answers 404 elsewhere and 405 for other methods", async () => {
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/metricsx`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/metrics`, { method: "POST" })).status, 405);
  });
});

describe("metrics server with a bearer token", () => {
  let server: MetricsServer;
  before(async () => {
    server = await startMetricsServer({
      port: 0,
      host: "127.0.0.1",
      bearerToken: ["new-token", "old-token"],
      registry: createMetrics("worker").registry,
    });
  });
  after(() => server.close());
  const url = () => `http://127.0.0.1:${server.port}/metrics`;

  it("refuses a missing or wrong token with 401 and WWW-Authenticate", async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: "Bearer nope" },
      { authorization: "Basic bmV3LXRva2Vu" },
    ]) {
      const res = await fetch(url(), { headers });
      assert.equal(res.status, 401);
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
      assert.doesNotMatch(await res.text(), /nodejs_/);
    }
  });

  it("accepts either token (rotation)", async () => {
    for (const token of ["new-token", "old-token"]) {
      const res = await fetch(url(), { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /role="worker"/);
    }
  });

  it("bearerTokenMatches rejects empty and prefix tokens", () => {
    assert.equal(bearerTokenMatches("Bearer ", ["a"]), false);
    assert.equal(bearerTokenMatches("Bearer new", ["new-token"]), false);
    assert.equal(bearerTokenMatches(undefined, ["x"]), false);
    assert.equal(bearerTokenMatches("bearer x", ["x"]), true);
  });
});
