import assert from "node:assert/strict";
import { test } from "node:test";
import { postgresReachable, startPostgresServer, startRedisServer } from "@honeydue/testkit";
import { createUser } from "./fixtures.ts";
import { signUp, startTestApi } from "./support.ts";

const until = async <T>(fn: () => Promise<T | false | undefined>, what: string, timeoutMs = 60_000) => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const metric = async (api: { deps: { metrics: { metrics(): Promise<string> } } }, line: RegExp) =>
  (await api.deps.metrics.metrics()).split("\n").find((l) => line.test(l));

test("Redis down: sign-in keeps answering (throttle in memory, said in a metric), /readyz is degraded, not 503", {
  timeout: 120_000,
}, async () => {
  const redis = await startRedisServer();
  const api = await startTestApi({ env: { REDIS_URL: redis.url }, smtp: true });
  const password = "correct horse battery staple";
  await signUp(api, { email: "outage@example.test", password, name: "Otto" });
  const signIn = (pw: string) =>
    api.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      payload: { email: "outage@example.test", password: pw },
    });
  await until(async () => api.deps.redis?.status === "ready", "the API's Redis connection");
  assert.equal((await signIn(password)).statusCode, 200);

  await redis.stop();
  await until(async () => api.deps.redis?.status !== "ready", "the API noticing Redis is gone");
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) statuses.push((await signIn(i % 2 ? password : "wrong password")).statusCode);
  assert.deepEqual([...new Set(statuses)].sort(), [200, 401], `no 5xx: ${statuses}`);
  assert.match((await metric(api, /^rate_limiter_fallback\{.*limiter="sign-in"/)) ?? "", / 1$/);
  assert.match((await metric(api, /^rate_limiter_fallback_total\{.*limiter="sign-in"/)) ?? "", / [1-9]\d*$/);
  // The connection's own errors have no caller: counted (and logged, rate-limited), never dropped.
  assert.match((await metric(api, /^background_errors_total\{.*source="redis-api"/)) ?? "", / [1-9]\d*$/);

  const ready = await api.app.inject({ method: "GET", url: "/readyz" });
  assert.equal(ready.statusCode, 200, ready.body);
  assert.equal(ready.json().status, "degraded");
  assert.deepEqual(ready.json().required, ["shutdown", "database", "migrations"]);
  assert.equal(ready.json().checks.find((c: { name: string }) => c.name === "redis").ok, false);

  await redis.start();
  await until(async () => api.deps.redis?.status === "ready", "the API's Redis connection back");
  assert.equal((await signIn(password)).statusCode, 200);
  assert.match((await metric(api, /^rate_limiter_fallback\{.*limiter="sign-in"/)) ?? "", / 0$/);
  const back = await api.app.inject({ method: "GET", url: "/readyz" });
  assert.equal(back.json().status, "ready");
});

test("PostgreSQL down: requests answer 503 `unavailable` with Retry-After, readiness fails, both recover", {
  skip: (await postgresReachable()) ? false : "needs the PostgreSQL server binaries",
  timeout: 180_000,
}, async () => {
  const pg = await startPostgresServer();
  const api = await startTestApi({ databaseUrl: pg.url });
  const user = await createUser(api.deps);
  const me = () => api.app.inject({ method: "GET", url: "/v1/me", headers: user.auth });
  assert.equal((await me()).statusCode, 200);

  await pg.stop("SIGKILL");
  const down = await me();
  assert.equal(down.statusCode, 503, down.body);
  assert.equal(down.headers["retry-after"], "5");
  assert.match(down.headers["content-type"] as string, /^application\/problem\+json/);
  assert.equal(down.json().type.endsWith("/unavailable"), true);
  const ready = await api.app.inject({ method: "GET", url: "/readyz" });
  assert.equal(ready.statusCode, 503);
  assert.equal(ready.json().status, "not-ready");
  // A reset request is answered before it is processed (202 whatever happens); its failure has no caller
  // left, so it is counted (and logged, rate-limited), never dropped.
  const forgot = await api.app.inject({
    method: "POST",
    url: "/v1/auth/forgot-password",
    payload: { email: user.email },
  });
  assert.equal(forgot.statusCode, 202, forgot.body);
  await until(
    async () =>
      /\s[1-9]\d*$/.test(
        (await metric(api, /^background_errors_total\{.*source="password-reset-request"/)) ?? "",
      ),
    "the failed reset request to be counted",
  );

  await pg.start();
  await until(async () => (await me()).statusCode === 200, "GET /v1/me answering again", 30_000);
  assert.equal((await api.app.inject({ method: "GET", url: "/readyz" })).statusCode, 200);
});
