// Span kinds for withSpan() callers that do not depend on @opentelemetry/api themselves.
export { SpanKind } from "@opentelemetry/api";
export * from "./error-sink.ts";
export * from "./logger.ts";
export * from "./metrics.ts";
export * from "./metrics-server.ts";
export * from "./tracing.ts";
