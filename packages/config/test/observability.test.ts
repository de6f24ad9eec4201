import assert from "node:assert/strict";
import { test } from "node:test";
import { loadApiSettings, loadWorkerSettings, parseOtlpHeaders, SettingsError } from "@honeydue/config";

const base = { DATA_DIR: "/tmp/honeydue-config-test", AUTH_SECRET: "x".repeat(40) };

test("metrics and tracing settings: defaults per role, OTEL_* parsed once into typed settings", () => {
  const api = loadApiSettings(base);
  assert.deepEqual(api.metrics, { host: "127.0.0.1", port: 9464, token: undefined });
  assert.deepEqual(api.tracing, {
    serviceName: "honeydue-api",
    endpoint: undefined,
    headers: {},
    sampleRatio: 1,
  });

  const worker = loadWorkerSettings({
    ...base,
    REDIS_URL: "redis://127.0.0.1:6379",
    WORKER_HEALTH_HOST: "0.0.0.0",
    METRICS_TOKEN: "a-metrics-token-of-some-length",
    OTEL_EXPORTER_OTLP_ENDPOINT: "https://obs.example.com",
    OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20abc, x-tenant=honeydue",
    OTEL_TRACES_SAMPLER_ARG: "0.25",
  });
  // The worker serves /metrics on its health port.
  assert.deepEqual(worker.metrics, { host: "0.0.0.0", port: 9465, token: "a-metrics-token-of-some-length" });
  assert.deepEqual(worker.tracing, {
    serviceName: "honeydue-worker",
    endpoint: "https://obs.example.com",
    headers: { authorization: "Bearer abc", "x-tenant": "honeydue" },
    sampleRatio: 0.25,
  });
  assert.equal(
    loadApiSettings({ ...base, OTEL_SERVICE_NAME: "honeydue-api-canary" }).tracing.serviceName,
    "honeydue-api-canary",
  );
  assert.equal(loadApiSettings({ ...base, METRICS_PORT: "0" }).metrics.port, 0);
});

test("bad observability settings name the variable", () => {
  for (const [variable, value] of [
    ["OTEL_TRACES_SAMPLER_ARG", "1.5"],
    ["OTEL_TRACES_SAMPLER_ARG", "half"],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", "obs.example.com"],
    ["METRICS_TOKEN", "short"],
    ["METRICS_PORT", "70000"],
  ] as const) {
    assert.throws(
      () => loadApiSettings({ ...base, [variable]: value }),
      (error: unknown) => error instanceof SettingsError && error.variables.includes(variable),
      `${variable}=${value}`,
    );
  }
});

test("malformed OTLP header pairs are ignored", () => {
  assert.deepEqual(parseOtlpHeaders("bad,=x"), {});
  assert.deepEqual(parseOtlpHeaders("authorization=Bearer%20abc,x=1"), {
    authorization: "Bearer abc",
    x: "1",
  });
});
