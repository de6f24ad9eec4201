import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { context, ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import {
  currentTraceIds,
  extractTraceContext,
  injectTraceContext,
  startTracing,
  type TracingHandle,
  traceLogMixin,
  tracesUrl,
  withExtractedContext,
  withSpan,
} from "../src/tracing.ts";
import { type OtlpReceiver, startOtlpReceiver } from "./otlp-receiver.ts";

describe("tracing options", () => {
  it("builds the traces URL from the endpoint (OTEL_* are parsed by @honeydue/config)", () => {
    assert.equal(tracesUrl("http://127.0.0.1:4318/"), "http://127.0.0.1:4318/v1/traces");
    assert.equal(tracesUrl("https://obs.example/v1/traces"), "https://obs.example/v1/traces");
  });

  it("stays off without an endpoint", async () => {
    const handle = await startTracing({ serviceName: "t", sampleRatio: 1 });
    assert.equal(handle.enabled, false);
    await handle.shutdown();
  });

  it("tolerates garbage carriers", () => {
    for (const c of [null, undefined, 42, "x", {}, { traceparent: "garbage" }, { traceparent: 7 }]) {
      assert.equal(trace.getSpanContext(extractTraceContext(c)), undefined);
    }
  });
});

describe("tracing with the SDK", () => {
  const exporter = new InMemorySpanExporter();
  let handle: TracingHandle;
  before(async () => {
    handle = await startTracing({
      serviceName: "honeydue-test",
      sampleRatio: 1,
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
  });
  after(() => handle.shutdown());

  it("round-trips a trace context through a JSON carrier (outbox row / job data)", async () => {
    let carrier: Record<string, string> = {};
    let parent: { traceId: string; spanId: string } | undefined;
    await withSpan("POST /tasks", async () => {
      parent = currentTraceIds();
      assert.deepEqual(traceLogMixin(), { trace_id: parent?.traceId, span_id: parent?.spanId });
      carrier = JSON.parse(JSON.stringify(injectTraceContext()));
    });
    assert.ok(parent);
    assert.match(carrier.traceparent ?? "", /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.equal(carrier.traceparent, `00-${parent.traceId}-${parent.spanId}-01`);

    // "Worker side": a new span in the extracted context is a child of the request span.
    await context.with(ROOT_CONTEXT, () =>
      withExtractedContext(carrier, () =>
        withSpan("job email/send-email", async () => {}, { kind: SpanKind.CONSUMER }),
      ),
    );
    await handle.forceFlush();
    const job = exporter.getFinishedSpans().find((s) => s.name === "job email/send-email");
    assert.ok(job);
    assert.equal(job.spanContext().traceId, parent.traceId);
    assert.equal(job.parentSpanContext?.spanId, parent.spanId);
    assert.equal(job.kind, SpanKind.CONSUMER);
  });

  it("injects nothing without an active span", () => {
    assert.deepEqual(
      context.with(ROOT_CONTEXT, () => injectTraceContext()),
      {},
    );
  });

  it("records exceptions on withSpan failures", async () => {
    await assert.rejects(
      withSpan("boom", async () => {
        throw new Error("nope");
      }),
      /nope/,
    );
    await handle.forceFlush();
    const span = exporter.getFinishedSpans().find((s) => s.name === "boom");
    assert.equal(span?.status.code, 2);
    assert.equal(span?.events[0]?.name, "exception");
  });

  it("creates HTTP server and client spans and propagates traceparent", async () => {
    exporter.reset();
    // node:http was loaded (by this file) before startTracing(): its ESM named
    // bindings are the originals, the default export is the patched CJS object.
    const http = (await import("node:http")).default;
    let seen: string | undefined;
    const server = http.createServer((req, res) => {
      seen = req.headers.traceparent as string | undefined;
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    await withSpan("outer", async () => {
      await new Promise<void>((resolve, reject) => {
        http
          .get(`http://127.0.0.1:${port}/tasks`, (res) => {
            res.resume();
            res.on("end", resolve);
          })
          .on("error", reject);
      });
    });
    await new Promise<void>((r) => server.close(() => r()));
    await handle.forceFlush();
    const spans = exporter.getFinishedSpans();
    const kinds = spans.map((s) => s.kind);
    assert.ok(kinds.includes(SpanKind.SERVER), `no server span in ${spans.map((s) => s.name)}`);
    assert.ok(kinds.includes(SpanKind.CLIENT), `no client span in ${spans.map((s) => s.name)}`);
    assert.match(seen ?? "", /^00-/);
    assert.equal(new Set(spans.map((s) => s.spanContext().traceId)).size, 1);
  });
});

describe("OTLP/HTTP export", () => {
  let receiver: OtlpReceiver;
  let handle: TracingHandle;
  before(async () => {
    receiver = await startOtlpReceiver();
    handle = await startTracing({
      serviceName: "honeydue-export-test",
      endpoint: receiver.url,
      headers: { authorization: "Bearer obs-token" },
      sampleRatio: 1,
      instrumentations: [],
    });
  });
  after(async () => {
    await handle.shutdown();
    await receiver.close();
  });

  it("exports spans to <endpoint>/v1/traces with the configured headers, parent links intact", async () => {
    assert.equal(handle.enabled, true);
    let carrier: Record<string, string> = {};
    await withSpan("POST /tasks", async () => {
      carrier = injectTraceContext();
    });
    await context.with(ROOT_CONTEXT, () =>
      withExtractedContext(carrier, () =>
        withSpan("job email/send-email", async () => {}, { kind: SpanKind.CONSUMER }),
      ),
    );
    await handle.forceFlush();
    const job = await receiver.waitForSpan((s) => s.name === "job email/send-email");
    const request = await receiver.waitForSpan((s) => s.name === "POST /tasks");
    assert.equal(job.traceId, request.traceId);
    assert.equal(job.parentSpanId, request.spanId);
    assert.equal(job.serviceName, "honeydue-export-test");
    assert.equal(job.kind, 5); // OTLP SPAN_KIND_CONSUMER (the OTel JS enum value + 1)
    const req = receiver.requests().find((r) => r.path === "/v1/traces");
    assert.equal(req?.headers.authorization, "Bearer obs-token");
  });

  it("samples nothing new at ratio 0 but follows a sampled parent", async () => {
    await handle.shutdown();
    handle = await startTracing({
      serviceName: "ratio-zero",
      sampleRatio: 0,
      spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
      instrumentations: [],
    });
    await withSpan("root", async () => {
      assert.equal(currentTraceIds()?.sampled, false);
    });
    const carrier = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
    await withExtractedContext(carrier, () =>
      withSpan("child", async () => {
        assert.equal(currentTraceIds()?.sampled, true);
        assert.equal(currentTraceIds()?.traceId, "0af7651916cd43dd8448eb211c80319c");
      }),
    );
  });
});
