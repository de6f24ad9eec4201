import Type from "typebox";
import { Url } from "./env.ts";

/**
 * Observability settings every process role reads: the bearer token of the metrics port and the
 * OpenTelemetry trace exporter (standard OTEL_* names, so the usual tooling and docs apply).
 */
export const observabilitySettingsSchema = Type.Object({
  METRICS_TOKEN: Type.Optional(
    Type.String({ minLength: 16, description: "Bearer token GET /metrics requires; unset = open" }),
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(
    Url({ description: "OTLP/HTTP base URL traces are exported to; unset = tracing off" }),
  ),
  OTEL_EXPORTER_OTLP_HEADERS: Type.Optional(
    Type.String({ description: "Exporter headers, k=v,k2=v2 (values URL-encoded)" }),
  ),
  OTEL_TRACES_SAMPLER_ARG: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 1,
    description: "Fraction of new traces sampled",
  }),
  OTEL_SERVICE_NAME: Type.Optional(Type.String({ minLength: 1, description: "service.name of the spans" })),
});

export interface MetricsSettings {
  host: string;
  /** 0 picks a free port (tests); the chosen one is logged at boot. */
  port: number;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  token: string | undefined;
}

export interface TracingSettings {
  serviceName: string;
  /** Unset: tracing stays off. */
  endpoint: string | undefined;
  headers: Record<string, string>;
  sampleRatio: number;
}

/** Parses OTEL_EXPORTER_OTLP_HEADERS ("k=v,k2=v2", values URL-decoded). */
export function parseOtlpHeaders(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (value ?? "").split(",")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const key = part.slice(0, i).trim();
    const raw = part.slice(i + 1).trim();
    let decoded = raw;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      // keep it as written
    }
    if (key) out[key] = decoded;
  }
  return out;
}

export function toTracingSettings(
  env: {
    OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
    OTEL_EXPORTER_OTLP_HEADERS?: string | undefined;
    OTEL_TRACES_SAMPLER_ARG: number;
    OTEL_SERVICE_NAME?: string | undefined;
  },
  defaultServiceName: string,
): TracingSettings {
  return {
    serviceName: env.OTEL_SERVICE_NAME ?? defaultServiceName,
    endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    headers: parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS),
    sampleRatio: env.OTEL_TRACES_SAMPLER_ARG,
  };
}
