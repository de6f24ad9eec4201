import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { describe, test } from "node:test";
import { REDIS_SKIP_REASON, redisReachable, TEST_REDIS_URL } from "@honeydue/testkit";
import { Redis } from "ioredis";
import { createMemoryCounter, createRedisCounter } from "../src/accounts/throttle.ts";
import { signUp, startTestApi, type TestApi } from "./support.ts";

const PASSWORD = "correct horse battery";
const ACCOUNT_LIMIT = 3;
const IP_LIMIT = 6;
const env = {
  LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR: String(ACCOUNT_LIMIT),
  LOGIN_FAILURES_PER_IP_PER_HOUR: String(IP_LIMIT),
};
const uniqueEmail = () => `throttle-${randomBytes(5).toString("hex")}@example.com`;
// Random addresses keep runs apart in a shared Redis (its windows outlive a test run).
const uniqueIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

function loginFrom(api: TestApi, ip: string, email: string, password: string) {
  return api.app.inject({
    method: "POST",
    url: "/v1/auth/login",
    payload: { email, password },
    remoteAddress: ip,
  });
}

/** Fails as many sign-ins as the account limit allows, each from another address (the limit is per account). */
async function failUpToAccountLimit(api: TestApi, email: string) {
  for (let i = 0; i < ACCOUNT_LIMIT; i++) {
    assert.equal((await loginFrom(api, uniqueIp(), email, "wrong password")).statusCode, 401);
  }
}

function assert429(res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  assert.equal(res.statusCode, 429, res.body);
  assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
  const retryAfter = Number(res.headers["retry-after"]);
  assert.ok(retryAfter > 0 && retryAfter <= 3600, `Retry-After ${res.headers["retry-after"]}`);
}

// APIs are started at file level: one started inside a test would be closed when that test ends.
const memoryApi = await startTestApi({ env, smtp: true });
const redisUp = await redisReachable();
const redisApis = redisUp
  ? [
      await startTestApi({ env, redis: true, smtp: true }),
      await startTestApi({ env, redis: true, smtp: true }),
    ]
  : [];
// Two APIs on the same Redis under different REDIS_KEY_PREFIXes, connected as production connects.
const keyPrefixes = [0, 1].map(() => `honeydue-test:${randomBytes(6).toString("hex")}:`);
const prefixedApis: TestApi[] = [];
for (const prefix of redisUp ? keyPrefixes : [])
  prefixedApis.push(
    await startTestApi({ env: { ...env, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix } }),
  );

/** The same behaviour, whichever counter backs the API. */
function throttleSuite(api: TestApi) {
  test("failed sign-ins are limited per account: past the limit even the right password gets 429", async () => {
    const email = uniqueEmail();
    await signUp(api, { email, password: PASSWORD, name: "T" });
    await failUpToAccountLimit(api, email);
    assert429(await loginFrom(api, uniqueIp(), email, PASSWORD));
    assert429(await loginFrom(api, uniqueIp(), email.toUpperCase(), PASSWORD));
    // Another account from the same kind of address is not affected.
    const other = uniqueEmail();
    assert.equal((await loginFrom(api, uniqueIp(), other, "wrong password")).statusCode, 401);
  });

  test("a successful sign-in clears the account's failures", async () => {
    const email = uniqueEmail();
    await signUp(api, { email, password: PASSWORD, name: "T" });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) {
        assert.equal((await loginFrom(api, uniqueIp(), email, "wrong password")).statusCode, 401);
      }
      assert.equal((await loginFrom(api, uniqueIp(), email, PASSWORD)).statusCode, 200);
    }
  });

  test("failed sign-ins are limited per IP address across accounts", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < IP_LIMIT; i++) {
      assert.equal((await loginFrom(api, ip, uniqueEmail(), "wrong password")).statusCode, 401);
    }
    assert429(await loginFrom(api, ip, uniqueEmail(), "wrong password"));
    // Another address is still served.
    assert.equal((await loginFrom(api, uniqueIp(), uniqueEmail(), "wrong password")).statusCode, 401);
  });
}

describe("in-memory throttle", () => {
  throttleSuite(memoryApi);
});

describe("Redis throttle", { skip: redisUp ? false : REDIS_SKIP_REASON }, () => {
  if (!redisUp) return;
  throttleSuite(redisApis[0]!);

  test("the limit is shared by every API process using the same Redis", async () => {
    const [one, two] = redisApis as [TestApi, TestApi];
    const email = uniqueEmail();
    await failUpToAccountLimit(one, email);
    assert429(await loginFrom(two, uniqueIp(), email, "wrong password"));
  });

  test("REDIS_KEY_PREFIX keeps an API's counters apart from another environment's on the same Redis", async () => {
    const [one, two] = prefixedApis as [TestApi, TestApi];
    const email = uniqueEmail();
    await failUpToAccountLimit(one, email);
    assert429(await loginFrom(one, uniqueIp(), email, "wrong password"));
    assert.equal((await loginFrom(two, uniqueIp(), email, "wrong password")).statusCode, 401);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const [ours, theirs] = await Promise.all(keyPrefixes.map((prefix) => redis.keys(`${prefix}*`)));
      assert.ok(ours!.length > 0, "the first API's counters are under its prefix");
      assert.ok(theirs!.length > 0, "the second API's counter is under its own prefix");
    } finally {
      redis.disconnect();
    }
  });

  test("the Redis counter counts within a window that starts at the first failure and then expires", async () => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const prefix = `honeydue-test:${randomBytes(6).toString("hex")}:`;
      const counter = createRedisCounter(redis, 60_000, prefix);
      assert.deepEqual(await counter.peek("k"), { count: 0, resetInMs: 0 });
      const first = await counter.hit("k");
      assert.equal(first.count, 1);
      assert.ok(first.resetInMs > 0 && first.resetInMs <= 60_000);
      assert.equal((await counter.hit("k")).count, 2);
      assert.equal((await counter.peek("k")).count, 2);
      // The window is not extended by later failures.
      assert.ok((await redis.pttl(`${prefix}k`)) <= first.resetInMs);
      await counter.clear("k");
      assert.equal((await counter.peek("k")).count, 0);
      // An expired window starts over.
      await counter.hit("gone");
      await redis.pexpire(`${prefix}gone`, 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal((await counter.hit("gone")).count, 1);
      await redis.del(`${prefix}gone`);
    } finally {
      redis.disconnect();
    }
  });
});

test("the in-memory counter's window starts at the first failure and expires", async () => {
  let now = 1_000_000;
  const counter = createMemoryCounter(60_000, () => now);
  assert.equal((await counter.hit("k")).count, 1);
  now += 30_000;
  const second = await counter.hit("k");
  assert.deepEqual(second, { count: 2, resetInMs: 30_000 });
  now += 30_000;
  assert.deepEqual(await counter.peek("k"), { count: 0, resetInMs: 0 });
  assert.equal((await counter.hit("k")).count, 1);
});
