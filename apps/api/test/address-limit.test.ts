import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { redisReachable } from "@honeydue/testkit";
import { addressBucket } from "../src/http/address-limit.ts";
import { createUser } from "./fixtures.ts";
import { startTestApi, type TestApi } from "./support.ts";

// The per-address global limit of unauthenticated routes: counted per real client address (TRUST_PROXY),
// 429 + Retry-After as problem+json past the limit; routes that need a token are not counted.
const LIMIT = 5;
const env = { UNAUTHENTICATED_REQUESTS_PER_IP_PER_MINUTE: String(LIMIT), TRUST_PROXY: "loopback" };

/** A documentation address (RFC 5737) no other test uses, so the buckets are this test's own. */
const address = () => `198.51.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

/** A request through a trusted proxy on loopback, for the client `client`. */
const anonymous = (api: TestApi, client: string, url = "/v1/unsubscribe/not-a-valid-token-at-all") =>
  api.app.inject({ method: "GET", url, remoteAddress: "127.0.0.1", headers: { "x-forwarded-for": client } });

async function exhaust(api: TestApi, client: string) {
  for (let i = 0; i < LIMIT; i++) assert.equal((await anonymous(api, client)).statusCode, 404);
}

function assertLimited(res: Awaited<ReturnType<typeof anonymous>>) {
  assert.equal(res.statusCode, 429, res.body);
  assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
  assert.equal(res.json().status, 429);
  const retryAfter = Number(res.headers["retry-after"]);
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${res.headers["retry-after"]}`);
}

test("memory: past the limit an address gets 429 + Retry-After; others and signed-in routes are not affected", async () => {
  const api = await startTestApi({ env });
  const client = address();
  await exhaust(api, client);
  assertLimited(await anonymous(api, client));
  // Unknown paths and sign-in count too (everything open without a token), for this address only.
  assertLimited(await anonymous(api, client, "/v1/no-such-route"));
  const login = await api.app.inject({
    method: "POST",
    url: "/v1/auth/login",
    remoteAddress: "127.0.0.1",
    headers: { "x-forwarded-for": client },
    payload: { email: "nobody@example.test", password: "wrong password here" },
  });
  assertLimited(login);
  assert.equal((await anonymous(api, address())).statusCode, 404, "another address has its own budget");
  // A route that needs a token is not counted, and a bogus Authorization header frees nothing.
  const user = await createUser(api.deps);
  const me = await api.app.inject({
    method: "GET",
    url: "/v1/me",
    remoteAddress: "127.0.0.1",
    headers: { "x-forwarded-for": client, ...user.auth },
  });
  assert.equal(me.statusCode, 200);
  const bogus = await api.app.inject({
    method: "GET",
    url: "/v1/unsubscribe/not-a-valid-token-at-all",
    remoteAddress: "127.0.0.1",
    headers: { "x-forwarded-for": client, authorization: "Bearer forged" },
  });
  assertLimited(bogus);
  // Probes are never limited.
  const ready = await api.app.inject({
    method: "GET",
    url: "/livez",
    remoteAddress: "127.0.0.1",
    headers: { "x-forwarded-for": client },
  });
  assert.equal(ready.statusCode, 200);
});

test("the address is the real client's: X-Forwarded-For from an untrusted peer is ignored", async () => {
  const api = await startTestApi({ env });
  const peer = address();
  // A client that is not a trusted proxy cannot pick its bucket by sending X-Forwarded-For.
  for (let i = 0; i < LIMIT; i++) {
    const res = await api.app.inject({
      method: "GET",
      url: "/v1/unsubscribe/not-a-valid-token-at-all",
      remoteAddress: peer,
      headers: { "x-forwarded-for": address() },
    });
    assert.equal(res.statusCode, 404);
  }
  assertLimited(await anonymous(api, peer));
});

test("IPv6 clients are counted per /64; IPv4-mapped addresses as IPv4", async () => {
  assert.equal(addressBucket("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  assert.equal(addressBucket("2001:db8:1:2::ffff"), "2001:db8:1:2::/64");
  assert.equal(addressBucket("2001:0db8:0001:0002:0:0:0:1"), "2001:db8:1:2::/64");
  assert.equal(addressBucket("::1"), "0:0:0:0::/64");
  assert.equal(addressBucket("::ffff:192.0.2.4"), "192.0.2.4");
  assert.equal(addressBucket("192.0.2.4"), "192.0.2.4");
  const api = await startTestApi({ env });
  const prefix = `2001:db8:${randomBytes(2).toString("hex")}:1`;
  // Every request from another address of the same /64: one budget.
  for (let i = 0; i < LIMIT; i++) assert.equal((await anonymous(api, `${prefix}::${i + 1}`)).statusCode, 404);
  assertLimited(await anonymous(api, `${prefix}:ffff::9`));
  assert.equal(
    (await anonymous(api, `${prefix.slice(0, -1)}2::1`)).statusCode,
    404,
    "the next /64 is another client",
  );
});

test("Redis: API processes share one budget per address", async (t) => {
  if (!(await redisReachable())) {
    if (process.env.CI === "true") throw new Error("Redis is not reachable at 127.0.0.1:6379");
    return t.skip("Redis not reachable");
  }
  const [one, two] = [await startTestApi({ env, redis: true }), await startTestApi({ env, redis: true })];
  // Until a connection is ready the limiter counts in memory (its insurance): wait for both.
  for (const api of [one, two])
    for (let waited = 0; api.deps.redis!.status !== "ready"; waited += 20) {
      if (waited > 10_000) throw new Error(`the test Redis connection is ${api.deps.redis!.status}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  const client = address();
  for (let i = 0; i < LIMIT; i++) assert.equal((await anonymous(i % 2 ? one : two, client)).statusCode, 404);
  assertLimited(await anonymous(one, client));
  assertLimited(await anonymous(two, client));
  assert.equal((await anonymous(two, address())).statusCode, 404);
});
