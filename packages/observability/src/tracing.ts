/**
 * OpenTelemetry tracing for the API and the worker.
 *
 * - Spans for HTTP (node:http client+server), Fastify, PostgreSQL (pg) and Redis (ioredis).
 * - Exported over OTLP/HTTP (Jaeger v2 ingests it) only when an endpoint is set.
 * - ParentBased(TraceIdRatioBased(sampleRatio)) sampler: the API decides, the worker follows.
 * - injectTraceContext()/withExtractedContext() carry the W3C trace context through an
 *   outbox row and a BullMQ job so the worker's span is a child of the request.
 *
 * IMPORTANT: instrumentation patches modules when they are loaded, so startTracing()
 * must run BEFORE the entry point imports fastify/pg/ioredis. Call it from a tiny
 * entry file and load the application with a dynamic import afterwards:
 *
 *   const tracing = await startTracing(settings.tracing); // OTEL_* parsed once by @honeydue/config
 *   await import("./server.ts");
 *
 * Modules whose ESM named bindings of node:http were created before startTracing()
 * keep the unpatched functions (CJS require() and the default export are patched).
 * Outgoing fetch() (undici) is not instrumented.
 */
import { register } from "node:module";
import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanKind,
  SpanStatusCode,
  type TextMapPropagator,
  trace,
} from "@opentelemetry/api";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";
// The SDK, the exporter and the instrumentations (~70 MiB resident) are imported by startTracing() only
// when tracing is on: a process without an endpoint never loads them.

export interface TracingOptions {
  /** e.g. "honeydue-api", "honeydue-worker". */
  serviceName: string;
  serviceVersion?: string;
  /**
   * OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT), e.g. "https://obs.example" or
   * "http://127.0.0.1:4318"; "/v1/traces" is appended unless the URL already ends with it.
   * Without an endpoint (and without `spanProcessors`) tracing stays off.
   */
  endpoint?: string;
  /** Extra exporter headers, e.g. { authorization: "Bearer …" } for the obs nginx. */
  headers?: Record<string, string>;
  /** Fraction of new traces to sample, 0..1. Child spans follow their parent's decision. */
  sampleRatio: number;
  /** Extra span processors (tests: SimpleSpanProcessor(InMemorySpanExporter)). */
  spanProcessors?: SpanProcessor[];
  /** Replace the default instrumentations (http, fastify, pg, ioredis). */
  instrumentations?: Instrumentation[];
  /**
   * Register the import-in-the-middle ESM loader hook so ESM imports of the
   * instrumented modules get patched. Default true.
   */
  esmHook?: boolean;
}

export interface TracingHandle {
  /** False when no endpoint/processor was configured: nothing was started. */
  readonly enabled: boolean;
  /** Flushes pending spans. */
  forceFlush(): Promise<void>;
  /** Flushes and stops; call on SIGTERM after the server stopped accepting work. */
  shutdown(): Promise<void>;
}

/** W3C trace-context + baggage, used by the helpers regardless of the global propagator. */
export const w3cPropagator: TextMapPropagator = new CompositePropagator({
  propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
});

function clampRatio(ratio: number): number {
  if (!Number.isFinite(ratio)) return 1;
  return Math.min(1, Math.max(0, ratio));
}

export function tracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, "");
  return base.endsWith("/v1/traces") ? base : `${base}/v1/traces`;
}

export async function defaultInstrumentations(): Promise<Instrumentation[]> {
  const [
    { HttpInstrumentation },
    { FastifyInstrumentation },
    { PgInstrumentation },
    { IORedisInstrumentation },
  ] = await Promise.all([
    import("@opentelemetry/instrumentation-http"),
    import("@opentelemetry/instrumentation-fastify"),
    import("@opentelemetry/instrumentation-pg"),
    import("@opentelemetry/instrumentation-ioredis"),
  ]);
  return [
    new HttpInstrumentation({
      // Probes and scrapes are noise in every trace view.
      ignoreIncomingRequestHook: (req) => {
        const url = req.url ?? "";
        return url === "/metrics" || url.startsWith("/health") || url.startsWith("/ready");
      },
    }),
    new FastifyInstrumentation(),
    new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
    new IORedisInstrumentation({ requireParentSpan: true }),
  ];
}

let active: TracingHandle | undefined;
let esmHookRegistered = false;
/** Modules the default instrumentations patch when imported from ESM. */
const ESM_HOOKED_MODULES = [
  "http",
  "https",
  "node:http",
  "node:https",
  "pg",
  "pg-pool",
  "ioredis",
  "fastify",
];

