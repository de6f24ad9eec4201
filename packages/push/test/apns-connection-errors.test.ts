import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { createServer, type Socket } from "node:net";
import { after, test } from "node:test";
import { createErrorSink, createMetrics } from "@honeydue/observability";
import { exportPKCS8, generateKeyPair } from "jose";
import { createApnsClient } from "../src/apns.ts";

// Issue 16 item 8: an error of the APNs HTTP/2 connection itself (here: a server that is no TLS server and
// hangs up) is no longer dropped: the connection's 'error' event reaches the worker's error sink, which
// logs it (rate-limited) and counts it in background_errors_total{source}; the push in flight fails
// retryably.
test("an APNs connection error reaches the error sink: logged and counted; the send fails retryably", async () => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.end("this is not TLS\r\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const port = (server.address() as AddressInfo).port;

  const metrics = createMetrics("worker", { defaultMetrics: false });
  const logged: { obj: Record<string, unknown>; msg: string }[] = [];
  const log = { warn: (obj: Record<string, unknown>, msg: string) => logged.push({ obj, msg }) };
  const sink = createErrorSink({ source: "apns-connection", log: log as never, metrics });
  const keys = await generateKeyPair("ES256", { extractable: true });
  const client = createApnsClient({
    teamId: "TEAM123456",
    keyId: "KEY1234567",
    privateKey: await exportPKCS8(keys.privateKey),
    bundleId: "app.honeydue.test",
    url: `https://127.0.0.1:${port}`,
    timeoutMs: 10_000,
    onError: sink,
  });
  after(() => client.close());

  const result = await client.send("a".repeat(64), { title: "Due today", body: "Change the filter" });
  assert.equal(result.status, "failed");
  assert.equal((result as { retry?: boolean }).retry, true);
  for (let i = 0; i < 200 && logged.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(logged.length, 1, "one log line");
  assert.equal(logged[0]!.obj.source, "apns-connection");
  assert.ok(logged[0]!.obj.err instanceof Error);
  const text = await metrics.metrics();
  assert.match(text, /background_errors_total\{[^}]*source="apns-connection"[^}]*\} [1-9]/);
});