export async function startTracing(options: TracingOptions): Promise<TracingHandle> {
  if (active?.enabled) {
    throw new Error("startTracing() called twice; call shutdown() on the previous handle first");
  }
  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (options.endpoint) {
    const { BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    processors.push(
      new BatchSpanProcessor(
        new OTLPTraceExporter({ url: tracesUrl(options.endpoint), headers: options.headers ?? {} }),
      ),
    );
  }
  if (processors.length === 0) {
    active = {
      enabled: false,
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    return active;
  }

  const [
    { NodeSDK },
    { ParentBasedSampler, TraceIdRatioBasedSampler },
    { resourceFromAttributes },
    semconv,
    iitm,
  ] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/semantic-conventions"),
    import("import-in-the-middle/register-hooks.mjs"),
  ]);
  const { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } = semconv;
  const instrumentations = options.instrumentations ?? (await defaultInstrumentations());
  if (options.esmHook !== false && !esmHookRegistered) {
    // ESM loader hook intercepting only the instrumented packages (not every .ts
    // file of the app). Registered once per process. Prefer the in-thread
    // module.registerHooks() variant (Node >= 24.11.1).
    if (iitm.supportsSyncHooks()) {
      iitm.register({ include: ESM_HOOKED_MODULES });
    } else {
      register("import-in-the-middle/hook.mjs", import.meta.url, { data: { include: ESM_HOOKED_MODULES } });
    }
    esmHookRegistered = true;
  }

  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
    }),
    serviceName: options.serviceName,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(clampRatio(options.sampleRatio)) }),
    spanProcessors: processors,
    textMapPropagator: w3cPropagator,
    instrumentations,
    // Traces only: metrics go through prom-client, logs through pino/stdout.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();

  let stopped = false;
  active = {
    enabled: true,
    forceFlush: async () => {
      await Promise.all(processors.map((p) => p.forceFlush()));
    },
    shutdown: async () => {
      if (stopped) return;
      stopped = true;
      await sdk.shutdown();
      for (const i of instrumentations) i.disable();
      trace.disable();
      context.disable();
      propagation.disable();
      active = undefined;
    },
  };
  return active;
}

/**
 * The current trace context (W3C `traceparent`, `tracestate`, `baggage`) as a plain
 * object, ready to be stored in an outbox row or BullMQ job data. Empty when there
 * is no active span.
 */
export function injectTraceContext(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  w3cPropagator.inject(ctx, carrier, {
    set: (c, key, value) => {
      c[key] = String(value);
    },
  });
  return carrier;
}

/** Context continuing the trace stored in `carrier` (ROOT-based; tolerant of null/garbage). */
export function extractTraceContext(carrier: unknown): Context {
  if (carrier === null || typeof carrier !== "object") return ROOT_CONTEXT;
  const c = carrier as Record<string, unknown>;
  return w3cPropagator.extract(ROOT_CONTEXT, c, {
    keys: (o) => Object.keys(o),
    get: (o, key) => {
      const v = o[key];
      return typeof v === "string" ? v : undefined;
    },
  });
}

/**
 * Runs `fn` with the trace context from `carrier` as the active context, so spans
 * started inside (e.g. the worker's job span) become children of the remote span.
 */
export function withExtractedContext<T>(carrier: unknown, fn: () => T): T {
  return context.with(extractTraceContext(carrier), fn);
}

const tracer = () => trace.getTracer("@honeydue/observability");

/**
 * Runs `fn` inside a new active span; records exceptions and ends the span.
 * Use for the worker's job span (kind CONSUMER) and the outbox relay (kind PRODUCER).
 */
export async function withSpan<T>(
  name: string,
  fn: (span: Span) => Promise<T> | T,
  options: { kind?: SpanKind; attributes?: Record<string, string | number | boolean> } = {},
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { kind: options.kind, attributes: options.attributes },
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: err instanceof Error ? err.message : String(err),
        });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** Trace and span id of the active span (for log lines), or undefined. */
export function currentTraceIds(): { traceId: string; spanId: string; sampled: boolean } | undefined {
  const sc = trace.getSpanContext(context.active());
  if (!sc || !trace.isSpanContextValid(sc)) return undefined;
  return { traceId: sc.traceId, spanId: sc.spanId, sampled: (sc.traceFlags & 1) === 1 };
}

/**
 * pino `mixin` adding `trace_id` / `span_id` of the active span to every log line
 * (the field names the log shipper and Grafana's trace links expect).
 */
export function traceLogMixin(): { trace_id?: string; span_id?: string } {
  const ids = currentTraceIds();
  return ids ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
}
